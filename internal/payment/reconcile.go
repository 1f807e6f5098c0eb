package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
)

// Job kinds of this package.
const (
	JobReconcile = "payment.reconcile" // key: the request number; payload: {"payment_id": N}
	JobStatement = "payment.statement" // key: the day; imports that day's statement
)

type reconcilePayload struct {
	PaymentID int64 `json:"payment_id"`
}

func reconcileJob(p *Payment, at time.Time) jobs.Job {
	return jobs.Job{Kind: JobReconcile, Key: p.RequestNo, Payload: reconcilePayload{PaymentID: p.ID}, RunAt: at, MaxAttempts: 30}
}

// Register adds this package's job handlers to r.
func (s *Service) Register(r *jobs.Runner) {
	s.Runner = r
	r.Handle(JobReconcile, s.reconcileHandler)
	r.Handle(JobStatement, s.statementHandler)
	r.Handle(JobPayout, s.payoutHandler)
}

// reconcileHandler asks the bank about one pending payment; while the
// outcome stays unknown the job is retried with a growing backoff.
func (s *Service) reconcileHandler(ctx context.Context, j *jobs.Claimed) error {
	var pl reconcilePayload
	if err := j.Decode(&pl); err != nil {
		return err
	}
	p, err := byID(ctx, s.DB, pl.PaymentID)
	if err != nil {
		return err
	}
	p, err = s.drive(ctx, p, "query")
	if err != nil {
		return err
	}
	if p.State == Pending {
		return &jobs.RetryAfter{Delay: s.backoff(j.Attempts), Err: errors.New("bank outcome still unknown")}
	}
	return nil
}

// ReconcilePending asks the bank about every pending payment created
// before cutoff (at most limit), as the job would; it returns how many
// are still pending. Tests and the crash drill call it directly.
func (s *Service) ReconcilePending(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	list, err := db.Query(ctx, s.DB, scanPayment, `SELECT `+paymentCols+` FROM payments p WHERE p.state = 'pending' AND p.created_at < $1 ORDER BY p.created_at, p.id LIMIT $2`,
		db.TS(cutoff), limit)
	if err != nil {
		return 0, err
	}
	left := 0
	for _, p := range list {
		if err := loadItems(ctx, s.DB, p); err != nil {
			return 0, err
		}
		q, err := s.drive(ctx, p, "query")
		if err != nil {
			return 0, err
		}
		if q.State == Pending {
			left++
		}
	}
	return left, nil
}

func (s *Service) statementHandler(ctx context.Context, j *jobs.Claimed) error {
	day, err := calendar.ParseDate(j.Key)
	if err != nil {
		return err
	}
	_, err = s.importStatement(ctx, day, "定时任务")
	return err
}

