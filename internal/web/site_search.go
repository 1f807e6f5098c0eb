package web

import (
	"context"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/guides"
	"taxhall/internal/kb"
	"taxhall/internal/laws"
	"taxhall/internal/search"
)

// The site search (站内搜索) answers the home search box with the hall's
// functions (search.go), the tax guides, the bureau sites' articles and the
// regulation library, each
// group best first; a group that finds nothing is left out.

// siteGroupSize is how many hits of each kind the search page shows; the
// group links to the full list where there is one.
const siteGroupSize = 5

// pubHits are the guides and library documents of a site search.
type pubHits struct {
	Guides   []search.Hit
	Articles []search.Hit // published articles of the bureau sites
	Laws     []laws.Hit
	MoreLaws bool     // the library has more: link to /laws?q=
	KB       []kb.Hit // published knowledge-base entries valid today
	MoreKB   bool     // the knowledge base has more: link to /kb?q=
}

// searchPublic fills the public-information groups of a search page.
func (s *Server) searchPublic(ctx context.Context, q string) (pubHits, error) {
	var out pubHits
	if s.Search != nil {
		r, err := s.Search.Search(ctx, search.Query{Text: q, Kinds: []string{guides.SearchKind}, Limit: siteGroupSize})
		if err != nil {
			return out, err
		}
		if !r.Relaxed {
			out.Guides = r.Hits
		}
		r, err = s.Search.Search(ctx, search.Query{Text: q, Kinds: []string{cms.SearchKind}, Limit: siteGroupSize})
		if err != nil {
			return out, err
		}
		if !r.Relaxed {
			out.Articles = r.Hits
		}
	}
	if s.Laws != nil {
		r, err := s.Laws.Search(ctx, q, laws.Filter{}, 0)
		if err != nil {
			return out, err
		}
		if !r.Relaxed {
			out.Laws = r.Hits[:min(len(r.Hits), siteGroupSize)]
			out.MoreLaws = len(r.Hits) > siteGroupSize || r.More
		}
	}
	if s.KB != nil {
		r, err := s.KB.Search(ctx, q, "", 0, siteGroupSize)
		if err != nil && apperr.CodeOf(err) != apperr.Invalid {
			return out, err
		}
		if err == nil && !r.Relaxed {
			out.KB, out.MoreKB = r.Hits, r.More
		}
	}
	return out, nil
}
