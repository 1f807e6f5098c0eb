package web

import (
	"context"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/divisions"
	"taxhall/internal/industry"
	"taxhall/internal/org"
)

// Option and Group feed <select> and <optgroup> elements.
type Option struct{ Value, Label string }

type Group struct {
	Label   string
	Options []Option
}

// districtGroups lists the districts of every province the hall serves,
// grouped by city, for the address select of the registration forms.
func (s *Server) districtGroups(ctx context.Context) ([]Group, error) {
	provs, err := org.ServedProvinces(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, p := range provs {
		pd, _ := divisions.Lookup(p)
		for _, c := range divisions.Cities(p) {
			label := pd.Name + " " + c.Name
			if c.Name == "市辖区" || c.Name == "县" {
				label = pd.Name
			}
			g := Group{Label: label}
			for _, a := range divisions.Areas(c.Code) {
				if a.Name == "市辖区" {
					continue
				}
				g.Options = append(g.Options, Option{a.Code, a.Name})
			}
			if len(g.Options) > 0 {
				out = append(out, g)
			}
		}
	}
	return out, nil
}

func industryGroups() []Group {
	var out []Group
	for _, sec := range industry.Sections() {
		g := Group{Label: sec.Code + " " + sec.Name}
		for _, d := range industry.DivisionsOf(sec.Code) {
			g.Options = append(g.Options, Option{d.Code, d.Code + " " + d.Name})
		}
		out = append(out, g)
	}
	return out
}

func labelOptions(ls []auth.Label) []Option {
	out := make([]Option, len(ls))
	for i, l := range ls {
		out[i] = Option{l.Code, l.Name}
	}
	return out
}

// orgOptions lists tax authorities for a select; with "parents", only
// those that may have a lower level (not district bureaus).
func orgOptions(orgs []*org.Org, only ...string) []Option {
	var out []Option
	for _, o := range orgs {
		if len(only) > 0 && only[0] == "parents" && o.Level == org.District {
			continue
		}
		out = append(out, Option{strconv.FormatInt(o.ID, 10), o.Name})
	}
	return out
}
