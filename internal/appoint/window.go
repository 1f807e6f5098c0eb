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
	"taxhall/internal/db"
	"taxhall/internal/messages"
)

// Window calling (叫号). A clerk signs in at one window of a hall and calls
// the next number: a checked-in appointment (预约优先) or a walk-in number
// taken at the hall, oldest first. The call is one guarded UPDATE of the
// hall's oldest waiting ticket, so two clerks on two nodes never call the
// same number; the clerk then finishes (办结) or marks the person absent
// (过号). The taxpayer rates a served appointment once.

// Ticket kinds and states.
const (
	KindAppointment = "appointment"
	KindWalkIn      = "walkin"

	TicketWaiting = "waiting"
	TicketCalled  = "called"
	TicketDone    = "done"
	TicketAbsent  = "absent"
)

var ticketStateNames = map[string]string{TicketWaiting: "等候中", TicketCalled: "办理中", TicketDone: "已办结", TicketAbsent: "过号"}

// MaxRatingComment is the longest rating comment.
const MaxRatingComment = 300

// QueueTicket is one number of a hall's day.
type QueueTicket struct {
	ID            int64
	HallID        int64
	Day           string
	QueueNo       int
	Kind          string
	AppointmentID int64
	Taxpayer      string
	ServiceName   string
	State         string
	TakenAt       time.Time
	CalledAt      time.Time
	Window        int
	ClerkName     string
	WaitSeconds   int64
	Rating        int
	RatingComment string
}

// Number is the number as the hall calls it: Y007 for an appointment,
// A012 for a walk-in.
func (t *QueueTicket) Number() string { return TicketNumber(t.Kind, t.QueueNo) }

// StateName is the Chinese name of the ticket's state.
func (t *QueueTicket) StateName() string { return ticketStateNames[t.State] }

// Wait is the waiting time in words.
func (t *QueueTicket) Wait() string { return Duration(float64(t.WaitSeconds)) }

// TicketNumber formats a number of a kind.
func TicketNumber(kind string, n int) string {
	if kind == KindWalkIn {
		return fmt.Sprintf("A%03d", n)
	}
	return Ticket(n)
}

// Duration writes seconds as 分/秒 (rounded to the minute above ten minutes).
func Duration(s float64) string {
	if s < 60 {
		return fmt.Sprintf("%.0f秒", s)
	}
	m := int(s+30) / 60
	if m < 10 {
		return fmt.Sprintf("%d分%d秒", int(s)/60, int(s)%60)
	}
	if m < 60 {
		return fmt.Sprintf("%d分钟", m)
	}
	return fmt.Sprintf("%d小时%d分钟", m/60, m%60)
}

// HallWindow is a window of a hall and who is signed in at it.
type HallWindow struct {
	No        int
	ClerkID   int64
	ClerkName string
	ClerkNo   string
}

// Desk is what a clerk sees at the hall: the windows, where the clerk sits,
// the number they serve, and the waiting numbers.
type Desk struct {
	Hall    *Hall
	Day     string
	Windows []HallWindow
	Mine    int          // the clerk's window, 0 when not signed in here
	Current *QueueTicket // the number the clerk serves
	Waiting []*QueueTicket
	More    bool // more numbers wait than Waiting shows
}

const ticketCols = `k.id, k.hall_id, k.day, k.queue_no, k.kind, COALESCE(k.appointment_id, 0), COALESCE(t.name, ''), COALESCE(v.name, ''),
	k.state, k.taken_at, COALESCE(k.called_at, ''), COALESCE(k.window_no, 0), COALESCE(c.name, ''), COALESCE(k.wait_s, 0),
	COALESCE(k.rating, 0), k.rating_comment`

const ticketFrom = ` FROM hall_tickets k LEFT JOIN taxpayers t ON t.id = k.taxpayer_id LEFT JOIN appt_services v ON v.id = k.service_id
	LEFT JOIN staff c ON c.id = k.clerk_id`

func scanTicket(sc db.Scanner) (*QueueTicket, error) {
	var k QueueTicket
	var taken, called string
	err := sc.Scan(&k.ID, &k.HallID, &k.Day, &k.QueueNo, &k.Kind, &k.AppointmentID, &k.Taxpayer, &k.ServiceName,
		&k.State, &taken, &called, &k.Window, &k.ClerkName, &k.WaitSeconds, &k.Rating, &k.RatingComment)
	k.TakenAt = db.ParseTS(taken)
	if called != "" {
		k.CalledAt = db.ParseTS(called)
	}
	return &k, err
}

