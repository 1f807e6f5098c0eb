package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/filingcal"
	"taxhall/internal/messages"
	"taxhall/internal/money"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
)

// Refunds end to end (退税). A refund request — an overpayment a
// correction made (refund_requests, package payment) or an annual IIT
// reconciliation ending in a refund (iit_refund_requests, package
// iitannual) — opens a refund application for its taxpayer in the
// transaction that records it (OpenOverpaidRefund, OpenIITRefund): the
// item's form prefilled with the amount, tax, period and the account of the
// taxpayer's tripartite agreement, the application linked to the request
// (applications.refund_request_id / iit_refund_request_id; one live
// application per request, by index). Staff handle it through the pool;
// approval (effects.go refund) creates the refunds row linked to the
// request, marks the request approved and starts the payout at the bank
// (payment.StartPayout); rejection marks the request rejected. A withdrawn
// application leaves the request open: the taxpayer applies again from
// 我的退税 (ReapplyRefund).

// Refund sources.
const (
	RefundOverpaid = "overpaid" // refund_requests: 误收多缴退抵税
	RefundIIT      = "iit"      // iit_refund_requests: 综合所得汇算退税
)

// genericTax maps a liability's tax type to the refund form's tax option.
func genericTax(t string) string {
	switch t {
	case "vat_small", "vat_general":
		return "vat"
	case "iit_withholding", "iit_annual":
		return "iit"
	}
	return t
}

// refundSpec is a refund application to open for a request.
type refundSpec struct {
	source     string
	requestID  int64
	taxpayerID int64
	userID     int64
	item       string
	form       Values
}

// OpenOverpaidRefund opens the refund application (误收多缴退抵税) of an
// overpayment's refund request, in tx (the one recording the request); it
// is payment.Service.OnRefundRequest. userID is the taxpayer user who
// asked.
func OpenOverpaidRefund(ctx context.Context, tx *sql.Tx, now time.Time, requestID, userID int64) error {
	var taxpayerID, amount int64
	var taxType, ps, pe string
	if err := tx.QueryRowContext(ctx, `SELECT taxpayer_id, tax_type, period_start, period_end, amount FROM refund_requests WHERE id = $1`, requestID).
		Scan(&taxpayerID, &taxType, &ps, &pe, &amount); err != nil {
		return err
	}
	p := rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)}
	form := Values{"tax_type": genericTax(taxType), "period": returns.PeriodKey(p), "amount": strconv.FormatInt(amount, 10),
		"reason": "更正申报后应纳税额减少，申请退还已缴纳的多缴税款（" + payment.TaxName(taxType) + " " + returns.PeriodName(p) + "）。"}
	if err := prefillAccount(ctx, tx, taxpayerID, form, true); err != nil {
		return err
	}
	return openRefund(ctx, tx, now, refundSpec{source: RefundOverpaid, requestID: requestID, taxpayerID: taxpayerID, userID: userID, item: "refund_overpaid", form: form})
}

// OpenIITRefund opens the refund application (个人所得税综合所得汇算退税)
// of an annual reconciliation's refund request, in tx (the acceptance of
// the reconciliation return).
func OpenIITRefund(ctx context.Context, tx *sql.Tx, now time.Time, requestID, userID int64) error {
	var taxpayerID, amount int64
	var year int
	if err := tx.QueryRowContext(ctx, `SELECT taxpayer_id, year, amount FROM iit_refund_requests WHERE id = $1`, requestID).Scan(&taxpayerID, &year, &amount); err != nil {
		return err
	}
	form := Values{"year": strconv.Itoa(year), "amount": strconv.FormatInt(amount, 10)}
	if err := prefillAccount(ctx, tx, taxpayerID, form, false); err != nil {
		return err
	}
	return openRefund(ctx, tx, now, refundSpec{source: RefundIIT, requestID: requestID, taxpayerID: taxpayerID, userID: userID, item: "refund_iit", form: form})
}

// prefillAccount fills the form's account (and bank name) from the
// taxpayer's active tripartite agreement, if any.
func prefillAccount(ctx context.Context, tx *sql.Tx, taxpayerID int64, form Values, bank bool) error {
	var code, no string
	err := tx.QueryRowContext(ctx, `SELECT bank_code, account_no FROM bank_agreements WHERE taxpayer_id = $1 AND state = 'active'`, taxpayerID).Scan(&code, &no)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	form["account"] = no
	if bank {
		form["bank"] = payment.BankName(code)
	}
	return nil
}

