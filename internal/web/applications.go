package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/input"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
)

// The taxpayer's side of the on-application items (依申请事项): the
// catalogue, the form of an item (with materials), the list of
// applications, one application with every node, withdrawal, correction
// and ratings.

// applyBodyMax bounds an application's multipart body: a few materials.
const applyBodyMax = 4*uploads.MaxSize + 256<<10

var (
	itemsView        = newView[itemsPage]("hall_items.html")
	applyView        = newView[applyPage]("hall_apply.html")
	applicationsView = newView[applicationsPage]("hall_applications.html")
	applicationView  = newView[applicationPage]("hall_application.html")
)

type itemsPage struct {
	basePage
	Categories []*workflow.Category
}

type applyPage struct {
	basePage
	Item   *workflow.Item
	App    *workflow.Application // the application being corrected, nil for a new one
	Action string
	Token  string
	Accept string
}

type applicationsPage struct {
	basePage
	Apps    []*workflow.Application
	NextURL string
}

type applicationPage struct {
	basePage
	App *workflow.Application
}

func (s *Server) hallItems(w http.ResponseWriter, r *http.Request) error {
	cats, err := s.Workflow.Catalogue(r.Context(), false)
	if err != nil {
		return err
	}
	return itemsView.ok(s, w, r, &itemsPage{basePage: basePage{Title: "依申请办税"}, Categories: cats})
}

// formFields builds the controls of an item's form, with the values typed
// (after an error) or stored (when correcting).
func formFields(p *basePage, it *workflow.Item, stored workflow.Values) []Field {
	var out []Field
	for _, fd := range it.Def.Fields {
		name := "f_" + fd.Name
		p.noteControl(name)
		v := p.Val(name)
		if p.Form == nil && stored != nil {
			v = fd.Input(stored[fd.Name])
		}
		f := Field{Name: name, Label: fd.Label, Type: "text", Value: v, Error: p.Err(name), Hint: fd.Hint, Required: fd.Required}
		switch fd.Type {
		case workflow.TypeDate:
			f.Type, f.Class = "date", "w-date"
		case workflow.TypeTextarea:
			f.Type = "textarea"
		case workflow.TypeSelect:
			f.Type = "select"
			for _, o := range fd.Options {
				f.Options = append(f.Options, Option{Value: o.Code, Label: o.Name})
			}
		case workflow.TypePhone:
			f.Type = "tel"
		}
		out = append(out, f)
	}
	for _, m := range it.Def.Materials {
		p.noteControl("m_" + m.Code)
	}
	return out
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) hallApplyForm(w http.ResponseWriter, r *http.Request) error {
	if r.URL.Query().Get("item") == "" {
		return s.redirect(w, r, "/hall/items", "")
	}
	it, err := s.Workflow.Item(r.Context(), r.URL.Query().Get("item"))
	if err != nil {
		return err
	}
	if !it.Enabled {
		return apperr.New(apperr.NotFound, "该事项暂停网上办理")
	}
	p := &applyPage{basePage: basePage{Title: it.Name}, Item: it, Action: "/hall/apply", Token: newToken(), Accept: uploads.Accept}
	return applyView.ok(s, w, r, p)
}

// readApplication reads an application's multipart form: the fields (f_…)
// checked at the edge like any form, the files (m_<material>), and the
// rest (token, remove). The values are also put in r.PostForm so a form
// shown again after an error keeps them.
func readApplication(r *http.Request) (map[string]string, []workflow.File, url.Values, error) {
	vals := url.Values{}
	fields := map[string]string{}
	var files []workflow.File
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		return nil, nil, nil, errMalformed
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, nil, errMalformed
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				return nil, nil, nil, errTooLarge
			}
			return nil, nil, nil, errMalformed
		}
		name := part.FormName()
		if part.FileName() != "" || strings.HasPrefix(name, "m_") {
			data, err := io.ReadAll(io.LimitReader(part, uploads.MaxSize+1))
			if err != nil {
				return nil, nil, nil, errTooLarge
			}
			if part.FileName() == "" && len(data) == 0 {
				continue // a file input left empty
			}
			files = append(files, workflow.File{Material: strings.TrimPrefix(name, "m_"), Name: part.FileName(), Data: data})
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, 8<<10))
		if err != nil {
			return nil, nil, nil, errMalformed
		}
		v := string(data)
		if input.Check(name, 100) != "" || input.Check(v, input.MaxValue) != "" {
			return nil, nil, nil, errBadText
		}
		vals.Add(name, v)
		if f, ok := strings.CutPrefix(name, "f_"); ok {
			fields[f] = v
		}
	}
	r.PostForm = vals
	return fields, files, vals, nil
}