// DeskOf shows a hall's windows and queue of today to a clerk.
func (s *Service) DeskOf(ctx context.Context, hallID int64) (*Desk, error) {
	a, h, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	today := Today(s.Now()).String()
	d := &Desk{Hall: h, Day: today}
	signed := map[int]HallWindow{}
	rows, err := db.Query(ctx, s.DB, func(sc db.Scanner) (HallWindow, error) {
		var w HallWindow
		err := sc.Scan(&w.No, &w.ClerkID, &w.ClerkName, &w.ClerkNo)
		return w, err
	}, `SELECT w.window_no, w.clerk_id, c.name, c.staff_no FROM hall_windows w JOIN staff c ON c.id = w.clerk_id
		WHERE w.hall_id = $1 AND w.clerk_id IS NOT NULL`, hallID)
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		signed[w.No] = w
		if w.ClerkID == a.UserID {
			d.Mine = w.No
		}
	}
	for i := 1; i <= h.Windows; i++ {
		w, ok := signed[i]
		if !ok {
			w = HallWindow{No: i}
		}
		d.Windows = append(d.Windows, w)
	}
	cur, err := scanTicket(s.DB.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE k.clerk_id = $1 AND k.state = 'called'`, a.UserID))
	switch {
	case err == nil:
		d.Current = cur
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	const show = 20
	d.Waiting, err = db.Query(ctx, s.DB, scanTicket, `SELECT `+ticketCols+ticketFrom+`
		WHERE k.hall_id = $1 AND k.day = $2 AND k.state = 'waiting' ORDER BY k.prio, k.taken_unix, k.id LIMIT $3`, hallID, today, show+1)
	if err != nil {
		return nil, err
	}
	if len(d.Waiting) > show {
		d.Waiting, d.More = d.Waiting[:show], true
	}
	return d, nil
}

// SignIn seats the clerk at a window of a hall (leaving any other window
// they sat at). A window held by another clerk is refused: the primary key
// row is taken by one guarded UPDATE.
func (s *Service) SignIn(ctx context.Context, hallID int64, window int) (err error) {
	defer db.Wrap(&err, "appoint.SignIn(%d, %d)", hallID, window)
	a, h, err := s.staffHall(ctx, hallID)
	if err != nil {
		return err
	}
	if window < 1 || window > h.Windows {
		return apperr.InvalidField("window", fmt.Sprintf("请选择窗口（1–%d号）", h.Windows))
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE hall_windows SET clerk_id = NULL, signed_in_at = NULL WHERE clerk_id = $1 AND NOT (hall_id = $2 AND window_no = $3)`, a.UserID, hallID, window); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO hall_windows (hall_id, window_no) VALUES ($1, $2) ON CONFLICT (hall_id, window_no) DO NOTHING`, hallID, window); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE hall_windows SET clerk_id = $1, signed_in_at = $2
			WHERE hall_id = $3 AND window_no = $4 AND (clerk_id IS NULL OR clerk_id = $1)`, a.UserID, db.TS(s.Now()), hallID, window)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.InvalidField("window", fmt.Sprintf("%d号窗口已有其他工作人员签入，请选择其他窗口", window))
		}
		return nil
	})
}

// SignOut frees the clerk's window. A number still being served stays
// with the clerk until it is finished.
func (s *Service) SignOut(ctx context.Context, hallID int64) error {
	a, _, err := s.staffHall(ctx, hallID)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE hall_windows SET clerk_id = NULL, signed_in_at = NULL WHERE hall_id = $1 AND clerk_id = $2`, hallID, a.UserID)
	return err
}

// insertTicket adds a waiting number to a hall's day (in the caller's
// transaction, with the number from the hall's day counter).
func insertTicket(ctx context.Context, tx *sql.Tx, now time.Time, hallID int64, kind string, no int, appt, taxpayer, user, service, staff any) (int64, error) {
	prio := 1
	if kind == KindAppointment {
		prio = 0
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO hall_tickets (hall_id, org_id, day, queue_no, kind, prio, appointment_id, taxpayer_id, user_id, service_id,
			state, taken_at, taken_unix, taken_by)
		SELECT h.id, h.org_id, $2, $3, $4, $5, $6, $7, $8, $9, 'waiting', $10, $11, $12 FROM halls h WHERE h.id = $1 RETURNING id`,
		hallID, Today(now).String(), no, kind, prio, appt, taxpayer, user, service, db.TS(now), now.Unix(), staff).Scan(&id)
	return id, err
}

