package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/httpx"
	"taxhall/internal/payment"
)

const tagPayment = "缴税"

// paymentRoutes are payment through the bank link: the same
// payment.Service as /hall/pay and the staff pages.
func (a *API) paymentRoutes() []route {
	return []route{
		{Pattern: "GET /my/dues", Tag: tagPayment, Access: TaxpayerUser,
			Summary: "应缴未缴税款（滞纳金计算到今天）",
			Doc:     "已受理申报的应补税额中尚未缴纳的部分。late_fee 按日万分之五计算到今天（缴款当日即为缴款日期）；in_payment 为 pending 的正在扣款中，不能再次缴纳。",
			Handler: handle(a.myDues)},
		{Pattern: "POST /my/payments", Tag: tagPayment, Access: TaxpayerUser, Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "缴税：所选税款一次扣款",
			Doc: "必须带 Idempotency-Key 请求头。liability_ids 取自 GET /my/dues。须有生效的三方协议（否则 422）。返回 201 和这笔缴款：state 为 paid（已扣款，各项有电子缴款凭证号）、failed（银行拒绝，reason 为原因，所选税款恢复为未缴）" +
				"或 pending（银行未应答：不要换一个幂等键重新缴纳；系统会按扣款请求号向银行查询并以对账单为准）。同一幂等键重复提交返回 200 和同一笔缴款（replayed 为 true），pending 时会再次向银行确认，银行按请求号去重，不会重复扣款。" +
				"所选税款已在另一笔处理中或已缴纳的缴款中返回 409。",
			Handler: handle(a.pay)},
		{Pattern: "GET /my/payments", Tag: tagPayment, Access: TaxpayerUser,
			Summary: "缴款记录（最新的在前）", Doc: "按 id 倒序分页：下一页以上一页返回的 next 作为 before 参数；next 为 0 表示没有更多。",
			Handler: handle(a.myPayments)},
		{Pattern: "GET /my/payments/{id}", Tag: tagPayment, Access: TaxpayerUser, Object: "payment",
			Summary: "查看一笔缴款", Doc: "其他纳税人的缴款返回 404。", Handler: handle(a.myPayment)},
		{Pattern: "GET /my/agreements", Tag: tagPayment, Access: TaxpayerUser,
			Summary: "三方协议及其历史（最新的在前）", Handler: handle(a.myAgreements)},
		{Pattern: "POST /my/agreements", Tag: tagPayment, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "签订或变更三方协议",
			Doc: "系统即向银行验证账户：state 为 active 表示验证通过并生效（原协议变为 replaced）；rejected 表示未通过，reason 为银行给出的原因。" +
				"只有法定代表人、财务负责人（或自然人本人）可以办理（403）。",
			Handler: handle(a.signAgreement)},
		{Pattern: "POST /my/agreements/end", Tag: tagPayment, Access: TaxpayerUser, Status: http.StatusNoContent,
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "终止生效中的三方协议", Doc: "没有生效中的协议返回 409。", Handler: handle(a.endAgreement)},
		{Pattern: "GET /my/refundables", Tag: tagPayment, Access: TaxpayerUser,
			Summary: "可申请退还的多缴税款", Doc: "更正申报后应纳税额减少、原税款已缴纳的部分。", Handler: handle(a.myRefundables)},
		{Pattern: "POST /my/refunds", Tag: tagPayment, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "申请退还多缴税款", Doc: "记录退税申请（state 为 requested），由税务机关审核。同一笔多缴税款重复申请返回同一申请；没有可退金额返回 409。",
			Handler: handle(a.requestRefund)},

		{Pattern: "GET /payments/ledger", Tag: tagPayment, Access: StaffUser,
			Summary: "缴款台账（本局及下级）",
			Doc:     "某日入库的已缴税款，每项一张电子缴款凭证，可按税种和纳税人识别号筛选。按明细 id 顺序分页：下一页以 next 作为 after 参数。",
			Handler: handle(a.ledger)},
		{Pattern: "GET /payments/pending", Tag: tagPayment, Access: StaffUser,
			Summary: "待确认缴款（最早的在前）", Doc: "已发出扣款请求、尚未得到银行确定结果的缴款及已等待的秒数。", Handler: handle(a.pendingPayments)},
		{Pattern: "GET /payments/treasury", Tag: tagPayment, Access: StaffUser,
			Summary: "国库日报：某日入库税款按税种和预算级次划分",
			Doc:     "最后一行为合计（tax_type 为空）。中央与地方分成按国家规定；省、市、区之间为示例比例，待核实（verified 为 false 的依据尚未与原文核对）。",
			Handler: handle(a.treasury)},
		{Pattern: "GET /reconciliations", Tag: tagPayment, Access: StaffUser,
			Summary: "最近的对账", Doc: "办税服务厅主管和系统管理员可查看。对账针对全厅的银行对账单，不分税务机关。", Handler: handle(a.reconciliations)},
		{Pattern: "GET /reconciliations/{id}", Tag: tagPayment, Access: StaffUser, Object: "reconciliation",
			Summary: "一次对账的报告：需要核查的记录", Handler: handle(a.reconciliation)},
		{Pattern: "POST /reconciliations", Tag: tagPayment, Access: StaffUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "取回某日银行对账单并对账",
			Doc:     "只能对已结束的日期对账（422）。处理中的缴款以对账单为准确定；对账单中没有的当日处理中缴款按扣款失败处理（银行不受理非委托日的扣款）。",
			Handler: handle(a.reconcile)},
		{Pattern: "GET /refund-requests", Tag: tagPayment, Access: StaffUser,
			Summary: "退税申请（本局及下级）", Handler: handle(a.refundRequests)},
	}
}

