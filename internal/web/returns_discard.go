package web

import (
	"fmt"
	"net/http"
	"net/url"

	"taxhall/internal/returns"
)

// Deleting a draft loses what colleagues may have typed over several days,
// so the 删除草稿 button of every form leads here (docs/design.md: a
// destructive action is guarded by a page, not by confirm()).

var returnDiscardView = newView[returnDiscardPage]("return_discard.html")

type returnDiscardPage struct {
	basePage
	Draft *returns.DraftInfo
	Back  string // the form the draft belongs to
}

func discardURL(form, period string) string {
	return "/hall/returns/discard?" + url.Values{"form": {form}, "period": {period}}.Encode()
}

// draftFormURL is where the draft is edited: the correction's form or the
// period's.
func draftFormURL(d *returns.DraftInfo) string {
	if d.CorrectionOf > 0 {
		return fmt.Sprintf("/hall/returns/%d/correct", d.CorrectionOf)
	}
	return fileURL(d.Form.Code, d.Key())
}

func (s *Server) hallDraftDiscardForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("form") == "" && q.Get("period") == "" {
		// The bare address (a reload after the deletion): nothing to confirm.
		return s.redirect(w, r, "/hall", "")
	}
	d, err := s.Returns.Draft(r.Context(), q.Get("form"), q.Get("period"))
	if err != nil {
		return err
	}
	return returnDiscardView.ok(s, w, r, &returnDiscardPage{basePage: basePage{Title: "确认删除草稿"}, Draft: d, Back: draftFormURL(d)})
}

func (s *Server) hallDraftDiscard(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	if err := s.Returns.DiscardDraft(r.Context(), f.Get("form"), f.Get("period")); err != nil {
		return err
	}
	return s.redirect(w, r, "/hall", "已删除草稿")
}