// nextNumber raises the hall's counter of the day and returns the number.
func nextNumber(ctx context.Context, tx *sql.Tx, hallID int64, now time.Time) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO hall_queue_counters (hall_id, day, last) VALUES ($1, $2, 1)
		ON CONFLICT (hall_id, day) DO UPDATE SET last = hall_queue_counters.last + 1 RETURNING last`, hallID, Today(now).String()).Scan(&n)
	return n, err
}

// TakeNumber gives a walk-in visitor the hall's next number (现场取号, by
// the staff at the hall's desk); service 0 is any service.
func (s *Service) TakeNumber(ctx context.Context, hallID, service int64) (_ *QueueTicket, err error) {
	defer db.Wrap(&err, "appoint.TakeNumber(%d)", hallID)
	a, _, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	var svc any
	if service > 0 {
		var ok int
		if err := s.DB.QueryRowContext(ctx, `SELECT 1 FROM appt_services WHERE id = $1`, service).Scan(&ok); err != nil {
			return nil, apperr.InvalidField("service", "请选择办理事项")
		}
		svc = service
	}
	now := s.Now()
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := nextNumber(ctx, tx, hallID, now)
		if err != nil {
			return err
		}
		id, err = insertTicket(ctx, tx, now, hallID, KindWalkIn, n, nil, nil, nil, svc, a.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return scanTicket(s.DB.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE k.id = $1`, id))
}

// ErrQueueEmpty is returned by CallNext when nobody waits.
var ErrQueueEmpty = apperr.New(apperr.Conflict, "当前没有等候的号")

