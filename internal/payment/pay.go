package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
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
	"taxhall/internal/rules"
)

// Payment states.
const (
	Pending = "pending"
	Paid    = "paid"
	Failed  = "failed"
)

// PaymentStates names the states in Chinese.
var PaymentStates = []auth.Label{{Code: Pending, Name: "处理中"}, {Code: Paid, Name: "已缴款"}, {Code: Failed, Name: "扣款失败"}}

// Payment is one debit and the liabilities it settles.
type Payment struct {
	ID          int64
	TaxpayerID  int64
	BureauID    int64
	RequestNo   string
	BankCode    string
	AccountNo   string
	AccountName string
	EntrustDate calendar.Date
	Tax         int64
	LateFee     int64
	Amount      int64
	State       string
	Reason      string
	BankTxnNo   string
	SettledBy   string
	CreatedBy   string
	CreatedAt   time.Time
	SettledAt   time.Time
	Items       []*Item
	// TaxpayerCode and TaxpayerName are filled for staff lists.
	TaxpayerCode, TaxpayerName string
	// Replayed: Pay found this payment by its idempotency key (a repeat).
	Replayed bool
}

func (p *Payment) StateName() string     { return auth.NameOf(PaymentStates, p.State) }
func (p *Payment) BankName() string      { return BankName(p.BankCode) }
func (p *Payment) MaskedAccount() string { return maskAccount(p.AccountNo) }

// Item is one liability in a payment.
type Item struct {
	ID          int64
	PaymentID   int64
	LiabilityID int64
	ReturnID    int64
	TaxType     string
	Period      rules.Period
	Deadline    calendar.Date
	Tax         int64
	LateFee     int64
	LateDays    int
	VoucherNo   string
	PaidOn      calendar.Date
}

func (i *Item) TaxName() string    { return TaxName(i.TaxType) }
func (i *Item) PeriodName() string { return periodName(i.Period) }

const paymentCols = `p.id, p.taxpayer_id, p.bureau_id, p.request_no, p.bank_code, p.account_no, p.account_name, p.entrust_date, p.tax, p.late_fee, p.amount,
	p.state, p.reason, p.bank_txn_no, p.settled_by, p.created_by_name, p.created_at, p.settled_at`

func scanPayment(sc db.Scanner) (*Payment, error) {
	var p Payment
	var entrust, created, settled string
	err := sc.Scan(&p.ID, &p.TaxpayerID, &p.BureauID, &p.RequestNo, &p.BankCode, &p.AccountNo, &p.AccountName, &entrust, &p.Tax, &p.LateFee, &p.Amount,
		&p.State, &p.Reason, &p.BankTxnNo, &p.SettledBy, &p.CreatedBy, &created, &settled)
	if err != nil {
		return nil, err
	}
	p.EntrustDate, _ = calendar.ParseDate(entrust)
	p.CreatedAt, p.SettledAt = db.ParseTS(created), db.ParseTS(settled)
	return &p, nil
}

const itemCols = `id, payment_id, liability_id, return_id, tax_type, period_start, period_end, deadline, tax, late_fee, late_days, COALESCE(voucher_no, ''), paid_on`

func scanItem(sc db.Scanner) (*Item, error) {
	var i Item
	var ps, pe, dl, paid string
	if err := sc.Scan(&i.ID, &i.PaymentID, &i.LiabilityID, &i.ReturnID, &i.TaxType, &ps, &pe, &dl, &i.Tax, &i.LateFee, &i.LateDays, &i.VoucherNo, &paid); err != nil {
		return nil, err
	}
	i.Period = rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)}
	i.Deadline = calendar.MustDate(dl)
	i.PaidOn, _ = calendar.ParseDate(paid)
	return &i, nil
}

func loadItems(ctx context.Context, q db.Querier, p *Payment) error {
	var err error
	p.Items, err = db.Query(ctx, q, scanItem, `SELECT `+itemCols+` FROM payment_items WHERE payment_id = $1 ORDER BY id`, p.ID)
	return err
}

