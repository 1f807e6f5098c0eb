package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
)

// The taxpayer's side of payment: 缴税 (unpaid list, pay), the result of a
// payment, 缴款记录, 三方协议 and refund requests.

var (
	payView          = newView[payPage]("hall_pay.html")
	paymentView      = newView[paymentPage]("hall_payment.html")
	paymentsView     = newView[paymentsPage]("hall_payments.html")
	agreementView    = newView[agreementPage]("hall_agreement.html")
	agreementEndView = newView[agreementPage]("hall_agreement_end.html")
)

type payPage struct {
	basePage
	Agreement   *payment.Agreement
	Dues        []*payment.Due
	Refundables []*payment.Refundable
	Refunds     []*payment.RefundRequest
	Today       string
	Key         string // the idempotency key of this form
	// Totals of the dues free to pay: tax and late fee to today.
	TaxTotal, FeeTotal int64
	CanPay, CanSign    bool
	// FirstFree is the first liability free to pay: its box carries the
	// id the error summary links to.
	FirstFree int64
}

type paymentPage struct {
	basePage
	Payment *payment.Payment
}

type paymentsPage struct {
	basePage
	Payments []*payment.Payment
	First    bool
	NextURL  string
}

type agreementPage struct {
	basePage
	Current *payment.Agreement
	History []*payment.Agreement
	Banks   []Option
	CanSign bool
}

func (s *Server) hallPay(w http.ResponseWriter, r *http.Request) error {
	p := &payPage{basePage: basePage{Title: "缴税"}}
	return s.renderPay(w, r, p, http.StatusOK)
}

func (s *Server) renderPay(w http.ResponseWriter, r *http.Request, p *payPage, status int) error {
	ctx := r.Context()
	a := auth.ActorFrom(ctx)
	var err error
	if p.Agreement, err = payment.Active(ctx, s.DB, a.TaxpayerID); err != nil {
		return err
	}
	if p.Dues, err = s.Payments.Dues(ctx); err != nil {
		return err
	}
	if p.Refundables, err = s.Payments.Refundables(ctx); err != nil {
		return err
	}
	if p.Refunds, err = s.Payments.MyRefunds(ctx); err != nil {
		return err
	}
	for _, d := range p.Dues {
		if d.InPayment == "" {
			p.TaxTotal += d.Unpaid
			p.FeeTotal += d.LateFee
			if p.FirstFree == 0 {
				p.FirstFree = d.LiabilityID
			}
		}
	}
	if p.FirstFree != 0 {
		p.noteControl("items")
	}
	t := s.Payments.Today()
	p.Today = fmt.Sprintf("%d年%d月%d日", t.Y, int(t.M), t.D)
	p.CanPay, p.CanSign = payment.CanPay(a), payment.CanSign(a)
	if p.Key == "" {
		p.Key = returns.NewKey()
	}
	payView.render(s, w, r, status, p)
	return nil
}

// hallPayPost pays the boxes ticked. The form's key makes a double click
// or a resubmission the same payment.
func (s *Server) hallPayPost(w http.ResponseWriter, r *http.Request) error {
	var ids []int64
	for _, v := range r.PostForm["item"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.New(apperr.BadRequest, "所选税款有误")
		}
		ids = append(ids, id)
	}
	key := r.PostForm.Get("key")
	pm, err := s.Payments.Pay(r.Context(), payment.PayInput{LiabilityIDs: ids, IdemKey: key})
	if err != nil {
		if _, ok := invalid(err); ok || apperr.CodeOf(err) == apperr.Conflict {
			p := &payPage{basePage: basePage{Title: "缴税", Form: r.PostForm}, Key: key}
			if fields, ok := invalid(err); ok {
				p.Errors = fields
			} else {
				p.Errors = map[string]string{"_": apperrMessage(err)}
				p.Key = "" // a new attempt needs a new key
			}
			return s.renderPay(w, r, p, http.StatusUnprocessableEntity)
		}
		return err
	}
	return s.redirect(w, r, "/hall/payments/"+strconv.FormatInt(pm.ID, 10), "")
}

