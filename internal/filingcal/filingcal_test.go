package filingcal_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
)

var cst = time.FixedZone("CST", 8*3600)

// t0 is late November 2027: the 2028 notice has not been embedded, which is
// the moment administrators enter it.
var t0 = time.Date(2027, 11, 20, 10, 0, 0, 0, cst)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// staffActor loads a demo staff member as the actor of a request.
func staffActor(t *testing.T, d *db.DB, no string) *auth.Actor {
	t.Helper()
	a := &auth.Actor{Kind: auth.Staff, StaffNo: no}
	var roles string
	err := d.QueryRowContext(context.Background(), `SELECT s.id, s.roles, o.path FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.staff_no = $1`, no).
		Scan(&a.UserID, &roles, &a.OrgPath)
	if err != nil {
		t.Fatal(err)
	}
	a.Roles = strings.Split(roles, ",")
	return a
}

func setup(t *testing.T, d *db.DB) (*filingcal.Service, *clock, context.Context) {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Now: t0, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	c := &clock{t0}
	province := staffActor(t, d, "35000001")
	if !filingcal.CanEdit(province) {
		t.Fatalf("the provincial administrator %+v may not edit", province)
	}
	return &filingcal.Service{DB: d, Now: c.now}, c, auth.WithActor(context.Background(), province)
}

func deadline(t *testing.T, s *filingcal.Service, y int, m time.Month) calendar.Deadline {
	t.Helper()
	dl, err := s.Deadlines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dl.FilingDeadline(y, m)
}

func fields(err error) map[string]string {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid {
		return e.Fields
	}
	return nil
}

// TestEnteredHolidayMovesTheDeadline: 2028's notice is not embedded, so
// October 2028 follows the week: the 15th is a Sunday, the deadline Monday
// the 16th, provisional. The administrator enters 国庆节 1–7 October and
// the adjusted working Sunday the 8th: seven holiday days in 1–15 postpone
// the deadline by seven working days (实施细则 Art. 109), to Tuesday the 24th.
func TestEnteredHolidayMovesTheDeadline(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, ctx := setup(t, d)
		before := deadline(t, s, 2028, time.October)
		if before.Date != calendar.MustDate("2028-10-16") || !before.Provisional || before.Source != calendar.Computed {
			t.Fatalf("before the notice: %+v", before)
		}
		if n, err := s.SetDays(ctx, filingcal.DaysInput{Year: 2028, Kind: filingcal.KindRest, From: "2028-10-01", To: "2028-10-07", Name: "国庆节"}); err != nil || n != 7 {
			t.Fatalf("rest period: %d %v", n, err)
		}
		if _, err := s.SetDays(ctx, filingcal.DaysInput{Year: 2028, Kind: filingcal.KindWork, From: "2028-10-08", Name: "国庆节"}); err != nil {
			t.Fatal(err)
		}
		after := deadline(t, s, 2028, time.October)
		if after.Date != calendar.MustDate("2028-10-24") || after.HolidayDays != 7 || after.Provisional {
			t.Fatalf("after the notice: %+v, want 2028-10-24 after 7 holiday days, not provisional", after)
		}
		y, err := s.Year(context.Background(), 2028)
		if err != nil {
			t.Fatal(err)
		}
		oct := y.Months[9]
		if !y.Notice || oct.Holiday != "国庆节" || !strings.Contains(oct.Reason, "国庆节假期在1日至15日共 7 天，顺延 7 个工作日") || !oct.Quarterly {
			t.Errorf("October 2028 explained as %+v", oct)
		}
		cal, err := s.Calendar(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !cal.IsWorkday(calendar.MustDate("2028-10-08")) || cal.IsWorkday(calendar.MustDate("2028-10-03")) {
			t.Error("the entered days do not change the calendar")
		}

		// Removing the days brings back the week alone.
		for _, day := range []string{"2028-10-01", "2028-10-02", "2028-10-03", "2028-10-04", "2028-10-05", "2028-10-06", "2028-10-07", "2028-10-08"} {
			if err := s.RemoveDay(ctx, day); err != nil {
				t.Fatal(day, err)
			}
		}
		if got := deadline(t, s, 2028, time.October); got.Date != calendar.MustDate("2028-10-16") {
			t.Errorf("after removing: %v", got.Date)
		}
		if err := s.RemoveDay(ctx, "2028-10-01"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("removing twice: %v", err)
		}
		var audits int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'calendar_day.%'`).Scan(&audits); err != nil || audits != 16 {
			t.Errorf("%d audit entries (%v), want 8 entered and 8 removed", audits, err)
		}
	})
}

// TestOfficialDeadlineWins: the official deadline entered for a month wins
// over the computed one and says where it comes from; removing it brings the
// computed one back. May 2026: computed 2026-05-22 (劳动节 1–5 May, five
// working days after Friday the 15th, as 税总办征科函〔2025〕64号 also
// publishes); an official deadline of Monday the 25th wins.
func TestOfficialDeadlineWins(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, ctx := setup(t, d)
		computed := deadline(t, s, 2026, time.May)
		if computed.Date != calendar.MustDate("2026-05-22") || computed.Source != calendar.Computed {
			t.Fatalf("computed May 2026: %+v", computed)
		}
		if err := s.SetDeadline(ctx, filingcal.DeadlineInput{Year: 2026, Month: "5", Date: "2026-05-25", Source: "税总办征科函〔2026〕1号"}); err != nil {
			t.Fatal(err)
		}
		got := deadline(t, s, 2026, time.May)
		if got.Date != calendar.MustDate("2026-05-25") || got.Source != calendar.Official {
			t.Fatalf("official: %+v", got)
		}
		y, err := s.Year(context.Background(), 2026)
		if err != nil {
			t.Fatal(err)
		}
		may := y.Months[4]
		if may.Official == nil || may.Computed.Date != computed.Date || !strings.Contains(may.Reason, "税总办征科函〔2026〕1号") ||
			!strings.Contains(may.Reason, "按节假日推算应为 "+computed.Date.String()) {
			t.Errorf("May explained as %+v", may)
		}
		// Correcting it is an update, audited as such.
		if err := s.SetDeadline(ctx, filingcal.DeadlineInput{Year: 2026, Month: "5", Date: "2026-05-26", Source: "税总办征科函〔2026〕2号"}); err != nil {
			t.Fatal(err)
		}
		if got := deadline(t, s, 2026, time.May); got.Date != calendar.MustDate("2026-05-26") {
			t.Errorf("corrected: %v", got.Date)
		}
		if err := s.RemoveDeadline(ctx, 2026, 5); err != nil {
			t.Fatal(err)
		}
		if got := deadline(t, s, 2026, time.May); got != computed {
			t.Errorf("after removing: %+v, want the computed %+v", got, computed)
		}
		var actions []string
		rows, err := d.QueryContext(context.Background(), `SELECT action FROM audit_log WHERE object_type = 'filing_deadline' AND object_id = 202605 ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			_ = rows.Scan(&a)
			actions = append(actions, a)
		}
		rows.Close()
		if strings.Join(actions, " ") != "filing_deadline.create filing_deadline.update filing_deadline.delete" {
			t.Errorf("audit: %v", actions)
		}
	})
}