// Due is an unpaid liability with its late fee to a day.
type Due struct {
	LiabilityID int64
	ReturnID    int64
	AckNo       string
	TaxType     string
	Period      rules.Period
	Deadline    calendar.Date
	Amount      int64
	Paid        int64
	Unpaid      int64
	LateFee     int64
	LateDays    int
	FeeBasis    string
	// InPayment is the state of a live payment holding it ("pending"), ""
	// when it is free to pay.
	InPayment string
}

func (d *Due) TaxName() string    { return TaxName(d.TaxType) }
func (d *Due) PeriodName() string { return periodName(d.Period) }
func (d *Due) Total() int64       { return d.Unpaid + d.LateFee }

// Dues lists the current taxpayer's unpaid liabilities with the late fee
// to today (rules.LateFee), marking those a pending payment holds.
func (s *Service) Dues(ctx context.Context) (_ []*Due, err error) {
	defer db.Wrap(&err, "payment.Dues")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return s.dues(ctx, s.DB, a.TaxpayerID, nil, s.today())
}

func (s *Service) dues(ctx context.Context, q db.Querier, taxpayerID int64, ids []int64, day calendar.Date) ([]*Due, error) {
	query := `SELECT l.id, l.return_id, r.ack_no, l.tax_type, l.period_start, l.period_end, l.deadline, l.amount, l.paid, COALESCE(p.state, '')
		FROM tax_liabilities l JOIN returns r ON r.id = l.return_id
		LEFT JOIN payment_items i ON i.liability_id = l.id AND i.live = 1
		LEFT JOIN payments p ON p.id = i.payment_id
		WHERE l.taxpayer_id = $1 AND l.settled = 0 AND l.amount > 0`
	args := []any{taxpayerID}
	if ids != nil {
		marks := make([]string, len(ids))
		for n, id := range ids {
			args = append(args, id)
			marks[n] = "$" + strconv.Itoa(len(args))
		}
		query += ` AND l.id IN (` + strings.Join(marks, ", ") + `)`
	}
	query += ` ORDER BY l.deadline, l.id LIMIT 200`
	list, err := db.Query(ctx, q, func(sc db.Scanner) (*Due, error) {
		var d Due
		var ps, pe, dl string
		if err := sc.Scan(&d.LiabilityID, &d.ReturnID, &d.AckNo, &d.TaxType, &ps, &pe, &dl, &d.Amount, &d.Paid, &d.InPayment); err != nil {
			return nil, err
		}
		d.Period = rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)}
		d.Deadline = calendar.MustDate(dl)
		return &d, nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		d.Unpaid = d.Amount - d.Paid
		fee, err := rules.LateFee(d.Unpaid, d.Deadline, day)
		if err != nil {
			return nil, err
		}
		d.LateFee, d.LateDays, d.FeeBasis = fee.Fee, fee.Days, fee.Source
	}
	return list, nil
}

// PayInput is a payment request: the liabilities chosen and the
// idempotency key of the form (or the API's Idempotency-Key header).
type PayInput struct {
	LiabilityIDs []int64
	IdemKey      string
}

// MaxItems bounds the liabilities of one payment.
const MaxItems = 50

