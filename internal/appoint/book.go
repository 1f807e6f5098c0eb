package appoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// BookInput is what a taxpayer user books.
type BookInput struct {
	SlotID int64
	Item   string // the item of a hall visit (到厅办理)
	Phone  string // optional contact
}

var (
	errFull     = apperr.New(apperr.Conflict, "该时段已约满，请选择其他时段")
	errTwice    = apperr.New(apperr.Conflict, "您已预约该时段，无需重复预约")
	errNotFound = apperr.New(apperr.NotFound, "预约不存在")
	errLate     = apperr.New(apperr.Conflict, fmt.Sprintf("距开始不足%d小时的时段不能在网上预约、改约或取消，请致电办税服务厅", int(CutOff.Hours())))
)

const apptCols = `a.id, a.slot_id, a.hall_id, h.name, h.address, v.name, s.window_no, a.day, s.start_time, s.end_time, s.starts_at,
	a.taxpayer_id, t.name, a.user_id, u.name, a.item, a.phone, a.state, COALESCE(a.queue_no, 0), COALESCE(a.checked_in_at, ''), a.created_at`

const apptFrom = ` FROM appointments a JOIN appt_slots s ON s.id = a.slot_id JOIN halls h ON h.id = a.hall_id
	JOIN appt_services v ON v.id = s.service_id JOIN taxpayers t ON t.id = a.taxpayer_id JOIN taxpayer_users u ON u.id = a.user_id`

func scanAppt(sc db.Scanner) (*Appointment, error) {
	var a Appointment
	var day, starts, checked, created string
	err := sc.Scan(&a.ID, &a.SlotID, &a.HallID, &a.HallName, &a.HallAddress, &a.ServiceName, &a.Window, &day, &a.Start, &a.End, &starts,
		&a.TaxpayerID, &a.Taxpayer, &a.UserID, &a.UserName, &a.Item, &a.Phone, &a.State, &a.QueueNo, &checked, &created)
	a.Day, _ = calendar.ParseDate(day)
	a.StartsAt, a.CheckedInAt, a.CreatedAt = db.ParseTS(starts), db.ParseTS(checked), db.ParseTS(created)
	return &a, err
}

// BlockedUntil returns the day online booking opens again for the user,
// the zero date when they may book: NoShowLimit no-shows in the last
// NoShowWindow days block until the oldest of them leaves the window.
func BlockedUntil(ctx context.Context, q db.Querier, userID int64, today calendar.Date) (calendar.Date, error) {
	days, err := db.Query(ctx, q, func(sc db.Scanner) (string, error) {
		var d string
		return d, sc.Scan(&d)
	}, `SELECT day FROM appointments WHERE user_id = $1 AND state = 'no_show' AND day > $2 ORDER BY day DESC LIMIT $3`,
		userID, today.AddDays(-NoShowWindow).String(), NoShowLimit)
	if err != nil || len(days) < NoShowLimit {
		return calendar.Date{}, err
	}
	oldest, err := calendar.ParseDate(days[len(days)-1])
	if err != nil {
		return calendar.Date{}, err
	}
	return oldest.AddDays(NoShowWindow + 1), nil
}

func blockedErr(until calendar.Date) error {
	return apperr.New(apperr.Forbidden, fmt.Sprintf("您近%d天内失约已达%d次，%s前暂停网上预约，可直接到办税服务厅办理", NoShowWindow, NoShowLimit, until))
}

