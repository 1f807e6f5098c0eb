package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
	"taxhall/internal/uploads"
)

// Images and attachments of articles: the editor uploads them on the
// article's page (upload, then insert the image's tag into the body —
// with JavaScript a button inserts it at the cursor); the files are served
// at /info/files/{id}, publicly (cacheable, ETag) once the article is
// published, before that to the site's content staff only.

// fileMaxAge is how long a browser or CDN may keep a published article's
// file without asking (an archived article's files stop being served to
// new visitors at once, to caches within the hour).
const fileMaxAge = 3600

func init() {
	funcs["imgTag"] = cms.ImageTag
	funcs["fileURL"] = cms.FileURL
	funcs["taxTagOptions"] = func() []Option {
		var out []Option
		for _, t := range taxpayer.TaxTypes {
			out = append(out, Option{t.Code, t.Name})
		}
		return out
	}
	funcs["fileAccept"] = func(slot string) string {
		if slot == cms.SlotImage {
			return ".jpg,.jpeg,.png"
		}
		return ".pdf,.xlsx"
	}
}

// infoFile serves an article's file.
func (s *Server) infoFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, data, public, err := s.CMS.OpenFile(r.Context(), auth.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	if public {
		uploads.WritePublic(w, r, u, data, fileMaxAge)
	} else {
		uploads.Write(w, u, data)
	}
	return nil
}

// staffCMSUpload stores an uploaded image or attachment of the article and
// shows the article again: an image with the tag to insert into the body.
func (s *Server) staffCMSUpload(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	file, err := formWithFile(r, "file")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(r.Context())
	var name string
	var data []byte
	if file != nil {
		name, data = file.Name, file.Data
	}
	slot := r.PostForm.Get("kind")
	u, err := s.CMS.AddFile(r.Context(), a, id, slot, name, data)
	if err != nil {
		fields, ok := invalid(err)
		if !ok {
			if apperr.CodeOf(err) == apperr.Conflict {
				p, perr := s.articlePage(r, id)
				if perr != nil {
					return perr
				}
				p.Alert = apperr.As(err).Message
				s.render(w, r, http.StatusConflict, cmsArticleView.name, p)
				return nil
			}
			return err
		}
		p, perr := s.articlePage(r, id)
		if perr != nil {
			return perr
		}
		// The article's text stays in its form; the upload form keeps
		// its choice.
		p.Errors = fields
		p.Form["kind"] = []string{slot}
		s.render(w, r, http.StatusUnprocessableEntity, cmsArticleView.name, p)
		return nil
	}
	msg := "已上传附件“" + u.Filename + "”，发布后列在正文下方。"
	if slot == cms.SlotImage {
		msg = "已上传图片“" + u.Filename + "”。请把图片的插入代码粘贴到正文中需要的位置，然后保存。"
	}
	return s.redirect(w, r, "/staff/cms/articles/"+strconv.FormatInt(id, 10)+"#files", msg)
}
