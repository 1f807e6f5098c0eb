package appoint_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
)

// Monday 2 November 2026, 09:00 in China.
var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type fixedCal struct{}

func (fixedCal) Calendar(context.Context) (*calendar.Calendar, error) { return calendar.Default(), nil }

type env struct {
	w     *ixtest.World
	svc   *appoint.Service
	hall  int64
	clock *time.Time
}

func setup(t *testing.T, d *db.DB, capacity int) *env {
	t.Helper()
	w := ixtest.New(t, d)
	clock := now
	e := &env{w: w, clock: &clock, svc: &appoint.Service{DB: d, Now: func() time.Time { return clock }, Cal: fixedCal{}}}
	ctx := context.Background()
	var err error
	if e.hall, err = appoint.CreateHall(ctx, d, now, w.Siming.ID, "思明区办税服务厅", "厦门市思明区湖滨南路", 3, capacity); err != nil {
		t.Fatal(err)
	}
	sup := w.Staff(t, w.Siming, "35020303", auth.RoleHallSupervisor)
	n, err := e.svc.OpenSlots(ixtest.As(sup), e.hall)
	if err != nil {
		t.Fatal(err)
	}
	if want := appoint.DaysAhead * 3 * len(appoint.Periods); n != want {
		t.Fatalf("opened %d slots, want %d", n, want)
	}
	if n, _ := e.svc.OpenSlots(ixtest.As(sup), e.hall); n != 0 {
		t.Errorf("second OpenSlots opened %d more", n)
	}
	return e
}

// slot returns the first slot of a service (1 invoice) on the first day.
func (e *env) slot(t *testing.T, service int64) *appoint.Slot {
	t.Helper()
	slots, err := e.svc.Slots(context.Background(), e.hall, service)
	if err != nil || len(slots) == 0 {
		t.Fatalf("slots: %v %d", err, len(slots))
	}
	return slots[0]
}

func TestSlotsSkipRestDays(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		slots, err := e.svc.Slots(context.Background(), e.hall, 1)
		if err != nil {
			t.Fatal(err)
		}
		cal := calendar.Default()
		days := map[calendar.Date]bool{}
		for _, s := range slots {
			if !cal.IsWorkday(s.Day) {
				t.Errorf("slot on rest day %s", s.Day)
			}
			days[s.Day] = true
		}
		if len(days) != appoint.DaysAhead {
			t.Errorf("%d days, want %d", len(days), appoint.DaysAhead)
		}
		if slots[0].Day != calendar.MustDate("2026-11-03") {
			t.Errorf("first day %s, want the next working day", slots[0].Day)
		}
	})
}

