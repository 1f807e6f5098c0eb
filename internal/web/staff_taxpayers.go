package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
)

func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) error {
	a, err := auth.RequireStaff(r.Context())
	if err != nil {
		return err
	}
	data := map[string]any{}
	if page, err := s.Taxpayers.Search(r.Context(), taxpayer.Filter{Status: taxpayer.StatusPending, PageSize: 5}); err == nil {
		data["Pending"] = page
	} else if apperr.CodeOf(err) != apperr.Forbidden {
		return err
	}
	data["Admin"] = org.CanAdminister(a)
	return s.ok(w, r, "staff_home.html", &Page{Title: "工作台", Data: data})
}

func (s *Server) staffTaxpayers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	f := taxpayer.Filter{Query: q.Get("q"), Status: q.Get("status"), Kind: q.Get("kind"), Page: pageNo}
	page, err := s.Taxpayers.Search(r.Context(), f)
	if err != nil {
		return err
	}
	// Links to other pages keep the filter.
	link := func(n int) string {
		v := url.Values{}
		for _, k := range []string{"q", "status", "kind"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("page", strconv.Itoa(n))
		return "/staff/taxpayers?" + v.Encode()
	}
	data := map[string]any{"Page": page, "Statuses": labelOptions(taxpayer.Statuses)}
	if page.Page > 1 {
		data["Prev"] = link(page.Page - 1)
	}
	if page.Page < page.Pages() {
		data["Next"] = link(page.Page + 1)
	}
	return s.ok(w, r, "staff_taxpayers.html", &Page{Title: "纳税人管理", Form: q, Data: data})
}

func (s *Server) taxpayerData(r *http.Request, id int64) (map[string]any, error) {
	t, idents, err := s.Taxpayers.Record(r.Context(), id)
	if err != nil {
		return nil, err
	}
	history, err := s.Taxpayers.History(r.Context(), id)
	if err != nil {
		return nil, err
	}
	a := auth.ActorFrom(r.Context())
	var types []Option
	for _, tt := range taxpayer.TaxTypes {
		if (t.Kind == taxpayer.Enterprise && tt.Enterprises) || (t.Kind == taxpayer.Individual && tt.Individuals) {
			types = append(types, Option{tt.Code, tt.Name})
		}
	}
	return map[string]any{
		"T": t, "Idents": idents, "History": history, "TaxTypes": types, "Periods": labelOptions(taxpayer.Periods),
		"CanIdentify": taxpayer.CanIdentify(a),
		"Today":       s.Taxpayers.Now().In(cst).Format("2006-01-02"),
	}, nil
}

func (s *Server) staffTaxpayer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	data, err := s.taxpayerData(r, id)
	if err != nil {
		return err
	}
	t := data["T"].(*taxpayer.Taxpayer)
	form := url.Values{"start_date": {t.RegisteredAt.In(cst).Format("2006-01-02")}, "period": {taxpayer.Monthly}}
	return s.ok(w, r, "staff_taxpayer.html", &Page{Title: t.Name, Form: form, Data: data})
}

func (s *Server) staffIdentify(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	f := r.PostForm
	i, err := s.Taxpayers.Identify(r.Context(), id, taxpayer.IdentifyInput{TaxType: f.Get("tax_type"), Period: f.Get("period"), StartDate: f.Get("start_date")})
	if err != nil {
		if _, ok := invalid(err); !ok {
			return err
		}
		data, derr := s.taxpayerData(r, id)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, err, "staff_taxpayer.html", &Page{Title: data["T"].(*taxpayer.Taxpayer).Name, Data: data})
	}
	return s.redirect(w, r, "/staff/taxpayers/"+strconv.FormatInt(id, 10), "已认定："+i.TaxTypeName()+"，"+i.PeriodName()+"申报，自 "+i.StartDate+" 起")
}

func (s *Server) staffIdentificationEnd(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	iid, err := httpx.PathID(r, "iid")
	if err != nil {
		return err
	}
	r.ParseForm()
	if err := s.Taxpayers.EndIdentification(r.Context(), id, iid, r.PostForm.Get("end_date")); err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		data, derr := s.taxpayerData(r, id)
		if derr != nil {
			return derr
		}
		data["EndID"] = iid
		p := &Page{Title: data["T"].(*taxpayer.Taxpayer).Name, Data: data, Form: url.Values{}, Errors: map[string]string{"end_date": fields["end_date"]}}
		if p.Errors["end_date"] == "" {
			p.Errors["end_date"] = apperr.As(err).Message
		}
		s.render(w, r, http.StatusUnprocessableEntity, "staff_taxpayer.html", p)
		return nil
	}
	return s.redirect(w, r, "/staff/taxpayers/"+strconv.FormatInt(id, 10), "认定已终止")
}
