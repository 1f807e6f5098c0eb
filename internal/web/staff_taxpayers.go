package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/returns"
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
// history and, for a clerk who may identify, the choices of the two
// identification forms (the usual set, one line) filled with their
// defaults: identifyDefaults.
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
	p := &taxpayerPage{
		basePage: basePage{Title: t.Name},
		Taxpayer: t, Idents: idents, History: history, TaxTypes: types, Periods: labelOptions(taxpayer.Periods),
	}
	if taxpayer.CanIdentify(auth.ActorFrom(r.Context())) {
		p.Suggestions = s.Taxpayers.SuggestionsFor(t, idents)
	}
	p.Form = identifyDefaults(p)
	if s.Returns != nil {
		page, err := s.Returns.TaxpayerHistory(r.Context(), id, returns.HistoryFilter{Limit: 10})
		if err != nil {
			return nil, err
		}
		p.Returns = page.Returns
	}
	return p, nil
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
	return taxpayerView.ok(s, w, r, p)
}
