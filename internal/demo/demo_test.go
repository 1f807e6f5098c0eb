package demo

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
)

func TestSeedBuildsARealisticHall(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
		res, err := Seed(ctx, d, Options{Enterprises: 50, Individuals: 50, Now: now, PasswordHash: auth.HashPassword(Password), Applications: true})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Seeded || len(res.Logins) < 10 {
			t.Fatalf("seeded=%v logins=%d", res.Seeded, len(res.Logins))
		}
		count := func(q string) int {
			var n int
			if err := d.QueryRowContext(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM kb_entries WHERE state = 'published'`); n < 250 {
			t.Errorf("published knowledge-base entries = %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM search_docs WHERE kind = 'kb'`); n != count(`SELECT COUNT(*) FROM kb_entries
			WHERE state = 'published' AND valid_from <= '2026-11-23' AND (valid_to IS NULL OR valid_to >= '2026-11-23')`) || n < 250 {
			t.Errorf("indexed knowledge-base entries = %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM taxpayers WHERE kind = 'enterprise'`); n != 50 {
			t.Errorf("enterprises = %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM taxpayers WHERE kind = 'individual'`); n != 50 {
			t.Errorf("individuals = %d", n)
		}
		// Applications in every state, two overdue tasks, one claimed.
		for _, st := range []string{"submitted", "processing", "returned", "approved", "rejected"} {
			if n := count(`SELECT COUNT(*) FROM applications WHERE status = '` + st + `'`); n == 0 {
				t.Errorf("no demo application %s", st)
			}
		}
		if n := count(`SELECT COUNT(*) FROM tasks WHERE state IN ('open', 'claimed') AND due_date < '2026-11-23'`); n != 2 {
			t.Errorf("%d overdue demo tasks, want 2", n)
		}
		if n := count(`SELECT COUNT(*) FROM tasks WHERE rating IS NOT NULL`); n != 1 {
			t.Errorf("%d rated tasks", n)
		}
		// Xiamen has 6 districts; every district bureau sits on a real division.
		if n := count(`SELECT COUNT(*) FROM orgs WHERE level = 'district' AND division_code LIKE '3502%'`); n != 6 {
			t.Errorf("xiamen districts = %d", n)
		}
		for _, role := range auth.StaffRoles {
			if n := count(`SELECT COUNT(*) FROM staff WHERE roles LIKE '%` + role.Code + `%'`); n == 0 {
				t.Errorf("no staff with role %s", role.Code)
			}
		}
		// Every taxpayer's code is valid and it sits in the bureau of its district.
		rows, err := d.QueryContext(ctx, `SELECT t.kind, t.code, t.division_code, o.division_code FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var kind, code, div, bureauDiv string
			rows.Scan(&kind, &code, &div, &bureauDiv)
			var verr error
			if kind == "enterprise" {
				verr = ids.ValidateUSCC(code)
			} else {
				verr = ids.ValidateResidentID(code, now)
			}
			if verr != nil || div != bureauDiv {
				t.Errorf("%s %s in %s, bureau %s: %v", kind, code, div, bureauDiv, verr)
			}
		}
		// Seeding twice does nothing.
		again, err := Seed(ctx, d, Options{Enterprises: 5, Now: now, PasswordHash: "x"})
		if err != nil || again.Seeded {
			t.Fatalf("second seed: %v %v", again, err)
		}
		// A listed login works with the demo password.
		s := auth.NewService(d, func() time.Time { return now })
		for _, l := range res.Logins[:3] {
			if l.Code == "" {
				if _, err := s.LoginStaff(ctx, l.Username, Password, auth.Web, "test"); err != nil {
					t.Errorf("staff login %s: %v", l.Username, err)
				}
			}
		}
		for _, l := range res.Logins {
			if l.Code != "" {
				if _, err := s.LoginTaxpayer(ctx, l.Code, l.Username, Password, auth.Web, "test"); err != nil {
					t.Errorf("taxpayer login %s/%s: %v", l.Code, l.Username, err)
				}
			}
		}
	})
}

// TestReadmeListsTheDemoLogins keeps the README's login table true.
func TestReadmeListsTheDemoLogins(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	d := dbtest.NewSQLite(t)
	res, err := Seed(context.Background(), d, Options{Enterprises: 50, Individuals: 50, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, l := range res.Logins {
		if l.Code != "" && strings.Contains(string(readme), "`"+l.Code+"`") {
			found++
		}
	}
	if found < 4 || !strings.Contains(string(readme), Password) {
		t.Fatalf("README lists %d of the seeded taxpayer logins; update its table from `taxhall seed` output", found)
	}
	for _, no := range []string{"35000001", "35020001", "35020301", "35020601", "35010201"} {
		var n int
		d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM staff WHERE staff_no = $1`, no).Scan(&n)
		if n != 1 || !strings.Contains(string(readme), no) {
			t.Errorf("staff %s: in db %d, in README %v", no, n, strings.Contains(string(readme), no))
		}
	}
}
