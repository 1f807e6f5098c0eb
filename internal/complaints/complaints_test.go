package complaints_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/complaints"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type fixedCal struct{}

func (fixedCal) Calendar(context.Context) (*calendar.Calendar, error) { return calendar.Default(), nil }

func TestAnonymousCaseFollowUpAndReply(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := &complaints.Service{DB: d, Now: func() time.Time { return now }, Cal: fixedCal{}}
		anon := auth.WithIP(context.Background(), "203.0.113.7")
		if _, err := svc.File(anon, complaints.Input{Kind: "complaint", OrgID: w.Siming.ID, Subject: "x"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("short body: %v", err)
		}
		f, err := svc.File(anon, complaints.Input{Kind: "complaint", OrgID: w.Siming.ID, Subject: "窗口排队时间过长", Body: "11月2日上午在思明区办税服务厅排队两个小时。", Anonymous: true, Phone: "13906001234"})
		if err != nil {
			t.Fatal(err)
		}
		if want := calendar.Default().AddWorkdays(calendar.MustDate("2026-11-02"), 10); f.DueOn != want {
			t.Errorf("due %s, want %s", f.DueOn, want)
		}
		var stored string
		_ = d.QueryRowContext(context.Background(), `SELECT code_hash FROM complaints WHERE id = $1`, f.ID).Scan(&stored)
		if strings.Contains(stored, f.Code) || len(stored) != 64 {
			t.Errorf("code stored as %q", stored)
		}
		if _, err := svc.Track(anon, f.TrackingNo, "WRONGCODE2"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("wrong code: %v", err)
		}
		c, err := svc.Track(anon, strings.ToLower(f.TrackingNo), strings.ToLower(f.Code))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddInfo(anon, f.TrackingNo, f.Code, "补充：当天只开了两个窗口。"); err != nil {
			t.Fatal(err)
		}
		// Another city's supervisor does not see it; Siming's does.
		fz := ixtest.As(w.Staff(t, w.Gulou, "35010203", auth.RoleHallSupervisor))
		if _, err := svc.Get(fz, c.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Fuzhou supervisor: %v", err)
		}
		if err := svc.Reply(fz, c.ID, "x", true, false); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Fuzhou supervisor replies: %v", err)
		}
		clerk := ixtest.As(w.Staff(t, w.Siming, "35020301", auth.RoleWindowClerk))
		if _, err := svc.Get(clerk, c.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("window clerk: %v", err)
		}
		sup := ixtest.As(w.Staff(t, w.Siming, "35020303", auth.RoleHallSupervisor))
		p, err := svc.List(sup, "open", 0)
		if err != nil || len(p.Items) != 1 {
			t.Fatalf("list: %v %d", err, len(p.Items))
		}
		if err := svc.Reply(sup, c.ID, "经核实，已增开窗口并实行预约分流。", true, false); err != nil {
			t.Fatal(err)
		}
		c, err = svc.Track(anon, f.TrackingNo, f.Code)
		if err != nil || c.State != complaints.Replied || len(c.Entries) != 2 || c.Entries[1].Author != "staff" {
			t.Fatalf("after reply: %v %+v", err, c)
		}
		pub, err := svc.Latest(context.Background(), 10)
		if err != nil || len(pub) != 1 || pub[0].Reply != "经核实，已增开窗口并实行预约分流。" {
			t.Fatalf("public: %v %+v", err, pub)
		}
		stats, err := svc.Stats(sup)
		if err != nil || len(stats) != 1 || stats[0].Total != 1 || stats[0].Open != 0 {
			t.Errorf("stats: %v %+v", err, stats)
		}
	})
}

func TestNamedCaseNotifiesAndLookupsAreThrottled(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := &complaints.Service{DB: d, Now: func() time.Time { return now }, Cal: fixedCal{}}
		u := w.User(t, w.TaxpayerA, "lin")
		f, err := svc.File(ixtest.As(u), complaints.Input{Kind: "mailbox", OrgID: w.Xiamen.ID, Subject: "建议延长周六服务时间", Body: "建议办税服务厅周六全天开放，方便上班族办理。"})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := svc.Mine(ixtest.As(u))
		if err != nil || len(mine) != 1 || mine[0].ContactName != u.Name {
			t.Fatalf("mine: %v %+v", err, mine)
		}
		if _, err := svc.MyCase(ixtest.As(w.User(t, w.TaxpayerB, "wang")), f.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer: %v", err)
		}
		city := ixtest.As(w.Staff(t, w.Xiamen, "35020001", auth.RoleAdmin))
		if err := svc.Reply(city, f.ID, "感谢建议，已纳入明年服务计划。", false, true); err != nil {
			t.Fatal(err)
		}
		var n int
		_ = d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND kind = 'notice'`, w.TaxpayerA).Scan(&n)
		if n != 1 {
			t.Errorf("%d notices, want 1", n)
		}
		// Guessing: after NumberLimit lookups of one number, even the right
		// code is refused for the window.
		ctx := auth.WithIP(context.Background(), "198.51.100.9")
		var last error
		for range 12 {
			_, last = svc.Track(ctx, f.TrackingNo, "AAAAAAAAAA")
		}
		if apperr.CodeOf(last) != apperr.TooMany {
			t.Errorf("12th guess: %v", last)
		}
		if _, err := svc.Track(auth.WithIP(context.Background(), "192.0.2.1"), f.TrackingNo, f.Code); apperr.CodeOf(err) != apperr.TooMany {
			t.Errorf("right code during the lock: %v", err)
		}
	})
}
