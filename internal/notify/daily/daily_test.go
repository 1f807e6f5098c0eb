package daily

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/jobs"
	"taxhall/internal/notify"
	"taxhall/internal/notify/smtptest"
)

type defaultCal struct{}

func (defaultCal) Calendar(context.Context) (*calendar.Calendar, error) {
	return calendar.Default(), nil
}
func (defaultCal) Deadlines(context.Context) (*calendar.Deadlines, error) {
	return calendar.NewDeadlines(calendar.Default(), nil)
}

func exec(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// world: taxpayer A files VAT quarterly and has not filed 2026 Q4; its
// user chose e-mail and SMS for deadline, last-day and overdue reminders.
// Taxpayer B filed December 2026 (monthly) with tax due on the deadline,
// unpaid. A third, inactive taxpayer is never reminded.
func world(t *testing.T, d *db.DB, dl calendar.Date) (*ixtest.World, *auth.Actor) {
	w := ixtest.New(t, d)
	clerk := w.Staff(t, w.Siming, "35020399", auth.RoleWindowClerk)
	ts := db.TS(time.Now())
	exec(t, d, `INSERT INTO tax_identifications (taxpayer_id, tax_type, tax_group, period, start_date, created_by, created_at) VALUES ($1, 'vat_small', 'vat', 'quarter', '2026-01-01', $2, $3)`, w.TaxpayerA, clerk.UserID, ts)
	exec(t, d, `INSERT INTO tax_identifications (taxpayer_id, tax_type, tax_group, period, start_date, created_by, created_at) VALUES ($1, 'vat_general', 'vat', 'month', '2026-01-01', $2, $3)`, w.TaxpayerB, clerk.UserID, ts)
	var rid int64
	if err := d.QueryRowContext(context.Background(), `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, deadline, tax_due, difference,
		doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
		VALUES ($1, $2, 'vat_general', 'vat_general', '2026-12-01', '2026-12-31', 1, $3, 123456, 123456, '{}', 'x', 'r1', 'ACK1', 'k1', 1, '乙', $4) RETURNING id`,
		w.TaxpayerB, w.Gulou.ID, dl.String(), ts).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	exec(t, d, `INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, created_at)
		VALUES ($1, $2, 'vat_general', '2026-12-01', '2026-12-31', $3, 123456, $4)`, w.TaxpayerB, rid, dl.String(), ts)
	exec(t, d, `INSERT INTO taxpayers (kind, code, name, bureau_id, status, registered_at, updated_at) VALUES ('enterprise', '91350203MA00000009', '已注销公司', $1, 'cancelled', $2, $2)`, w.Siming.ID, ts)
	u := w.User(t, w.TaxpayerA, "caiwu")
	svc := &notify.Service{DB: d, Now: time.Now}
	kinds := []string{notify.Deadline, notify.LastDay, notify.Overdue}
	if err := svc.Save(ixtest.As(u), notify.Prefs{Email: "caiwu@example.cn", Phone: "13906001234", EmailKinds: kinds, SMSKinds: kinds}); err != nil {
		t.Fatal(err)
	}
	return w, u
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// The scheduler on the days around January 2027's deadline, run twice for
// each day (two nodes scheduling, a restart re-running the day): each
// reminder is created once, pages of one taxpayer chain through the whole
// register, and the reminder e-mails reach a real SMTP server.
func TestDailyReminders(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ds, _ := defaultCal{}.Deadlines(ctx)
		dl := ds.FilingDeadline(2027, time.January).Date
		w, _ := world(t, d, dl)
		srv := smtptest.Start(t, "127.0.0.1:0")
		var day calendar.Date
		s := &Scheduler{DB: d, Cal: defaultCal{}, PageSize: 1, Now: func() time.Time { return time.Date(day.Y, day.M, day.D, 7, 30, 0, 0, cst) }}
		second := &Scheduler{DB: dbtest.SecondPool(t, d), Cal: defaultCal{}, PageSize: 1, Now: s.Now}
		out := &notify.Outbox{DB: d, Now: time.Now, SMS: &notify.TableGateway{DB: d, Now: time.Now}, BaseURL: "https://etax.example.cn",
			Mailer: &notify.SMTP{Addr: srv.Addr, User: smtptest.User, Password: smtptest.Password, From: "noreply@etax.example.cn", TLSConfig: srv.Client}}
		// The runner's clock is far ahead: every job enqueued is due.
		r := &jobs.Runner{DB: d, Now: func() time.Time { return time.Now().AddDate(2, 0, 0) }}
		s.Register(r)
		out.Register(r)
		drain := func() int {
			n := 0
			for {
				ran, err := r.RunOne(ctx, r.Kinds(), "test")
				if err != nil {
					t.Fatal(err)
				}
				if !ran {
					return n
				}
				n++
			}
		}
		run := func(dd calendar.Date) {
			day = dd
			for _, sc := range []*Scheduler{s, second, s} {
				if _, err := sc.Ensure(ctx, sc.Now()); err != nil {
					t.Fatal(err)
				}
			}
			drain()
			if err := s.RunDay(ctx, dd); err != nil { // a restart re-running the day
				t.Fatal(err)
			}
			drain()
		}
		msgs := func(taxpayer int64, key string) int {
			return count(t, d, `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, taxpayer, key)
		}

		run(dl.AddDays(-3)) // an ordinary day
		if n := count(t, d, `SELECT COUNT(*) FROM messages`); n != 0 {
			t.Fatalf("%d messages on an ordinary day", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.daily'`); n != 1 {
			t.Fatalf("%d daily jobs for one day", n)
		}

		run(dl.AddDays(-2))
		key := "notify:deadline:" + dl.String()
		if msgs(w.TaxpayerA, key) != 1 || msgs(w.TaxpayerB, key) != 0 {
			t.Fatalf("deadline reminders: A %d, B %d", msgs(w.TaxpayerA, key), msgs(w.TaxpayerB, key))
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.page' AND dedupe_key LIKE $1`, dl.AddDays(-2).String()+"%"); n != 3 {
			t.Errorf("%d page jobs, want 3 (one taxpayer a page: A, B, then an empty page; the cancelled one is skipped)", n)
		}
		mail := srv.Mail()
		if len(mail) != 1 {
			t.Fatalf("%d e-mails after the deadline reminder", len(mail))
		}
		m := mail[0]
		if m.To[0] != "caiwu@example.cn" || !strings.HasPrefix(m.Subject, "申报期限提醒：本月申报期限为1月") || !strings.Contains(m.Subject, "您有 1 项尚未申报") {
			t.Errorf("e-mail %q to %v", m.Subject, m.To)
		}
		if !strings.Contains(m.Body, "2026年第4季度增值税及附加税费（小规模纳税人）尚未申报") && !strings.Contains(m.Body, "2026年第4季度") {
			t.Errorf("body:\n%s", m.Body)
		}
		if !strings.Contains(m.Body, "https://etax.example.cn/hall/returns") {
			t.Errorf("body without the link:\n%s", m.Body)
		}

		run(dl)
		last := "notify:lastday:" + dl.String()
		if msgs(w.TaxpayerA, last) != 1 || msgs(w.TaxpayerB, last) != 1 {
			t.Fatalf("last-day reminders: A %d, B %d", msgs(w.TaxpayerA, last), msgs(w.TaxpayerB, last))
		}
		var body string
		_ = d.QueryRowContext(ctx, `SELECT body FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, w.TaxpayerB, last).Scan(&body)
		if !strings.Contains(body, "2026年12月增值税") || !strings.Contains(body, "1234.56 元尚未缴纳") {
			t.Errorf("B's last-day reminder:\n%s", body)
		}

		run(dl.AddDays(1))
		over := "notify:overdue:" + dl.String()
		if msgs(w.TaxpayerA, over) != 1 || msgs(w.TaxpayerB, over) != 1 {
			t.Fatalf("overdue reminders: A %d, B %d", msgs(w.TaxpayerA, over), msgs(w.TaxpayerB, over))
		}
		_ = d.QueryRowContext(ctx, `SELECT body FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, w.TaxpayerA, over).Scan(&body)
		if !strings.Contains(body, "逾期未申报") {
			t.Errorf("A's overdue reminder:\n%s", body)
		}

		// Once each, after every day ran three times: three e-mails and
		// three texts to A's user, nothing to anyone else.
		if got := srv.Mail(); len(got) != 3 {
			t.Errorf("%d e-mails, want 3", len(got))
		}
		if n := count(t, d, `SELECT COUNT(*) FROM sms_outbox`); n != 3 {
			t.Errorf("%d texts, want 3", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM messages`); n != 5 {
			t.Errorf("%d messages, want 5", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE state <> 'done'`); n != 0 {
			t.Errorf("%d jobs not done", n)
		}
	})
}

// The day's run reminds everyone registered for a training session that
// starts within a day, once however often the day is run.
func TestDailyTrainingReminder(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ds, _ := defaultCal{}.Deadlines(ctx)
		dl := ds.FilingDeadline(2027, time.January).Date
		w, _ := world(t, d, dl)
		day := dl.AddDays(-5)
		runAt := time.Date(day.Y, day.M, day.D, 7, 30, 0, 0, cst)
		var session, reg int64
		if err := d.QueryRowContext(ctx, `INSERT INTO training_sessions (org_id, topic, title, starts_at, minutes, place, capacity, registered, created_by, created_at)
			SELECT (SELECT MIN(id) FROM orgs), 'vat', '增值税申报辅导', $1, 60, '思明区办税服务厅', 10, 1, (SELECT MIN(id) FROM staff), $2 RETURNING id`,
			db.TS(runAt.Add(5*time.Hour)), db.TS(runAt)).Scan(&session); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRowContext(ctx, `INSERT INTO training_registrations (session_id, taxpayer_id, user_id, created_at)
			SELECT $1, $2, (SELECT MIN(id) FROM taxpayer_users WHERE taxpayer_id = $2), $3 RETURNING id`, session, w.TaxpayerA, db.TS(runAt)).Scan(&reg); err != nil {
			t.Fatal(err)
		}
		s := &Scheduler{DB: d, Cal: defaultCal{}, Now: func() time.Time { return runAt }}
		for range 2 {
			if err := s.RunDay(ctx, day); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(t, d, `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, w.TaxpayerA, "training:"+strconv.FormatInt(reg, 10)); n != 1 {
			t.Fatalf("%d training reminders, want 1", n)
		}
	})
}
