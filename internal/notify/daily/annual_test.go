package daily

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/jobs"
	"taxhall/internal/notify"
)

func TestAnnualPhase(t *testing.T) {
	for day, want := range map[string]string{"2027-03-01": AnnualOpen, "2027-06-28": AnnualDeadline, "2027-06-30": AnnualLastDay,
		"2027-02-28": "", "2027-06-29": "", "2027-07-01": "", "2028-06-28": AnnualDeadline} {
		got, year := AnnualPhase(calendar.MustDate(day))
		if got != want || (got != "" && year != calendar.MustDate(day).Y-1) {
			t.Errorf("%s: %q %d, want %q", day, got, year, want)
		}
	}
}

// The annual reconciliation reminders of income year 2026: on 1 March, 28
// June and 30 June 2027, each run three times (two nodes, a restart), with
// pages of two persons. Reminded: the person with 2026 lines who has not
// filed. Not reminded: one who filed, one without lines, one with lines of
// 2025 only, a cancelled one. Each reminder once; the e-mails as chosen.
func TestAnnualReconciliationReminders(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := ixtest.New(t, d)
		ts := db.TS(time.Now())
		var employerReturn int64
		if err := d.QueryRowContext(ctx, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, deadline, tax_due, difference,
			doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
			VALUES ($1, $2, 'iit', 'iit', '2026-05-01', '2026-05-31', 1, '2026-06-15', 0, 0, '{}', 'x', 'r1', 'ACK-IIT-1', 'k1', 1, '甲', $3) RETURNING id`,
			w.TaxpayerA, w.Siming.ID, ts).Scan(&employerReturn); err != nil {
			t.Fatal(err)
		}
		person := func(code, name, status string, years ...int) int64 {
			var id int64
			if err := d.QueryRowContext(ctx, `INSERT INTO taxpayers (kind, code, name, bureau_id, status, registered_at, updated_at)
				VALUES ('individual', $1, $2, $3, $4, $5, $5) RETURNING id`, code, name, w.Siming.ID, status, ts).Scan(&id); err != nil {
				t.Fatal(err)
			}
			for _, y := range years {
				exec(t, d, `INSERT INTO iit_person_lines (resident_id, person_name, person_taxpayer_id, employer_taxpayer_id, employer_code, employer_name, return_id, ack_no,
					year, period_start, period_end, filed_on, income, tax_free, special, additional, other, tax)
					VALUES ($1, $2, $3, $4, '91350203MA0000000X', '甲公司', $5, 'ACK-IIT-1', $6, $7, $8, '2026-06-10', 1500000, 0, 0, 0, 0, 3000)`,
					code, name, id, w.TaxpayerA, employerReturn, y, fmt.Sprintf("%d-05-01", y), fmt.Sprintf("%d-05-31", y))
			}
			return id
		}
		remind := person("350203199001011234", "林待办", "active", 2026)
		filed := person("350203199001021235", "陈已办", "active", 2026)
		none := person("350203199001031236", "王无收入", "active")
		old := person("350203199001041237", "张往年", "active", 2025)
		gone := person("350203199001051238", "李注销", "cancelled", 2026)
		exec(t, d, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, deadline, tax_due, difference,
			doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at)
			VALUES ($1, $2, 'iit_annual', 'iit_annual', '2026-01-01', '2026-12-31', 1, '2027-06-30', 0, 0, '{}', 'x', 'r1', 'ACK-ANN-1', 'k2', 1, '陈', $3)`,
			filed, w.Siming.ID, ts)
		u := w.User(t, remind, "")
		if err := (&notify.Service{DB: d, Now: time.Now}).Save(ixtest.As(u), notify.Prefs{Email: "lin@example.cn", EmailKinds: []string{notify.Deadline, notify.LastDay}}); err != nil {
			t.Fatal(err)
		}

		var day calendar.Date
		s := &Scheduler{DB: d, Cal: defaultCal{}, PageSize: 2, Now: func() time.Time { return time.Date(day.Y, day.M, day.D, 7, 30, 0, 0, cst) }}
		second := &Scheduler{DB: dbtest.SecondPool(t, d), Cal: defaultCal{}, PageSize: 2, Now: s.Now}
		r := &jobs.Runner{DB: d, Now: func() time.Time { return time.Now().AddDate(2, 0, 0) }}
		s.Register(r)
		run := func(dd string) {
			day = calendar.MustDate(dd)
			for _, sc := range []*Scheduler{s, second} {
				if _, err := sc.Ensure(ctx, sc.Now()); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				for {
					ran, err := r.RunOne(ctx, []string{KindDaily, KindPage, KindAnnualPage}, "test")
					if err != nil {
						t.Fatal(err)
					}
					if !ran {
						break
					}
				}
				if err := s.RunDay(ctx, day); err != nil { // a restart re-running the day
					t.Fatal(err)
				}
			}
			for {
				ran, err := r.RunOne(ctx, []string{KindDaily, KindPage, KindAnnualPage}, "test")
				if err != nil {
					t.Fatal(err)
				}
				if !ran {
					break
				}
			}
		}
		msgs := func(taxpayer int64, key string) int {
			return count(t, d, `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, taxpayer, key)
		}
		run("2027-02-26")
		if n := count(t, d, `SELECT COUNT(*) FROM messages WHERE dedupe_key LIKE 'notify:annual%'`); n != 0 {
			t.Fatalf("%d annual reminders on an ordinary day", n)
		}
		for _, c := range []struct{ day, phase string }{{"2027-03-01", AnnualOpen}, {"2027-06-28", AnnualDeadline}, {"2027-06-30", AnnualLastDay}} {
			run(c.day)
			key := "notify:" + c.phase + ":2026"
			if msgs(remind, key) != 1 {
				t.Errorf("%s: %d reminders to the person who has not filed, want 1", c.day, msgs(remind, key))
			}
			for _, id := range []int64{filed, none, old, gone} {
				if msgs(id, key) != 0 {
					t.Errorf("%s: taxpayer %d reminded", c.day, id)
				}
			}
		}
		var body string
		_ = d.QueryRowContext(ctx, `SELECT body FROM messages WHERE taxpayer_id = $1 AND dedupe_key = 'notify:annual_lastday:2026'`, remind).Scan(&body)
		if !strings.Contains(body, "今天（2027年6月30日）是办理期的最后一天") || !strings.Contains(body, "个人所得税法》第十一条") {
			t.Errorf("last-day body:\n%s", body)
		}
		// E-mail chosen for deadline and lastday: three reminders, three
		// e-mails queued (the opening reminder is of category deadline).
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND dedupe_key LIKE '%notify:annual%'`); n != 3 {
			t.Errorf("%d annual e-mails queued, want 3", n)
		}
		if n := count(t, d, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.annual' AND dedupe_key LIKE 'annual_open:2026:%'`); n != 3 {
			t.Errorf("%d opening page jobs, want 3 (five persons, two a page, one of them cancelled: pages after 0, 2nd, 4th)", n)
		}
	})
}
