// Package guides is the tax guides (办税指南): for each thing a taxpayer
// does, who it is for, the conditions, the materials, the steps, the time
// limit, the fee, the legal basis (linked to the article in the regulation
// library) and, where this hall does it online, the function that does it.
// The guides are data (guides.json, categories.json), checked when loaded
// and by tests against the route table and the library.
package guides

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"taxhall/internal/laws"
	"taxhall/internal/search"
)

//go:embed guides.json
var guidesJSON []byte

//go:embed categories.json
var categoriesJSON []byte

// Category is a group of guides.
type Category struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Desc   string `json:"desc"`
	Guides []*Guide
}

// Guide is one tax guide.
type Guide struct {
	Slug       string   `json:"slug"`
	Category   string   `json:"category"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Who        string   `json:"who"`
	Conditions []string `json:"conditions"`
	Materials  []string `json:"materials"`
	Steps      []string `json:"steps"`
	Deadline   string   `json:"deadline"`   // when it must be done (办理期限)
	TimeLimit  string   `json:"time_limit"` // how long the bureau takes (办结时限)
	Fee        string   `json:"fee"`
	Basis      []Basis  `json:"basis"`
	Online     *Online  `json:"online,omitempty"`
}

// Basis is an article of a law in the library.
type Basis struct {
	Title   string `json:"title"`   // the document's title as the library has it
	Article string `json:"article"` // "第十五条"
}

// Anchor is the article's anchor in the library's document page ("a15").
func (b Basis) Anchor() string {
	return "a" + strconv.Itoa(laws.ChineseNumber(strings.TrimSuffix(strings.TrimPrefix(b.Article, "第"), "条")))
}

// Online is the function of this hall that does what the guide describes.
type Online struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// Catalog is every category and guide.
type Catalog struct {
	Categories []*Category
	bySlug     map[string]*Guide
	catByCode  map[string]*Category
}

// Load reads and checks the embedded guides.
func Load() (*Catalog, error) {
	c := &Catalog{bySlug: map[string]*Guide{}, catByCode: map[string]*Category{}}
	if err := json.Unmarshal(categoriesJSON, &c.Categories); err != nil {
		return nil, fmt.Errorf("categories.json: %w", err)
	}
	for _, cat := range c.Categories {
		c.catByCode[cat.Code] = cat
	}
	var list []*Guide
	if err := json.Unmarshal(guidesJSON, &list); err != nil {
		return nil, fmt.Errorf("guides.json: %w", err)
	}
	for _, g := range list {
		cat := c.catByCode[g.Category]
		switch {
		case cat == nil:
			return nil, fmt.Errorf("guide %s: no category %q", g.Slug, g.Category)
		case c.bySlug[g.Slug] != nil:
			return nil, fmt.Errorf("guide %s twice", g.Slug)
		case g.Title == "" || g.Who == "" || len(g.Steps) == 0 || len(g.Materials) == 0 || g.Fee == "" || g.TimeLimit == "" || len(g.Basis) == 0:
			return nil, fmt.Errorf("guide %s: title, who, steps, materials, fee, time limit and basis are required", g.Slug)
		}
		for _, b := range g.Basis {
			if b.Anchor() == "a0" {
				return nil, fmt.Errorf("guide %s: article %q is not 第N条", g.Slug, b.Article)
			}
		}
		c.bySlug[g.Slug] = g
		cat.Guides = append(cat.Guides, g)
	}
	return c, nil
}

// MustLoad is Load for data that tests keep valid.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

// Get returns a guide by its slug, or nil.
func (c *Catalog) Get(slug string) *Guide { return c.bySlug[slug] }

// Category returns a category by code, or nil.
func (c *Catalog) Category(code string) *Category { return c.catByCode[code] }

// All returns every guide in category order.
func (c *Catalog) All() []*Guide {
	var out []*Guide
	for _, cat := range c.Categories {
		out = append(out, cat.Guides...)
	}
	return out
}

// SearchKind is the kind of the guides' rows in the search index.
const SearchKind = "guide"

// Index puts every guide in the search index (replacing what was there), so
// that the site search finds them; run at start, it costs a few
// milliseconds.
func (c *Catalog) Index(ctx context.Context, ix *search.Index) error {
	return ix.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, g := range c.All() {
			body := strings.Join([]string{g.Summary, g.Who, strings.Join(g.Conditions, "；"), strings.Join(g.Materials, "；"), strings.Join(g.Steps, "；"), g.Deadline}, "\n")
			d := search.Doc{Kind: SearchKind, Ref: g.Slug, Title: g.Title, Body: body, URL: "/guides/" + g.Slug,
				Facets: map[string]string{"cat": g.Category}}
			if err := ix.Put(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

// Link is a basis resolved to the library: the URL of the article in the
// document in force, or "" when the library lacks it.
type Link struct {
	Basis
	URL string
}

// Resolve finds each basis in the library: the newest version of the
// title, at the article's anchor.
func Resolve(ctx context.Context, lib *laws.Service, bs []Basis) ([]Link, error) {
	out := make([]Link, len(bs))
	for i, b := range bs {
		out[i] = Link{Basis: b}
		vs, err := lib.Versions(ctx, b.Title)
		if err != nil {
			return nil, err
		}
		if len(vs) > 0 {
			out[i].URL = "/laws/" + strconv.FormatInt(vs[0].ID, 10) + "#" + b.Anchor()
		}
	}
	return out, nil
}