// Views.

type dueView struct {
	LiabilityID int64  `json:"liability_id"`
	ReturnID    int64  `json:"return_id"`
	TaxType     string `json:"tax_type"`
	TaxName     string `json:"tax_name"`
	PeriodStart string `json:"period_start" format:"date"`
	PeriodEnd   string `json:"period_end" format:"date"`
	PeriodName  string `json:"period_name"`
	Deadline    string `json:"deadline" format:"date"`
	Unpaid      int64  `json:"unpaid" doc:"未缴税额（分）"`
	LateFee     int64  `json:"late_fee" doc:"滞纳金（分），计算到今天"`
	LateDays    int    `json:"late_days"`
	Total       int64  `json:"total" doc:"合计（分）"`
	InPayment   string `json:"in_payment,omitempty" doc:"pending：正在扣款中"`
}

type duesView struct {
	Items []dueView `json:"items"`
	Today string    `json:"today" format:"date"`
}

type paymentItemView struct {
	LiabilityID int64  `json:"liability_id"`
	TaxType     string `json:"tax_type"`
	TaxName     string `json:"tax_name"`
	PeriodStart string `json:"period_start" format:"date"`
	PeriodEnd   string `json:"period_end" format:"date"`
	PeriodName  string `json:"period_name"`
	Tax         int64  `json:"tax" doc:"税款（分）"`
	LateFee     int64  `json:"late_fee" doc:"滞纳金（分）"`
	VoucherNo   string `json:"voucher_no,omitempty" doc:"电子缴款凭证号（缴款成功后）"`
	PaidOn      string `json:"paid_on,omitempty" format:"date"`
}

