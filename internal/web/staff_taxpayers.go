package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

// The staff pages are for staff (Audience Staff); the services scope every
// query to the actor's bureau subtree.

func (s *Server) staffHome(w http.ResponseWriter, r *http.Request) error {
	p := &staffHomePage{basePage: basePage{Title: "工作台"}}
	if taxpayer.CanViewRegister(auth.ActorFrom(r.Context())) {
		page, err := s.Taxpayers.Search(r.Context(), taxpayer.Filter{Status: taxpayer.StatusPending, PageSize: 5})
		if err != nil {
			return err
		}
		p.Pending = page
	}
	return staffHomeView.ok(s, w, r, p)
}

const maxPage = taxpayer.MaxPage

func (s *Server) staffTaxpayers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pageNo, _ := strconv.Atoi(q.Get("page"))
	// A page number beyond any register is just an empty page; bounding it
	// keeps the offset from overflowing into a negative OFFSET.
	pageNo = min(pageNo, maxPage)
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
	p := &taxpayersPage{basePage: basePage{Title: "纳税人管理", Form: q}, Results: page, Statuses: labelOptions(taxpayer.Statuses)}
	if page.Page > 1 {
		p.PrevURL = link(page.Page - 1)
	}
	if page.Page < page.Pages() {
		p.NextURL = link(page.Page + 1)
	}
	return taxpayersView.ok(s, w, r, p)
}

// taxpayerRecord is the record page of a taxpayer with its identifications,
// history and the choices of the identification form.
func (s *Server) taxpayerRecord(r *http.Request, id int64) (*taxpayerPage, error) {
	t, idents, err := s.Taxpayers.Record(r.Context(), id)
	if err != nil {
		return nil, err
	}
	history, err := s.Taxpayers.History(r.Context(), id)
	if err != nil {
		return nil, err
	}
	var types []Option
	for _, tt := range taxpayer.TaxTypes {
		if (t.Kind == taxpayer.Enterprise && tt.Enterprises) || (t.Kind == taxpayer.Individual && tt.Individuals) {
			types = append(types, Option{tt.Code, tt.Name})
		}
	}
	return &taxpayerPage{
		basePage: basePage{Title: t.Name},
		Taxpayer: t, Idents: idents, History: history, TaxTypes: types, Periods: labelOptions(taxpayer.Periods),
		Today: s.Taxpayers.Now().In(cst).Format("2006-01-02"),
	}, nil
}

func (s *Server) staffTaxpayer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.taxpayerRecord(r, id)
	if err != nil {
		return err
	}
	p.Form = url.Values{"start_date": {p.Taxpayer.RegisteredAt.In(cst).Format("2006-01-02")}, "period": {taxpayer.Monthly}}
	return taxpayerView.ok(s, w, r, p)
}

func (s *Server) staffIdentify(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	i, err := s.Taxpayers.Identify(r.Context(), id, taxpayer.IdentifyInput{TaxType: f.Get("tax_type"), Period: f.Get("period"), StartDate: f.Get("start_date")})
	if err != nil {
		if _, ok := invalid(err); !ok {
			return err
		}
		p, derr := s.taxpayerRecord(r, id)
		if derr != nil {
			return derr
		}
		return taxpayerView.formError(s, w, r, err, p)
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
	if err := s.Taxpayers.EndIdentification(r.Context(), id, iid, r.PostForm.Get("end_date")); err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		p, derr := s.taxpayerRecord(r, id)
		if derr != nil {
			return derr
		}
		p.EndID = iid
		p.Errors = map[string]string{"end_date": fields["end_date"]}
		if p.Errors["end_date"] == "" {
			p.Errors["end_date"] = apperr.As(err).Message
		}
		taxpayerView.render(s, w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	return s.redirect(w, r, "/staff/taxpayers/"+strconv.FormatInt(id, 10), "认定已终止")
}
