package iitw_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ids"
	"taxhall/internal/iitw"
)

var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

type rosterFixture struct {
	r                    *iitw.Roster
	a, b, person, nobody context.Context
}

func newRoster(t *testing.T, d *db.DB) *rosterFixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 3, Individuals: 1, Now: now.Add(-24 * time.Hour), PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	// The demo's withholding returns put a few employees on each roster;
	// these tests count rosters from empty.
	if _, err := d.ExecContext(ctx, `DELETE FROM employees`); err != nil {
		t.Fatal(err)
	}
	as := func(kind string) context.Context {
		var id int64
		order := "id"
		if kind == "second" {
			order, kind = "id DESC", "enterprise"
		}
		q := `SELECT id FROM taxpayers WHERE kind = $1 AND status = 'active' ORDER BY ` + order + ` LIMIT 1`
		if err := d.QueryRowContext(ctx, q, kind).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, TaxpayerID: id, UserID: 1, TaxpayerKind: kind})
	}
	return &rosterFixture{r: &iitw.Roster{DB: d, Now: func() time.Time { return now }},
		a: as("enterprise"), b: as("second"), person: as("individual"), nobody: ctx}
}

func validIDs(n int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 11643))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		id := ids.GenerateResidentID(r, "350206", time.Date(1975+r.IntN(25), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC), r.IntN(2) == 1)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid {
		t.Fatalf("want an Invalid error, got %v", err)
	}
	return e.Fields
}

func TestRosterAddAndScope(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newRoster(t, d)
		who := validIDs(2, 1)
		e, err := f.r.Add(f.a, iitw.EmployeeInput{ResidentID: " " + who[0] + " ", Name: "陈 晓燕", HiredOn: "2024-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		if e.ResidentID != who[0] || e.Name != "陈 晓燕" || e.HiredOn != calendar.MustDate("2024-03-01") || !e.Employed() {
			t.Errorf("added %+v", e)
		}
		// The same person twice on one roster: the unique index answers.
		_, err = f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[0], Name: "陈晓燕", HiredOn: "2024-03-01"})
		if got := fields(t, err)["resident_id"]; got != "该证件号码已在本单位花名册中" {
			t.Errorf("duplicate: %q", got)
		}
		// Another employer may employ the same person.
		if _, err := f.r.Add(f.b, iitw.EmployeeInput{ResidentID: who[0], Name: "陈晓燕", HiredOn: "2025-01-01"}); err != nil {
			t.Errorf("the same person with another employer: %v", err)
		}
		bad := fields(t, errOf(f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[1][:17] + "Y", Name: "林", HiredOn: "2026-12-01"})))
		want := map[string]string{"resident_id": "身份证号码前17位应为数字，最后一位为数字或X", "name": "姓名至少 2 个字", "hired_on": "入职日期不能晚于今天"}
		if fmt.Sprint(bad) != fmt.Sprint(want) {
			t.Errorf("got %v\nwant %v", bad, want)
		}
		born, _ := ids.BirthDate(who[1])
		early := born.AddDate(0, 0, -1).Format("2006-01-02")
		if got := fields(t, errOf(f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[1], Name: "林一", HiredOn: early})))["hired_on"]; got != "入职日期不能早于出生日期" {
			t.Errorf("hired before birth: %q", got)
		}
		if got := fields(t, errOf(f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[1], Name: "林一", HiredOn: "2026-02-30"})))["hired_on"]; got != "入职日期格式应为 2026-01-31" {
			t.Errorf("30 February: %q", got)
		}

		// Another taxpayer does not see, nor change, A's employee.
		if _, err := f.r.Get(f.b, e.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("B reads A's employee: %v", err)
		}
		if _, err := f.r.MarkLeft(f.person, e.ID, "2026-11-01"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a natural person marks A's employee: %v", err)
		}
		if _, err := f.r.Get(f.nobody, e.ID); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("nobody: %v", err)
		}
		page, err := f.r.List(f.b, 0, 0)
		if err != nil || len(page.Items) != 1 || page.Items[0].ID == e.ID {
			t.Errorf("B's roster: %+v %v", page, err)
		}
		if got, _ := f.r.Get(f.a, e.ID); !got.Employed() {
			t.Error("a refused MarkLeft changed the employee")
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestRosterMarkLeft(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newRoster(t, d)
		who := validIDs(1, 2)
		e, err := f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[0], Name: "黄志强", HiredOn: "2025-06-16"})
		if err != nil {
			t.Fatal(err)
		}
		if got := fields(t, errOf(f.r.MarkLeft(f.a, e.ID, "2025-06-15")))["left_on"]; got != "离职日期不能早于入职日期（2025-06-16）" {
			t.Errorf("left before hired: %q", got)
		}
		if got := fields(t, errOf(f.r.MarkLeft(f.a, e.ID, "")))["left_on"]; got != "请填写离职日期" {
			t.Errorf("no date: %q", got)
		}
		// Two users mark the employee at once: one wins, the other is told.
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = f.r.MarkLeft(f.a, e.ID, "2026-10-31")
			}()
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) == apperr.Conflict:
				conflict++
			default:
				t.Errorf("concurrent MarkLeft: %v", err)
			}
		}
		if ok != 1 || conflict != 1 {
			t.Errorf("%d succeeded, %d conflicts; want 1 and 1", ok, conflict)
		}
		got, _ := f.r.Get(f.a, e.ID)
		if got.LeftOn != calendar.MustDate("2026-10-31") || got.Employed() {
			t.Errorf("after leaving: %+v", got)
		}
		// The database refuses a leaving date before the hiring date.
		if _, err := d.ExecContext(context.Background(), `UPDATE employees SET left_on = '2020-01-01' WHERE id = $1`, e.ID); err == nil {
			t.Error("the CHECK constraint let left_on < hired_on through")
		}
	})
}

