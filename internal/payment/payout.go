package payment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
)

// Refund payouts (退库): an approved refund (table refunds, written by the
// workflow's approval) is paid into the account of the taxpayer's verified
// tripartite agreement by one credit at the bank, exactly once, as a debit
// is: the payout row (with a unique request number the bank deduplicates
// by) and its job are committed in the approving decision's transaction;
// the job sends the credit and, while the answer is unknown, asks the bank
// "what happened to request N?" with a growing backoff; the first settler
// of any number of racing nodes wins the UPDATE … WHERE state = 'pending'.
// Paid: the refund is 'paid', its request 'refunded', the treasury's 退库
// column grows and the taxpayer is told. A credit the bank never received
// on its entrust day is re-sent under a new request number the next day.

// CreditBank is a Bank that also pays refunds into accounts. HTTPBank and
// the demo's in-process bank implement it; a Bank without it cannot pay
// refunds out (they stay approved, the payout pending).
type CreditBank interface {
	// Credit sends one credit; errors only when the outcome is unknown.
	Credit(ctx context.Context, c DebitRequest) (DebitResult, error)
	// QueryCredit returns the outcome of a credit's request number, or
	// Status Unknown when the bank has no such request.
	QueryCredit(ctx context.Context, requestNo string) (DebitResult, error)
}

// JobPayout sends and settles one refund payout. Key: its request number;
// payload: {"payout_id": N}.
const JobPayout = "payment.payout"

type payoutPayload struct {
	PayoutID int64 `json:"payout_id"`
}

// Payout states are those of a payment: Pending, Paid, Failed.

// Payout is one credit of a refund.
type Payout struct {
	ID            int64
	RefundID      int64
	TaxpayerID    int64
	TaxpayerCode  string
	TaxpayerName  string
	BureauID      int64
	RequestNo     string
	BankCode      string
	AccountNo     string
	AccountName   string
	TaxType       string
	Amount        int64
	EntrustDate   calendar.Date
	State         string
	Reason        string
	BankTxnNo     string
	SettledBy     string
	CreatedAt     time.Time
	SettledAt     time.Time
	ItemCode      string // the refund's application item
	Period        string // the refund's period ("2026Q3", "2025")
	ApplicationID int64
	AppNo         string
}

// PayoutStates names the payout states in Chinese.
var PayoutStates = []auth.Label{{Code: Pending, Name: "退库处理中"}, {Code: Paid, Name: "已退至账户"}, {Code: Failed, Name: "退库失败"}}

func (p *Payout) StateName() string     { return auth.NameOf(PayoutStates, p.State) }
func (p *Payout) BankName() string      { return BankName(p.BankCode) }
func (p *Payout) MaskedAccount() string { return maskAccount(p.AccountNo) }
func (p *Payout) TaxName() string       { return refundTaxName(p.TaxType) }

// refundTaxName names a refund's tax: a liability's tax type, or the
// generic code an application form carries ("vat", "iit").
func refundTaxName(code string) string {
	switch code {
	case "vat":
		return "增值税"
	case "iit":
		return "个人所得税"
	case "iit_annual":
		return "个人所得税（综合所得汇算）"
	case "stamp":
		return "印花税"
	}
	return TaxName(code)
}

const payoutCols = `p.id, p.refund_id, p.taxpayer_id, t.code, t.name, p.bureau_id, p.request_no, p.bank_code, p.account_no, p.account_name, p.tax_type, p.amount,
	p.entrust_date, p.state, p.reason, p.bank_txn_no, p.settled_by, p.created_at, p.settled_at, f.item_code, f.period, f.application_id, a.no`

const payoutJoins = ` FROM refund_payouts p JOIN taxpayers t ON t.id = p.taxpayer_id JOIN refunds f ON f.id = p.refund_id JOIN applications a ON a.id = f.application_id`

func scanPayout(sc db.Scanner) (*Payout, error) {
	var p Payout
	var entrust, created, settled string
	if err := sc.Scan(&p.ID, &p.RefundID, &p.TaxpayerID, &p.TaxpayerCode, &p.TaxpayerName, &p.BureauID, &p.RequestNo, &p.BankCode, &p.AccountNo, &p.AccountName,
		&p.TaxType, &p.Amount, &entrust, &p.State, &p.Reason, &p.BankTxnNo, &p.SettledBy, &created, &settled, &p.ItemCode, &p.Period, &p.ApplicationID, &p.AppNo); err != nil {
		return nil, err
	}
	p.EntrustDate, _ = calendar.ParseDate(entrust)
	p.CreatedAt, p.SettledAt = db.ParseTS(created), db.ParseTS(settled)
	return &p, nil
}

