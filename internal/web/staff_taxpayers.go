package web

import (
	"net/http"
	"net/url"

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
	if s.CMS != nil {
		rs, err := s.CMS.RemindersFor(r.Context(), auth.ActorFrom(r.Context()))
		if err != nil {
			return err
		}
		p.Reminders = rs
	}
	return staffHomeView.ok(s, w, r, p)
}

func (s *Server) staffTaxpayers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := taxpayer.Filter{Query: q.Get("q"), Status: q.Get("status"), Kind: q.Get("kind"), After: q.Get("after"), Before: q.Get("before")}
	page, err := s.Taxpayers.Search(r.Context(), f)
	if err != nil {
		return err
	}
	// Links to the older and newer pages keep the filter.
	link := func(dir, cursor string) string {
		v := url.Values{}
		for _, k := range []string{"q", "status", "kind"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		if cursor != "" {
			v.Set(dir, cursor)
		}
		return "/staff/taxpayers?" + v.Encode()
	}
	p := &taxpayersPage{basePage: basePage{Title: "纳税人管理", Form: q}, Results: page, Statuses: labelOptions(taxpayer.Statuses)}
	if page.Prev != "" {
		p.PrevURL = link("before", page.Prev)
		p.FirstURL = link("", "")
	}
	if page.Next != "" {
		p.NextURL = link("after", page.Next)
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
