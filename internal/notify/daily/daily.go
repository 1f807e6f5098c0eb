// Package daily is the hall's daily reminder run: every day one job (kind
// notify.daily, the date as its key, so a restart or a second node does not
// run it twice) sends the appointment reminders of tomorrow, sweeps
// yesterday's no-shows, opens the halls' slots ahead, and, on the days that
// matter, starts the deadline reminders:
//
//   - two days before the month's filing deadline: taxpayers with a
//     monthly or quarterly return of the period not yet filed (category
//     deadline);
//   - on the deadline: not yet filed, or filed with tax due today unpaid
//     (lastday);
//   - the day after: not filed by the deadline, and every liability whose
//     deadline has passed unpaid (overdue).
//
// A deadline run never loads the province: it is a chain of page jobs
// (notify.page), each reading PageSize active taxpayers after a cursor (the
// primary key), their identifications, returns and liabilities by
// taxpayer-id range, sending each one in-site message plus the e-mails and
// texts its users chose, and enqueueing the next page — all in one
// transaction. A page that runs again (its node died) finds its messages
// and jobs there already (dedupe keys) and its successor enqueued.
package daily

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"taxhall/internal/appoint"
	"taxhall/internal/calendar"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/jobs"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
	"taxhall/internal/training"
)

// Job kinds.
const (
	KindDaily = "notify.daily"
	KindPage  = "notify.page"
)

// Phases of a deadline run.
const (
	PhaseDeadline = notify.Deadline
	PhaseLastDay  = notify.LastDay
	PhaseOverdue  = notify.Overdue
)

// Calendar is the hall's working-day calendar with its filing deadlines
// (filingcal.Service).
type Calendar interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
	Deadlines(ctx context.Context) (*calendar.Deadlines, error)
}

// Scheduler runs the daily reminders.
type Scheduler struct {
	DB       *db.DB
	Now      func() time.Time
	Cal      Calendar
	Log      *slog.Logger
	PageSize int    // taxpayers per page job; 200 when 0
	At       string // "HH:MM" China time when the day's run starts; "07:00" when ""
}

var cst = time.FixedZone("CST", 8*3600)

