package web

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/forms"
	"taxhall/internal/httpx"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// Returns: my tax area (/hall), my calendar, the history, the form of a
// period, the acknowledgement, corrections; staff see a return through
// /staff/returns/{id}.

var (
	periodsView    = newView[periodsPage]("hall_periods.html")
	returnsView    = newView[returnsPage]("hall_returns.html")
	returnFormView = newView[returnFormPage]("return_form.html")
	returnView     = newView[returnPage]("return_view.html")
)

type periodsPage struct {
	basePage
	Year   int
	Years  []int
	Dues   []*returns.Due
	NoForm []string // identified taxes without an online form yet
}

type returnsPage struct {
	basePage
	Page     *returns.HistoryPage
	TaxTypes []Option
	Years    []Option
	Statuses []Option
	NextURL  string
	FirstURL string
}

// formCell is one cell of a form row as the page shows it.
type formCell struct {
	Key, Column string
	Kind        rune   // forms.Entered, Computed, Absent
	Field       Field  // for an entered cell
	Value       string // computed, formatted yuan
}

type formRow struct {
	forms.Line
	Cells []formCell
}

// formTable is an annex of a form (附列资料) with its rows.
type formTable struct {
	forms.Table
	Rows []formRow
}

type returnFormPage struct {
	basePage
	Sheet   *returns.Sheet
	Action  string
	Rows    []formRow
	Cols    []forms.Column
	Annexes []formTable
}

type returnPage struct {
	basePage
	Return     *returns.Return
	Versions   []*returns.Return
	Events     []*returns.Event
	Rows       []formRow
	Cols       []forms.Column
	Annexes    []formTable
	Staff      bool
	CanCorrect bool
	Just       bool // just accepted: show the acknowledgement first
	// Detail is a page of a detail return's lines (returns_detail.go).
	Detail *detailTable
}

// rows builds the main table's rows: entered cells as inputs (value typed,
// error), computed cells from values.
func rows(p *basePage, f *forms.Form, values forms.Values, editable bool) []formRow {
	return tableRows(p, f, f.Main(), values, editable)
}

// annexes builds the rows of each annex of the form.
func annexes(p *basePage, f *forms.Form, values forms.Values, editable bool) []formTable {
	var out []formTable
	for _, t := range f.Tables {
		out = append(out, formTable{Table: t, Rows: tableRows(p, f, t, values, editable)})
	}
	return out
}

func tableRows(p *basePage, f *forms.Form, t forms.Table, values forms.Values, editable bool) []formRow {
	var out []formRow
	for _, l := range t.Lines {
		row := formRow{Line: l}
		for i, k := range l.Kinds {
			key := forms.Key(l.No, t.Columns[i].Code)
			switch {
			case t.Code != "":
				key = t.Key(l, i)
			case l.Merged:
				key = l.No
			}
			c := formCell{Key: key, Column: t.Columns[i].Name, Kind: k}
			if l.Merged && i > 0 {
				continue
			}
			switch {
			case k == forms.Entered && editable:
				p.noteControl(key)
				label := "第" + l.No + "栏 " + l.Name + "（" + t.Columns[i].Name + "）"
				if t.Code != "" {
					label = f.Label(key) + " " + l.Name
				}
				c.Field = Field{Name: key, Label: label, Type: "text", Value: p.Val(key), Error: p.Err(key), Auto: "off"}
			case k != forms.Absent:
				c.Value = l.Display(values[key])
			}
			row.Cells = append(row.Cells, c)
		}
		out = append(out, row)
	}
	return out
}

// hallHome is my tax area (我的办税区).
func (s *Server) hallHome(w http.ResponseWriter, r *http.Request) error {
	t, idents, err := s.Taxpayers.MyRecord(r.Context())
	if err != nil {
		return err
	}
	p := &hallPage{basePage: basePage{Title: "我的办税区"}, Taxpayer: t, Idents: idents}
	dues, err := s.Returns.PeriodsOf(r.Context(), t, idents)
	if err != nil {
		return err
	}
	for _, d := range dues {
		switch {
		case d.Status == returns.StatusDue || d.Status == returns.StatusOverdue:
			p.Due = append(p.Due, d)
		}
		if d.Draft {
			p.Drafts = append(p.Drafts, d)
		}
	}
	// What can still be filed on time first, nearest deadline first; then
	// the overdue, the most recently overdue first (the page shows the
	// first ten and links to the rest).
	slices.SortStableFunc(p.Due, func(a, b *returns.Due) int {
		if (a.DaysLeft < 0) != (b.DaysLeft < 0) {
			return cmp.Compare(b.DaysLeft, a.DaysLeft) // on time (≥ 0) before overdue
		}
		if a.DaysLeft < 0 {
			return cmp.Compare(b.DaysLeft, a.DaysLeft)
		}
		return cmp.Compare(a.DaysLeft, b.DaysLeft)
	})
	if p.Unpaid, err = s.Returns.Unpaid(r.Context()); err != nil {
		return err
	}
	for _, l := range p.Unpaid {
		p.UnpaidTotal += l.Unpaid
		p.FeeTotal += l.LateFee
	}
	hist, err := s.Returns.History(r.Context(), returns.HistoryFilter{Limit: 5})
	if err != nil {
		return err
	}
	p.Recent = hist.Returns
	p.Today = s.Returns.Now().In(cst).Format("2006年1月2日")
	return hallView.ok(s, w, r, p)
}

