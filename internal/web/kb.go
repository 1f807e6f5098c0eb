package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/kb"
)

// The 12366 knowledge base (知识库): the public search and entry page; the
// staff list, new/edit form, review and archive; Excel import and export.

var (
	kbView          = newView[kbPage]("kb.html")
	kbEntryView     = newView[kbEntryPage]("kb_entry.html")
	staffKBView     = newView[staffKBPage]("staff_kb.html")
	staffKBFormView = newView[staffKBFormPage]("staff_kb_form.html")
)

type kbPage struct {
	basePage
	Q, TaxType string
	TaxTypes   []Option
	Searched   bool
	Results    kb.Results
	Page       int
	PrevURL    string
	NextURL    string
	Examples   []string
}

type kbEntryPage struct {
	basePage
	E *kb.Entry
}

type staffKBPage struct {
	basePage
	State    string
	Items    []*kb.Entry
	NextURL  string
	Problems []kb.Problem
	CanWrite bool
}

type staffKBFormPage struct {
	basePage
	E         *kb.Entry // nil for a new entry
	TaxTypes  []Option
	Action    string
	CanReview bool
	CanWrite  bool
}

// kbExamples are searches offered on the knowledge-base page.
var kbExamples = []string{"小规模 免征增值税", "六税两费", "住房租金 扣除", "跨区域涉税事项", "印花税 买卖合同"}

func kbTaxTypeOptions() []Option {
	var out []Option
	for _, t := range kb.TaxTypes {
		out = append(out, Option{t.Code, t.Name})
	}
	return out
}

func (s *Server) kbIndex(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	p := &kbPage{basePage: basePage{Title: "12366知识库"}, Q: strings.TrimSpace(qv.Get("q")), TaxType: qv.Get("tax_type"),
		TaxTypes: kbTaxTypeOptions(), Examples: kbExamples}
	if p.TaxType != "" && kb.TaxTypeName(p.TaxType) == p.TaxType {
		p.TaxType = ""
	}
	if p.Q == "" {
		return kbView.ok(s, w, r, p)
	}
	p.Page, _ = strconv.Atoi(qv.Get("page"))
	p.Page = min(max(p.Page, 0), 20)
	res, err := s.KB.Search(r.Context(), p.Q, p.TaxType, p.Page, kb.PageSize)
	if err != nil {
		if fields, ok := invalid(err); ok {
			p.Errors = fields
			return kbView.ok(s, w, r, p)
		}
		return err
	}
	p.Title, p.Searched, p.Results = "“"+p.Q+"”的知识库检索结果", true, res
	link := func(page int) string {
		v := url.Values{"q": {p.Q}}
		if p.TaxType != "" {
			v.Set("tax_type", p.TaxType)
		}
		if page > 0 {
			v.Set("page", strconv.Itoa(page))
		}
		return "/kb?" + v.Encode()
	}
	if p.Page > 0 {
		p.PrevURL = link(p.Page - 1)
	}
	if res.More && p.Page < 20 {
		p.NextURL = link(p.Page + 1)
	}
	markSearch(w, "kb", len(res.Hits))
	return kbView.ok(s, w, r, p)
}

func (s *Server) kbShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	e, err := s.KB.Public(r.Context(), id)
	if err != nil {
		return err
	}
	return kbEntryView.ok(s, w, r, &kbEntryPage{basePage: basePage{Title: e.Question}, E: e})
}

func (s *Server) staffKB(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	pg, err := s.KB.List(r.Context(), q.Get("state"), after)
	if err != nil {
		return err
	}
	p := &staffKBPage{basePage: basePage{Title: "知识库管理"}, Items: pg.Items, State: q.Get("state"), CanWrite: kb.CanWrite(actorOf(r))}
	if p.State != kb.Published && p.State != kb.Archived {
		p.State = kb.Draft
	}
	if pg.Next != 0 {
		p.NextURL = "/staff/kb?state=" + url.QueryEscape(p.State) + "&after=" + strconv.FormatInt(pg.Next, 10)
	}
	return staffKBView.ok(s, w, r, p)
}

func (s *Server) staffKBFormPage(r *http.Request, e *kb.Entry) *staffKBFormPage {
	a := actorOf(r)
	p := &staffKBFormPage{basePage: basePage{Title: "新建知识库条目"}, E: e, TaxTypes: kbTaxTypeOptions(), Action: "/staff/kb/new",
		CanReview: kb.CanReview(a), CanWrite: kb.CanWrite(a)}
	if e != nil {
		p.Title, p.Action = "知识库条目 "+strconv.FormatInt(e.ID, 10), "/staff/kb/"+strconv.FormatInt(e.ID, 10)
		p.Form = url.Values{"question": {e.Question}, "answer": {e.Answer}, "tax_type": {e.TaxType}, "refs": {e.RefsText()},
			"valid_from": {e.ValidFrom}, "valid_to": {e.ValidTo}}
	}
	return p
}

func (s *Server) staffKBNew(w http.ResponseWriter, r *http.Request) error {
	p := s.staffKBFormPage(r, nil)
	p.Form = url.Values{"valid_from": {s.KB.Now().In(cst).Format("2006-01-02")}}
	return staffKBFormView.ok(s, w, r, p)
}

