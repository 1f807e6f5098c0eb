package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"taxhall/internal/auth"
	"taxhall/internal/taxpayer"

	"taxhall/internal/apperr"
	"taxhall/internal/calc"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/httpx"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
)

// Certificates (完税证明), the public verification page, and a natural
// person's 纳税记录 and annual reconciliation (年度汇算).

var (
	verifyView       = newView[verifyPage]("verify.html")
	certificatesView = newView[certificatesPage]("hall_certificates.html")
	iitRecordsView   = newView[iitRecordsPage]("hall_iit_records.html")
	iitAnnualView    = newView[iitAnnualPage]("hall_iit_annual.html")
)

type verifyPage struct {
	basePage
	Result *certs.Verification
}

// verify answers GET /verify: the empty form, or (with no and code, typed
// or from a certificate's QR code) what the certificate certifies.
func (s *Server) verify(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &verifyPage{basePage: basePage{Title: "完税证明真伪核验", Form: url.Values{"no": {q.Get("no")}, "code": {q.Get("code")}}}}
	if q.Get("no") == "" && q.Get("code") == "" {
		return verifyView.ok(s, w, r, p)
	}
	v, err := s.Certs.Verify(r.Context(), q.Get("no"), q.Get("code"))
	switch {
	case err == nil:
		p.Result = v
	case apperr.CodeOf(err) == apperr.TooMany:
		p.Errors = map[string]string{"_": apperr.As(err).Message}
		p.Outcome = "暂时无法核验"
		verifyView.render(s, w, r, http.StatusTooManyRequests, p)
		return nil
	default:
		if f, ok := invalid(err); ok {
			p.Errors = f
			verifyView.render(s, w, r, http.StatusUnprocessableEntity, p)
			return nil
		}
		return err
	}
	return verifyView.ok(s, w, r, p)
}

type certificatesPage struct {
	basePage
	Certificates []*certs.Certificate
	NextURL      string
	PaidWired    bool // the paid-items source is connected
	Token        string
}

func (s *Server) hallCertificates(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, next, err := s.Certs.List(r.Context(), "", before)
	if err != nil {
		return err
	}
	p := &certificatesPage{basePage: basePage{Title: "完税证明"}, Certificates: list, PaidWired: s.Certs.Paid != nil, Token: returns.NewKey()}
	if next != 0 {
		p.NextURL = "/hall/certificates?before=" + strconv.FormatInt(next, 10)
	}
	return certificatesView.ok(s, w, r, p)
}

// hallCertificateIssue issues a tax certificate over the paid items
// chosen (item) or paid in a date range (from, to).
func (s *Server) hallCertificateIssue(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	var sel certs.Selection
	for _, v := range f["item"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return apperr.New(apperr.BadRequest, "缴款记录编号有误")
		}
		sel.ItemIDs = append(sel.ItemIDs, id)
	}
	if len(sel.ItemIDs) == 0 {
		fields := apperr.Fields{}
		var err error
		if sel.From, err = calendar.ParseDate(f.Get("from")); err != nil {
			fields.Add("from", "请填写开始日期")
		}
		if sel.To, err = calendar.ParseDate(f.Get("to")); err != nil {
			fields.Add("to", "请填写结束日期")
		} else if !sel.From.IsZero() && sel.To.Before(sel.From) {
			fields.Add("to", "结束日期不能早于开始日期")
		}
		if err := fields.Err(); err != nil {
			return certificatesView.formError(s, w, r, err, &certificatesPage{basePage: basePage{Title: "完税证明"}, PaidWired: s.Certs.Paid != nil, Token: f.Get("token")})
		}
	}
	c, err := s.Certs.IssuePaid(r.Context(), sel, f.Get("token"))
	if err != nil {
		return certificatesView.formError(s, w, r, err, &certificatesPage{basePage: basePage{Title: "完税证明"}, PaidWired: s.Certs.Paid != nil, Token: f.Get("token")})
	}
	return s.redirect(w, r, "/hall/certificates", "已开具"+c.Title()+"，编号 "+c.No+"。")
}