func (s *Server) hallPeriods(w http.ResponseWriter, r *http.Request) error {
	dues, err := s.Returns.MyPeriods(r.Context())
	if err != nil {
		return err
	}
	this := s.Returns.Now().In(cst).Year()
	p := &periodsPage{basePage: basePage{Title: "我的征期日历"}, Year: this, Years: []int{this, this - 1}}
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && (y == this || y == this-1) {
		p.Year = y
	}
	seen := map[string]bool{}
	for _, d := range dues {
		if d.Status == returns.StatusNoForm {
			if !seen[d.TaxName] {
				seen[d.TaxName] = true
				p.NoForm = append(p.NoForm, d.TaxName)
			}
			continue
		}
		if d.Period.Start.Y == p.Year {
			p.Dues = append(p.Dues, d)
		}
	}
	return periodsView.ok(s, w, r, p)
}

func (s *Server) hallReturns(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := returns.HistoryFilter{TaxType: q.Get("tax"), Status: q.Get("status"), Limit: 20}
	p := &returnsPage{basePage: basePage{Title: "申报记录", Form: q}}
	if y := q.Get("year"); y != "" {
		f.Year, _ = strconv.Atoi(y)
		if f.Year == 0 {
			f.Year = -1
		}
	}
	if b := q.Get("before"); b != "" {
		f.Before, _ = strconv.ParseInt(b, 10, 64)
	}
	page, err := s.Returns.History(r.Context(), f)
	if fields, ok := invalid(err); ok {
		p.Errors = fields
		page, err = s.Returns.History(r.Context(), returns.HistoryFilter{Limit: 20})
	}
	if err != nil {
		return err
	}
	p.Page = page
	for _, t := range taxpayer.TaxTypes {
		if _, ok := forms.ForTaxType(t.Code); ok {
			p.TaxTypes = append(p.TaxTypes, Option{t.Code, t.Name})
		}
	}
	y := s.Returns.Now().In(cst).Year()
	for i := y; i >= y-3; i-- {
		p.Years = append(p.Years, Option{strconv.Itoa(i), strconv.Itoa(i) + "年"})
	}
	p.Statuses = []Option{{"current", "有效（最新版本）"}, {"late", "逾期申报"}, {"corrected", "已被更正"}}
	if page.Next > 0 {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("before", strconv.FormatInt(page.Next, 10))
		p.NextURL = "/hall/returns?" + nq.Encode()
	}
	if f.Before > 0 {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Del("before")
		p.FirstURL = "/hall/returns?" + q2.Encode()
	}
	return returnsView.ok(s, w, r, p)
}

// formPage makes the page of a sheet: the typed values (or the draft's)
// and the errors.
func formPage(sh *returns.Sheet, action string, typed url.Values, errs map[string]string) *returnFormPage {
	title := sh.Form.Short + " · " + sh.PeriodName()
	if sh.Correcting != nil {
		title = "更正申报 · " + title
	}
	p := &returnFormPage{basePage: basePage{Title: title, Errors: errs}, Sheet: sh, Action: action, Cols: sh.Form.Columns}
	if typed == nil {
		typed = url.Values{}
		for k, v := range sh.Cells {
			typed.Set(k, v)
		}
	}
	p.Form = typed
	p.Rows = rows(&p.basePage, sh.Form, sh.Output.Values, true)
	p.Annexes = annexes(&p.basePage, sh.Form, sh.Output.Values, true)
	return p
}

// fileURL is the address of a period's form.
func fileURL(form, period string) string {
	return "/hall/returns/file?" + url.Values{"form": {form}, "period": {period}}.Encode()
}

func (s *Server) hallReturnForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if q.Get("form") == "" && q.Get("period") == "" {
		// The bare address (a bookmark, a reload): choose a period first.
		return s.redirect(w, r, "/hall/periods", "")
	}
	sh, err := s.Returns.Open(r.Context(), q.Get("form"), q.Get("period"))
	if err != nil {
		return err
	}
	if sh.Existing != nil {
		return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d", sh.Existing.ID),
			fmt.Sprintf("%s的%s已经申报（回执号 %s）。如需修改，请办理更正申报。", sh.PeriodName(), sh.Form.Short, sh.Existing.AckNo))
	}
	if sh.Form.DetailMax > 0 {
		return s.detailForm(w, r, sh) // returns_iit.go
	}
	var errs map[string]string
	if sh.Draft && len(sh.Errors) > 0 {
		errs = sh.Errors
	}
	return returnFormView.ok(s, w, r, formPage(sh, fileURL(sh.Form.Code, sh.Key()), nil, errs))
}