func kbInput(f url.Values) kb.Input {
	return kb.Input{Question: f.Get("question"), Answer: f.Get("answer"), TaxType: f.Get("tax_type"), Refs: f.Get("refs"),
		ValidFrom: f.Get("valid_from"), ValidTo: f.Get("valid_to")}
}

func (s *Server) staffKBCreate(w http.ResponseWriter, r *http.Request) error {
	e, err := s.KB.Create(r.Context(), kbInput(r.PostForm))
	if err != nil {
		return staffKBFormView.formError(s, w, r, err, s.staffKBFormPage(r, nil))
	}
	return s.redirect(w, r, "/staff/kb/"+strconv.FormatInt(e.ID, 10), "条目已保存，待其他审核人员审核后发布")
}

func (s *Server) staffKBEntry(r *http.Request) (*kb.Entry, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.KB.Get(r.Context(), id)
}

func (s *Server) staffKBShow(w http.ResponseWriter, r *http.Request) error {
	e, err := s.staffKBEntry(r)
	if err != nil {
		return err
	}
	return staffKBFormView.ok(s, w, r, s.staffKBFormPage(r, e))
}

func (s *Server) staffKBSave(w http.ResponseWriter, r *http.Request) error {
	e, err := s.staffKBEntry(r)
	if err != nil {
		return err
	}
	if err := s.KB.Update(r.Context(), e.ID, kbInput(r.PostForm)); err != nil {
		return staffKBFormView.formError(s, w, r, err, s.staffKBFormPage(r, e))
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/kb/"+strconv.FormatInt(e.ID, 10), "修改已保存，条目已转为待审核，审核通过后重新发布")
}

func (s *Server) staffKBAct(action string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		e, err := s.staffKBEntry(r)
		if err != nil {
			return err
		}
		msg := "条目已发布"
		if action == "archive" {
			err, msg = s.KB.Archive(r.Context(), e.ID), "条目已归档，公众不再可见"
		} else {
			err = s.KB.Approve(r.Context(), e.ID)
		}
		if err != nil {
			if c := apperr.CodeOf(err); c == apperr.Forbidden || c == apperr.Conflict {
				p := s.staffKBFormPage(r, e)
				p.Errors = map[string]string{"_": apperr.As(err).Message}
				staffKBFormView.render(s, w, r, apperr.Status(c), p)
				return nil
			}
			return err
		}
		s.bumpContent()
		return s.redirect(w, r, "/staff/kb/"+strconv.FormatInt(e.ID, 10), msg)
	}
}

func (s *Server) staffKBExport(w http.ResponseWriter, r *http.Request) error {
	var b bytes.Buffer
	if err := s.KB.Export(r.Context(), &b); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="kb.xlsx"`)
	_, err := w.Write(b.Bytes())
	return err
}

const kbImportBodyMax = kb.MaxImportBytes + 64<<10

func (s *Server) staffKBImport(w http.ResponseWriter, r *http.Request) error {
	refuse := func(status int, msg string, problems []kb.Problem) error {
		pg, err := s.KB.List(r.Context(), kb.Draft, 0)
		if err != nil {
			return err
		}
		p := &staffKBPage{basePage: basePage{Title: "知识库管理", Errors: map[string]string{"file": msg}}, State: kb.Draft, Items: pg.Items,
			Problems: problems, CanWrite: true}
		staffKBView.render(s, w, r, status, p)
		return nil
	}
	_, data, err := uploadedFile(r, "file")
	if err != nil {
		if errors.Is(err, errTooLarge) {
			return refuse(http.StatusRequestEntityTooLarge, "文件超过 8 MB，请分成多个文件导入", nil)
		}
		return refuse(http.StatusUnprocessableEntity, "请选择要导入的 Excel（.xlsx）文件", nil)
	}
	created, updated, err := s.KB.Import(r.Context(), data)
	var ie *kb.ImportError
	if errors.As(err, &ie) {
		return refuse(http.StatusUnprocessableEntity, ie.Error(), ie.Problems)
	}
	if fields, ok := invalid(err); ok {
		return refuse(http.StatusUnprocessableEntity, fields["file"], nil)
	}
	if err != nil {
		return err
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/kb", fmt.Sprintf("已导入：新增 %d 条，修改 %d 条，均待审核", created, updated))
}

// questionKB fills the knowledge-base suggestions of an agent's question
// page, and with ?use={id} the answer form with that entry's answer and
// references (no JavaScript needed to insert one).
func (s *Server) questionKB(r *http.Request, p *questionPage) error {
	if s.KB == nil || p.Q.State == "answered" {
		return nil
	}
	sg, err := s.KB.Suggest(r.Context(), p.Q.Subject, "", 5)
	if err != nil {
		return err
	}
	if len(sg.Entries) == 0 {
		if sg, err = s.KB.Suggest(r.Context(), p.Q.Subject+" "+p.Q.Body, "", 5); err != nil {
			return err
		}
	}
	p.KB = sg.Entries
	if id, err := strconv.ParseInt(r.URL.Query().Get("use"), 10, 64); err == nil && p.Mine {
		e, err := s.KB.Public(r.Context(), id)
		if err != nil {
			return err
		}
		text := e.Answer
		if len(e.Refs) > 0 {
			text += "\n\n政策依据："
			for _, ref := range e.Refs {
				text += "\n" + ref.Text
			}
		}
		p.Form = url.Values{"answer": {text}}
	}
	return nil
}