func (s *Server) hallApplyPost(w http.ResponseWriter, r *http.Request) error {
	fields, files, vals, err := readApplication(r)
	if err != nil {
		return err
	}
	it, err := s.Workflow.Item(r.Context(), vals.Get("item"))
	if err != nil {
		return err
	}
	ap, created, err := s.Workflow.Submit(r.Context(), workflow.SubmitInput{Item: it.Code, Fields: fields, Files: files, Token: vals.Get("token")})
	if err != nil {
		p := &applyPage{basePage: basePage{Title: it.Name}, Item: it, Action: "/hall/apply", Token: vals.Get("token"), Accept: uploads.Accept}
		p.Form = vals
		if fe, ok := invalid(err); ok {
			p.Errors = fe
		}
		return applyView.formError(s, w, r, err, p)
	}
	msg := "申请已提交，申请编号 " + ap.No + "。"
	if !created {
		msg = "该申请已提交过，申请编号 " + ap.No + "。"
	}
	if n := len(ap.Missing()); n > 0 {
		msg += "还缺少 " + strconv.Itoa(n) + " 项必要材料，受理人员可能会退回补正。"
	}
	return s.redirect(w, r, "/hall/applications/"+strconv.FormatInt(ap.ID, 10), msg)
}

func (s *Server) hallApplications(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	p, err := s.Workflow.Mine(r.Context(), before, 20)
	if err != nil {
		return err
	}
	page := &applicationsPage{basePage: basePage{Title: "我的申请"}, Apps: p.Items}
	if p.Next != 0 {
		page.NextURL = "/hall/applications?before=" + strconv.FormatInt(p.Next, 10)
	}
	return applicationsView.ok(s, w, r, page)
}

func (s *Server) applicationOf(r *http.Request) (*workflow.Application, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Workflow.Get(r.Context(), id)
}

func (s *Server) hallApplication(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.applicationOf(r)
	if err != nil {
		return err
	}
	return applicationView.ok(s, w, r, &applicationPage{basePage: basePage{Title: "申请 " + ap.No}, App: ap})
}

func (s *Server) hallApplicationWithdraw(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ap, err := s.Workflow.Withdraw(r.Context(), id)
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/hall/applications/"+strconv.FormatInt(id, 10), "申请 "+ap.No+" 已撤回。")
}

func (s *Server) hallCorrectForm(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.applicationOf(r)
	if err != nil {
		return err
	}
	if !ap.CanResubmit() {
		return apperr.New(apperr.Conflict, "该申请当前不需要补正")
	}
	p := &applyPage{basePage: basePage{Title: "补正 " + ap.No}, Item: ap.Item, App: ap, Action: "/hall/applications/" + strconv.FormatInt(ap.ID, 10) + "/correct", Accept: uploads.Accept}
	return applyView.ok(s, w, r, p)
}

func (s *Server) hallCorrectPost(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.applicationOf(r) // another taxpayer's: 404 before the body is read
	if err != nil {
		return err
	}
	fields, files, vals, err := readApplication(r)
	if err != nil {
		return err
	}
	var remove []int64
	for _, v := range vals["remove"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			remove = append(remove, id)
		}
	}
	got, err := s.Workflow.Resubmit(r.Context(), ap.ID, workflow.ResubmitInput{Fields: fields, Files: files, Remove: remove})
	if err != nil {
		p := &applyPage{basePage: basePage{Title: "补正 " + ap.No}, Item: ap.Item, App: ap, Action: r.URL.Path, Accept: uploads.Accept}
		p.Form = vals
		if fe, ok := invalid(err); ok {
			p.Errors = fe
		}
		return applyView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/hall/applications/"+strconv.FormatInt(got.ID, 10), "补正后的申请已重新提交。")
}

func (s *Server) hallApplicationRate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	task, _ := strconv.ParseInt(r.PostForm.Get("task"), 10, 64)
	stars, _ := strconv.Atoi(r.PostForm.Get("rating"))
	if err := s.Workflow.Rate(r.Context(), id, task, stars, r.PostForm.Get("comment")); err != nil {
		if fe, ok := invalid(err); ok {
			for _, m := range fe {
				return apperr.New(apperr.Invalid, m)
			}
		}
		return err
	}
	return s.redirect(w, r, "/hall/applications/"+strconv.FormatInt(id, 10), "感谢您的评价。")
}

// fileDownload serves an uploaded file to who may read it
// (uploads.Service.Open decides; others get 404).
func (s *Server) fileDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, data, err := s.Uploads.Open(r.Context(), id)
	if err != nil {
		return err
	}
	uploads.Write(w, u, data)
	return nil
}

// FilesBase is where the page links the application's files.
func (p *applicationPage) FilesBase() string { return "/hall/files" }

// Stars are the choices of a rating.
func (p *applicationPage) Stars() []int { return []int{5, 4, 3, 2, 1} }

// Controls are the form's fields, built when the page renders (with the
// errors and values it has then): stored values when correcting, typed
// ones after an error.
func (p *applyPage) Controls() []Field {
	var stored workflow.Values
	if p.App != nil {
		stored = p.App.Form
	}
	return formFields(&p.basePage, p.Item, stored)
}