// hallCertificatePDF downloads a certificate, rendered from its record.
func (s *Server) hallCertificatePDF(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pdf, c, err := s.Certs.PDF(r.Context(), id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", "attachment; filename=\"certificate-"+c.No+".pdf\"; filename*=UTF-8''"+url.PathEscape(c.FileName()))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(pdf) // #nosec G705 -- a PDF the server rendered, sent as application/pdf (an attachment), not HTML
	return err
}

type iitRecordsPage struct {
	basePage
	NotPerson bool // an enterprise's user: the page explains whose it is
	Year      int
	Years     []int
	Lines     []*iitrecords.Line
	Totals    iitrecords.Totals
	Employers []iitrecords.EmployerSum
	Token     string
}

func taxYearParam(r *http.Request, def int) int {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 2019 || y > def+1 {
		return def
	}
	return y
}

func (s *Server) hallIITRecords(w http.ResponseWriter, r *http.Request) error {
	year := taxYearParam(r, s.IITRecords.CurrentYear()-1)
	if a := auth.ActorFrom(r.Context()); a.TaxpayerKind != taxpayer.Individual {
		return iitRecordsView.ok(s, w, r, &iitRecordsPage{basePage: basePage{Title: "个人所得税纳税记录"}, NotPerson: true, Year: year})
	}
	lines, tot, err := s.IITRecords.Year(r.Context(), year)
	if err != nil {
		return err
	}
	years, err := s.IITRecords.Years(r.Context())
	if err != nil {
		return err
	}
	return iitRecordsView.ok(s, w, r, &iitRecordsPage{basePage: basePage{Title: "个人所得税纳税记录"}, Year: year, Years: years,
		Lines: lines, Totals: tot, Employers: iitrecords.ByEmployer(lines), Token: returns.NewKey()})
}

// hallIITRecordIssue registers the year's 纳税记录 and downloads it.
func (s *Server) hallIITRecordIssue(w http.ResponseWriter, r *http.Request) error {
	year, err := strconv.Atoi(r.PostForm.Get("year"))
	if err != nil {
		return apperr.New(apperr.BadRequest, "年度有误")
	}
	c, err := s.IITRecords.Issue(r.Context(), year, r.PostForm.Get("token"))
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/hall/certificates/%d/pdf", c.ID), "")
}

type iitAnnualPage struct {
	basePage
	Year      int
	Totals    iitrecords.Totals
	Employers []iitrecords.EmployerSum // where the prefilled figures come from
	Filed     *iitannual.Filed
	Steps     []calc.Step // the filed reconciliation's computation
	Refunds   []*iitannual.Refund
	FileURL   string
	Deadline  string
	Opens     string
	Open      bool
	// PastDeadline: filing now is late (逾期办理).
	PastDeadline bool
}

func (s *Server) hallIITAnnual(w http.ResponseWriter, r *http.Request) error {
	year := taxYearParam(r, s.IITRecords.CurrentYear()-1)
	lines, tot, err := s.IITRecords.Year(r.Context(), year)
	if err != nil {
		return err
	}
	p := &iitAnnualPage{basePage: basePage{Title: "综合所得年度汇算"}, Year: year, Totals: tot, Employers: iitrecords.ByEmployer(lines),
		FileURL: "/hall/returns/file?" + url.Values{"form": {iitannual.FormCode}, "period": {strconv.Itoa(year)}}.Encode()}
	open, dl := rules.AnnualWindow(year)
	p.Opens, p.Deadline = open.String(), dl.String()
	today := calendar.FromTime(s.IITRecords.Now().In(cst))
	p.Open, p.PastDeadline = !today.Before(open), today.After(dl)
	if p.Filed, err = s.IITAnnual.Current(r.Context(), year); err != nil {
		return err
	}
	if p.Filed != nil {
		ret, err := s.Returns.Get(r.Context(), p.Filed.ReturnID)
		if err != nil {
			return err
		}
		vals, err := ret.Doc.Values()
		if err != nil {
			return err
		}
		p.Steps = iitannual.Steps(year, vals)
	}
	if p.Refunds, err = s.IITAnnual.Refunds(r.Context(), year); err != nil {
		return err
	}
	return iitAnnualView.ok(s, w, r, p)
}
