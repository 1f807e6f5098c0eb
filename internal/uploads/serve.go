package uploads

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
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

// WritePublic sends a file anybody may read (a published article's image,
// a download): its ETag is the content's SHA-256, so a browser or a CDN
// that has it gets 304 Not Modified, and Cache-Control lets them keep it
// for maxAge seconds. The headers are otherwise those of Write.
func WritePublic(w http.ResponseWriter, r *http.Request, u *Upload, data []byte, maxAge int) {
	h := w.Header()
	etag := `"` + u.SHA256 + `"`
	h.Set("ETag", etag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(maxAge))
	h.Set("Last-Modified", u.CreatedAt.UTC().Format(http.TimeFormat))
	if inm := r.Header.Get("If-None-Match"); inm != "" && (strings.Contains(inm, etag) || inm == "*") {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", u.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
	disp := "attachment"
	if u.ContentType != Types[3].ContentType {
		disp = "inline"
	}
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": u.Filename}))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}