// CallNext calls the hall's next waiting number to the clerk's window:
// appointments first, then by the time the number was taken. One guarded
// UPDATE takes the row (state = 'waiting'); on PostgreSQL the candidate is
// chosen with FOR UPDATE SKIP LOCKED so that clerks calling at once take
// different rows instead of queueing on the same one; a clerk who loses a
// race anyway (0 rows) tries the next candidate. The clerk must sit at a
// window and have finished the previous number (a partial unique index
// holds one called number per clerk).
func (s *Service) CallNext(ctx context.Context, hallID int64) (_ *QueueTicket, err error) {
	defer db.Wrap(&err, "appoint.CallNext(%d)", hallID)
	a, _, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	var window int
	err = s.DB.QueryRowContext(ctx, `SELECT window_no FROM hall_windows WHERE hall_id = $1 AND clerk_id = $2`, hallID, a.UserID).Scan(&window)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.Conflict, "请先签入窗口再叫号")
	}
	if err != nil {
		return nil, err
	}
	var busy int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM hall_tickets WHERE clerk_id = $1 AND state = 'called'`, a.UserID).Scan(&busy); err != nil {
		return nil, err
	}
	if busy > 0 {
		return nil, apperr.New(apperr.Conflict, "请先办结或过号当前的号，再叫下一位")
	}
	lock := ""
	if s.DB.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	today := Today(s.Now()).String()
	for attempt := 0; attempt < 50; attempt++ {
		now := s.Now()
		var id int64
		err := s.DB.QueryRowContext(ctx, `UPDATE hall_tickets SET state = 'called', called_at = $1, window_no = $2, clerk_id = $3,
				wait_s = CASE WHEN $4 > taken_unix THEN $4 - taken_unix ELSE 0 END
			WHERE id = (SELECT id FROM hall_tickets WHERE hall_id = $5 AND day = $6 AND state = 'waiting'
				ORDER BY prio, taken_unix, id LIMIT 1`+lock+`) AND state = 'waiting' RETURNING id`,
			db.TS(now), window, a.UserID, now.Unix(), hallID, today).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			var left int
			if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM hall_tickets WHERE hall_id = $1 AND day = $2 AND state = 'waiting' LIMIT 1) x`, hallID, today).Scan(&left); err != nil {
				return nil, err
			}
			if left == 0 {
				return nil, ErrQueueEmpty
			}
			continue // lost a race for the row; take the next one
		}
		if db.IsUniqueViolation(err) {
			return nil, apperr.New(apperr.Conflict, "请先办结或过号当前的号，再叫下一位")
		}
		if err != nil {
			return nil, err
		}
		return scanTicket(s.DB.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE k.id = $1`, id))
	}
	return nil, apperr.New(apperr.Conflict, "叫号的人太多，请稍后再试")
}

// Finish ends the clerk's current number: done (办结) or absent (过号,
// the person did not come to the window). A served appointment's user gets
// an in-site message with the link to rate the service.
func (s *Service) Finish(ctx context.Context, hallID int64, absent bool) (_ *QueueTicket, err error) {
	defer db.Wrap(&err, "appoint.Finish(%d)", hallID)
	a, h, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	state := TicketDone
	if absent {
		state = TicketAbsent
	}
	now := s.Now()
	var k *QueueTicket
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		var appt, tp, user sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE hall_tickets SET state = $1, finished_at = $2,
				service_s = CASE WHEN $3 > taken_unix + COALESCE(wait_s, 0) THEN $3 - taken_unix - COALESCE(wait_s, 0) ELSE 0 END
			WHERE hall_id = $4 AND clerk_id = $5 AND state = 'called' RETURNING id, appointment_id, taxpayer_id, user_id`,
			state, db.TS(now), now.Unix(), hallID, a.UserID).Scan(&id, &appt, &tp, &user)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "您当前没有正在办理的号")
		}
		if err != nil {
			return err
		}
		if k, err = scanTicket(tx.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE k.id = $1`, id)); err != nil {
			return err
		}
		if state != TicketDone || !appt.Valid {
			return nil
		}
		_, _, err = messages.Send(ctx, tx, now, messages.Message{
			TaxpayerID: tp.Int64, UserID: user.Int64, Kind: messages.KindNotice,
			Subject:   fmt.Sprintf("请评价%s%d号窗口的服务", h.Name, k.Window),
			Body:      fmt.Sprintf("您的排队号 %s 已在%s%d号窗口办结（%s）。欢迎对本次服务评价（1–5星），您的评价将计入窗口和工作人员的满意度。", k.Number(), h.Name, k.Window, k.ClerkName),
			Link:      fmt.Sprintf("/hall/appointments/%d#rate", appt.Int64),
			DedupeKey: fmt.Sprintf("ticket:%d:rate", id),
		})
		return err
	})
	return k, err
}

// TicketOf returns the hall ticket of the user's appointment (nil when it
// was not checked in).
func (s *Service) TicketOf(ctx context.Context, appointmentID int64) (*QueueTicket, error) {
	if _, err := s.Get(ctx, appointmentID); err != nil {
		return nil, err
	}
	k, err := scanTicket(s.DB.QueryRowContext(ctx, `SELECT `+ticketCols+ticketFrom+` WHERE k.appointment_id = $1`, appointmentID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return k, err
}

// RateInput is a taxpayer's rating of a served appointment.
type RateInput struct {
	Rating  int
	Comment string
}

// Rate records the user's rating of the service of their appointment:
// only after it was served (办结), once (guarded by rating IS NULL).
func (s *Service) Rate(ctx context.Context, appointmentID int64, in RateInput) (err error) {
	defer db.Wrap(&err, "appoint.Rate(%d)", appointmentID)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	if _, err := s.Get(ctx, appointmentID); err != nil {
		return err
	}
	in.Comment = strings.TrimSpace(in.Comment)
	fe := apperr.Fields{}
	if in.Rating < 1 || in.Rating > 5 {
		fe.Add("rating", "请选择评分（1–5星）")
	}
	if n := len([]rune(in.Comment)); n > MaxRatingComment {
		fe.Add("comment", fmt.Sprintf("评价内容最多%d字，您写了%d字", MaxRatingComment, n))
	}
	if err := fe.Err(); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE hall_tickets SET rating = $1, rating_comment = $2, rated_at = $3
		WHERE appointment_id = $4 AND user_id = $5 AND state = 'done' AND rating IS NULL`, in.Rating, in.Comment, db.TS(s.Now()), appointmentID, a.UserID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "该预约尚未办结或已评价过，每次服务只能评价一次")
	}
	return nil
}
