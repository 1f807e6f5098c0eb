package uploads

import (
	"mime"
	"net/http"
	"strconv"
)

// Write sends a file: its sniffed Content-Type, a Content-Disposition with
// its name (inline for PDF and images so a browser shows them, attachment
// for workbooks), nosniff so no browser second-guesses the type, and a
// private cache policy (the file is someone's).
func Write(w http.ResponseWriter, u *Upload, data []byte) {
	h := w.Header()
	h.Set("Content-Type", u.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	disp := "attachment"
	if u.ContentType != Types[3].ContentType {
		disp = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": u.Filename}))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
