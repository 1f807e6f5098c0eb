package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/forms"
	"taxhall/internal/money"
	"taxhall/internal/returns"
	"taxhall/internal/sif"
)

// The social insurance return (社会保险费申报, a detail form): the page lists
// the employees on the roster in the month, one wage input each (prefilled
// from the draft, else from the previous month's accepted return), and the
// employer's work injury rate. 保存草稿 and 申报 post every input; the
// detail JSON is built here from the roster, so a wrong wage stays in the
// draft as typed and its message shows on its input.

var returnSIView = newView[returnSIPage]("return_si.html")

type returnSIPage struct {
	basePage
	Sheet     *returns.Sheet
	Action    string
	Rows      []formRow
	Cols      []forms.Column
	People    []siRow
	More      bool // the roster has more employees than one return takes
	Prefilled bool // the wages come from the previous month's return
	Rate      Field
	Max       int
}

// siRow is one employee's line on the page: the wage input and, once
// computed, the contributions.
type siRow struct {
	Employee sif.Employee
	Wage     Field
	Result   *sif.Result
}

// BaseOf is an employee's contribution base: the base of the first
// insurance (the pension), which the other insurances share unless the
// region sets them apart.
func (p *returnSIPage) BaseOf(r *sif.Result) string {
	if len(r.Lines) == 0 {
		return "—"
	}
	return money.FormatYuan(r.Lines[0].Base)
}

// siTyped is what the inputs show: what was posted, else the draft's (or
// the correction's) detail, else the previous month's.
func siTyped(sh *returns.Sheet) (url.Values, bool) {
	typed := url.Values{}
	fill := func(d *sif.Detail) {
		typed.Set(sif.InjuryRateKey, d.InjuryRate)
		for _, l := range d.Lines {
			typed.Set(sif.WageKey(l.EmployeeID), l.Wage)
		}
	}
	if s := sh.Cells[forms.DetailKey]; s != "" {
		if d, err := sif.DecodeDetail([]byte(s)); err == nil {
			fill(d)
		}
		return typed, false
	}
	if x, _ := sh.Extra.(*sif.Extra); x != nil && x.Previous != nil {
		fill(x.Previous)
		return typed, true
	}
	return typed, false
}

func siPage(sh *returns.Sheet, typed url.Values, errs map[string]string) *returnSIPage {
	title := sh.Form.Short + " · " + sh.PeriodName()
	if sh.Correcting != nil {
		title = "更正申报 · " + title
	}
	p := &returnSIPage{basePage: basePage{Title: title, Errors: errs}, Sheet: sh, Action: sheetURL(sh), Cols: sh.Form.Columns, Max: sif.MaxEmployees}
	if typed == nil {
		typed, p.Prefilled = siTyped(sh)
	}
	p.Form = typed
	p.Rate = newField(p, sif.InjuryRateKey, "工伤保险费率（%）")
	p.Rate.Auto, p.Rate.NoSpell = "off", true
	p.Rate.Hint = "社会保险经办机构为本单位核定的费率（行业基准费率及浮动），如 0.2"
	results := map[int64]*sif.Result{}
	res, _ := sh.Output.Detail.([]sif.Result)
	for i := range res {
		results[res[i].EmployeeID] = &res[i]
	}
	if x, _ := sh.Extra.(*sif.Extra); x != nil {
		p.More = x.More
		for _, e := range x.Employees {
			key := sif.WageKey(e.ID)
			p.noteControl(key)
			p.People = append(p.People, siRow{Employee: e, Result: results[e.ID],
				Wage: Field{Name: key, Label: e.Name + "的缴费工资（元）", Type: "text", Value: p.Val(key), Error: p.Err(key), Auto: "off"}})
		}
	}
	p.Rows = rows(&p.basePage, sh.Form, sh.Output.Values, false)
	return p
}

// siForm renders the return's page (GET of the form or the correction).
func (s *Server) siForm(w http.ResponseWriter, r *http.Request, sh *returns.Sheet) error {
	var errs map[string]string
	if sh.Draft && len(sh.Errors) > 0 {
		errs = sh.Errors
	}
	return returnSIView.ok(s, w, r, siPage(sh, nil, errs))
}

// siDetail builds the entered detail from the posted inputs: a line per
// employee of the month's roster, the wage as typed.
func siDetail(sh *returns.Sheet, f url.Values) string {
	d := &sif.Detail{InjuryRate: f.Get(sif.InjuryRateKey)}
	if x, _ := sh.Extra.(*sif.Extra); x != nil {
		for _, e := range x.Employees {
			d.Lines = append(d.Lines, sif.Line{EmployeeID: e.ID, ResidentID: e.ResidentID, Name: e.Name, Wage: f.Get(sif.WageKey(e.ID))})
		}
	}
	return sif.EncodeDetail(d)
}

// siReturnPost saves the draft, submits or deletes it. A submission that
// fails keeps what was typed as the draft and shows the messages on the
// inputs.
func (s *Server) siReturnPost(w http.ResponseWriter, r *http.Request, form, period string, correctionOf int64) error {
	ctx := r.Context()
	f := r.PostForm
	token := f.Get("token")
	action := f.Get("action")
	switch action {
	case "discard":
		// Deleting is confirmed on a page of its own (returns_discard.go).
		return s.redirect(w, r, discardURL(form, period), "")
	case "save", "submit":
	default:
		return apperr.InvalidField("_", "请选择“保存草稿”或“申报”")
	}
	var sh *returns.Sheet
	var err error
	if correctionOf > 0 {
		sh, err = s.Returns.OpenCorrection(ctx, correctionOf)
	} else {
		sh, err = s.Returns.Open(ctx, form, period)
	}
	if err != nil {
		return err
	}
	cells := map[string]string{forms.DetailKey: siDetail(sh, f)}
	if action == "save" {
		saved, err := s.Returns.SaveDraft(ctx, form, period, cells, token, correctionOf)
		if err != nil {
			return err
		}
		msg := "草稿已保存。本单位其他有权限的办税人员登录后也可以继续填写。"
		if len(saved.Errors) > 0 {
			msg = "草稿已保存，但还有 " + strconv.Itoa(len(saved.Errors)) + " 处需要修改才能申报。"
		}
		return s.redirect(w, r, sheetURL(saved), msg)
	}
	sub, err := s.Returns.Submit(ctx, form, period, cells, token, correctionOf, false)
	var filed *returns.AlreadyFiled
	if errors.As(err, &filed) {
		return s.redirect(w, r, fmt.Sprintf("/hall/returns/%d", filed.Return.ID), filed.Error())
	}
	if fields, ok := invalid(err); ok {
		saved, derr := s.Returns.SaveDraft(ctx, form, period, cells, token, correctionOf)
		if derr != nil {
			return derr
		}
		returnSIView.render(s, w, r, http.StatusUnprocessableEntity, siPage(saved, f, fields))
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
