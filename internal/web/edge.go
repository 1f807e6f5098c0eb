package web

import (
	"errors"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/input"
)

// maxFormBytes bounds a form body. The largest form (enterprise
// registration) is a few kilobytes; without a bound ParseForm reads 10 MB.
const maxFormBytes = 1 << 20

var (
	errTooLarge  = apperr.New(apperr.TooLarge, "提交的内容过大，请精简后重新提交。")
	errMalformed = apperr.New(apperr.BadRequest, "提交的内容格式不正确，请返回后重新填写。")
	// The bad value is never echoed: it may be megabytes or bytes that
	// break the page.
	errBadText = apperr.New(apperr.BadRequest, "提交的内容含有无法识别的字符或超出长度限制，请检查后重新提交。")
)

// readForm parses the query and a form body of at most limit bytes
// (maxFormBytes when 0; a multipart body is left to the handler), and
// checks every name and value at the edge (valid UTF-8, no control
// characters, input.MaxValue characters; a search text input.MaxQuery), so
// handlers and services never see bad bytes: a body too large is 413,
// one that does not parse or holds bad text is 400.
func readForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	if limit <= 0 {
		limit = maxFormBytes
	}
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return errTooLarge
		}
		return errMalformed
	}
	if input.Values(r.Form, input.MaxValue) != nil {
		return errBadText
	}
	if q := r.Form["q"]; q != nil && input.Values(map[string][]string{"q": q}, input.MaxQuery) != nil {
		return errBadText
	}
	return nil
}