func TestRosterPaging(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newRoster(t, d)
		who := validIDs(120, 3)
		lines := make([]iitw.Line, len(who))
		for i, id := range who {
			lines[i] = iitw.Line{Row: i + 2, ResidentID: id, Name: fmt.Sprintf("员工%03d", i)}
		}
		if n, err := f.r.Sync(f.a, calendar.YearMonth{Y: 2026, M: 10}, lines); err != nil || n != 120 {
			t.Fatalf("sync: %d %v", n, err)
		}
		seen := map[int64]bool{}
		var sizes []int
		after := int64(0)
		for {
			p, err := f.r.List(f.a, after, iitw.PageSize)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(p.Items))
			for _, e := range p.Items {
				if seen[e.ID] || e.ID <= after {
					t.Fatalf("employee %d twice or out of order", e.ID)
				}
				seen[e.ID] = true
			}
			if p.Next == 0 {
				break
			}
			after = p.Next
		}
		if fmt.Sprint(sizes) != "[50 50 20]" || len(seen) != 120 {
			t.Errorf("pages %v, %d employees", sizes, len(seen))
		}
		// B's roster is empty, whatever cursor it sends.
		if p, _ := f.r.List(f.b, 0, 500); len(p.Items) != 0 {
			t.Errorf("B sees %d of A's employees", len(p.Items))
		}
	})
}

// The import keeps the roster in step: new people hired on the month's
// first day, names corrected, people who had left taken back.
func TestRosterSync(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newRoster(t, d)
		who := validIDs(3, 4)
		old, err := f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[0], Name: "周杰", HiredOn: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := f.r.Add(f.a, iitw.EmployeeInput{ResidentID: who[1], Name: "吴敏", HiredOn: "2025-01-01"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.r.MarkLeft(f.a, gone.ID, "2026-05-31"); err != nil {
			t.Fatal(err)
		}
		lines := []iitw.Line{{ResidentID: who[0], Name: "周杰伦"}, {ResidentID: who[1], Name: "吴敏"}, {ResidentID: who[2], Name: "郑新"}}
		oct := calendar.YearMonth{Y: 2026, M: 10}
		n, err := f.r.Sync(f.a, oct, lines)
		if err != nil || n != 3 {
			t.Fatalf("sync changed %d rows: %v", n, err)
		}
		if n, err := f.r.Sync(f.a, oct, lines); err != nil || n != 0 {
			t.Errorf("the same month again changed %d rows: %v", n, err)
		}
		hired, err := f.r.Hired(f.a, who)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]calendar.Date{who[0]: calendar.MustDate("2025-01-01"), who[1]: calendar.MustDate("2026-10-01"), who[2]: calendar.MustDate("2026-10-01")}
		if fmt.Sprint(hired) != fmt.Sprint(want) {
			t.Errorf("hired %v, want %v", hired, want)
		}
		if e, _ := f.r.Get(f.a, old.ID); e.Name != "周杰伦" {
			t.Errorf("name not updated: %+v", e)
		}
		if e, _ := f.r.Get(f.a, gone.ID); !e.Employed() {
			t.Errorf("rehired employee still marked left: %+v", e)
		}
		// Filing an earlier month moves a later hiring date back.
		if _, err := f.r.Sync(f.a, calendar.YearMonth{Y: 2026, M: 9}, lines[2:]); err != nil {
			t.Fatal(err)
		}
		if h, _ := f.r.Hired(f.a, who[2:]); h[who[2]] != calendar.MustDate("2026-09-01") {
			t.Errorf("hired %v after filing September", h)
		}
		// Lines that were not checked are refused, not stored.
		if _, err := f.r.Sync(f.a, oct, []iitw.Line{{ResidentID: "123", Name: "坏"}}); err == nil || apperr.CodeOf(err) != apperr.Internal {
			t.Errorf("unchecked lines: %v", err)
		}
	})
}

func TestWithholdsWages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newRoster(t, d)
		for name, c := range map[string]struct {
			ctx  context.Context
			want bool
		}{"enterprise (demo: identified)": {f.a, true}, "natural person": {f.person, false}, "nobody": {f.nobody, false}} {
			if got, err := f.r.WithholdsWages(c.ctx); err != nil || got != c.want {
				t.Errorf("%s: %v %v, want %v", name, got, err, c.want)
			}
		}
	})
}
