package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/payment"
)

// 我的退税: every refund request of the taxpayer — overpayments a
// correction made and annual IIT reconciliations ending in a refund — with
// where its refund application, the approval and the payout to the bank
// stand; a request whose application was withdrawn can be applied for
// again.

var myRefundsView = newView[myRefundsPage]("hall_refunds.html")

type myRefundsPage struct {
	basePage
	Refunds []*payment.RefundRequest
}

func (s *Server) hallRefunds(w http.ResponseWriter, r *http.Request) error {
	if r.PathValue("id") != "" {
		// GET of /hall/refunds/{id}/apply (the address of a failed form):
		// the list, to the request's own taxpayer only.
		id, err := httpx.PathID(r, "id")
		if err != nil {
			return err
		}
		source := r.URL.Query().Get("source")
		if source != payment.SourceIIT {
			source = payment.SourceOverpaid
		}
		if _, err := s.Payments.MyRefund(r.Context(), source, id); err != nil {
			return err
		}
	}
	list, err := s.Payments.MyRefunds(r.Context())
	if err != nil {
		return err
	}
	return myRefundsView.ok(s, w, r, &myRefundsPage{basePage: basePage{Title: "我的退税"}, Refunds: list})
}

// hallRefundApply opens a new refund application for a request whose
// application was withdrawn (source overpaid or iit in the form).
func (s *Server) hallRefundApply(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	source := r.PostForm.Get("source")
	if source != payment.SourceOverpaid && source != payment.SourceIIT {
		return apperr.New(apperr.BadRequest, "退税申请类别有误")
	}
	ap, err := s.Workflow.ReapplyRefund(r.Context(), source, id)
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/hall/applications/"+strconv.FormatInt(ap.ID, 10), "已重新提交退税申请，办税事项编号 "+ap.No+"。")
}