type paymentView struct {
	ID          int64             `json:"id"`
	RequestNo   string            `json:"request_no" doc:"扣款请求号：银行按它去重"`
	State       string            `json:"state" doc:"pending 处理中，paid 已缴款，failed 扣款失败"`
	StateName   string            `json:"state_name"`
	Reason      string            `json:"reason,omitempty"`
	BankName    string            `json:"bank_name"`
	Account     string            `json:"account" doc:"账号（仅后四位）"`
	EntrustDate string            `json:"entrust_date" format:"date"`
	Tax         int64             `json:"tax"`
	LateFee     int64             `json:"late_fee"`
	Amount      int64             `json:"amount" doc:"扣款金额（分）"`
	BankTxnNo   string            `json:"bank_txn_no,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	SettledAt   *time.Time        `json:"settled_at,omitempty"`
	Items       []paymentItemView `json:"items"`
	Replayed    bool              `json:"replayed" doc:"true：同一幂等键此前已提交（HTTP 200），返回的是那笔缴款"`
}

func (p paymentView) replayed() bool { return p.Replayed }

func viewPayment(p *payment.Payment) paymentView {
	v := paymentView{ID: p.ID, RequestNo: p.RequestNo, State: p.State, StateName: p.StateName(), Reason: p.Reason, BankName: p.BankName(),
		Account: p.MaskedAccount(), EntrustDate: p.EntrustDate.String(), Tax: p.Tax, LateFee: p.LateFee, Amount: p.Amount, BankTxnNo: p.BankTxnNo,
		CreatedAt: p.CreatedAt, Items: []paymentItemView{}, Replayed: p.Replayed}
	if !p.SettledAt.IsZero() {
		t := p.SettledAt
		v.SettledAt = &t
	}
	for _, it := range p.Items {
		iv := paymentItemView{LiabilityID: it.LiabilityID, TaxType: it.TaxType, TaxName: it.TaxName(), PeriodStart: it.Period.Start.String(),
			PeriodEnd: it.Period.End.String(), PeriodName: it.PeriodName(), Tax: it.Tax, LateFee: it.LateFee, VoucherNo: it.VoucherNo}
		if !it.PaidOn.IsZero() {
			iv.PaidOn = it.PaidOn.String()
		}
		v.Items = append(v.Items, iv)
	}
	return v
}

type paymentsView struct {
	Items []paymentView `json:"items"`
	Next  int64         `json:"next" doc:"下一页的 before 参数；0 表示没有更多"`
}

type agreementView struct {
	ID          int64      `json:"id"`
	No          string     `json:"agreement_no"`
	BankCode    string     `json:"bank_code"`
	BankName    string     `json:"bank_name"`
	AccountName string     `json:"account_name"`
	Account     string     `json:"account" doc:"账号（仅后四位）"`
	State       string     `json:"state" doc:"verifying 验证中，rejected 验证未通过，active 已生效，replaced 已变更，ended 已终止"`
	StateName   string     `json:"state_name"`
	Reason      string     `json:"reason,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	VerifiedAt  *time.Time `json:"verified_at,omitempty"`
}

func viewAgreement(a *payment.Agreement) agreementView {
	v := agreementView{ID: a.ID, No: a.No, BankCode: a.BankCode, BankName: a.BankName(), AccountName: a.AccountName, Account: a.MaskedAccount(),
		State: a.State, StateName: a.StateName(), Reason: a.Reason, CreatedAt: a.CreatedAt}
	if !a.VerifiedAt.IsZero() {
		t := a.VerifiedAt
		v.VerifiedAt = &t
	}
	return v
}

type agreementsView struct {
	Items []agreementView `json:"items"`
}

type signRequest struct {
	BankCode    string `json:"bank_code" doc:"行别代码，如 102 中国工商银行"`
	AccountName string `json:"account_name" doc:"账户名称，与银行开户名称一致"`
	AccountNo   string `json:"account_no" doc:"银行账号，8 至 32 位数字"`
}

type payRequest struct {
	LiabilityIDs []int64 `json:"liability_ids" doc:"GET /my/dues 的 liability_id，1 至 50 个"`
}

type refundRequest struct {
	LiabilityID int64 `json:"liability_id" doc:"GET /my/refundables 的 liability_id"`
}

type refundableView struct {
	LiabilityID int64  `json:"liability_id"`
	TaxType     string `json:"tax_type"`
	TaxName     string `json:"tax_name"`
	PeriodName  string `json:"period_name"`
	Amount      int64  `json:"amount" doc:"可退金额（分）"`
}

type refundView struct {
	ID           int64     `json:"id"`
	TaxpayerCode string    `json:"taxpayer_code"`
	TaxpayerName string    `json:"taxpayer_name"`
	TaxType      string    `json:"tax_type"`
	TaxName      string    `json:"tax_name"`
	PeriodName   string    `json:"period_name"`
	Amount       int64     `json:"amount" doc:"申请退还（分）"`
	State        string    `json:"state" doc:"requested 已申请，approved，rejected，refunded"`
	CreatedAt    time.Time `json:"created_at"`
}

func viewRefund(r *payment.RefundRequest) refundView {
	return refundView{ID: r.ID, TaxpayerCode: r.TaxpayerCode, TaxpayerName: r.TaxpayerName, TaxType: r.TaxType, TaxName: r.TaxName(),
		PeriodName: r.PeriodName(), Amount: r.Amount, State: r.State, CreatedAt: r.CreatedAt}
}

// Handlers.