func apperrMessage(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "缴款未能提交，请稍后再试"
}

func (s *Server) hallPayment(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	pm, err := s.Payments.Payment(r.Context(), id)
	if err != nil {
		return err
	}
	return paymentView.ok(s, w, r, &paymentPage{basePage: basePage{Title: "缴款结果"}, Payment: pm})
}

func (s *Server) hallPayments(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	pg, err := s.Payments.Payments(r.Context(), before, 20)
	if err != nil {
		return err
	}
	p := &paymentsPage{basePage: basePage{Title: "缴款记录"}, Payments: pg.Items, First: before <= 0}
	if pg.Next != 0 {
		p.NextURL = "/hall/payments?before=" + strconv.FormatInt(pg.Next, 10)
	}
	return paymentsView.ok(s, w, r, p)
}

func (s *Server) agreementPage(r *http.Request, title string) (*agreementPage, error) {
	ctx := r.Context()
	p := &agreementPage{basePage: basePage{Title: title}, CanSign: payment.CanSign(auth.ActorFrom(ctx))}
	hist, err := s.Payments.Agreements(ctx)
	if err != nil {
		return nil, err
	}
	p.History = hist
	for _, a := range hist {
		if a.State == payment.AgreementActive {
			p.Current = a
		}
	}
	for _, b := range payment.Banks {
		p.Banks = append(p.Banks, Option{b.Code, b.Name})
	}
	return p, nil
}

func (s *Server) hallAgreement(w http.ResponseWriter, r *http.Request) error {
	p, err := s.agreementPage(r, "三方协议")
	if err != nil {
		return err
	}
	return agreementView.ok(s, w, r, p)
}

func (s *Server) hallAgreementPost(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	agr, err := s.Payments.Sign(r.Context(), payment.SignInput{BankCode: f.Get("bank_code"), AccountName: f.Get("account_name"), AccountNo: f.Get("account_no")})
	if err != nil {
		p, perr := s.agreementPage(r, "三方协议")
		if perr != nil {
			return perr
		}
		return agreementView.formError(s, w, r, err, p)
	}
	if agr.State != payment.AgreementActive {
		p, err := s.agreementPage(r, "三方协议")
		if err != nil {
			return err
		}
		p.Form = r.PostForm
		p.Errors = map[string]string{"_": "银行验证未通过：" + agr.Reason + "。请核对开户银行、账户名称和账号后重新提交。"}
		p.Outcome = "三方协议未生效"
		agreementView.render(s, w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	return s.redirect(w, r, "/hall/agreement", "三方协议已通过银行验证并生效，协议号 "+agr.No+"。")
}

func (s *Server) hallAgreementEndForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.agreementPage(r, "终止三方协议")
	if err != nil {
		return err
	}
	if p.Current == nil {
		return s.redirect(w, r, "/hall/agreement", "没有生效中的三方协议。")
	}
	return agreementEndView.ok(s, w, r, p)
}

func (s *Server) hallAgreementEnd(w http.ResponseWriter, r *http.Request) error {
	if err := s.Payments.End(r.Context()); err != nil {
		return err
	}
	return s.redirect(w, r, "/hall/agreement", "三方协议已终止。如需网上缴税，请重新签订。")
}

func (s *Server) hallRefundPost(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PostForm.Get("liability"), 10, 64)
	if err != nil {
		return apperr.New(apperr.BadRequest, "所选税款有误")
	}
	rr, err := s.Payments.RequestRefund(r.Context(), id)
	if err != nil {
		return err
	}
	msg := "已提交退税申请：" + rr.TaxName() + " " + rr.PeriodName() + "，等待税务机关审核。"
	if rr.AppNo != "" {
		msg = "已提交退税申请：" + rr.TaxName() + " " + rr.PeriodName() + "，办税事项编号 " + rr.AppNo + "，等待税务机关审核。"
	}
	return s.redirect(w, r, "/hall/refunds", msg)
}