// TestNoSlotOverBooked: 50 people on two connection pools (two nodes) book
// the last place of a slot at once; exactly one gets it.
func TestNoSlotOverBooked(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		const capacity = 3
		e := setup(t, d, capacity)
		slot := e.slot(t, 1)
		for i := range capacity - 1 {
			if _, err := e.svc.Book(ixtest.As(e.w.User(t, e.w.TaxpayerA, fmt.Sprintf("pre%d", i))), appoint.BookInput{SlotID: slot.ID}); err != nil {
				t.Fatal(err)
			}
		}
		d2 := dbtest.SecondPool(t, d)
		svc2 := &appoint.Service{DB: d2, Now: e.svc.Now, Cal: fixedCal{}}
		const n = 50
		users := make([]*auth.Actor, n)
		for i := range users {
			users[i] = e.w.User(t, e.w.TaxpayerA, fmt.Sprintf("u%d", i))
		}
		var wg, ready sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		ready.Add(n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := e.svc
				if i%2 == 1 {
					svc = svc2
				}
				ready.Done()
				<-start
				_, errs[i] = svc.Book(ixtest.As(users[i]), appoint.BookInput{SlotID: slot.ID})
			}()
		}
		ready.Wait()
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) != apperr.Conflict:
				t.Errorf("unexpected error: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d of %d got the last place, want 1", ok, n)
		}
		var booked, rows int
		_ = d.QueryRowContext(context.Background(), `SELECT booked FROM appt_slots WHERE id = $1`, slot.ID).Scan(&booked)
		_ = d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM appointments WHERE slot_id = $1 AND state = 'booked'`, slot.ID).Scan(&rows)
		if booked != capacity || rows != capacity {
			t.Errorf("booked %d, rows %d, want %d", booked, rows, capacity)
		}
	})
}

func TestBookChangeCancel(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 2)
		u := e.w.User(t, e.w.TaxpayerA, "lin")
		ctx := ixtest.As(u)
		slot := e.slot(t, 1)
		ap, err := e.svc.Book(ctx, appoint.BookInput{SlotID: slot.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Book(ctx, appoint.BookInput{SlotID: slot.ID}); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second booking of the same slot: %v", err)
		}
		// A visit needs its item.
		if _, err := e.svc.Book(ctx, appoint.BookInput{SlotID: e.slot(t, 3).ID}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("visit without item: %v", err)
		}
		// Another user (even of the same taxpayer) does not see it.
		other := ixtest.As(e.w.User(t, e.w.TaxpayerB, "wang"))
		if _, err := e.svc.Get(other, ap.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer Get: %v", err)
		}
		if err := e.svc.Cancel(other, ap.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer Cancel: %v", err)
		}
		slots, _ := e.svc.Slots(context.Background(), e.hall, 1)
		moved, err := e.svc.Change(ctx, ap.ID, appoint.BookInput{SlotID: slots[1].ID})
		if err != nil {
			t.Fatal(err)
		}
		var b0, b1 int
		_ = d.QueryRowContext(context.Background(), `SELECT booked FROM appt_slots WHERE id = $1`, slots[0].ID).Scan(&b0)
		_ = d.QueryRowContext(context.Background(), `SELECT booked FROM appt_slots WHERE id = $1`, slots[1].ID).Scan(&b1)
		if b0 != 0 || b1 != 1 {
			t.Errorf("after change booked %d/%d, want 0/1", b0, b1)
		}
		// After the cut-off neither change nor cancel.
		*e.clock = moved.StartsAt.Add(-time.Hour)
		if err := e.svc.Cancel(ctx, moved.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("cancel after cut-off: %v", err)
		}
		*e.clock = now
		if err := e.svc.Cancel(ctx, moved.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Cancel(ctx, moved.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second cancel: %v", err)
		}
		// A cancelled booking frees the person to book the slot again.
		if _, err := e.svc.Book(ctx, appoint.BookInput{SlotID: slots[1].ID}); err != nil {
			t.Errorf("re-book after cancel: %v", err)
		}
	})
}

func TestCheckInQueueAndNoShows(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d, 30)
		clerk := ixtest.As(e.w.Staff(t, e.w.Siming, "35020301", auth.RoleWindowClerk))
		stranger := ixtest.As(e.w.Staff(t, e.w.Gulou, "35010201", auth.RoleWindowClerk))
		slot := e.slot(t, 1)
		var ids []int64
		users := make([]*auth.Actor, 12)
		for i := range users {
			users[i] = e.w.User(t, e.w.TaxpayerA, fmt.Sprintf("p%d", i))
			ap, err := e.svc.Book(ixtest.As(users[i]), appoint.BookInput{SlotID: slot.ID})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ap.ID)
		}
		if _, err := e.svc.CheckIn(clerk, ids[0]); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("check-in the day before: %v", err)
		}
		// The reminder the day before, once.
		for range 2 {
			if _, err := appoint.RemindTomorrow(context.Background(), d, now); err != nil {
				t.Fatal(err)
			}
		}
		var msgs int
		_ = d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE kind = 'reminder' AND dedupe_key LIKE 'appt:%'`).Scan(&msgs)
		if msgs != len(ids) {
			t.Errorf("%d reminders, want %d", msgs, len(ids))
		}
		*e.clock = slot.StartsAt.Add(-30 * time.Minute)
		if _, err := e.svc.CheckIn(stranger, ids[0]); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another bureau's clerk: %v", err)
		}
		list, err := e.svc.Day(clerk, e.hall, slot.Day, slot.Window)
		if err != nil || len(list.Items) != len(ids) {
			t.Fatalf("day list: %v %d", err, len(list.Items))
		}
		// Ten check-ins at once (two pools) give ten distinct numbers 1…10.
		d2 := dbtest.SecondPool(t, d)
		svc2 := &appoint.Service{DB: d2, Now: e.svc.Now, Cal: fixedCal{}}
		var wg sync.WaitGroup
		nums := make([]int, 10)
		errs := make([]error, 10)
		start := make(chan struct{})
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := e.svc
				if i%2 == 0 {
					svc = svc2
				}
				<-start
				ap, err := svc.CheckIn(clerk, ids[i])
				errs[i] = err
				if err == nil {
					nums[i] = ap.QueueNo
				}
			}()
		}
		close(start)
		wg.Wait()
		seen := map[int]bool{}
		for i, n := range nums {
			if errs[i] != nil {
				t.Fatalf("check-in %d: %v", i, errs[i])
			}
			if n < 1 || n > 10 || seen[n] {
				t.Errorf("queue number %d (seen %v)", n, seen)
			}
			seen[n] = true
		}
		if _, err := e.svc.CheckIn(clerk, ids[0]); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second check-in: %v", err)
		}
		if err := e.svc.MarkNoShow(clerk, ids[10]); err != nil {
			t.Fatal(err)
		}
		// Three no-shows block online booking.
		u := users[11]
		for i := range 3 {
			s := e.slotAt(t, i+1)
			ap, err := e.svc.Book(ixtest.As(u), appoint.BookInput{SlotID: s.ID})
			if err != nil {
				t.Fatalf("booking %d: %v", i, err)
			}
			*e.clock = s.StartsAt.Add(time.Hour)
			if err := e.svc.MarkNoShow(clerk, ap.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, err = e.svc.Book(ixtest.As(u), appoint.BookInput{SlotID: e.slotAt(t, 5).ID})
		if apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("after three no-shows: %v", err)
		}
		_, until, err := e.svc.Mine(ixtest.As(u))
		if err != nil || until.IsZero() {
			t.Errorf("Mine says not blocked: %v %v", until, err)
		}
	})
}

// slotAt returns the first invoice slot on the i-th offered day.
func (e *env) slotAt(t *testing.T, i int) *appoint.Slot {
	t.Helper()
	var id int64
	err := e.w.D.QueryRowContext(context.Background(), `SELECT id FROM appt_slots WHERE hall_id = $1 AND service_id = 1 ORDER BY day, start_time LIMIT 1 OFFSET $2`,
		e.hall, i*len(appoint.Periods)).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var s appoint.Slot
	var starts, day string
	_ = e.w.D.QueryRowContext(context.Background(), `SELECT id, day, starts_at FROM appt_slots WHERE id = $1`, id).Scan(&s.ID, &day, &starts)
	s.Day, _ = calendar.ParseDate(day)
	s.StartsAt = db.ParseTS(starts)
	return &s
}