func (s *Server) hallCorrectionForm(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	sh, err := s.Returns.OpenCorrection(r.Context(), id)
	if err != nil {
		return err
	}
	if sh.Form.DetailMax > 0 {
		return s.detailForm(w, r, sh) // returns_iit.go
	}
	var errs map[string]string
	if sh.Draft && len(sh.Errors) > 0 {
		errs = sh.Errors
	}
	return returnFormView.ok(s, w, r, formPage(sh, r.URL.Path, nil, errs))
}

func cellsOf(f url.Values) map[string]string {
	m := map[string]string{}
	for k, v := range f {
		if len(v) > 0 {
			m[k] = v[0]
		}
	}
	return m
}

// hallReturnPost saves the draft, submits, or files a zero return. A
// submission that fails validation keeps what was typed as the draft and
// shows the messages on the fields; a repeated submission (double click,
// retry) carries the same token and lands on the same acknowledgement.
func (s *Server) hallReturnPost(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.returnPost(w, r, q.Get("form"), q.Get("period"), 0)
}

func (s *Server) hallCorrectionPost(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	old, err := s.Returns.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return s.returnPost(w, r, old.Form, old.PeriodKey(), id)
}

func (s *Server) returnPost(w http.ResponseWriter, r *http.Request, form, period string, correctionOf int64) error {
	if f, ok := forms.Lookup(form); ok && f.DetailMax > 0 {
		return s.detailReturnPost(w, r, form, period, correctionOf) // returns_iit.go
	}
	ctx := r.Context()
	f := r.PostForm
	token := f.Get("token")
	cells := cellsOf(f)
	switch f.Get("action") {
	case "save":
		sh, err := s.Returns.SaveDraft(ctx, form, period, cells, token, correctionOf)
		if err != nil {
			return err
		}
		msg := "草稿已保存。本单位其他有权限的办税人员登录后也可以继续填写。"
		if len(sh.Errors) > 0 {
			msg = "草稿已保存，但还有 " + strconv.Itoa(len(sh.Errors)) + " 处需要修改才能申报。"
		}
		return s.redirect(w, r, r.URL.RequestURI(), msg)
	case "discard":
		// Deleting is confirmed on a page of its own (returns_discard.go).
		return s.redirect(w, r, discardURL(form, period), "")
	case "submit", "zero":
		sub, err := s.Returns.Submit(ctx, form, period, cells, token, correctionOf, f.Get("action") == "zero")
		var filed *returns.AlreadyFiled
		if errors.As(err, &filed) {
			return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d", filed.Return.ID), filed.Error())
		}
		if fields, ok := invalid(err); ok {
			// Nothing typed is lost: keep it as the draft, then show the
			// messages on the fields.
			sh, derr := s.Returns.SaveDraft(ctx, form, period, cells, token, correctionOf)
			if derr != nil {
				return derr
			}
			p := formPage(sh, r.URL.RequestURI(), r.PostForm, fields)
			returnFormView.render(s, w, r, http.StatusUnprocessableEntity, p)
			return nil
		}
		if err != nil {
			return err
		}
		msg := "申报成功，回执号 " + sub.Return.AckNo
		if !sub.Created {
			msg = "这份申报此前已经提交成功（重复提交不会重复申报），回执号 " + sub.Return.AckNo
		}
		return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d?ack=1", sub.Return.ID), msg)
	}
	return apperr.InvalidField("_", "请选择“保存草稿”或“申报”")
}

func (s *Server) returnPage(w http.ResponseWriter, r *http.Request, staff bool) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ret, err := s.Returns.Get(r.Context(), id)
	if err != nil {
		return err
	}
	vs, err := s.Returns.Versions(r.Context(), ret)
	if err != nil {
		return err
	}
	evs, err := s.Returns.Events(r.Context(), ret)
	if err != nil {
		return err
	}
	f := ret.FormDef().Layout(ret.Values()) // a return of an earlier layout is shown with it
	p := &returnPage{basePage: basePage{Title: f.Short + " · " + ret.PeriodName()}, Return: ret, Versions: vs, Events: evs,
		Cols: f.Columns, Staff: staff, Just: r.URL.Query().Get("ack") == "1"}
	p.Rows = rows(&p.basePage, f, ret.Values(), false)
	p.Annexes = annexes(&p.basePage, f, ret.Values(), false)
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	p.Detail = detailOf(ret, from, r.URL.RequestURI())
	p.CanCorrect = !staff && ret.Current && returns.CanCorrect(auth.ActorFrom(r.Context()))
	return returnView.ok(s, w, r, p)
}

func (s *Server) hallReturn(w http.ResponseWriter, r *http.Request) error {
	return s.returnPage(w, r, false)
}
func (s *Server) staffReturn(w http.ResponseWriter, r *http.Request) error {
	return s.returnPage(w, r, true)
}
