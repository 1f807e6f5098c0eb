package appoint_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
)

// TestTwentyClerksCallAtOnce: twenty clerks at twenty windows, on two
// pools (two nodes), call at the same moment; each gets a different number,
// the checked-in appointments first; the waiting time is call − check-in;
// the taxpayer rates once; the month's report adds it up per window and
// per clerk.
func TestTwentyClerksCallAtOnce(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := ixtest.New(t, d)
		clock := now
		svc := &appoint.Service{DB: d, Now: func() time.Time { return clock }, Cal: fixedCal{}}
		hall, err := appoint.CreateHall(ctx, d, now, w.Siming.ID, "思明区办税服务厅", "厦门市思明区湖滨南路", 20, 10)
		if err != nil {
			t.Fatal(err)
		}
		sup := ixtest.As(w.Staff(t, w.Siming, "35020303", auth.RoleHallSupervisor))
		if _, err := svc.OpenSlots(sup, hall); err != nil {
			t.Fatal(err)
		}
		slots, err := svc.Slots(ctx, hall, 1)
		if err != nil || len(slots) == 0 {
			t.Fatal(err)
		}
		slot := slots[0]
		// Five people book the first slot and are checked in on the day.
		users := make([]*auth.Actor, 5)
		appts := make([]int64, 5)
		for i := range users {
			users[i] = w.User(t, w.TaxpayerA, fmt.Sprintf("q%d", i))
			ap, err := svc.Book(ixtest.As(users[i]), appoint.BookInput{SlotID: slot.ID})
			if err != nil {
				t.Fatal(err)
			}
			appts[i] = ap.ID
		}
		clock = slot.StartsAt.Add(-30 * time.Minute)
		checkInAt := clock
		for _, id := range appts {
			if _, err := svc.CheckIn(sup, id); err != nil {
				t.Fatal(err)
			}
		}
		// Twenty walk-in numbers, a minute later.
		clock = clock.Add(time.Minute)
		for i := range 20 {
			k, err := svc.TakeNumber(sup, hall, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("A%03d", 6+i); k.Number() != want {
				t.Fatalf("walk-in number %s, want %s", k.Number(), want)
			}
		}
		// Twenty clerks sign in, one a window; a second clerk at a taken
		// window is refused.
		clerks := make([]context.Context, 20)
		for i := range clerks {
			clerks[i] = ixtest.As(w.Staff(t, w.Siming, fmt.Sprintf("350203%02d", 40+i), auth.RoleWindowClerk))
			if err := svc.SignIn(clerks[i], hall, i+1); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.SignIn(sup, hall, 1); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("second clerk at window 1: %v", err)
		}
		if _, err := svc.CallNext(sup, hall); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("call without a window: %v", err)
		}
		stranger := ixtest.As(w.Staff(t, w.Gulou, "35010201", auth.RoleWindowClerk))
		if _, err := svc.CallNext(stranger, hall); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another bureau's clerk: %v", err)
		}
		// Ten minutes after check-in, all twenty call at once, half through
		// a second pool.
		clock = checkInAt.Add(10 * time.Minute)
		d2 := dbtest.SecondPool(t, d)
		svc2 := &appoint.Service{DB: d2, Now: svc.Now, Cal: fixedCal{}}
		call := func() ([]*appoint.QueueTicket, []error) {
			got := make([]*appoint.QueueTicket, 20)
			errs := make([]error, 20)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := svc
					if i%2 == 1 {
						s = svc2
					}
					<-start
					got[i], errs[i] = s.CallNext(clerks[i], hall)
				}()
			}
			close(start)
			wg.Wait()
			return got, errs
		}
		got, errs := call()
		seen := map[int64]bool{}
		appointments := 0
		for i, k := range got {
			if errs[i] != nil {
				t.Fatalf("clerk %d: %v", i, errs[i])
			}
			if seen[k.ID] {
				t.Fatalf("number %s called twice", k.Number())
			}
			seen[k.ID] = true
			if k.Window != i+1 {
				t.Errorf("clerk %d called to window %d", i, k.Window)
			}
			if k.Kind == appoint.KindAppointment {
				appointments++
				if k.WaitSeconds != 600 {
					t.Errorf("appointment %s waited %ds, want 600", k.Number(), k.WaitSeconds)
				}
			}
		}
		if appointments != 5 {
			t.Errorf("%d appointments among the first 20 calls, want all 5 (预约优先)", appointments)
		}
		// Calling again before finishing is refused.
		if _, err := svc.CallNext(clerks[0], hall); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second call while serving: %v", err)
		}
		// Everyone finishes (one clerk with a walk-in marks it absent); the
		// next round has five numbers for twenty clerks.
		clock = clock.Add(5 * time.Minute)
		absent := -1
		for i, k := range got {
			if k.Kind == appoint.KindWalkIn {
				absent = i
			}
		}
		for i := range 20 {
			if _, err := svc.Finish(clerks[i], hall, i == absent); err != nil {
				t.Fatal(err)
			}
		}
		got2, errs2 := call()
		n := 0
		for i, k := range got2 {
			switch {
			case errs2[i] == nil:
				if seen[k.ID] {
					t.Fatalf("number %s called twice", k.Number())
				}
				seen[k.ID] = true
				n++
			case errs2[i] != appoint.ErrQueueEmpty && !strings.Contains(errs2[i].Error(), "没有等候"):
				t.Fatalf("clerk %d: %v", i, errs2[i])
			}
		}
		if n != 5 || len(seen) != 25 {
			t.Errorf("second round called %d (want 5), %d in all (want 25)", n, len(seen))
		}
		// The rating: once, by the person, after the service.
		var served int64
		var servedBy int
		for i, k := range got {
			if k.Kind == appoint.KindAppointment {
				served, servedBy = k.AppointmentID, i+1
				break
			}
		}
		var owner *auth.Actor
		for i, id := range appts {
			if id == served {
				owner = users[i]
			}
		}
		other := w.User(t, w.TaxpayerA, "q-other")
		if err := svc.Rate(ixtest.As(other), served, appoint.RateInput{Rating: 5}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another user rates: %v", err)
		}
		if err := svc.Rate(ixtest.As(owner), served, appoint.RateInput{Rating: 0}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("rating 0: %v", err)
		}
		if err := svc.Rate(ixtest.As(owner), served, appoint.RateInput{Rating: 5, Comment: "讲解耐心"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Rate(ixtest.As(owner), served, appoint.RateInput{Rating: 1}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second rating: %v", err)
		}
		var msgs int
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE dedupe_key LIKE 'ticket:%:rate'`).Scan(&msgs)
		if msgs != 5 {
			t.Errorf("%d rating invitations, want 5 (one per served appointment)", msgs)
		}
		// Another served appointment rated 3: the window's satisfaction is
		// 1 of 1, the hall's 1 of 2.
		for i, k := range got {
			if k.Kind == appoint.KindAppointment && k.AppointmentID != served {
				for j, id := range appts {
					if id == k.AppointmentID {
						if err := svc.Rate(ixtest.As(users[j]), id, appoint.RateInput{Rating: 3}); err != nil {
							t.Fatal(err)
						}
					}
				}
				_ = i
				break
			}
		}
		rep, err := svc.MonthReport(sup, hall, clock.Format("2006-01"))
		if err != nil {
			t.Fatal(err)
		}
		if rep.Total.Handled != 19 || rep.Total.Absent != 1 || rep.Total.Rated != 2 || rep.Total.SatisfactionRate() != "50.0%" || rep.Total.AvgRating() != "4.00" {
			t.Errorf("total %+v rate %s avg %s", rep.Total, rep.Total.SatisfactionRate(), rep.Total.AvgRating())
		}
		if len(rep.ByWindow) != 20 || len(rep.ByClerk) != 20 {
			t.Fatalf("%d windows, %d clerks", len(rep.ByWindow), len(rep.ByClerk))
		}
		win := rep.ByWindow[servedBy-1]
		if win.Window != servedBy || win.Handled != 1 || win.SatisfactionRate() != "100.0%" || win.AvgWaitSeconds() != 600 {
			t.Errorf("window %d: %+v", servedBy, win)
		}
		if _, err := svc.MonthReport(stranger, hall, "2026-11"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another bureau's report: %v", err)
		}
		if _, err := svc.MonthReport(sup, hall, "2026-13"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("bad month: %v", err)
		}
		var csv, xlsx bytes.Buffer
		if err := rep.WriteCSV(&csv); err != nil || !strings.Contains(csv.String(), "满意率") || !strings.Contains(csv.String(), fmt.Sprintf("%d号窗口", servedBy)) {
			t.Errorf("csv: %v\n%s", err, csv.String())
		}
		if err := rep.WriteXLSX(&xlsx); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&xlsx)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("满意度" + rep.Month)
		if len(rows) != 2+20+20+1 {
			t.Errorf("xlsx has %d rows", len(rows))
		}
	})
}
