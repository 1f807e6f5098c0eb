package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/payment"
	"taxhall/internal/taxpayer"
)

// The staff side of payment: 缴款台账, 待确认缴款, 对账报告, 国库日报 and
// 退税申请.

var (
	ledgerView   = newView[ledgerPage]("staff_payments.html")
	pendingView  = newView[pendingPage]("staff_payments_pending.html")
	reconsView   = newView[reconsPage]("staff_reconciliations.html")
	reconView    = newView[reconPage]("staff_reconciliation.html")
	treasuryView = newView[treasuryPage]("staff_treasury.html")
	refundsView  = newView[refundsPage]("staff_refunds.html")
)

type ledgerPage struct {
	basePage
	Day      string
	Lines    []*payment.LedgerLine
	Taxes    []Option
	NextURL  string
	FirstURL string
}

type pendingPage struct {
	basePage
	Payments []*payment.Payment
	Now      time.Time
}

// AgeText is how long a payment has waited, in words.
func (p *pendingPage) AgeText(pm *payment.Payment) string {
	d := pm.Age(p.Now)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d.Seconds())) + " 秒"
	case d < time.Hour:
		return strconv.Itoa(int(d.Minutes())) + " 分钟"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d.Hours())) + " 小时"
	}
	return strconv.Itoa(int(d.Hours()/24)) + " 天"
}

type reconsPage struct {
	basePage
	Runs      []*payment.Reconciliation
	Yesterday string
}

type reconPage struct {
	basePage
	Run *payment.Reconciliation
}

type treasuryPage struct {
	basePage
	Day  string
	Rows []*payment.TreasuryRow
}

type refundsPage struct {
	basePage
	Refunds []*payment.RefundRequest
	Ledger  *payment.PayoutPage
	NextURL string
}

// dayParam reads ?day=YYYY-MM-DD, today when absent or malformed.
func (s *Server) dayParam(r *http.Request) calendar.Date {
	if d, err := calendar.ParseDate(r.URL.Query().Get("day")); err == nil {
		return d
	}
	return s.Payments.Today()
}

func taxOptions() []Option {
	var out []Option
	for _, t := range taxpayer.TaxTypes {
		out = append(out, Option{t.Code, t.Name})
	}
	return out
}

func (s *Server) staffPayments(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	day := s.dayParam(r)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	lq := payment.LedgerQuery{Day: day, TaxType: q.Get("tax_type"), TaxpayerCode: q.Get("taxpayer"), After: after}
	p := &ledgerPage{basePage: basePage{Title: "缴款台账", Form: url.Values{"day": {day.String()}, "tax_type": {lq.TaxType}, "taxpayer": {lq.TaxpayerCode}}},
		Day: day.String(), Taxes: taxOptions()}
	pg, err := s.Payments.Ledger(r.Context(), lq)
	if err != nil {
		return ledgerView.formError(s, w, r, err, p)
	}
	p.Lines = pg.Lines
	if pg.Next != 0 {
		v := url.Values{"day": {day.String()}, "tax_type": {lq.TaxType}, "taxpayer": {lq.TaxpayerCode}, "after": {strconv.FormatInt(pg.Next, 10)}}
		p.NextURL = "/staff/payments?" + v.Encode()
	}
	if after > 0 {
		v := url.Values{"day": {day.String()}, "tax_type": {lq.TaxType}, "taxpayer": {lq.TaxpayerCode}}
		p.FirstURL = "/staff/payments?" + v.Encode()
	}
	return ledgerView.ok(s, w, r, p)
}

func (s *Server) staffPaymentsPending(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Payments.PendingPayments(r.Context())
	if err != nil {
		return err
	}
	return pendingView.ok(s, w, r, &pendingPage{basePage: basePage{Title: "待确认缴款"}, Payments: list, Now: time.Now()})
}

func (s *Server) reconsPage(r *http.Request) (*reconsPage, error) {
	runs, err := s.Payments.Reconciliations(r.Context())
	if err != nil {
		return nil, err
	}
	y := s.Payments.Today().AddDays(-1).String()
	return &reconsPage{basePage: basePage{Title: "对账报告", Form: url.Values{"day": {y}}}, Runs: runs, Yesterday: y}, nil
}

// staffReconciliations lists the imports, or shows one (?run=ID). A
// reconciliation covers the whole hall's statement, not one bureau's: the
// staff who may reconcile see every run.
func (s *Server) staffReconciliations(w http.ResponseWriter, r *http.Request) error {
	if id, err := strconv.ParseInt(r.URL.Query().Get("run"), 10, 64); err == nil {
		return s.staffReconciliation(w, r, id)
	}
	p, err := s.reconsPage(r)
	if err != nil {
		return err
	}
	return reconsView.ok(s, w, r, p)
}

// staffReconcile fetches a day's statement from the bank and reconciles it.
func (s *Server) staffReconcile(w http.ResponseWriter, r *http.Request) error {
	day, err := calendar.ParseDate(r.PostForm.Get("day"))
	var run *payment.Reconciliation
	if err == nil {
		run, err = s.Payments.ImportStatement(r.Context(), day)
	} else {
		err = apperr.InvalidField("day", "请选择对账日期")
	}
	if err != nil {
		p, perr := s.reconsPage(r)
		if perr != nil {
			return perr
		}
		return reconsView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/reconciliations?run="+strconv.FormatInt(run.ID, 10), "对账完成。")
}

func (s *Server) staffReconciliation(w http.ResponseWriter, r *http.Request, id int64) error {
	run, err := s.Payments.ReconciliationReport(r.Context(), id)
	if err != nil {
		return err
	}
	return reconView.ok(s, w, r, &reconPage{basePage: basePage{Title: "对账报告 " + run.Day.String()}, Run: run})
}

func (s *Server) staffTreasury(w http.ResponseWriter, r *http.Request) error {
	day := s.dayParam(r)
	rows, err := s.Payments.Treasury(r.Context(), day)
	if err != nil {
		return err
	}
	return treasuryView.ok(s, w, r, &treasuryPage{basePage: basePage{Title: "国库日报", Form: url.Values{"day": {day.String()}}}, Day: day.String(), Rows: rows})
}

func (s *Server) staffRefunds(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Payments.RefundRequests(r.Context())
	if err != nil {
		return err
	}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	led, err := s.Payments.RefundLedger(r.Context(), before, 50)
	if err != nil {
		return err
	}
	p := &refundsPage{basePage: basePage{Title: "退税台账"}, Refunds: list, Ledger: led}
	if led.Next != 0 {
		p.NextURL = "/staff/refunds?before=" + strconv.FormatInt(led.Next, 10)
	}
	return refundsView.ok(s, w, r, p)
}
