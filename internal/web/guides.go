package web

import (
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/guides"
)

// The tax guides (办税指南): categories with their guides, and one guide
// with its legal basis linked to the library and a button to the function
// of this hall that does it.

var (
	guidesView = newView[guidesPage]("guides.html")
	guideView  = newView[guidePage]("guide.html")
)

type guidesPage struct {
	basePage
	Categories []*guides.Category
	Current    *guides.Category // the category chosen, nil for all
	Count      int
}

func (s *Server) guidesIndex(w http.ResponseWriter, r *http.Request) error {
	p := &guidesPage{basePage: basePage{Title: "办税指南"}, Categories: s.Guides.Categories, Count: len(s.Guides.All())}
	if c := r.URL.Query().Get("c"); c != "" {
		if p.Current = s.Guides.Category(c); p.Current == nil {
			return apperr.New(apperr.NotFound, "没有这个指南分类")
		}
		p.Title = p.Current.Name + " - 办税指南"
	}
	return guidesView.ok(s, w, r, p)
}

type guidePage struct {
	basePage
	Guide    *guides.Guide
	Category *guides.Category
	Basis    []guides.Link
}

func (s *Server) guideShow(w http.ResponseWriter, r *http.Request) error {
	g := s.Guides.Get(r.PathValue("id"))
	if g == nil {
		return apperr.New(apperr.NotFound, "没有找到该办税指南")
	}
	links, err := guides.Resolve(r.Context(), s.Laws, g.Basis)
	if err != nil {
		return err
	}
	return guideView.ok(s, w, r, &guidePage{basePage: basePage{Title: g.Title}, Guide: g, Category: s.Guides.Category(g.Category), Basis: links})
}