func TestEditsAreChecked(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, ctx := setup(t, d)
		for _, c := range []struct {
			name  string
			in    filingcal.DeadlineInput
			field string
			says  string
		}{
			{"before the 15th", filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-06-12", Source: "x"}, "dl_date", "不能早于当月15日"},
			{"another month", filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-07-15", Source: "x"}, "dl_date", "应在 2026年6月内"},
			{"a rest day", filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-06-20", Source: "x"}, "dl_date", "是休息日"},
			{"no month", filingcal.DeadlineInput{Year: 2026, Date: "2026-06-22", Source: "x"}, "dl_month", "请选择月份"},
			{"no source", filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-06-22"}, "dl_source", "请填写公布期限的文件"},
			{"bad date", filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "22/06/2026", Source: "x"}, "dl_date", "格式应为"},
		} {
			t.Run(c.name, func(t *testing.T) {
				err := s.SetDeadline(ctx, c.in)
				if msg := fields(err)[c.field]; !strings.Contains(msg, c.says) {
					t.Errorf("%v: %q on %s, want %q", err, msg, c.field, c.says)
				}
			})
		}
		for _, c := range []struct {
			name  string
			in    filingcal.DaysInput
			field string
			says  string
		}{
			{"not in the year", filingcal.DaysInput{Year: 2026, Kind: "rest", From: "2027-10-01", Name: "国庆节"}, "day_from", "应在 2026 年内"},
			{"end before start", filingcal.DaysInput{Year: 2026, Kind: "rest", From: "2026-10-05", To: "2026-10-01", Name: "国庆节"}, "day_to", "不能早于开始日期"},
			{"too long", filingcal.DaysInput{Year: 2026, Kind: "rest", From: "2026-07-01", To: "2026-07-31", Name: "暑假"}, "day_to", "最多录入 15 天"},
			{"work on a weekday", filingcal.DaysInput{Year: 2026, Kind: "work", From: "2026-06-10", Name: "端午节"}, "day_from", "本来就是工作日"},
			{"work range", filingcal.DaysInput{Year: 2026, Kind: "work", From: "2026-06-13", To: "2026-06-14", Name: "端午节"}, "day_to", "逐日录入"},
			{"no name", filingcal.DaysInput{Year: 2026, Kind: "rest", From: "2026-06-10"}, "day_name", "请填写节日名称"},
			{"no kind", filingcal.DaysInput{Year: 2026, From: "2026-06-10", Name: "x"}, "day_kind", "请选择"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := s.SetDays(ctx, c.in)
				if msg := fields(err)[c.field]; !strings.Contains(msg, c.says) {
					t.Errorf("%v: %q on %s, want %q", err, msg, c.field, c.says)
				}
			})
		}
		if _, err := s.SetDays(ctx, filingcal.DaysInput{Year: 2030, Kind: "rest", From: "2030-10-01", Name: "国庆节"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a year beyond next: %v", err)
		}

		// Only the provincial bureau's administrators edit.
		for _, who := range []*auth.Actor{
			staffActor(t, d, "35020001"), // Xiamen city administrator
			staffActor(t, d, "35020301"), // a district window clerk
			{Kind: auth.Taxpayer, UserID: 1, TaxpayerID: 1},
		} {
			wctx := auth.WithActor(context.Background(), who)
			if _, err := s.SetDays(wctx, filingcal.DaysInput{Year: 2026, Kind: "rest", From: "2026-06-10", Name: "x"}); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s sets a day: %v", who.StaffNo, err)
			}
			if err := s.SetDeadline(wctx, filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-06-22", Source: "x"}); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s sets a deadline: %v", who.StaffNo, err)
			}
			if err := s.RemoveDeadline(wctx, 2026, 6); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("%s removes a deadline: %v", who.StaffNo, err)
			}
		}
		var n int
		if err := d.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM calendar_days) + (SELECT COUNT(*) FROM filing_deadlines) + (SELECT version FROM calendar_version)`).Scan(&n); err != nil || n != 0 {
			t.Errorf("refused edits wrote %d rows or versions (%v)", n, err)
		}
	})
}

// TestOtherNodesReloadWithinTheTTL: node B (a second pool) edits; node A
// keeps its cached calendar until its TTL has passed, then sees the edit;
// B sees its own edit at once.
func TestOtherNodesReloadWithinTheTTL(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		a, clockA, ctx := setup(t, d)
		d2 := dbtest.SecondPool(t, d)
		b := &filingcal.Service{DB: d2, Now: (&clock{t0}).now}
		official := calendar.MustDate("2026-06-23")
		if got := deadline(t, a, 2026, time.June); got.Date == official {
			t.Fatalf("June 2026 is already %v", got.Date)
		}
		if got := deadline(t, b, 2026, time.June); got.Date == official {
			t.Fatalf("June 2026 is already %v on B", got.Date)
		}
		if err := b.SetDeadline(ctx, filingcal.DeadlineInput{Year: 2026, Month: "6", Date: "2026-06-23", Source: "税总办征科函〔2026〕3号"}); err != nil {
			t.Fatal(err)
		}
		if got := deadline(t, b, 2026, time.June); got.Date != official {
			t.Errorf("B does not see its own edit: %v", got.Date)
		}
		clockA.t = t0.Add(filingcal.DefaultTTL - time.Second)
		if got := deadline(t, a, 2026, time.June); got.Date == official {
			t.Errorf("A checked the database before its TTL passed")
		}
		clockA.t = t0.Add(filingcal.DefaultTTL + time.Second)
		if got := deadline(t, a, 2026, time.June); got.Date != official {
			t.Errorf("A still shows %v after its TTL", got.Date)
		}
	})
}

// TestAnnualPeriods: the annual periods end on their legal last day, moved
// to the next working day when it is a rest day (实施细则 Art. 109). 31 May
// 2025 was a Saturday inside 端午节 (31 May – 2 June), so the 2024 EIT
// annual reconciliation ended on Tuesday 3 June 2025; 31 May 2026 is a
// Sunday, so it ends on Monday 1 June 2026.
func TestAnnualPeriods(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, _ := setup(t, d)
		for _, c := range []struct {
			year    int
			eit     string
			iit     string
			eitNote bool
		}{
			{2025, "2025-06-03", "2025-06-30", true},
			{2026, "2026-06-01", "2026-06-30", true},
			{2027, "2027-05-31", "2027-06-30", false},
		} {
			y, err := s.Year(context.Background(), c.year)
			if err != nil {
				t.Fatal(err)
			}
			if len(y.Annual) != 2 || y.Annual[0].To.String() != c.eit || y.Annual[1].To.String() != c.iit || (y.Annual[0].Postponed != "") != c.eitNote {
				t.Errorf("%d: %+v", c.year, y.Annual)
			}
			if y.Annual[1].From.String() != c.iit[:4]+"-03-01" {
				t.Errorf("%d: IIT from %v", c.year, y.Annual[1].From)
			}
		}
		if _, err := s.Year(context.Background(), 2006); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("2006: %v", err)
		}
	})
}
