package training_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/training"
)

// TestCapacityReminderAttendance: twenty users (two pools) register at
// once for five places: five get one, registered is 5; a second
// registration of the same user is refused; the reminder sends five
// messages however often it runs; joining records attendance once.
func TestCapacityReminderAttendance(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
		clock := func() time.Time { return now }
		svc := &training.Service{DB: d, Now: clock}
		svc2 := &training.Service{DB: dbtest.SecondPool(t, d), Now: clock}
		editor := w.Staff(t, w.Xiamen, "35020801", auth.RoleContentEditor)
		if _, err := svc.Schedule(ixtest.As(editor), training.Input{Topic: "invoice", Title: "x", Start: "2026-11-01T10:00", Minutes: 60, Capacity: 5, Link: "http://x"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("past start and http link: %v", err)
		}
		id, err := svc.Schedule(ixtest.As(editor), training.Input{Topic: "invoice", Title: "数电发票开具实务", Start: "2026-12-01T09:30", Minutes: 90, Capacity: 5,
			Link: "https://live.example.gov.cn/room/1"})
		if err != nil {
			t.Fatal(err)
		}
		users := make([]*auth.Actor, 20)
		for i := range users {
			users[i] = w.User(t, w.TaxpayerA, fmt.Sprintf("u%02d", i))
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(users))
		for i := range users {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := svc
				if i%2 == 1 {
					s = svc2
				}
				<-start
				errs[i] = s.Register(ixtest.As(users[i]), id)
			}()
		}
		close(start)
		wg.Wait()
		var ok []int
		for i, err := range errs {
			switch {
			case err == nil:
				ok = append(ok, i)
			case apperr.CodeOf(err) != apperr.Conflict:
				t.Errorf("user %d: %v", i, err)
			}
		}
		var registered, rows int
		_ = d.QueryRowContext(t.Context(), `SELECT registered, (SELECT COUNT(*) FROM training_registrations WHERE session_id = $1) FROM training_sessions WHERE id = $1`, id).Scan(&registered, &rows)
		if len(ok) != 5 || registered != 5 || rows != 5 {
			t.Fatalf("%d registered (counter %d, rows %d), want 5", len(ok), registered, rows)
		}
		first := users[ok[0]]
		if err := svc.Register(ixtest.As(first), id); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second registration: %v", err)
		}
		for round, want := range []int{5, 0, 0} {
			n, err := svc.RemindDue(t.Context())
			if err != nil || n != want {
				t.Errorf("reminder round %d: %d %v, want %d", round, n, err, want)
			}
		}
		var msgs int
		_ = d.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM messages WHERE subject = '课程提醒：数电发票开具实务'`).Scan(&msgs)
		if msgs != 5 {
			t.Errorf("%d reminder messages, want 5", msgs)
		}
		if _, err := svc.Join(ixtest.As(first), id); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("join a day early: %v", err)
		}
		now = time.Date(2026, 12, 1, 1, 25, 0, 0, time.UTC) // 09:25 China time
		if _, err := svc.Join(ixtest.As(users[notIn(ok)]), id); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("join unregistered: %v", err)
		}
		for range 2 {
			if link, err := svc.Join(ixtest.As(first), id); err != nil || link != "https://live.example.gov.cn/room/1" {
				t.Fatalf("join: %q %v", link, err)
			}
		}
		list, err := svc.StaffList(ixtest.As(editor))
		if err != nil || len(list) != 1 || list[0].Attended != 1 || list[0].Registered != 5 {
			t.Fatalf("staff list: %+v %v", list, err)
		}
		if list, _ := svc.StaffList(ixtest.As(w.Staff(t, w.Fuzhou, "35010801", auth.RoleContentEditor))); len(list) != 0 {
			t.Errorf("Fuzhou editor sees %d sessions", len(list))
		}
	})
}

func notIn(ok []int) int {
	for i := range 20 {
		found := false
		for _, j := range ok {
			found = found || i == j
		}
		if !found {
			return i
		}
	}
	return 0
}