// openRefund inserts the application and its first task. The submit token
// is the request's, numbered by the applications the request already had,
// so a repeated open is the same application and the live index keeps one.
func openRefund(ctx context.Context, tx *sql.Tx, now time.Time, sp refundSpec) error {
	it, err := getItem(ctx, tx, sp.item)
	if err != nil {
		return err
	}
	if !it.Enabled {
		return nil // the bureau has taken the item offline: the request waits
	}
	col := "refund_request_id"
	if sp.source == RefundIIT {
		col = "iit_refund_request_id"
	}
	var before int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE `+col+` = $1`, sp.requestID).Scan(&before); err != nil {
		return err
	}
	if sp.userID == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT MIN(id) FROM taxpayer_users WHERE taxpayer_id = $1`, sp.taxpayerID).Scan(&sp.userID); err != nil {
			return err
		}
	}
	token := "refund-" + sp.source + "-" + strconv.FormatInt(sp.requestID, 10) + "-" + strconv.Itoa(before+1)
	var bureau int64
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT t.bureau_id, o.path FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE t.id = $1`, sp.taxpayerID).Scan(&bureau, &path); err != nil {
		return err
	}
	form, _ := json.Marshal(sp.form)
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at, `+col+`)
		VALUES ($1, $2, $3, $4, 'submitted', 0, $5, $6, $7, $8, $8, $9) RETURNING id`,
		"T"+token, sp.taxpayerID, bureau, it.Code, string(form), token, sp.userID, db.TS(now), sp.requestID).Scan(&id)
	if db.IsUniqueViolation(err) {
		return errState("该退税申请已有办理中的退税事项")
	}
	if err != nil {
		return err
	}
	no := AppNo(now, id)
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET no = $1 WHERE id = $2`, no, id); err != nil {
		return err
	}
	cal, err := filingcal.Load(ctx, tx)
	if err != nil {
		return err
	}
	if err := openTask(ctx, tx, cal, now, taskSpec{app: id, taxpayer: sp.taxpayerID, item: it, node: 0, bureau: bureau, bureauPath: path}); err != nil {
		return err
	}
	amount, _ := strconv.ParseInt(sp.form["amount"], 10, 64)
	body := "已为您生成退税申请 " + no + "（" + it.Name + "），申请退税 " + money.FormatYuan(amount) + " 元，正在等待税务机关受理。"
	if sp.form["account"] == "" {
		body += "您尚未签订三方协议：请先签订并通过银行验证，退税款只能退至已验证的账户。"
	}
	_, _, err = messages.Send(ctx, tx, now, messages.Message{TaxpayerID: sp.taxpayerID, Kind: messages.KindNotice,
		Subject: "退税申请已提交：" + no, Body: body, Link: "/hall/applications/" + strconv.FormatInt(id, 10), DedupeKey: "refund-app:" + token})
	return err
}

// ReapplyRefund opens a new application for one of the current taxpayer's
// refund requests that has no live application (its application was
// withdrawn): source is RefundOverpaid or RefundIIT.
func (s *Service) ReapplyRefund(ctx context.Context, source string, requestID int64) (_ *Application, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.ReapplyRefund(%s, %d)", source, requestID)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	table, col, open := "refund_requests", "refund_request_id", OpenOverpaidRefund
	if source == RefundIIT {
		table, col, open = "iit_refund_requests", "iit_refund_request_id", OpenIITRefund
	} else if source != RefundOverpaid {
		return nil, apperr.New(apperr.NotFound, "没有这项退税申请")
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var state string
		err := tx.QueryRowContext(ctx, `SELECT state FROM `+table+` WHERE id = $1 AND taxpayer_id = $2`, requestID, a.TaxpayerID).Scan(&state) // #nosec G202 -- table is one of two constants
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "没有这项退税申请")
		}
		if err != nil {
			return err
		}
		if state != "requested" {
			return errState("该退税申请已处理，不能再次申请")
		}
		if err := open(ctx, tx, now, requestID, a.UserID); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT MAX(id) FROM applications WHERE `+col+` = $1`, requestID).Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// CancelRefundApplications withdraws, in tx, the live application of an
// IIT refund request that a correction superseded (its open task is
// cancelled), telling the taxpayer why.
func CancelRefundApplications(ctx context.Context, tx *sql.Tx, now time.Time, iitRequestID int64) error {
	ids, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `UPDATE applications SET status = 'withdrawn', updated_at = $1, finished_at = $1, result = '退税申请已被更正申报替代，本申请自动撤回'
		WHERE iit_refund_request_id = $2 AND status IN ('submitted', 'processing', 'returned') RETURNING id`, db.TS(now), iitRequestID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := cancelTasks(ctx, tx, now, id); err != nil {
			return err
		}
	}
	return nil
}