// ScheduleStatements enqueues, once an hour until ctx ends, the import of
// yesterday's statement; the dedupe key (the day) makes it one job per day
// whatever the number of nodes. It also deletes jobs done more than 90
// days ago (a request number is never reused, so its key is not needed).
func (s *Service) ScheduleStatements(ctx context.Context) {
	for {
		yesterday := s.today().AddDays(-1)
		if _, err := jobs.Enqueue(ctx, s.DB, jobs.Job{Kind: JobStatement, Key: yesterday.String(), RunAt: s.now().Add(5 * time.Minute)}); err != nil && ctx.Err() == nil {
			s.log().Warn("payment: could not schedule the statement import", "day", yesterday, "err", err)
		}
		if _, err := jobs.Prune(ctx, s.DB, s.now().AddDate(0, 0, -90)); err != nil && ctx.Err() == nil {
			s.log().Warn("payment: could not prune old jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// Reconciliation kinds of line.
const (
	Matched  = "matched"
	OnlyHall = "only_hall"
	OnlyBank = "only_bank"
)

// Reconciliation is one import of a day's statement.
type Reconciliation struct {
	ID        int64
	Day       calendar.Date
	Matched   int
	OnlyHall  int
	OnlyBank  int
	Settled   int // pending payments this import settled
	CreatedBy string
	CreatedAt time.Time
	Lines     []*ReconLine
}

// ReconLine is one request number that needs a look (or matched).
type ReconLine struct {
	RequestNo  string
	Kind       string
	HallState  string
	BankStatus string
	Amount     int64
	Note       string
}

func (l *ReconLine) KindName() string {
	switch l.Kind {
	case Matched:
		return "一致"
	case OnlyHall:
		return "仅税务端有"
	}
	return "仅银行端有"
}

// ImportStatement fetches the bank's statement of a past day and
// reconciles it (staff who may reconcile).
func (s *Service) ImportStatement(ctx context.Context, day calendar.Date) (_ *Reconciliation, err error) {
	defer db.Wrap(&err, "payment.ImportStatement(%s)", day)
	a, err := auth.RequireStaff(ctx, reconcileRoles...)
	if err != nil {
		return nil, err
	}
	return s.importStatement(ctx, day, a.Name)
}

func (s *Service) importStatement(ctx context.Context, day calendar.Date, by string) (*Reconciliation, error) {
	if !day.Before(s.today()) {
		return nil, apperr.InvalidField("day", "只能对已结束的日期对账（当日对账单尚未最终确定）")
	}
	if s.Bank == nil {
		return nil, errNoBank
	}
	lines, err := s.Bank.Statement(ctx, day.String())
	if err != nil {
		return nil, &apperr.Error{Code: apperr.Internal, Message: "未能取得银行对账单，请稍后再试", Err: err}
	}
	return s.Reconcile(ctx, day, lines, by)
}

// Reconcile settles the day's pending payments from the statement lines and
// records what matched, what only the hall has and what only the bank has.
// A pending payment of that day absent from the statement was never
// debited (the bank refuses a debit on another day): it fails.
func (s *Service) Reconcile(ctx context.Context, day calendar.Date, lines []StatementLine, by string) (*Reconciliation, error) {
	rec := &Reconciliation{Day: day, CreatedBy: by, CreatedAt: s.now()}
	seen := map[string]bool{}
	for _, l := range lines {
		seen[l.RequestNo] = true
		p, err := scanPayment(s.DB.QueryRowContext(ctx, `SELECT `+paymentCols+` FROM payments p WHERE p.request_no = $1`, l.RequestNo))
		if errors.Is(err, sql.ErrNoRows) {
			if l.Status == Succeeded {
				rec.add(&ReconLine{RequestNo: l.RequestNo, Kind: OnlyBank, BankStatus: l.Status, Amount: l.Amount, Note: "银行已扣款，税务端无此缴款"})
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.State == Pending {
			if err := loadItems(ctx, s.DB, p); err != nil {
				return nil, err
			}
			if p, err = s.settle(ctx, p.ID, DebitResult{RequestNo: l.RequestNo, Status: l.Status, Reason: l.Reason, BankTxnNo: l.BankTxnNo}, "statement"); err != nil {
				return nil, err
			}
			rec.Settled++
		}
		switch {
		case p.State == Paid && l.Status == Succeeded && p.Amount == l.Amount, p.State == Failed && l.Status != Succeeded:
			rec.add(&ReconLine{RequestNo: l.RequestNo, Kind: Matched, HallState: p.State, BankStatus: l.Status, Amount: p.Amount})
		case l.Status == Succeeded:
			rec.add(&ReconLine{RequestNo: l.RequestNo, Kind: OnlyBank, HallState: p.State, BankStatus: l.Status, Amount: l.Amount,
				Note: fmt.Sprintf("银行扣款 %s，税务端为%s %s", money(l.Amount), p.StateName(), money(p.Amount))})
		default:
			rec.add(&ReconLine{RequestNo: l.RequestNo, Kind: OnlyHall, HallState: p.State, BankStatus: l.Status, Amount: p.Amount, Note: "税务端已缴款，银行未扣款"})
		}
	}
	// The hall's payments of the day that the statement does not list.
	rest, err := db.Query(ctx, s.DB, scanPayment, `SELECT `+paymentCols+` FROM payments p WHERE p.entrust_date = $1 AND p.state <> 'failed' ORDER BY p.request_no`, day.String())
	if err != nil {
		return nil, err
	}
	for _, p := range rest {
		if seen[p.RequestNo] {
			continue
		}
		note := "银行对账单无此扣款"
		if p.State == Pending {
			if err := loadItems(ctx, s.DB, p); err != nil {
				return nil, err
			}
			if p, err = s.settle(ctx, p.ID, DebitResult{RequestNo: p.RequestNo, Status: Refused, Reason: "银行对账单无此扣款"}, "statement"); err != nil {
				return nil, err
			}
			rec.Settled++
			note = "银行未收到，已按扣款失败处理"
		}
		rec.add(&ReconLine{RequestNo: p.RequestNo, Kind: OnlyHall, HallState: p.State, Amount: p.Amount, Note: note})
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO reconciliations (day, matched, only_hall, only_bank, settled, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, day.String(), rec.Matched, rec.OnlyHall, rec.OnlyBank, rec.Settled, by, db.TS(rec.CreatedAt)).Scan(&rec.ID); err != nil {
			return err
		}
		for _, l := range rec.Lines {
			if l.Kind == Matched {
				continue // counted; the report lists what needs a look
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO reconciliation_lines (reconciliation_id, request_no, kind, hall_state, bank_status, amount, note)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, rec.ID, l.RequestNo, l.Kind, l.HallState, l.BankStatus, l.Amount, l.Note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func (r *Reconciliation) add(l *ReconLine) {
	switch l.Kind {
	case Matched:
		r.Matched++
	case OnlyHall:
		r.OnlyHall++
	case OnlyBank:
		r.OnlyBank++
	}
	r.Lines = append(r.Lines, l)
}

// HallStateName and BankStatusName are the two sides in Chinese.
func (l *ReconLine) HallStateName() string { return auth.NameOf(PaymentStates, l.HallState) }

func (l *ReconLine) BankStatusName() string {
	switch l.BankStatus {
	case Succeeded:
		return "已扣款"
	case Refused:
		return "扣款失败"
	}
	return l.BankStatus
}