// Pay pays the chosen liabilities in one debit: it commits a pending
// payment (with its reconciliation job), asks the bank to debit, and
// records the answer. The payment returned is paid, failed, or still
// pending when the bank did not answer. A repeated key returns the first
// payment (asking the bank again when it is still pending).
func (s *Service) Pay(ctx context.Context, in PayInput) (_ *Payment, err error) {
	defer db.Wrap(&err, "payment.Pay")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if !CanPay(a) {
		return nil, errNoPay
	}
	if s.Bank == nil {
		return nil, errNoBank
	}
	in.IdemKey = strings.TrimSpace(in.IdemKey)
	if in.IdemKey == "" || len(in.IdemKey) > 100 {
		return nil, apperr.InvalidField("idempotency_key", "缺少幂等键，请刷新页面后重新提交")
	}
	if p, err := s.byIdemKey(ctx, s.DB, a.TaxpayerID, in.IdemKey); err != nil || p != nil {
		if err != nil {
			return nil, err
		}
		return replayed(s.drive(ctx, p, "debit"))
	}
	ids := slices.Compact(slices.Sorted(slices.Values(in.LiabilityIDs)))
	if len(ids) == 0 {
		return nil, apperr.InvalidField("items", "请选择要缴纳的税款")
	}
	if len(ids) > MaxItems {
		return nil, apperr.InvalidField("items", fmt.Sprintf("一次最多缴纳 %d 笔税款", MaxItems))
	}
	agr, err := Active(ctx, s.DB, a.TaxpayerID)
	if err != nil {
		return nil, err
	}
	if agr == nil {
		return nil, errNoAgreemnt
	}
	var agent []string
	if a.Role == auth.TPAgent {
		if agent, err = delegated(ctx, s.DB, a.TaxpayerID, a.UserID); err != nil {
			return nil, err
		}
	}
	var p *Payment
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		p = nil
		// The same key may have committed since the check above.
		if p, err = s.byIdemKey(ctx, tx, a.TaxpayerID, in.IdemKey); err != nil || p != nil {
			if p != nil {
				p.Replayed = true
			}
			return err
		}
		now := s.now()
		day := calendar.FromTime(now.In(china))
		dues, err := s.dues(ctx, tx, a.TaxpayerID, ids, day)
		if err != nil {
			return err
		}
		if len(dues) != len(ids) {
			return apperr.InvalidField("items", "所选税款不存在或已缴纳，请刷新后重选")
		}
		var bureau int64
		if err := tx.QueryRowContext(ctx, `SELECT bureau_id FROM taxpayers WHERE id = $1`, a.TaxpayerID).Scan(&bureau); err != nil {
			return err
		}
		pay := &Payment{TaxpayerID: a.TaxpayerID, BureauID: bureau, BankCode: agr.BankCode, AccountNo: agr.AccountNo, AccountName: agr.AccountName,
			EntrustDate: day, State: Pending, CreatedBy: a.Name, CreatedAt: db.ParseTS(db.TS(now))}
		for _, d := range dues {
			if d.InPayment != "" {
				return errInPayment
			}
			if agent != nil && !slices.Contains(agent, d.TaxType) || a.Role == auth.TPAgent && agent == nil {
				return apperr.New(apperr.Forbidden, "您只能缴纳委托您代理的税种："+d.TaxName()+"不在其中")
			}
			pay.Tax += d.Unpaid
			pay.LateFee += d.LateFee
		}
		pay.Amount = pay.Tax + pay.LateFee
		pay.RequestNo = newRequestNo(now)
		err = tx.QueryRowContext(ctx, `INSERT INTO payments (taxpayer_id, bureau_id, request_no, idem_key, agreement_id, bank_code, account_no, account_name,
			entrust_date, tax, late_fee, amount, state, created_by, created_by_name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', $13, $14, $15)
			ON CONFLICT (taxpayer_id, idem_key) DO NOTHING RETURNING id`,
			a.TaxpayerID, bureau, pay.RequestNo, in.IdemKey, agr.ID, agr.BankCode, agr.AccountNo, agr.AccountName, day.String(),
			pay.Tax, pay.LateFee, pay.Amount, a.UserID, a.Name, db.TS(now)).Scan(&pay.ID)
		if errors.Is(err, sql.ErrNoRows) {
			// The same key committed meanwhile (a double click on
			// another node): that payment is the answer.
			if p, err = s.byIdemKey(ctx, tx, a.TaxpayerID, in.IdemKey); p != nil {
				p.Replayed = true
			}
			return err
		}
		if err != nil {
			return err
		}
		for _, d := range dues {
			// The partial unique index payment_items_live refuses a
			// liability that a pending or paid payment already holds.
			if _, err := tx.ExecContext(ctx, `INSERT INTO payment_items (payment_id, taxpayer_id, bureau_id, liability_id, return_id, tax_type,
				period_start, period_end, deadline, tax, late_fee, late_days, live)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)`,
				pay.ID, a.TaxpayerID, bureau, d.LiabilityID, d.ReturnID, d.TaxType, d.Period.Start.String(), d.Period.End.String(),
				d.Deadline.String(), d.Unpaid, d.LateFee, d.LateDays); err != nil {
				return err
			}
			// Touch the liability: a correction's netting (package
			// returns) that changed it meanwhile makes this 0 rows.
			res, err := tx.ExecContext(ctx, `UPDATE tax_liabilities SET paid = paid WHERE id = $1 AND settled = 0 AND amount - paid = $2`, d.LiabilityID, d.Unpaid)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errChanged
			}
		}
		// The safety net: if this node dies before the bank's answer is
		// recorded, any node's runner asks the bank later.
		if _, err := jobs.Enqueue(ctx, tx, reconcileJob(pay, now.Add(s.retryDelay()))); err != nil {
			return err
		}
		p = pay
		return loadItems(ctx, tx, p)
	})
	if db.IsUniqueViolation(err) || errors.Is(err, errInPayment) {
		// Refused because a live payment holds an item: if it is this
		// very request (the same key, committed by a racing twin), that
		// payment is the answer.
		if p, err := s.byIdemKey(ctx, s.DB, a.TaxpayerID, in.IdemKey); err != nil || p != nil {
			if err != nil {
				return nil, err
			}
			return replayed(s.drive(ctx, p, "debit"))
		}
		return nil, errInPayment
	}
	if err != nil {
		return nil, err
	}
	rep := p.Replayed
	p, err = s.drive(ctx, p, "debit")
	if p != nil {
		p.Replayed = rep
	}
	return p, err
}

