package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

// Tax-type identification on the taxpayer's record page: the usual set in
// one submit (batch), one line at a time, "认定完成", and ending an
// identification through its confirmation page.
//
// The record page holds two forms whose values share basePage.Form, so
// their fields have distinct names: the one-line form tax_type, period and
// start_date; the set form "set" (a checkbox per tax type) and, per tax
// type, set_period_CODE and set_start_CODE. A failed form gets back what was
// typed in it; the other form shows its defaults.

// identifyDefaults are the values of both forms before anything is typed:
// the suggested lines ticked, each with its usual period, from the
// registration day.
func identifyDefaults(p *taxpayerPage) url.Values {
	v := url.Values{"start_date": {p.Taxpayer.RegisteredAt.In(cst).Format("2006-01-02")}, "period": {taxpayer.Monthly}}
	for _, sg := range p.Suggestions {
		if sg.Checked {
			v.Add("set", sg.TaxType)
		}
		v.Set("set_period_"+sg.TaxType, sg.Period)
		v.Set("set_start_"+sg.TaxType, sg.StartDate)
	}
	return v
}

// isSetField reports whether a form field belongs to the set form.
func isSetField(name string) bool { return name == "set" || strings.HasPrefix(name, "set_") }

// recordWithTyped re-renders the record page after a failed form: the
// page's defaults, with the fields of the posted form (those for which
// mine is true) replaced by what was typed.
func (s *Server) recordWithTyped(w http.ResponseWriter, r *http.Request, id int64, errs map[string]string, mine func(string) bool) error {
	p, err := s.taxpayerRecord(r, id)
	if err != nil {
		return err
	}
	for k := range p.Form {
		if mine(k) {
			delete(p.Form, k)
		}
	}
	for k, vs := range r.PostForm {
		if mine(k) {
			p.Form[k] = vs
		}
	}
	p.Errors = errs
	taxpayerView.render(s, w, r, http.StatusUnprocessableEntity, p)
	return nil
}

func recordURL(id int64) string { return "/staff/taxpayers/" + strconv.FormatInt(id, 10) }

// staffRecordRedirect answers a GET of a form's address (after a failed
// POST, a reload or a bookmark) with the record page that holds the form;
// a taxpayer outside the clerk's bureau is NotFound here already.
func (s *Server) staffRecordRedirect(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Taxpayers.Get(r.Context(), id); err != nil {
		return err
	}
	http.Redirect(w, r, recordURL(id), http.StatusSeeOther) // #nosec G710 -- a path built from a numeric id
	return nil
}

func (s *Server) staffIdentify(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	i, err := s.Taxpayers.Identify(r.Context(), id, taxpayer.IdentifyInput{TaxType: f.Get("tax_type"), Period: f.Get("period"), StartDate: f.Get("start_date")})
	if err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		return s.recordWithTyped(w, r, id, fields, func(k string) bool { return !isSetField(k) })
	}
	return s.redirect(w, r, recordURL(id), "已认定："+i.TaxTypeName()+"，"+i.PeriodName()+"申报，自 "+i.StartDate+" 起")
}

// staffIdentifyBatch records the ticked lines of the usual set at once.
// The service's errors name lines by position (items.N.field); they are
// shown on the line's own controls.
func (s *Server) staffIdentifyBatch(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	var items []taxpayer.IdentifyInput
	var codes []string // the tax type of each line, to name its fields
	for _, code := range f["set"] {
		if _, ok := taxpayer.LookupTaxType(code); !ok || containsString(codes, code) {
			continue
		}
		codes = append(codes, code)
		items = append(items, taxpayer.IdentifyInput{TaxType: code, Period: f.Get("set_period_" + code), StartDate: f.Get("set_start_" + code)})
	}
	done, err := s.Taxpayers.IdentifyBatch(r.Context(), id, items)
	if err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		return s.recordWithTyped(w, r, id, batchErrors(fields, codes), isSetField)
	}
	names := make([]string, len(done))
	for i, d := range done {
		names[i] = d.TaxTypeName()
	}
	return s.redirect(w, r, recordURL(id), "已认定 "+strconv.Itoa(len(done))+" 项："+strings.Join(names, "、"))
}

// batchErrors renames the service's line errors to the set form's fields.
func batchErrors(fields map[string]string, codes []string) map[string]string {
	out := map[string]string{}
	for k, msg := range fields {
		switch {
		case k == "items" || k == "_":
			out["set"] = msg
			continue
		}
		for i, code := range codes {
			for field, name := range map[string]string{"tax_type": "set_" + code, "period": "set_period_" + code, "start_date": "set_start_" + code} {
				if k == taxpayer.BatchField(i, field) {
					out[name] = msg
				}
			}
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// staffIdentificationComplete marks the identification of a new taxpayer
// complete. It asks no confirmation: nothing is lost, identifications can
// still be added and ended afterwards; only the taxpayer leaves the to-do
// list.
func (s *Server) staffIdentificationComplete(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, err := s.Taxpayers.CompleteIdentification(r.Context(), id)
	if err != nil {
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && code != apperr.Conflict {
			return err
		}
		p, derr := s.taxpayerRecord(r, id)
		if derr != nil {
			return derr
		}
		p.Errors = map[string]string{"_": apperr.As(err).Message}
		taxpayerView.render(s, w, r, apperr.Status(code), p)
		return nil
	}
	return s.redirect(w, r, recordURL(id), "认定完成："+t.Name+" 已转为正常户，不再列入新办待认定")
}

// identEndPage is the confirmation page of ending an identification.
func (s *Server) identEndPage(r *http.Request) (*identEndPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	iid, err := httpx.PathID(r, "iid")
	if err != nil {
		return nil, err
	}
	t, i, err := s.Taxpayers.IdentificationOf(r.Context(), id, iid)
	if err != nil {
		return nil, err
	}
	return &identEndPage{basePage: basePage{Title: "确认终止税（费）种认定"}, Taxpayer: t, Ident: i}, nil
}

// staffIdentificationEndForm shows what ending the identification does,
// with the end date to fill in (today by default).
func (s *Server) staffIdentificationEndForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.identEndPage(r)
	if err != nil {
		return err
	}
	p.Form = url.Values{"end_date": {s.Taxpayers.Now().In(cst).Format("2006-01-02")}}
	return identEndView.ok(s, w, r, p)
}

// staffIdentificationEnd ends it; a refused end date comes back on the
// confirmation page with what was typed.
func (s *Server) staffIdentificationEnd(w http.ResponseWriter, r *http.Request) error {
	p, err := s.identEndPage(r)
	if err != nil {
		return err
	}
	end := r.PostForm.Get("end_date")
	if err := s.Taxpayers.EndIdentification(r.Context(), p.Taxpayer.ID, p.Ident.ID, end); err != nil {
		return identEndView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, recordURL(p.Taxpayer.ID), "已终止认定："+p.Ident.TaxTypeName()+"，有效期止 "+strings.TrimSpace(end))
}
