package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/input"
	"taxhall/internal/uploads"
)

// attachBodyMax bounds a form with one optional attachment: the file and
// the form's text.
const attachBodyMax = uploads.MaxSize + 256<<10

// formWithFile reads a form that may carry one file in the part named
// field: a multipart body is read here (its text fields checked at the
// edge like any form and put in r.PostForm, so a failed form keeps them);
// a plain form has no file. The file is nil when none was chosen.
func formWithFile(r *http.Request, field string) (*uploads.Incoming, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errMalformed
	}
	vals := url.Values{}
	var file *uploads.Incoming
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return nil, errTooLarge
			}
			return nil, errMalformed
		}
		if part.FormName() == field {
			data, err := io.ReadAll(io.LimitReader(part, uploads.MaxSize+1))
			if err != nil {
				return nil, errTooLarge
			}
			if part.FileName() != "" || len(data) > 0 {
				file = &uploads.Incoming{Name: part.FileName(), Data: data}
			}
			continue
		}
		v, err := io.ReadAll(io.LimitReader(part, int64(input.MaxValue)*4+1))
		if err != nil {
			return nil, errMalformed
		}
		vals.Add(part.FormName(), string(v))
	}
	if input.Values(vals, input.MaxValue) != nil {
		return nil, errBadText
	}
	r.PostForm = vals
	return file, nil
}

// serveAttachment sends the file named by the {file} path value, which
// open reads for the case the handler has already loaded for the actor.
func serveAttachment(w http.ResponseWriter, r *http.Request, open func(id int64) (*uploads.Upload, []byte, error)) error {
	id, err := strconv.ParseInt(r.PathValue("file"), 10, 64)
	if err != nil || id <= 0 {
		return errNotFound
	}
	u, data, err := open(id)
	if err != nil {
		return err
	}
	uploads.Write(w, u, data)
	return nil
}
