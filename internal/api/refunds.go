package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/payment"
)

// refundRoutes are refunds end to end (退税): the taxpayer's refund
// requests of both sources with where their application, approval and
// payout stand; applying again after a withdrawal; the staff's refund
// ledger (退库). The same services as /hall/refunds and /staff/refunds.
func (a *API) refundRoutes() []route {
	return []route{
		{Pattern: "GET /my/refunds", Tag: tagPayment, Access: TaxpayerUser,
			Summary: "我的退税申请（更正申报多缴退税和综合所得汇算退税，最新的在前）",
			Doc: "每项退税申请提交时系统自动生成退税办税事项（application_id）；审核通过后经银行退至三方协议账户：state 为 requested 待审核、approved 已核准退库中、" +
				"refunded 已退至账户（paid_at 为入账日期）、rejected 不予退还、superseded 已被更正申报替代（仅汇算）。",
			Handler: handle(a.myRefunds)},
		{Pattern: "GET /my/refunds/{id}", Tag: tagPayment, Access: TaxpayerUser, Object: "refund_request",
			Summary: "查看一项退税申请", Doc: "source 为 overpaid（更正申报多缴，默认）或 iit（综合所得汇算）。其他纳税人的申请返回 404。",
			Handler: handle(a.myRefund)},
		{Pattern: "POST /my/refunds/{id}/apply", Tag: tagPayment, Access: TaxpayerUser, Object: "refund_request", Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "重新提交退税办税事项",
			Doc:     "退税办税事项撤回后，可为仍处于 requested 的退税申请重新生成事项；每项申请同时只能有一个办理中的事项（409）。返回新事项。",
			Handler: handle(a.reapplyRefund)},
		{Pattern: "GET /payments/refund-ledger", Tag: tagPayment, Access: StaffUser,
			Summary: "退库台账（本局及下级，最新的在前）",
			Doc:     "核准的退税经银行退至纳税人三方协议账户的记录：state 为 pending 退库处理中、paid 已入账、failed 失败（reason 为银行原因）。按 id 倒序分页：下一页以 next 作为 before 参数。",
			Handler: handle(a.refundLedger)},
	}
}

type refundCaseView struct {
	Source        string    `json:"source" enum:"refund_sources" doc:"overpaid 更正申报多缴，iit 综合所得汇算"`
	ID            int64     `json:"id"`
	TaxType       string    `json:"tax_type"`
	TaxName       string    `json:"tax_name"`
	PeriodName    string    `json:"period_name"`
	Amount        int64     `json:"amount" doc:"退税额（分）"`
	State         string    `json:"state"`
	StateName     string    `json:"state_name"`
	CreatedAt     time.Time `json:"created_at"`
	ApplicationID int64     `json:"application_id,omitempty" doc:"最近一次为该申请生成的退税办税事项"`
	AppNo         string    `json:"application_no,omitempty"`
	AppStatus     string    `json:"application_status,omitempty"`
	RefundStatus  string    `json:"refund_status,omitempty" doc:"approved 已核准退库中，paid 已入账"`
	PaidAt        string    `json:"paid_at,omitempty" format:"date"`
	CanReapply    bool      `json:"can_reapply" doc:"事项已撤回、可重新提交"`
}

func viewRefundCase(r *payment.RefundRequest) refundCaseView {
	return refundCaseView{Source: r.Source, ID: r.ID, TaxType: r.TaxType, TaxName: r.TaxName(), PeriodName: r.PeriodName(), Amount: r.Amount,
		State: r.State, StateName: r.StateName(), CreatedAt: r.CreatedAt, ApplicationID: r.ApplicationID, AppNo: r.AppNo, AppStatus: r.AppStatus,
		RefundStatus: r.RefundStatus, PaidAt: r.PaidAt, CanReapply: r.CanReapply()}
}

func (a *API) myRefunds(ctx context.Context, _ *http.Request, _ noBody) (list[refundCaseView], error) {
	rows, err := a.Payments.MyRefunds(ctx)
	if err != nil {
		return list[refundCaseView]{}, err
	}
	out := list[refundCaseView]{Items: []refundCaseView{}}
	for _, r := range rows {
		out.Items = append(out.Items, viewRefundCase(r))
	}
	return out, nil
}

type refundSourceQuery struct {
	Source string `query:"source" enum:"refund_sources" doc:"overpaid（默认）或 iit"`
}

func (q refundSourceQuery) source() string {
	if q.Source == "" {
		return payment.SourceOverpaid
	}
	return q.Source
}

func (a *API) myRefund(ctx context.Context, r *http.Request, q refundSourceQuery) (refundCaseView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return refundCaseView{}, err
	}
	rr, err := a.Payments.MyRefund(ctx, q.source(), id)
	if err != nil {
		return refundCaseView{}, err
	}
	return viewRefundCase(rr), nil
}

type reapplyRequest struct {
	Source string `json:"source" enum:"refund_sources" doc:"overpaid（默认）或 iit"`
}

func (a *API) reapplyRefund(ctx context.Context, r *http.Request, in reapplyRequest) (applicationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return applicationView{}, err
	}
	ap, err := a.Workflow.ReapplyRefund(ctx, refundSourceQuery(in).source(), id)
	if err != nil {
		return applicationView{}, err
	}
	return viewApplication(ap), nil
}

type payoutView struct {
	ID            int64     `json:"id"`
	RequestNo     string    `json:"request_no" doc:"退库请求号（银行据以去重）"`
	TaxpayerCode  string    `json:"taxpayer_code"`
	TaxpayerName  string    `json:"taxpayer_name"`
	TaxType       string    `json:"tax_type"`
	TaxName       string    `json:"tax_name"`
	Period        string    `json:"period"`
	Amount        int64     `json:"amount" doc:"退税额（分）"`
	BankCode      string    `json:"bank_code"`
	Account       string    `json:"account" doc:"账号（部分隐去）"`
	EntrustDate   string    `json:"entrust_date" format:"date"`
	State         string    `json:"state" doc:"pending 退库处理中，paid 已入账，failed 失败"`
	StateName     string    `json:"state_name"`
	Reason        string    `json:"reason,omitempty"`
	BankTxnNo     string    `json:"bank_txn_no,omitempty"`
	SettledBy     string    `json:"settled_by,omitempty" doc:"credit 退库应答，query 向银行查询"`
	ApplicationNo string    `json:"application_no"`
	CreatedAt     time.Time `json:"created_at"`
}

type payoutsView struct {
	Items []payoutView `json:"items"`
	Next  int64        `json:"next" doc:"下一页的 before 参数；0 表示没有更多"`
}

func (a *API) refundLedger(ctx context.Context, _ *http.Request, q paymentsQuery) (payoutsView, error) {
	pg, err := a.Payments.RefundLedger(ctx, q.Before, q.Limit)
	if err != nil {
		return payoutsView{}, err
	}
	out := payoutsView{Items: []payoutView{}, Next: pg.Next}
	for _, p := range pg.Items {
		out.Items = append(out.Items, payoutView{ID: p.ID, RequestNo: p.RequestNo, TaxpayerCode: p.TaxpayerCode, TaxpayerName: p.TaxpayerName, TaxType: p.TaxType,
			TaxName: p.TaxName(), Period: p.Period, Amount: p.Amount, BankCode: p.BankCode, Account: p.MaskedAccount(), EntrustDate: p.EntrustDate.String(),
			State: p.State, StateName: p.StateName(), Reason: p.Reason, BankTxnNo: p.BankTxnNo, SettledBy: p.SettledBy, ApplicationNo: p.AppNo, CreatedAt: p.CreatedAt})
	}
	return out, nil
}