func payoutByID(ctx context.Context, q db.Querier, id int64) (*Payout, error) {
	return scanPayout(q.QueryRowContext(ctx, `SELECT `+payoutCols+payoutJoins+` WHERE p.id = $1`, id))
}

// StartPayout is called in the transaction that approves a refund (the
// workflow's decision): it records the payout of refund refundID to the
// account of the taxpayer's active tripartite agreement and its job. The
// account the application names must be that account (a refund is paid to
// the taxpayer's own verified account); otherwise the approval is refused
// with a message on the decision.
func StartPayout(ctx context.Context, tx *sql.Tx, now time.Time, refundID int64, account string) (*Payout, error) {
	var taxpayerID, bureau, amount int64
	var taxType string
	if err := tx.QueryRowContext(ctx, `SELECT f.taxpayer_id, t.bureau_id, f.amount, f.tax_type FROM refunds f JOIN taxpayers t ON t.id = f.taxpayer_id WHERE f.id = $1`,
		refundID).Scan(&taxpayerID, &bureau, &amount, &taxType); err != nil {
		return nil, err
	}
	var bank, no, name string
	err := tx.QueryRowContext(ctx, `SELECT bank_code, account_no, account_name FROM bank_agreements WHERE taxpayer_id = $1 AND state = 'active'`,
		taxpayerID).Scan(&bank, &no, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.InvalidField("decision", "该纳税人没有经银行验证的三方协议账户，无法退库，请退回补正（请纳税人先签订三方协议）")
	}
	if err != nil {
		return nil, err
	}
	if a := strings.ReplaceAll(strings.TrimSpace(account), " ", ""); a != "" && a != no {
		return nil, apperr.InvalidField("decision", "申请的退税账号与纳税人三方协议账户（"+maskAccount(no)+"）不一致，税款只能退至纳税人本人已验证的账户，请退回补正")
	}
	return insertPayout(ctx, tx, now, refundID, taxpayerID, bureau, bank, no, name, taxType, amount)
}