// Book books a slot for the taxpayer user in ctx.
func (s *Service) Book(ctx context.Context, in BookInput) (_ *Appointment, err error) {
	defer db.Wrap(&err, "appoint.Book(slot %d)", in.SlotID)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var e error
		id, e = s.book(ctx, tx, a, in)
		return e
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// book takes a place in a slot inside tx: the person's row first (the
// partial unique index refuses a second live booking of the slot), then
// the guarded UPDATE that raises booked only while it is below capacity.
// Either refusal rolls the whole transaction back.
func (s *Service) book(ctx context.Context, tx *sql.Tx, a *auth.Actor, in BookInput) (int64, error) {
	now := s.Now()
	until, err := BlockedUntil(ctx, tx, a.UserID, Today(now))
	if err != nil {
		return 0, err
	}
	if !until.IsZero() {
		return 0, blockedErr(until)
	}
	var hallID int64
	var day, starts string
	var needs int
	err = tx.QueryRowContext(ctx, `SELECT s.hall_id, s.day, s.starts_at, v.needs_item FROM appt_slots s JOIN appt_services v ON v.id = s.service_id WHERE s.id = $1`, in.SlotID).
		Scan(&hallID, &day, &starts, &needs)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.InvalidField("slot_id", "请选择预约时段")
	}
	if err != nil {
		return 0, err
	}
	f := apperr.Fields{}
	in.Item, in.Phone = strings.TrimSpace(in.Item), strings.TrimSpace(in.Phone)
	if needs == 1 && in.Item == "" {
		f.Add("item", "请填写要办理的事项")
	}
	f.Text("item", in.Item, MaxItem)
	f.Text("phone", in.Phone, 20)
	if err := f.Err(); err != nil {
		return 0, err
	}
	if !changeable(db.ParseTS(starts), now) {
		return 0, errLate
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO appointments (slot_id, hall_id, day, taxpayer_id, user_id, item, phone, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 'booked', $8, $8)
		ON CONFLICT (user_id, slot_id) WHERE state <> 'cancelled' DO NOTHING RETURNING id`,
		in.SlotID, hallID, day, a.TaxpayerID, a.UserID, in.Item, in.Phone, db.TS(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errTwice
	}
	if err != nil {
		return 0, err
	}
	var booked int
	err = tx.QueryRowContext(ctx, `UPDATE appt_slots SET booked = booked + 1 WHERE id = $1 AND booked < capacity AND starts_at > $2 RETURNING booked`,
		in.SlotID, db.TS(now.Add(CutOff))).Scan(&booked)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errFull
	}
	return id, err
}

// release cancels a booked appointment of the user inside tx and gives its
// place back: the state guard makes a second cancel (or a check-in at the
// same moment) find nothing.
func (s *Service) release(ctx context.Context, tx *sql.Tx, a *auth.Actor, id int64, now time.Time) error {
	var slot int64
	err := tx.QueryRowContext(ctx, `UPDATE appointments SET state = 'cancelled', updated_at = $1
		WHERE id = $2 AND user_id = $3 AND state = 'booked'
		AND slot_id IN (SELECT id FROM appt_slots WHERE starts_at > $4) RETURNING slot_id`,
		db.TS(now), id, a.UserID, db.TS(now.Add(CutOff))).Scan(&slot)
	if errors.Is(err, sql.ErrNoRows) {
		return errLate
	}
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE appt_slots SET booked = booked - 1 WHERE id = $1`, slot)
	return err
}

// Cancel cancels the user's appointment until the cut-off.
func (s *Service) Cancel(ctx context.Context, id int64) (err error) {
	defer db.Wrap(&err, "appoint.Cancel(%d)", id)
	a, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	actor := auth.ActorFrom(ctx)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.release(ctx, tx, actor, a.ID, s.Now()) })
}

// Change moves the user's appointment to another slot, all or nothing: the
// old place is given back and the new one taken in one transaction.
func (s *Service) Change(ctx context.Context, id int64, in BookInput) (_ *Appointment, err error) {
	defer db.Wrap(&err, "appoint.Change(%d)", id)
	old, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if in.Item == "" {
		in.Item = old.Item
	}
	if in.Phone == "" {
		in.Phone = old.Phone
	}
	actor := auth.ActorFrom(ctx)
	var nid int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.release(ctx, tx, actor, old.ID, s.Now()); err != nil {
			return err
		}
		var e error
		nid, e = s.book(ctx, tx, actor, in)
		return e
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, nid)
}

// Get returns one of the user's appointments (NotFound for anyone else's).
func (s *Service) Get(ctx context.Context, id int64) (*Appointment, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := scanAppt(s.DB.QueryRowContext(ctx, `SELECT `+apptCols+apptFrom+` WHERE a.id = $1 AND a.user_id = $2`, id, a.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	return ap, err
}

// Mine lists the user's appointments, newest first (at most 50), and when
// online booking is blocked, until when.
func (s *Service) Mine(ctx context.Context) ([]*Appointment, calendar.Date, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, calendar.Date{}, err
	}
	list, err := db.Query(ctx, s.DB, scanAppt, `SELECT `+apptCols+apptFrom+` WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 50`, a.UserID)
	if err != nil {
		return nil, calendar.Date{}, err
	}
	until, err := BlockedUntil(ctx, s.DB, a.UserID, Today(s.Now()))
	return list, until, err
}

// BookTx books inside the caller's transaction for actor (the demo seed).
func (s *Service) BookTx(ctx context.Context, tx *sql.Tx, actor *auth.Actor, in BookInput) (int64, error) {
	return s.book(ctx, tx, actor, in)
}