func replayed(p *Payment, err error) (*Payment, error) {
	if p != nil {
		p.Replayed = true
	}
	return p, err
}

var errInPayment = apperr.New(apperr.Conflict, "所选税款已在另一笔缴款中处理或已缴纳，请刷新后查看")

func (s *Service) retryDelay() time.Duration {
	if s.RetryDelay > 0 {
		return s.RetryDelay
	}
	return 15 * time.Second
}

// newRequestNo is the hall's debit request number: the date and 16 random
// hex digits (the UNIQUE constraint catches the impossible collision).
func newRequestNo(now time.Time) string {
	return "TH" + now.In(china).Format("20060102") + strings.ToUpper(randomHex(8))
}

func (s *Service) byIdemKey(ctx context.Context, q db.Querier, taxpayerID int64, key string) (*Payment, error) {
	p, err := scanPayment(q.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments p WHERE p.taxpayer_id = $1 AND p.idem_key = $2`, taxpayerID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return p, loadItems(ctx, q, p)
}

func byID(ctx context.Context, q db.Querier, id int64) (*Payment, error) {
	p, err := scanPayment(q.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments p WHERE p.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return p, loadItems(ctx, q, p)
}

// drive learns the outcome of a pending payment from the bank and records
// it; a payment already settled is returned as it is. mode "debit" sends
// the debit (again: the bank deduplicates by request number) while the
// entrust day lasts; "query" asks first and repeats the debit only when
// the bank has never heard of it on that day.
func (s *Service) drive(ctx context.Context, p *Payment, mode string) (*Payment, error) {
	if p.State != Pending {
		return p, nil
	}
	today := s.today()
	req := DebitRequest{RequestNo: p.RequestNo, EntrustDate: p.EntrustDate.String(), Account: Account{BankCode: p.BankCode, Number: p.AccountNo, Name: p.AccountName},
		Amount: p.Amount, Memo: "税款缴纳"}
	var res DebitResult
	var err error
	via := mode
	if mode == "query" {
		res, err = s.Bank.Query(ctx, p.RequestNo)
		if err == nil && res.Status == Unknown {
			if p.EntrustDate == today {
				via = "debit"
				res, err = s.Bank.Debit(ctx, req)
			} else {
				// The bank refuses a debit of another day than its
				// entrust date: never heard of after that day is never
				// debited.
				res = DebitResult{RequestNo: p.RequestNo, Status: Refused, Reason: "银行未收到扣款请求（委托日已过）"}
			}
		}
	} else if p.EntrustDate == today {
		res, err = s.Bank.Debit(ctx, req)
	} else {
		return s.drive(ctx, p, "query")
	}
	if err != nil {
		s.log().Warn("payment: bank outcome unknown, payment stays pending", "request_no", p.RequestNo, "err", err)
		return p, nil
	}
	return s.settle(ctx, p.ID, res, via)
}

// settle records the bank's definite answer once: the first of any number
// of racing settlers wins the UPDATE … WHERE state = 'pending'; the others
// read what it wrote.
func (s *Service) settle(ctx context.Context, id int64, res DebitResult, via string) (*Payment, error) {
	var out *Payment
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		state, reason := Paid, ""
		if res.Status != Succeeded {
			state, reason = Failed, res.Reason
			if reason == "" {
				reason = "银行扣款失败"
			}
		}
		var taxpayerID, bureau int64
		var entrust string
		err := tx.QueryRowContext(ctx, `UPDATE payments SET state = $2, reason = $3, bank_txn_no = $4, settled_by = $5, settled_at = $6
			WHERE id = $1 AND state = 'pending' RETURNING taxpayer_id, bureau_id, entrust_date`,
			id, state, reason, res.BankTxnNo, via, db.TS(now)).Scan(&taxpayerID, &bureau, &entrust)
		if errors.Is(err, sql.ErrNoRows) {
			out, err = byID(ctx, tx, id) // settled by someone else
			return err
		}
		if err != nil {
			return err
		}
		p, err := byID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = p
		if state == Failed {
			_, err := tx.ExecContext(ctx, `UPDATE payment_items SET live = 0 WHERE payment_id = $1`, id)
			if err == nil {
				_, _, err = messages.Send(ctx, tx, now, messages.Message{TaxpayerID: taxpayerID, Kind: "notice",
					Subject: fmt.Sprintf("缴款未成功：%s", money(p.Amount)), Body: "银行未能扣款：" + reason + "。所选税款已恢复为未缴，可重新缴纳。",
					Link: "/hall/payments/" + strconv.FormatInt(id, 10), DedupeKey: "payment:" + p.RequestNo})
			}
			if err == nil { // by e-mail and SMS too, as the users chose
				_, err = notify.FanoutMessage(ctx, tx, notify.Payment, taxpayerID, "payment:"+p.RequestNo)
			}
			return err
		}
		for _, it := range p.Items {
			it.VoucherNo = voucherNo(entrust, it.ID)
			if _, err := tx.ExecContext(ctx, `UPDATE payment_items SET voucher_no = $2, paid_on = $3 WHERE id = $1`, it.ID, it.VoucherNo, entrust); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE tax_liabilities SET paid = paid + $2, settled = 1 WHERE id = $1 AND settled = 0`, it.LiabilityID, it.Tax); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO treasury_daily (bureau_id, day, tax_type, tax, late_fee, items) VALUES ($1, $2, $3, $4, $5, 1)
				ON CONFLICT (day, bureau_id, tax_type) DO UPDATE SET tax = treasury_daily.tax + excluded.tax,
					late_fee = treasury_daily.late_fee + excluded.late_fee, items = treasury_daily.items + 1`,
				bureau, entrust, it.TaxType, it.Tax, it.LateFee); err != nil {
				return err
			}
			it.PaidOn, _ = calendar.ParseDate(entrust)
		}
		_, _, err = messages.Send(ctx, tx, now, messages.Message{TaxpayerID: taxpayerID, Kind: "notice",
			Subject: fmt.Sprintf("缴款成功：%s", money(p.Amount)), Body: fmt.Sprintf("银行已扣款，共 %d 笔税款，电子缴款凭证号见缴款记录。", len(p.Items)),
			Link: "/hall/payments/" + strconv.FormatInt(id, 10), DedupeKey: "payment:" + p.RequestNo})
		if err == nil { // by e-mail and SMS too, as the users chose
			_, err = notify.FanoutMessage(ctx, tx, notify.Payment, taxpayerID, "payment:"+p.RequestNo)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// voucherNo is the 电子缴款凭证号 of a paid item: the payment day and the
// item's id, 18 digits, unique with the item.
func voucherNo(day string, itemID int64) string {
	return "3" + strings.ReplaceAll(day, "-", "") + fmt.Sprintf("%09d", itemID)
}

func money(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s¥%d.%02d", sign, fen/100, fen%100)
}

func delegated(ctx context.Context, q db.Querier, taxpayerID, userID int64) ([]string, error) {
	taxes, err := db.Query(ctx, q, func(sc db.Scanner) (string, error) {
		var t string
		return t, sc.Scan(&t)
	}, `SELECT tax_type FROM agent_delegations WHERE taxpayer_id = $1 AND user_id = $2`, taxpayerID, userID)
	if taxes == nil {
		taxes = []string{}
	}
	return taxes, err
}

// Payment returns one of the current taxpayer's payments.
func (s *Service) Payment(ctx context.Context, id int64) (_ *Payment, err error) {
	defer db.Wrap(&err, "payment.Payment(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	p, err := byID(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if p.TaxpayerID != a.TaxpayerID {
		return nil, errNotFound
	}
	return p, nil
}

// Page is a page of payments, newest first; Next is the cursor of the
// following page (0 for the last).
type Page struct {
	Items []*Payment
	Next  int64
}

// Payments lists the current taxpayer's payments, newest first, keyset
// paged by id (index payments_taxpayer).
func (s *Service) Payments(ctx context.Context, before int64, limit int) (_ *Page, err error) {
	defer db.Wrap(&err, "payment.Payments")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	if before <= 0 {
		before = 1 << 62
	}
	list, err := db.Query(ctx, s.DB, scanPayment, `SELECT `+paymentCols+` FROM payments p WHERE p.taxpayer_id = $1 AND p.id < $2 ORDER BY p.id DESC LIMIT $3`,
		a.TaxpayerID, before, limit+1)
	if err != nil {
		return nil, err
	}
	pg := &Page{Items: list}
	if len(list) > limit {
		pg.Items, pg.Next = list[:limit], list[limit-1].ID
	}
	for _, p := range pg.Items {
		if err := loadItems(ctx, s.DB, p); err != nil {
			return nil, err
		}
	}
	return pg, nil
}

func periodName(p rules.Period) string {
	switch {
	case p.Start.M == 1 && p.Start.D == 1 && p.End.M == 12 && p.End.D == 31 && p.Start.Y == p.End.Y:
		return fmt.Sprintf("%d年度", p.Start.Y)
	case p.Start.Y == p.End.Y && p.Start.M == p.End.M:
		return fmt.Sprintf("%d年%d月", p.Start.Y, int(p.Start.M))
	case p.Start.Y == p.End.Y && p.End.M-p.Start.M == 2 && (int(p.Start.M)-1)%3 == 0:
		return fmt.Sprintf("%d年第%d季度", p.Start.Y, (int(p.Start.M)-1)/3+1)
	}
	return p.Start.String() + " 至 " + p.End.String()
}
