package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/httpx"
	"taxhall/internal/publists"
	"taxhall/internal/taxpayer"
)

// The public lists (公开名单): each list filtered by name or code, district
// and year, paged, exported as CSV or Excel; and the clerk's forms that set
// and lift 非正常户 and set a fixed quota.

var (
	listsView     = newView[listsPage]("lists.html")
	irregularView = newView[irregularPage]("staff_irregular.html")
	quotaView     = newView[quotaPage]("staff_quota.html")
)

type listsPage struct {
	basePage
	List      string
	ListName  string
	ListDesc  string
	Lists     []Option
	Districts []Option
	Filter    publists.Filter
	Rows      []publists.Row
	NextURL   string
	FirstURL  string
	ExportQ   string // the filter as a query, for the export links
}

// districtOptions are the cities and districts of the bureaus.
func (s *Server) districtOptions(r *http.Request) ([]Option, error) {
	return db.Query(r.Context(), s.DB, func(sc db.Scanner) (Option, error) {
		var o Option
		var level string
		err := sc.Scan(&o.Value, &o.Label, &level)
		o.Label = strings.TrimPrefix(o.Label, "国家税务总局")
		if level == "district" {
			o.Label = "　" + o.Label
		}
		return o, err
	}, `SELECT division_code, name, level FROM orgs WHERE level IN ('city', 'district') ORDER BY path`)
}

func listFilter(v url.Values) publists.Filter {
	f := publists.Filter{Q: strings.TrimSpace(v.Get("q")), District: v.Get("district")}
	f.Year, _ = strconv.Atoi(v.Get("year"))
	return f
}

func listQuery(list string, f publists.Filter) url.Values {
	v := url.Values{"list": {list}}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	if f.District != "" {
		v.Set("district", f.District)
	}
	if f.Year > 0 {
		v.Set("year", strconv.Itoa(f.Year))
	}
	return v
}

func (s *Server) lists(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	list := qv.Get("list")
	if list == "" {
		list = publists.Irregular
	}
	p := &listsPage{basePage: basePage{Title: "公开名单"}, List: list, ListName: publists.NameOf(list), Filter: listFilter(qv)}
	if p.ListName == "" {
		return apperr.New(apperr.NotFound, "没有这个名单")
	}
	p.Title = p.ListName
	for _, l := range publists.Lists {
		p.Lists = append(p.Lists, Option{l.Code, l.Name})
		if l.Code == list {
			p.ListDesc = l.Desc
		}
	}
	var err error
	if p.Districts, err = s.districtOptions(r); err != nil {
		return err
	}
	after := publists.ParseCursor(qv.Get("after"))
	rows, next, err := s.Lists.Page(r.Context(), list, p.Filter, after)
	if err != nil {
		if fields, ok := invalid(err); ok {
			p.Errors = fields
			s.render(w, r, http.StatusUnprocessableEntity, listsView.name, p)
			return nil
		}
		return err
	}
	p.Rows = rows
	base := listQuery(list, p.Filter)
	p.ExportQ = base.Encode()
	if next.ID != 0 {
		v := listQuery(list, p.Filter)
		v.Set("after", next.String())
		p.NextURL = "/lists?" + v.Encode()
	}
	if after.ID != 0 {
		p.FirstURL = "/lists?" + base.Encode()
	}
	return listsView.ok(s, w, r, p)
}

func (s *Server) listsExport(w http.ResponseWriter, r *http.Request) error {
	qv := r.URL.Query()
	list := qv.Get("list")
	name := publists.NameOf(list)
	if name == "" {
		return apperr.New(apperr.NotFound, "没有这个名单")
	}
	rows, err := s.Lists.Export(r.Context(), list, listFilter(qv))
	if err != nil {
		return err
	}
	file := name + "-" + s.Lists.Now().Format("20060102")
	switch qv.Get("format") {
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(file+".xlsx"))
		return publists.WriteXLSX(w, list, rows)
	case "csv", "":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(file+".csv"))
		return publists.WriteCSV(w, list, rows)
	}
	return apperr.New(apperr.NotFound, "不支持的导出格式")
}

// irregularPage is the form that sets or lifts 非正常户.
type irregularPage struct {
	basePage
	Taxpayer *taxpayer.Taxpayer
	Lift     bool // the taxpayer is 非正常户: the form lifts it
}

func (s *Server) staffIrregularForm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.listSubject(r)
	if err != nil {
		return err
	}
	return irregularView.ok(s, w, r, &irregularPage{basePage: basePage{Title: "非正常户认定：" + t.Name}, Taxpayer: t, Lift: t.Status == taxpayer.StatusIrregular})
}

func (s *Server) listSubject(r *http.Request) (*taxpayer.Taxpayer, error) {
	if !publists.CanMark(auth.ActorFrom(r.Context())) {
		return nil, apperr.New(apperr.Forbidden, "仅限窗口受理和审核人员办理")
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Taxpayers.Get(r.Context(), id)
}

func (s *Server) staffIrregular(w http.ResponseWriter, r *http.Request) error {
	t, err := s.listSubject(r)
	if err != nil {
		return err
	}
	lift := r.PostForm.Get("action") == "lift"
	err = s.Lists.SetIrregular(r.Context(), auth.ActorFrom(r.Context()), t.ID, !lift, r.PostForm.Get("reason"))
	if err != nil {
		p := &irregularPage{basePage: basePage{Title: "非正常户认定：" + t.Name}, Taxpayer: t, Lift: t.Status == taxpayer.StatusIrregular}
		if apperr.CodeOf(err) == apperr.Conflict {
			p.Alert = apperr.As(err).Message
			s.render(w, r, http.StatusConflict, irregularView.name, p)
			return nil
		}
		return irregularView.formError(s, w, r, err, p)
	}
	msg := "已认定为非正常户，并列入公开名单。"
	if lift {
		msg = "已解除非正常户，纳税人状态恢复为正常。"
	}
	return s.redirect(w, r, "/staff/taxpayers/"+strconv.FormatInt(t.ID, 10), msg)
}

// quotaPage is the form that sets a fixed quota.
type quotaPage struct {
	basePage
	Taxpayer *taxpayer.Taxpayer
}

func (s *Server) staffQuotaForm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.listSubject(r)
	if err != nil {
		return err
	}
	return quotaView.ok(s, w, r, &quotaPage{basePage: basePage{Title: "核定定额：" + t.Name}, Taxpayer: t})
}

func (s *Server) staffQuota(w http.ResponseWriter, r *http.Request) error {
	t, err := s.listSubject(r)
	if err != nil {
		return err
	}
	in := publists.QuotaInput{From: r.PostForm.Get("from"), To: r.PostForm.Get("to"), Sales: r.PostForm.Get("sales"), Tax: r.PostForm.Get("tax")}
	if err := s.Lists.SetQuota(r.Context(), auth.ActorFrom(r.Context()), t.ID, in); err != nil {
		p := &quotaPage{basePage: basePage{Title: "核定定额：" + t.Name}, Taxpayer: t}
		if apperr.CodeOf(err) == apperr.Conflict {
			p.Alert = apperr.As(err).Message
			s.render(w, r, http.StatusConflict, quotaView.name, p)
			return nil
		}
		return quotaView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/taxpayers/"+strconv.FormatInt(t.ID, 10), "已核定定额，并列入定额公示。")
}