// cancelTasks cancels an application's live tasks, keeping the board's
// counts (as Withdraw does).
func cancelTasks(ctx context.Context, tx *sql.Tx, now time.Time, appID int64) error {
	type gone struct {
		key     countKey
		claimed string
	}
	cancelled, err := db.Query(ctx, tx, func(sc db.Scanner) (gone, error) {
		var g gone
		return g, sc.Scan(&g.claimed, &g.key.bureau, &g.key.city, &g.key.item, &g.key.node, &g.key.due)
	}, `UPDATE tasks SET state = 'cancelled', decided_at = $1 WHERE application_id = $2 AND state IN ('open', 'claimed')
		RETURNING claimed_at, bureau_id, city_id, item_code, node_code, due_date`, db.TS(now), appID)
	if err != nil {
		return err
	}
	for _, g := range cancelled {
		if g.claimed == "" {
			err = count(ctx, tx, g.key, -1, 0)
		} else {
			err = count(ctx, tx, g.key, 0, -1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// rejectRefund marks the linked request rejected when its application is
// not accepted or not approved (in the decision's transaction).
func rejectRefund(ctx context.Context, tx *sql.Tx, now time.Time, ap *Application) error {
	if ap.RefundRequestID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE refund_requests SET state = 'rejected', decided_at = $2 WHERE id = $1 AND state = 'requested'`,
			ap.RefundRequestID, db.TS(now)); err != nil {
			return err
		}
	}
	if ap.IITRefundRequestID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE iit_refund_requests SET state = 'rejected', updated_at = $2 WHERE id = $1 AND state = 'requested'`,
			ap.IITRefundRequestID, db.TS(now)); err != nil {
			return err
		}
	}
	return nil
}

// linkedRefund is what the request of a linked refund application says:
// the amount and tax to refund, and it marks the request approved (only a
// request still 'requested' may be: a superseded one is refused).
func linkedRefund(ctx context.Context, tx *sql.Tx, now time.Time, ap *Application) (taxType, period string, amount int64, err error) {
	var res sql.Result
	switch {
	case ap.RefundRequestID != 0:
		var ps, pe string
		if err = tx.QueryRowContext(ctx, `SELECT tax_type, period_start, period_end, amount FROM refund_requests WHERE id = $1`, ap.RefundRequestID).
			Scan(&taxType, &ps, &pe, &amount); err != nil {
			return
		}
		period = returns.PeriodKey(rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)})
		res, err = tx.ExecContext(ctx, `UPDATE refund_requests SET state = 'approved', decided_at = $2 WHERE id = $1 AND state = 'requested'`, ap.RefundRequestID, db.TS(now))
	default:
		var year int
		if err = tx.QueryRowContext(ctx, `SELECT year, amount FROM iit_refund_requests WHERE id = $1`, ap.IITRefundRequestID).Scan(&year, &amount); err != nil {
			return
		}
		taxType, period = "iit_annual", strconv.Itoa(year)
		res, err = tx.ExecContext(ctx, `UPDATE iit_refund_requests SET state = 'approved', updated_at = $2 WHERE id = $1 AND state = 'requested'`, ap.IITRefundRequestID, db.TS(now))
	}
	if err != nil {
		return
	}
	if n, _ := res.RowsAffected(); n != 1 {
		err = apperr.InvalidField("decision", "该退税申请已被更正申报替代或已处理，请不予办理")
	}
	return
}

// RefundRecord is the refund an approved refund application recorded and
// its payouts (退库) at the bank, oldest first.
type RefundRecord struct {
	ID      int64
	TaxType string
	Period  string
	Amount  int64
	Status  string
	PaidAt  string
	Payouts []*payment.Payout
}

// StatusName is the refund's status in Chinese.
func (r *RefundRecord) StatusName() string {
	switch r.Status {
	case "paid":
		return "已退至账户"
	case "cancelled":
		return "已取消"
	}
	return "已核准，退库中"
}

func refundOf(ctx context.Context, q db.Querier, appID int64) (*RefundRecord, error) {
	var r RefundRecord
	err := q.QueryRowContext(ctx, `SELECT id, tax_type, period, amount, status, paid_at FROM refunds WHERE application_id = $1`, appID).
		Scan(&r.ID, &r.TaxType, &r.Period, &r.Amount, &r.Status, &r.PaidAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.Payouts, err = payment.PayoutsOf(ctx, q, r.ID)
	return &r, err
}