func (a *API) myDues(ctx context.Context, _ *http.Request, _ noBody) (duesView, error) {
	rows0, err := a.Payments.Dues(ctx)
	if err != nil {
		return duesView{}, err
	}
	out := duesView{Items: []dueView{}, Today: a.Payments.Today().String()}
	for _, d := range rows0 {
		out.Items = append(out.Items, dueView{LiabilityID: d.LiabilityID, ReturnID: d.ReturnID, TaxType: d.TaxType, TaxName: d.TaxName(),
			PeriodStart: d.Period.Start.String(), PeriodEnd: d.Period.End.String(), PeriodName: d.PeriodName(), Deadline: d.Deadline.String(),
			Unpaid: d.Unpaid, LateFee: d.LateFee, LateDays: d.LateDays, Total: d.Total(), InPayment: d.InPayment})
	}
	return out, nil
}

func (a *API) pay(ctx context.Context, r *http.Request, in payRequest) (paymentView, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return paymentView{}, err
	}
	p, err := a.Payments.Pay(ctx, payment.PayInput{LiabilityIDs: in.LiabilityIDs, IdemKey: key})
	if err != nil {
		return paymentView{}, err
	}
	return viewPayment(p), nil
}

type paymentsQuery struct {
	Before int64 `query:"before" min:"1" doc:"上一页返回的 next，不填为最新一页"`
	Limit  int   `query:"limit" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

func (a *API) myPayments(ctx context.Context, _ *http.Request, q paymentsQuery) (paymentsView, error) {
	pg, err := a.Payments.Payments(ctx, q.Before, q.Limit)
	if err != nil {
		return paymentsView{}, err
	}
	out := paymentsView{Items: []paymentView{}, Next: pg.Next}
	for _, p := range pg.Items {
		out.Items = append(out.Items, viewPayment(p))
	}
	return out, nil
}

func (a *API) myPayment(ctx context.Context, r *http.Request, _ noBody) (paymentView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return paymentView{}, err
	}
	p, err := a.Payments.Payment(ctx, id)
	if err != nil {
		return paymentView{}, err
	}
	return viewPayment(p), nil
}

func (a *API) myAgreements(ctx context.Context, _ *http.Request, _ noBody) (agreementsView, error) {
	rows0, err := a.Payments.Agreements(ctx)
	if err != nil {
		return agreementsView{}, err
	}
	out := agreementsView{Items: []agreementView{}}
	for _, g := range rows0 {
		out.Items = append(out.Items, viewAgreement(g))
	}
	return out, nil
}

func (a *API) signAgreement(ctx context.Context, _ *http.Request, in signRequest) (agreementView, error) {
	g, err := a.Payments.Sign(ctx, payment.SignInput{BankCode: in.BankCode, AccountName: in.AccountName, AccountNo: in.AccountNo})
	if err != nil {
		return agreementView{}, err
	}
	return viewAgreement(g), nil
}

func (a *API) endAgreement(ctx context.Context, _ *http.Request, _ noBody) (noContent, error) {
	return noContent{}, a.Payments.End(ctx)
}

func (a *API) myRefundables(ctx context.Context, _ *http.Request, _ noBody) (list[refundableView], error) {
	rows0, err := a.Payments.Refundables(ctx)
	if err != nil {
		return list[refundableView]{}, err
	}
	out := list[refundableView]{Items: []refundableView{}}
	for _, r := range rows0 {
		out.Items = append(out.Items, refundableView{LiabilityID: r.LiabilityID, TaxType: r.TaxType, TaxName: r.TaxName(), PeriodName: r.PeriodName(), Amount: r.Amount})
	}
	return out, nil
}

func (a *API) requestRefund(ctx context.Context, _ *http.Request, in refundRequest) (refundView, error) {
	r, err := a.Payments.RequestRefund(ctx, in.LiabilityID)
	if err != nil {
		return refundView{}, err
	}
	return viewRefund(r), nil
}

type ledgerQuery struct {
	Day      string `query:"day" doc:"缴款日期 YYYY-MM-DD，不填为今天"`
	TaxType  string `query:"tax_type" doc:"税种代码"`
	Taxpayer string `query:"taxpayer" doc:"纳税人识别号"`
	After    int64  `query:"after" min:"1" doc:"上一页返回的 next"`
	Limit    int    `query:"limit" min:"1" max:"200" doc:"每页条数，默认 50"`
}

type ledgerLineView struct {
	VoucherNo    string `json:"voucher_no"`
	RequestNo    string `json:"request_no"`
	TaxpayerCode string `json:"taxpayer_code"`
	TaxpayerName string `json:"taxpayer_name"`
	Bureau       string `json:"bureau"`
	TaxType      string `json:"tax_type"`
	TaxName      string `json:"tax_name"`
	PeriodName   string `json:"period_name"`
	Tax          int64  `json:"tax"`
	LateFee      int64  `json:"late_fee"`
	PaidOn       string `json:"paid_on" format:"date"`
}

type ledgerView struct {
	Items []ledgerLineView `json:"items"`
	Next  int64            `json:"next"`
}

func queryDay(s string, today calendar.Date) (calendar.Date, error) {
	if s == "" {
		return today, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, apperr.InvalidField("day", "日期格式应为 YYYY-MM-DD")
	}
	return d, nil
}

func (a *API) ledger(ctx context.Context, _ *http.Request, q ledgerQuery) (ledgerView, error) {
	day, err := queryDay(q.Day, a.Payments.Today())
	if err != nil {
		return ledgerView{}, err
	}
	pg, err := a.Payments.Ledger(ctx, payment.LedgerQuery{Day: day, TaxType: q.TaxType, TaxpayerCode: q.Taxpayer, After: q.After, Limit: q.Limit})
	if err != nil {
		return ledgerView{}, err
	}
	out := ledgerView{Items: []ledgerLineView{}, Next: pg.Next}
	for _, l := range pg.Lines {
		out.Items = append(out.Items, ledgerLineView{VoucherNo: l.VoucherNo, RequestNo: l.RequestNo, TaxpayerCode: l.TaxpayerCode, TaxpayerName: l.TaxpayerName,
			Bureau: l.BureauName, TaxType: l.TaxType, TaxName: l.TaxName(), PeriodName: l.PeriodName(), Tax: l.Tax, LateFee: l.LateFee, PaidOn: l.PaidOn.String()})
	}
	return out, nil
}

type pendingView struct {
	ID           int64     `json:"id"`
	RequestNo    string    `json:"request_no"`
	TaxpayerCode string    `json:"taxpayer_code"`
	TaxpayerName string    `json:"taxpayer_name"`
	Amount       int64     `json:"amount"`
	CreatedAt    time.Time `json:"created_at"`
	AgeSeconds   int64     `json:"age_seconds"`
}

func (a *API) pendingPayments(ctx context.Context, _ *http.Request, _ noBody) (list[pendingView], error) {
	rows0, err := a.Payments.PendingPayments(ctx)
	if err != nil {
		return list[pendingView]{}, err
	}
	out := list[pendingView]{Items: []pendingView{}}
	now := time.Now()
	for _, p := range rows0 {
		out.Items = append(out.Items, pendingView{ID: p.ID, RequestNo: p.RequestNo, TaxpayerCode: p.TaxpayerCode, TaxpayerName: p.TaxpayerName,
			Amount: p.Amount, CreatedAt: p.CreatedAt, AgeSeconds: int64(p.Age(now).Seconds())})
	}
	return out, nil
}

type treasuryQuery struct {
	Day string `query:"day" doc:"入库日期 YYYY-MM-DD，不填为今天"`
}

type treasuryRowView struct {
	TaxType  string `json:"tax_type" doc:"空为合计行"`
	TaxName  string `json:"tax_name"`
	Items    int64  `json:"items"`
	Tax      int64  `json:"tax"`
	LateFee  int64  `json:"late_fee"`
	Total    int64  `json:"total"`
	Central  int64  `json:"central" doc:"中央级（分）"`
	Province int64  `json:"province" doc:"省级（分）"`
	City     int64  `json:"city" doc:"市级（分）"`
	District int64  `json:"district" doc:"区级（分）"`
	Fund     int64  `json:"fund" doc:"社会保险基金（分）"`
	Source   string `json:"source,omitempty" doc:"分成依据"`
	Verified bool   `json:"verified" doc:"false：待核实"`
	// Refunds paid out (退库) that day.
	Refund      int64 `json:"refund" doc:"退库（分）"`
	RefundItems int64 `json:"refund_items" doc:"退库笔数"`
	Net         int64 `json:"net" doc:"净入库 = 入库合计 − 退库（分）；各级次的净额为 net_central 等"`
	NetCentral  int64 `json:"net_central"`
	NetProvince int64 `json:"net_province"`
	NetCity     int64 `json:"net_city"`
	NetDistrict int64 `json:"net_district"`
}

func (a *API) treasury(ctx context.Context, _ *http.Request, q treasuryQuery) (list[treasuryRowView], error) {
	day, err := queryDay(q.Day, a.Payments.Today())
	if err != nil {
		return list[treasuryRowView]{}, err
	}
	rows, err := a.Payments.Treasury(ctx, day)
	if err != nil {
		return list[treasuryRowView]{}, err
	}
	out := list[treasuryRowView]{Items: []treasuryRowView{}}
	for _, r := range rows {
		v := treasuryRowView{TaxType: r.TaxType, Items: r.Items, Tax: r.Tax, LateFee: r.LateFee, Total: r.Total, Central: r.Central,
			Province: r.Province, City: r.City, District: r.District, Fund: r.Fund, Source: r.Share.Source, Verified: r.Share.Verified,
			Refund: r.Refund, RefundItems: r.RefundItems, Net: r.Net, NetCentral: r.NetCentral, NetProvince: r.NetProvince, NetCity: r.NetCity, NetDistrict: r.NetDistrict}
		if r.TaxType != "" {
			v.TaxName = r.TaxName()
		} else {
			v.TaxName = "合计"
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

type reconLineView struct {
	RequestNo  string `json:"request_no"`
	Kind       string `json:"kind" doc:"only_hall 仅税务端有，only_bank 仅银行端有"`
	HallState  string `json:"hall_state,omitempty"`
	BankStatus string `json:"bank_status,omitempty"`
	Amount     int64  `json:"amount"`
	Note       string `json:"note"`
}

type reconView struct {
	ID        int64           `json:"id"`
	Day       string          `json:"day" format:"date"`
	Matched   int             `json:"matched"`
	OnlyHall  int             `json:"only_hall"`
	OnlyBank  int             `json:"only_bank"`
	Settled   int             `json:"settled" doc:"本次确定的处理中缴款"`
	CreatedBy string          `json:"created_by"`
	CreatedAt time.Time       `json:"created_at"`
	Lines     []reconLineView `json:"lines,omitempty" doc:"需要核查的记录（一致的不列出）"`
}

func viewRecon(r *payment.Reconciliation) reconView {
	v := reconView{ID: r.ID, Day: r.Day.String(), Matched: r.Matched, OnlyHall: r.OnlyHall, OnlyBank: r.OnlyBank, Settled: r.Settled, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	for _, l := range r.Lines {
		if l.Kind != payment.Matched {
			v.Lines = append(v.Lines, reconLineView{RequestNo: l.RequestNo, Kind: l.Kind, HallState: l.HallState, BankStatus: l.BankStatus, Amount: l.Amount, Note: l.Note})
		}
	}
	return v
}

func (a *API) reconciliations(ctx context.Context, _ *http.Request, _ noBody) (list[reconView], error) {
	rows0, err := a.Payments.Reconciliations(ctx)
	if err != nil {
		return list[reconView]{}, err
	}
	out := list[reconView]{Items: []reconView{}}
	for _, r := range rows0 {
		out.Items = append(out.Items, viewRecon(r))
	}
	return out, nil
}

func (a *API) reconciliation(ctx context.Context, r *http.Request, _ noBody) (reconView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return reconView{}, err
	}
	run, err := a.Payments.ReconciliationReport(ctx, id)
	if err != nil {
		return reconView{}, err
	}
	return viewRecon(run), nil
}

type reconcileRequest struct {
	Day string `json:"day" format:"date" doc:"对账日期 YYYY-MM-DD（已结束的一天）"`
}

func (a *API) reconcile(ctx context.Context, _ *http.Request, in reconcileRequest) (reconView, error) {
	day, err := calendar.ParseDate(in.Day)
	if err != nil {
		return reconView{}, apperr.InvalidField("day", "日期格式应为 YYYY-MM-DD")
	}
	run, err := a.Payments.ImportStatement(ctx, day)
	if err != nil {
		return reconView{}, err
	}
	return viewRecon(run), nil
}

func (a *API) refundRequests(ctx context.Context, _ *http.Request, _ noBody) (list[refundView], error) {
	rows0, err := a.Payments.RefundRequests(ctx)
	if err != nil {
		return list[refundView]{}, err
	}
	out := list[refundView]{Items: []refundView{}}
	for _, r := range rows0 {
		out.Items = append(out.Items, viewRefund(r))
	}
	return out, nil
}