func (s *Scheduler) pageSize() int {
	if s.PageSize <= 0 {
		return 200
	}
	return s.PageSize
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Register adds the scheduler's handlers to r.
func (s *Scheduler) Register(r *jobs.Runner) {
	r.Handle(KindDaily, s.runDaily)
	r.Handle(KindPage, s.runPage)
	r.Handle(KindAnnualPage, s.runAnnualPage) // annual.go
}

// Ensure enqueues the run of the day of now (due at At), once per day
// whoever calls it: every node calls it at start and every few minutes.
func (s *Scheduler) Ensure(ctx context.Context, now time.Time) (bool, error) {
	day := calendar.FromTime(now.In(cst))
	at := s.At
	if at == "" {
		at = "07:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", day.String()+" "+at, cst)
	if err != nil {
		return false, err
	}
	return jobs.Enqueue(ctx, s.DB, jobs.Job{Kind: KindDaily, Key: day.String(), RunAt: t, Payload: dayPayload{Day: day.String()}})
}

// Loop calls Ensure now and every interval until ctx ends.
func (s *Scheduler) Loop(ctx context.Context, interval time.Duration) {
	for {
		if _, err := s.Ensure(ctx, s.Now()); err != nil && ctx.Err() == nil {
			s.log().Warn("notify: could not schedule the daily reminders", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}

type dayPayload struct {
	Day string `json:"day"`
}

type pagePayload struct {
	Day      string `json:"day"`
	Phase    string `json:"phase"`
	Deadline string `json:"deadline"`
	After    int64  `json:"after"`
}

func (s *Scheduler) runDaily(ctx context.Context, j *jobs.Claimed) error {
	var p dayPayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	day, err := calendar.ParseDate(p.Day)
	if err != nil {
		return err
	}
	return s.RunDay(ctx, day)
}

// RunDay does the work of one day; running it again for the same day adds
// nothing (every message and job it makes has a key).
func (s *Scheduler) RunDay(ctx context.Context, day calendar.Date) error {
	now := s.Now()
	// RemindTomorrow counts "tomorrow" from its clock: a run that starts
	// late (after an outage) still reminds of the day after its own day.
	if calendar.FromTime(now.In(cst)) != day {
		now = time.Date(day.Y, day.M, day.D, 12, 0, 0, 0, cst)
	}
	if n, err := appoint.RemindTomorrow(ctx, s.DB, now); err != nil {
		return err
	} else if n > 0 {
		s.log().Info("notify: appointment reminders", "day", day, "sent", n)
	}
	if _, err := appoint.SweepNoShows(ctx, s.DB, now); err != nil {
		return err
	}
	// Training sessions starting within a day of the run: one in-site
	// reminder per registration (keyed, so a re-run adds nothing).
	at := now
	if n, err := (&training.Service{DB: s.DB, Now: func() time.Time { return at }}).RemindDue(ctx); err != nil {
		return err
	} else if n > 0 {
		s.log().Info("notify: training reminders", "day", day, "sent", n)
	}
	// Site columns past their update period: in-site messages to their
	// maintainers, and past the grace period to their supervisors (keyed
	// per column, level, due date and recipient).
	if n, err := (&cms.Service{DB: s.DB, Now: func() time.Time { return at }}).CheckOverdue(ctx); err != nil {
		return err
	} else if n > 0 {
		s.log().Info("notify: overdue column reminders", "day", day, "new", n)
	}
	cal, err := s.Cal.Calendar(ctx)
	if err != nil {
		return err
	}
	halls, err := db.Query(ctx, s.DB, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM halls ORDER BY id`)
	if err != nil {
		return err
	}
	for _, h := range halls {
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			_, err := appoint.GenerateSlots(ctx, tx, cal, h, day, appoint.DaysAhead)
			return err
		}); err != nil {
			return err
		}
	}
	if err := s.enqueueAnnual(ctx, day); err != nil { // annual.go
		return err
	}
	ds, err := s.Cal.Deadlines(ctx)
	if err != nil {
		return err
	}
	dl := ds.FilingDeadline(day.Y, day.M).Date
	phase := ""
	switch day {
	case dl.AddDays(-2):
		phase = PhaseDeadline
	case dl:
		phase = PhaseLastDay
	case dl.AddDays(1):
		phase = PhaseOverdue
	}
	if phase == "" {
		return nil
	}
	_, err = jobs.Enqueue(ctx, s.DB, jobs.Job{Kind: KindPage, Key: pageKey(day, phase, 0),
		Payload: pagePayload{Day: day.String(), Phase: phase, Deadline: dl.String()}})
	return err
}

func pageKey(day calendar.Date, phase string, after int64) string {
	return fmt.Sprintf("%s:%s:%d", day, phase, after)
}

func (s *Scheduler) runPage(ctx context.Context, j *jobs.Claimed) error {
	var p pagePayload
	if err := j.Decode(&p); err != nil {
		return err
	}
	day, err := calendar.ParseDate(p.Day)
	if err != nil {
		return err
	}
	dl, err := calendar.ParseDate(p.Deadline)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		next, _, err := s.page(ctx, tx, day, dl, p.Phase, p.After)
		if err != nil || next == 0 {
			return err
		}
		_, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindPage, Key: pageKey(day, p.Phase, next),
			Payload: pagePayload{Day: p.Day, Phase: p.Phase, Deadline: p.Deadline, After: next}})
		return err
	})
}

// RunPhase runs a whole deadline phase synchronously, page after page (for
// tests and a command-line catch-up); it returns the messages it created.
func (s *Scheduler) RunPhase(ctx context.Context, day, dl calendar.Date, phase string) (int, error) {
	var after int64
	total := 0
	for {
		var next int64
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			var n int
			next, n, err = s.page(ctx, tx, day, dl, phase, after)
			total += n
			return err
		})
		if err != nil || next == 0 {
			return total, err
		}
		after = next
	}
}

// item is one thing a taxpayer is reminded of.
type item struct {
	text string
}

// page reminds the taxpayers of one page; it returns the cursor of the next
// page, 0 after the last.
func (s *Scheduler) page(ctx context.Context, tx *sql.Tx, day, dl calendar.Date, phase string, after int64) (next int64, created int, err error) {
	size := s.pageSize()
	ids, err := db.Query(ctx, tx, func(sc db.Scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	}, `SELECT id FROM taxpayers WHERE id > $1 AND status = 'active' ORDER BY id LIMIT $2`, after, size)
	if err != nil || len(ids) == 0 {
		return 0, 0, err
	}
	last := ids[len(ids)-1]
	items := map[int64][]item{}
	// Returns of the periods whose deadline is dl, not filed.
	if err := s.unfiled(ctx, tx, after, last, dl, phase, items); err != nil {
		return 0, 0, err
	}
	if phase != PhaseDeadline {
		if err := s.unpaid(ctx, tx, after, last, day, dl, phase, items); err != nil {
			return 0, 0, err
		}
	}
	now := s.Now()
	for _, id := range ids {
		list := items[id]
		if len(list) == 0 {
			continue
		}
		subject, body := text(phase, dl, list)
		key := "notify:" + phase + ":" + dl.String()
		link := "/hall/returns"
		if phase != PhaseDeadline {
			link = "/hall/pay"
			if slices.ContainsFunc(list, func(i item) bool { return strings.Contains(i.text, "申报") }) {
				link = "/hall/returns"
			}
		}
		_, made, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: id, Kind: messages.KindReminder,
			Subject: subject, Body: body, Link: link, DedupeKey: key})
		if err != nil {
			return 0, created, err
		}
		if !made {
			continue
		}
		created++
		if _, err := notify.Fanout(ctx, tx, notify.Event{Category: phase, TaxpayerID: id, Subject: subject, Body: body, Link: link, Key: key}); err != nil {
			return 0, created, err
		}
	}
	if len(ids) < size {
		return 0, created, nil
	}
	return last, created, nil
}

// periodsDue are the monthly and quarterly periods whose returns are due
// on the deadline of dl's month.
func periodsDue(dl calendar.Date) map[string]rules.Period {
	prevMonth := calendar.MonthOf(dl.AddDays(-dl.D)) // the last day of the month before
	out := map[string]rules.Period{taxpayer.Monthly: rules.Month(prevMonth.Y, prevMonth.M)}
	if prevMonth.M%3 == 0 {
		out[taxpayer.Quarterly] = rules.Quarter(prevMonth.Y, int(prevMonth.M)/3)
	}
	return out
}

func (s *Scheduler) unfiled(ctx context.Context, tx *sql.Tx, after, last int64, dl calendar.Date, phase string, items map[int64][]item) error {
	due := periodsDue(dl)
	type ident struct {
		taxpayer               int64
		taxType, kind, st, end string
	}
	idents, err := db.Query(ctx, tx, func(sc db.Scanner) (ident, error) {
		var i ident
		return i, sc.Scan(&i.taxpayer, &i.taxType, &i.kind, &i.st, &i.end)
	}, `SELECT taxpayer_id, tax_type, period, start_date, end_date FROM tax_identifications
		WHERE taxpayer_id > $1 AND taxpayer_id <= $2 ORDER BY taxpayer_id, id`, after, last)
	if err != nil {
		return err
	}
	var starts []string
	for _, p := range due {
		starts = append(starts, p.Start.String())
	}
	slices.Sort(starts)
	type filedKey struct {
		taxpayer     int64
		form, period string
	}
	filed := map[filedKey]bool{}
	marks := make([]string, len(starts))
	args := []any{after, last}
	for i, st := range starts {
		args = append(args, st)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := db.Query(ctx, tx, func(sc db.Scanner) (filedKey, error) {
		var k filedKey
		return k, sc.Scan(&k.taxpayer, &k.form, &k.period)
	}, `SELECT taxpayer_id, form, period_start FROM returns
		WHERE taxpayer_id > $1 AND taxpayer_id <= $2 AND version = 1 AND period_start IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return err
	}
	for _, k := range rows {
		filed[k] = true
	}
	seen := map[filedKey]bool{}
	for _, i := range idents {
		p, ok := due[i.kind]
		if !ok {
			continue
		}
		f, ok := forms.ForTaxType(i.taxType)
		if !ok {
			continue
		}
		if i.st > p.End.String() || (i.end != "" && i.end < p.Start.String()) {
			continue
		}
		k := filedKey{i.taxpayer, f.Code, p.Start.String()}
		if filed[k] || seen[k] {
			continue
		}
		seen[k] = true
		verb := "尚未申报"
		if phase == PhaseOverdue {
			verb = "逾期未申报"
		}
		items[i.taxpayer] = append(items[i.taxpayer], item{text: returns.PeriodName(p) + f.Short + verb})
	}
	return nil
}

func (s *Scheduler) unpaid(ctx context.Context, tx *sql.Tx, after, last int64, day, dl calendar.Date, phase string, items map[int64][]item) error {
	cond := `deadline = $3`
	arg := dl.String()
	if phase == PhaseOverdue {
		cond = `deadline < $3`
		arg = day.String()
	}
	type due struct {
		taxpayer         int64
		taxType, st, end string
		left             int64
		deadline         string
	}
	list, err := db.Query(ctx, tx, func(sc db.Scanner) (due, error) {
		var d due
		return d, sc.Scan(&d.taxpayer, &d.taxType, &d.st, &d.end, &d.left, &d.deadline)
	}, `SELECT taxpayer_id, tax_type, period_start, period_end, amount - paid, deadline FROM tax_liabilities
		WHERE taxpayer_id > $1 AND taxpayer_id <= $2 AND settled = 0 AND amount > paid AND `+cond+`
		ORDER BY taxpayer_id, deadline, id`, after, last, arg)
	if err != nil {
		return err
	}
	for _, d := range list {
		p := rules.Period{Start: calendar.MustDate(d.st), End: calendar.MustDate(d.end)}
		name := taxName(d.taxType)
		verb := fmt.Sprintf("应缴税款 %s 元尚未缴纳", yuan(d.left))
		if phase == PhaseOverdue {
			verb = fmt.Sprintf("应缴税款 %s 元逾期未缴（缴款期限 %s），自期限届满次日起按日加收万分之五滞纳金", yuan(d.left), d.deadline)
		}
		items[d.taxpayer] = append(items[d.taxpayer], item{text: returns.PeriodName(p) + name + verb})
	}
	return nil
}

func taxName(taxType string) string {
	for _, t := range taxpayer.TaxTypes {
		if t.Code == taxType {
			return t.Name
		}
	}
	return taxType
}

func yuan(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }

// text is the subject and body of a taxpayer's reminder.
func text(phase string, dl calendar.Date, list []item) (string, string) {
	var b strings.Builder
	var subject string
	date := fmt.Sprintf("%d月%d日", dl.M, dl.D)
	switch phase {
	case PhaseDeadline:
		subject = fmt.Sprintf("申报期限提醒：本月申报期限为%s，您有 %d 项尚未申报", date, len(list))
		b.WriteString("本月征期将于" + date + "截止，以下事项尚未办理：\n")
	case PhaseLastDay:
		subject = fmt.Sprintf("今天（%s）是本月申报缴款的最后一天，您有 %d 项尚未办结", date, len(list))
		b.WriteString("今天是本月申报缴款期限的最后一天，以下事项尚未办理：\n")
	default:
		subject = fmt.Sprintf("逾期提醒：您有 %d 项申报或缴款已超过期限", len(list))
		b.WriteString("以下事项已超过期限（本月征期截止日为" + date + "）：\n")
	}
	for i, it := range list {
		fmt.Fprintf(&b, "%d. %s\n", i+1, it.text)
	}
	if phase == PhaseOverdue {
		b.WriteString("请尽快补办。逾期申报的，税务机关将依法处理；逾期缴纳的，自期限届满次日起按日加收滞纳税款万分之五的滞纳金。")
	} else {
		b.WriteString("请在期限内登录电子税务局办理；如已通过其他渠道办理，请忽略本提醒。")
	}
	return subject, b.String()
}
