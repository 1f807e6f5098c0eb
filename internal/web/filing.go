package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/forms"
	"taxhall/internal/returns"
)

// The clerks' filing board (申报监控): for a tax and period, the bureau
// subtree's totals, who has not filed (with reminders), who filed late.

var filingView = newView[filingPage]("staff_filing.html")

type filingPage struct {
	basePage
	Board     *returns.Board
	Forms     []Option
	Periods   []Option
	NotFiled  []*returns.Filer
	Late      []*returns.Filer
	NextURL   string // next page of the not-filed list
	LateNext  string
	CanRemind bool
}

func (s *Server) staffFiling(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	all := returns.BoardForms()
	if len(all) == 0 {
		return apperr.New(apperr.NotFound, "没有可监控的申报表")
	}
	f := all[0]
	if c := q.Get("form"); c != "" {
		if g, ok := forms.Lookup(c); ok {
			f = g
		}
	}
	periods := s.Returns.RecentPeriods(f)
	period := q.Get("period")
	if period == "" && len(periods) > 0 {
		period = returns.PeriodKey(periods[0])
	}
	b, err := s.Returns.Totals(r.Context(), f.Code, period)
	if err != nil {
		return err
	}
	p := &filingPage{basePage: basePage{Title: "申报监控", Form: url.Values{"form": {f.Code}, "period": {period}}}, Board: b,
		CanRemind: returns.CanRemind(auth.ActorFrom(r.Context()))}
	for _, g := range all {
		p.Forms = append(p.Forms, Option{g.Code, g.Short})
	}
	for _, x := range periods {
		p.Periods = append(p.Periods, Option{returns.PeriodKey(x), returns.PeriodName(x)})
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	var next int64
	if p.NotFiled, next, err = s.Returns.NotFiled(r.Context(), f.Code, period, after, 50); err != nil {
		return err
	}
	if next > 0 {
		p.NextURL = "/staff/filing?" + url.Values{"form": {f.Code}, "period": {period}, "after": {strconv.FormatInt(next, 10)}}.Encode()
	}
	before, _ := strconv.ParseInt(q.Get("late_before"), 10, 64)
	if p.Late, next, err = s.Returns.LateFiled(r.Context(), f.Code, period, before, 20); err != nil {
		return err
	}
	if next > 0 {
		p.LateNext = "/staff/filing?" + url.Values{"form": {f.Code}, "period": {period}, "late_before": {strconv.FormatInt(next, 10)}}.Encode() + "#late"
	}
	return filingView.ok(s, w, r, p)
}

// staffRemind sends the reminder to the taxpayers ticked on the board.
func (s *Server) staffRemind(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	var ids []int64
	for _, v := range f["taxpayer_id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.InvalidField("taxpayer_id", "纳税人编号有误")
		}
		ids = append(ids, id)
	}
	back := "/staff/filing?" + url.Values{"form": {f.Get("form")}, "period": {f.Get("period")}}.Encode()
	sent, skipped, err := s.Returns.Remind(r.Context(), f.Get("form"), f.Get("period"), ids)
	if fields, ok := invalid(err); ok {
		msg := "催报未发送："
		for _, m := range fields {
			msg += m
		}
		return s.redirect(w, r, back, msg)
	}
	if err != nil {
		return err
	}
	msg := "已向 " + strconv.Itoa(sent) + " 户发送催报站内信。"
	if skipped > 0 {
		msg += strconv.Itoa(skipped) + " 户此前已催报过或已申报，未重复发送。"
	}
	return s.redirect(w, r, back, msg)
}