func insertPayout(ctx context.Context, tx *sql.Tx, now time.Time, refundID, taxpayerID, bureau int64, bank, no, name, taxType string, amount int64) (*Payout, error) {
	reqNo := "R" + newRequestNo(now)
	entrust := calendar.FromTime(now.In(china)).String()
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO refund_payouts (refund_id, taxpayer_id, bureau_id, request_no, bank_code, account_no, account_name, tax_type, amount,
		entrust_date, state, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11) RETURNING id`,
		refundID, taxpayerID, bureau, reqNo, bank, no, name, taxType, amount, entrust, db.TS(now)).Scan(&id)
	if db.IsUniqueViolation(err) {
		return nil, apperr.New(apperr.Conflict, "该退税已在退库中")
	}
	if err != nil {
		return nil, err
	}
	if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: JobPayout, Key: reqNo, Payload: payoutPayload{PayoutID: id}, RunAt: now, MaxAttempts: 30}); err != nil {
		return nil, err
	}
	return payoutByID(ctx, tx, id)
}

// payoutHandler sends a payout's credit (first attempt) or asks the bank
// about it (later ones); while the outcome stays unknown the job retries.
func (s *Service) payoutHandler(ctx context.Context, j *jobs.Claimed) error {
	var pl payoutPayload
	if err := j.Decode(&pl); err != nil {
		return err
	}
	p, err := payoutByID(ctx, s.DB, pl.PayoutID)
	if err != nil {
		return err
	}
	mode := "query"
	if j.Attempts <= 1 {
		mode = "credit"
	}
	p, err = s.drivePayout(ctx, p, mode)
	if err != nil {
		return err
	}
	if p.State == Pending {
		return &jobs.RetryAfter{Delay: s.backoff(j.Attempts), Err: errors.New("bank outcome of the credit still unknown")}
	}
	return nil
}

// drivePayout learns a pending payout's outcome from the bank and records
// it, as drive does for a debit: "credit" sends the credit (again: the
// bank deduplicates) while the entrust day lasts; "query" asks first and
// sends only when the bank never heard of it on that day.
func (s *Service) drivePayout(ctx context.Context, p *Payout, mode string) (*Payout, error) {
	if p.State != Pending {
		return p, nil
	}
	cb, ok := s.Bank.(CreditBank)
	if !ok {
		return p, errors.New("payment: the bank link cannot pay refunds (no CreditBank)")
	}
	req := DebitRequest{RequestNo: p.RequestNo, EntrustDate: p.EntrustDate.String(), Account: Account{BankCode: p.BankCode, Number: p.AccountNo, Name: p.AccountName},
		Amount: p.Amount, Payer: p.TaxpayerCode, Memo: "退税入账 " + p.AppNo}
	today := s.today()
	var res DebitResult
	var err error
	via := mode
	switch {
	case mode == "query":
		res, err = cb.QueryCredit(ctx, p.RequestNo)
		if err == nil && res.Status == Unknown {
			if p.EntrustDate == today {
				via = "credit"
				res, err = cb.Credit(ctx, req)
			} else {
				res = DebitResult{RequestNo: p.RequestNo, Status: Refused, Reason: entrustPassed}
			}
		}
	case p.EntrustDate == today:
		res, err = cb.Credit(ctx, req)
	default:
		return s.drivePayout(ctx, p, "query")
	}
	if err != nil {
		s.log().Warn("payment: credit outcome unknown, payout stays pending", "request_no", p.RequestNo, "err", err)
		return p, nil
	}
	return s.settlePayout(ctx, p.ID, res, via)
}

// entrustPassed is the reason of a credit the bank never received on its
// entrust day: it can no longer happen, and it is sent again.
const entrustPassed = "银行未收到退库请求（委托日已过）"

// settlePayout records the bank's definite answer once.
func (s *Service) settlePayout(ctx context.Context, id int64, res DebitResult, via string) (*Payout, error) {
	var out *Payout
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		state, reason := Paid, ""
		if res.Status != Succeeded {
			state, reason = Failed, res.Reason
			if reason == "" {
				reason = "银行退库入账失败"
			}
		}
		var refundID int64
		err := tx.QueryRowContext(ctx, `UPDATE refund_payouts SET state = $2, reason = $3, bank_txn_no = $4, settled_by = $5, settled_at = $6
			WHERE id = $1 AND state = 'pending' RETURNING refund_id`, id, state, reason, res.BankTxnNo, via, db.TS(now)).Scan(&refundID)
		if errors.Is(err, sql.ErrNoRows) {
			out, err = payoutByID(ctx, tx, id) // settled by someone else
			return err
		}
		if err != nil {
			return err
		}
		p, err := payoutByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = p
		link := "/hall/applications/" + strconv.FormatInt(p.ApplicationID, 10)
		if state == Failed {
			if reason == entrustPassed || reason == "委托日期不是当日" {
				// Never credited: send it again today under a new number.
				_, err := insertPayout(ctx, tx, now, p.RefundID, p.TaxpayerID, p.BureauID, p.BankCode, p.AccountNo, p.AccountName, p.TaxType, p.Amount)
				return err
			}
			_, _, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: p.TaxpayerID, Kind: messages.KindNotice,
				Subject: "退税未能入账：" + money(p.Amount), Body: "银行未能将退税款退至账户 " + p.MaskedAccount() + "：" + reason + "。税务机关将与您联系。",
				Link: link, DedupeKey: "payout:" + p.RequestNo})
			if err == nil {
				_, err = notify.FanoutMessage(ctx, tx, notify.Decision, p.TaxpayerID, "payout:"+p.RequestNo)
			}
			return err
		}
		day := p.EntrustDate.String()
		var reqID, iitReqID sql.NullInt64
		err = tx.QueryRowContext(ctx, `UPDATE refunds SET status = 'paid', paid_at = $2 WHERE id = $1 AND status = 'approved'
			RETURNING refund_request_id, iit_refund_request_id`, p.RefundID, day).Scan(&reqID, &iitReqID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if reqID.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE refund_requests SET state = 'refunded', decided_at = $2 WHERE id = $1 AND state = 'approved'`, reqID.Int64, db.TS(now)); err != nil {
				return err
			}
		}
		if iitReqID.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE iit_refund_requests SET state = 'refunded', updated_at = $2 WHERE id = $1 AND state = 'approved'`, iitReqID.Int64, db.TS(now)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO treasury_daily (bureau_id, day, tax_type, refund, refund_items) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (day, bureau_id, tax_type) DO UPDATE SET refund = treasury_daily.refund + excluded.refund, refund_items = treasury_daily.refund_items + 1`,
			p.BureauID, day, p.TaxType, p.Amount); err != nil {
			return err
		}
		_, _, err = messages.Send(ctx, tx, now, messages.Message{TaxpayerID: p.TaxpayerID, Kind: messages.KindNotice,
			Subject: "退税已入账：" + money(p.Amount), Body: fmt.Sprintf("申请 %s 核准的退税 %s 已于 %s 退至您的账户 %s（%s），银行流水号 %s。",
				p.AppNo, money(p.Amount), day, p.MaskedAccount(), p.BankName(), res.BankTxnNo),
			Link: link, DedupeKey: "payout:" + p.RequestNo})
		if err == nil { // by e-mail and SMS too, as the users chose
			_, err = notify.FanoutMessage(ctx, tx, notify.Decision, p.TaxpayerID, "payout:"+p.RequestNo)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SettlePendingPayouts asks the bank about every pending payout created
// before cutoff (at most limit), as the job would; it returns how many
// are still pending. Tests and the crash drill call it directly.
func (s *Service) SettlePendingPayouts(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	ids, err := db.Query(ctx, s.DB, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM refund_payouts WHERE state = 'pending' AND created_at < $1 ORDER BY created_at, id LIMIT $2`, db.TS(cutoff), limit)
	if err != nil {
		return 0, err
	}
	left := 0
	for _, id := range ids {
		p, err := payoutByID(ctx, s.DB, id)
		if err != nil {
			return 0, err
		}
		if p, err = s.drivePayout(ctx, p, "query"); err != nil {
			return 0, err
		}
		if p.State == Pending {
			left++
		}
	}
	return left, nil
}

// PayoutPage is a page of the refund ledger, newest first; Next is the
// cursor of the following page (0 for the last).
type PayoutPage struct {
	Items []*Payout
	Next  int64
}

// RefundLedger lists the refund payouts (退库) of the staff member's
// subtree, newest first, keyset paged by id (index refund_payouts_ledger).
func (s *Service) RefundLedger(ctx context.Context, before int64, limit int) (_ *PayoutPage, err error) {
	defer db.Wrap(&err, "payment.RefundLedger")
	a, err := auth.RequireStaff(ctx, ledgerRoles...)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	list, err := db.Query(ctx, s.DB, scanPayout, `SELECT `+payoutCols+payoutJoins+` JOIN orgs o ON o.id = p.bureau_id
		WHERE `+cond+` AND p.id < $2 ORDER BY p.id DESC LIMIT $3`, arg, before, limit+1)
	if err != nil {
		return nil, err
	}
	pg := &PayoutPage{Items: list}
	if len(list) > limit {
		pg.Items = list[:limit]
		pg.Next = pg.Items[limit-1].ID
	}
	return pg, nil
}

// PayoutsOf lists the payouts of one refund, oldest first (for the
// application's page). No authorisation: the caller has checked who asks.
func PayoutsOf(ctx context.Context, q db.Querier, refundID int64) ([]*Payout, error) {
	return db.Query(ctx, q, scanPayout, `SELECT `+payoutCols+payoutJoins+` WHERE p.refund_id = $1 ORDER BY p.id LIMIT 20`, refundID)
}

// HTTPBank's credits.

// Credit sends one credit request (退库).
func (b *HTTPBank) Credit(ctx context.Context, d DebitRequest) (DebitResult, error) {
	status, raw, err := b.do(ctx, "POST", "/v1/credits", wireDebit{RequestNo: d.RequestNo, EntrustDate: d.EntrustDate, BankCode: d.Account.BankCode,
		AccountNo: d.Account.Number, AccountName: d.Account.Name, Amount: d.Amount, Payer: d.Payer, Memo: d.Memo})
	if err != nil {
		return DebitResult{}, err
	}
	if status != http.StatusOK {
		return DebitResult{}, fmt.Errorf("%w: credit HTTP %d: %s", ErrNoAnswer, status, strings.TrimSpace(string(raw)))
	}
	return decodeResult(raw)
}

// QueryCredit asks what happened to a credit's request number.
func (b *HTTPBank) QueryCredit(ctx context.Context, requestNo string) (DebitResult, error) {
	status, raw, err := b.do(ctx, "GET", "/v1/credits/"+url.PathEscape(requestNo), nil)
	if err != nil {
		return DebitResult{}, err
	}
	if status == http.StatusNotFound {
		return DebitResult{RequestNo: requestNo, Status: Unknown}, nil
	}
	if status != http.StatusOK {
		return DebitResult{}, fmt.Errorf("%w: credit query HTTP %d", ErrNoAnswer, status)
	}
	return decodeResult(raw)
}

func decodeResult(raw []byte) (DebitResult, error) {
	var w wireDebit
	if err := json.Unmarshal(raw, &w); err != nil {
		return DebitResult{}, fmt.Errorf("%w: %v", ErrNoAnswer, err)
	}
	return w.result()
}
