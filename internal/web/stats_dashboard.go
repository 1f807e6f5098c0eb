package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/stats"
)

// The statistics dashboard of the site administrators (访问统计): visits
// per day, searches and searches that found nothing, the most visited
// pages and downloads, drawn as SVG on the server (no script, no CDN).

var statsView = newView[statsPage]("staff_stats.html")

type statsPage struct {
	basePage
	Report      stats.Report
	VisitChart  barChart
	SearchChart barChart
	KindChart   []kindBar
	Top         []namedTop
	TotalVisits int64
}

// barChart is a day-by-day column chart, laid out for the template.
type barChart struct {
	Width, Height int
	Bars          []bar
	Max           int64
	Ticks         []tick
	Label         string // what the chart shows, for screen readers
}

type bar struct {
	X, Y, W, H   float64
	Y2, H2       float64 // a second, overlaid value (searches without result)
	Day, Title   string
	ShowDayLabel bool
}

type tick struct {
	Y     float64
	Label string
}

type kindBar struct {
	Name  string
	N     int64
	Width float64 // percent of the widest
}

type namedTop struct {
	Kind, Name, URL string
	N               int64
}

var kindNames = map[string]string{"law": "法规库文档", "guide": "办税指南", "article": "信息公开文章", "column": "栏目", "list": "公开名单", "download": "下载", "page": "其他页面"}

// dayChart lays out days of one or two series.
func dayChart(days, second []stats.Day, label string) barChart {
	c := barChart{Width: 720, Height: 220, Label: label}
	const left, bottom, top = 40.0, 24.0, 10.0
	for _, d := range days {
		c.Max = max(c.Max, d.N)
	}
	scale := 1.0
	if c.Max > 0 {
		scale = (float64(c.Height) - bottom - top) / float64(c.Max)
	}
	w := (float64(c.Width) - left) / float64(max(1, len(days)))
	for i, d := range days {
		b := bar{X: left + float64(i)*w + 1, W: w - 2, H: float64(d.N) * scale, Day: d.Day[5:], ShowDayLabel: i%7 == len(days)%7}
		b.Y = float64(c.Height) - bottom - b.H
		b.Title = fmt.Sprintf("%s：%d", d.Day, d.N)
		if second != nil {
			b.H2 = float64(second[i].N) * scale
			b.Y2 = float64(c.Height) - bottom - b.H2
			b.Title += fmt.Sprintf("（无结果 %d）", second[i].N)
		}
		c.Bars = append(c.Bars, b)
	}
	for _, f := range []float64{0, 0.5, 1} {
		v := int64(f * float64(c.Max))
		c.Ticks = append(c.Ticks, tick{Y: float64(c.Height) - bottom - float64(v)*scale, Label: strconv.FormatInt(v, 10)})
	}
	return c
}

func (s *Server) staffStats(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	if !cms.CanManage(a) {
		return apperr.New(apperr.Forbidden, "仅限网站管理员和内容编辑、审核人员查看")
	}
	if s.Stats != nil {
		// Show what the buffer holds too: the administrator just looked.
		if err := s.Stats.Flush(r.Context()); err != nil {
			return err
		}
	}
	rep, err := stats.Read(r.Context(), s.DB, s.CMS.Now(), 30)
	if err != nil {
		return err
	}
	p := &statsPage{basePage: basePage{Title: "访问统计"}, Report: rep,
		VisitChart:  dayChart(rep.Visits, nil, "近30天每日访问量"),
		SearchChart: dayChart(rep.Searches, rep.EmptySearches, "近30天每日检索次数及无结果检索次数")}
	var widest int64
	for _, k := range rep.ByKind {
		widest = max(widest, k.N)
		p.TotalVisits += k.N
	}
	for _, k := range rep.ByKind {
		p.KindChart = append(p.KindChart, kindBar{Name: kindNames[k.Kind], N: k.N, Width: 100 * float64(k.N) / float64(max(widest, 1))})
	}
	for _, t := range rep.TopObjects {
		p.Top = append(p.Top, s.nameOf(r, t))
	}
	return statsView.ok(s, w, r, p)
}

// nameOf finds the title of a counted object.
func (s *Server) nameOf(r *http.Request, t stats.Top) namedTop {
	n := namedTop{Kind: kindNames[t.Kind], Name: t.Ref, N: t.N}
	id, _ := strconv.ParseInt(t.Ref, 10, 64)
	var q string
	switch t.Kind {
	case "law":
		q, n.URL = `SELECT title FROM laws WHERE id = $1`, "/laws/"+t.Ref
	case "article":
		q, n.URL = `SELECT title FROM cms_articles WHERE id = $1`, "/info/articles/"+t.Ref
	case "column":
		q, n.URL = `SELECT name FROM cms_columns WHERE id = $1`, "/info/columns/"+t.Ref
	case "guide":
		if g := s.Guides.Get(t.Ref); g != nil {
			n.Name, n.URL = g.Title, "/guides/"+g.Slug
		}
	case "list":
		n.URL = "/lists?list=" + t.Ref
	}
	if q != "" && id > 0 {
		var name string
		if err := s.DB.QueryRowContext(r.Context(), q, id).Scan(&name); err == nil {
			n.Name = name
		}
	}
	n.Name = strings.TrimSpace(n.Name)
	return n
}
