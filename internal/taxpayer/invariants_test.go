package taxpayer_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/taxpayer"
)

// parallel runs n calls of fn released together by closing a channel (a
// barrier, not a sleep), and waits for all of them.
func parallel(n int, fn func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			fn(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// TestParallelIdentificationsLeaveOneOpen: 40 clerks' requests identifying
// the same tax group for one taxpayer at the same moment, through two
// connection pools as two nodes would, leave exactly one open
// identification; every other request gets the field error a clerk reads.
// Three taxpayers in turn, so that a lucky schedule cannot hide a race.
func TestParallelIdentificationsLeaveOneOpen(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		clerk := e.staff(t, "35020301")
		d.SetMaxOpenConns(16)
		d2 := dbtest.SecondPool(t, d)
		d2.SetMaxOpenConns(16)
		services := []*taxpayer.Service{e.tp, {DB: d2, Now: e.tp.Now}}
		for round := range 3 {
			reg, err := e.tp.RegisterEnterprise(context.Background(), e.enterprise("350203"))
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			var ok int
			var other []error
			parallel(40, func(i int) {
				// Small-scale and general VAT share a group: both are raced.
				tax := []string{"vat_small", "vat_general"}[i%2]
				_, err := services[i%2].Identify(clerk, reg.Taxpayer.ID, taxpayer.IdentifyInput{TaxType: tax, Period: "month", StartDate: "2026-12-01"})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else if !strings.Contains(fields(err)["tax_type"], "请先终止原认定") {
					other = append(other, err)
				}
			})
			var open int
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM tax_identifications WHERE taxpayer_id = $1 AND end_date = ''`, reg.Taxpayer.ID).Scan(&open); err != nil {
				t.Fatal(err)
			}
			if ok != 1 || open != 1 || len(other) > 0 {
				t.Errorf("round %d: %d succeeded, %d open, unexpected errors %v", round, ok, open, other)
			}
			got, _ := e.tp.Get(clerk, reg.Taxpayer.ID)
			if got.Status != taxpayer.StatusPending {
				t.Errorf("status %s, want pending until identification is complete", got.Status)
			}
		}
	})
}

// TestDatabaseHoldsOneOpenIdentification: the partial unique index refuses
// a second open identification of a group whoever writes it.
func TestDatabaseHoldsOneOpenIdentification(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		var tpID, staffID int64
		if err := d.QueryRowContext(ctx, `SELECT taxpayer_id, created_by FROM tax_identifications WHERE tax_type = 'vat_small' AND end_date = '' LIMIT 1`).Scan(&tpID, &staffID); err != nil {
			t.Fatal(err)
		}
		_, err := taxpayer.InsertIdentification(ctx, d, now, tpID, "vat_general", "month", "2026-12-01", staffID)
		if !db.IsUniqueViolation(err) {
			t.Errorf("second open VAT: %v", err)
		}
		if _, err := taxpayer.InsertIdentification(ctx, d, now, tpID, "consumption", "month", "2026-12-01", staffID); err != nil {
			t.Errorf("another group: %v", err)
		}
		_ = e
	})
}

// TestFailedRegistrationsAreThrottled: duplicate-code probes count against
// the address although their transaction rolls back (security finding 3).
func TestFailedRegistrationsAreThrottled(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		in := e.enterprise("350203")
		if _, err := e.tp.RegisterEnterprise(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithIP(context.Background(), "10.1.1.9")
		for i := range taxpayer.RegistrationsPerHour {
			if _, err := e.tp.RegisterEnterprise(ctx, in); fields(err)["code"] == "" {
				t.Fatalf("probe %d: %v", i, err)
			}
		}
		if _, err := e.tp.RegisterEnterprise(ctx, in); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("probe over the limit: %v", err)
		}
	})
}

// TestHistoryIsForStaff: a taxpayer user cannot read the audit history of
// their own record (staff names); staff who see the taxpayer can, with the
// actions named in Chinese, the user's own password change included.
func TestHistoryIsForStaff(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		bg := context.Background()
		reg, err := e.tp.RegisterEnterprise(bg, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := e.auth.LoginTaxpayer(bg, reg.Taxpayer.Code, "boss", "Strong#Pass1", auth.Web, "")
		if err != nil {
			t.Fatal(err)
		}
		own := auth.WithActor(bg, s.Actor)
		if _, err := e.tp.History(own, reg.Taxpayer.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("taxpayer read own history: %v", err)
		}
		if err := e.auth.ChangePassword(own, "Strong#Pass1", "Harbour#Lights7", "Harbour#Lights7"); err != nil {
			t.Fatal(err)
		}
		hist, err := e.tp.History(e.staff(t, "35020301"), reg.Taxpayer.ID)
		if err != nil || len(hist) != 2 || hist[0].ActionName != "本人修改密码" || hist[0].ActorName != "陈一" || hist[1].ActionName != "在线登记" {
			t.Errorf("history %+v %v", hist, err)
		}
	})
}

// TestBadBytesAreFieldErrors: NUL and invalid UTF-8 in any text a service
// stores or queries is a field error, never an Internal error (on
// PostgreSQL they were SQLSTATE 22021, a 500); a huge page is clamped.
func TestBadBytesAreFieldErrors(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		bg := context.Background()
		reg, err := e.tp.RegisterEnterprise(bg, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := e.auth.LoginTaxpayer(bg, reg.Taxpayer.Code, "boss", "Strong#Pass1", auth.Web, "")
		admin := auth.WithActor(bg, s.Actor)
		clerk := e.staff(t, "35020301")
		for _, bad := range []string{"a\x00b", "\xff\xfe", "名\xc0\xae称"} {
			in := e.enterprise("350203")
			in.Name, in.Address = bad, bad
			ind := taxpayer.IndividualInput{ResidentID: bad, Name: bad, Phone: "13900000000", DivisionCode: "350203", Password: "Lin#Second22", PasswordConfirm: "Lin#Second22"}
			user := taxpayer.UserInput{Username: "abc" + bad, Name: bad, Phone: "13600000000", Role: auth.TPClerk, Password: "Clerk#Pass22", PasswordConfirm: "Clerk#Pass22"}
			for name, err := range map[string]error{
				"register enterprise": second(e.tp.RegisterEnterprise(bg, in)),
				"register individual": second(e.tp.RegisterIndividual(bg, ind)),
				"add user":            second(e.tp.AddUser(admin, user)),
				"update user":         second(e.tp.PatchUser(admin, s.Actor.UserID, taxpayer.UserPatch{Name: &bad})),
				"search":              second(e.tp.Search(clerk, taxpayer.Filter{Query: bad})),
				"search status":       second(e.tp.Search(clerk, taxpayer.Filter{Status: bad})),
				"login code":          second(e.auth.LoginTaxpayer(bg, bad, "boss", "x", auth.Web, "")),
				"login username":      second(e.auth.LoginTaxpayer(bg, reg.Taxpayer.Code, bad, "x", auth.Web, "")),
				"login staff":         second(e.auth.LoginStaff(bg, bad, "x", auth.Web, bad)),
				"login user agent":    second(e.auth.LoginStaff(bg, "35020301", "Xiamen@2026", auth.Web, bad+strings.Repeat("长", 400))),
			} {
				if err != nil && apperr.CodeOf(err) == apperr.Internal {
					t.Errorf("%s with %q: %v", name, bad, err)
				}
			}
		}
		long := strings.Repeat("长", 50_000)
		if _, err := e.tp.Search(clerk, taxpayer.Filter{Query: long}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("long query: %v", err)
		}
		for _, c := range []string{"x", "2026-01-01T00:00:00.000000Z_0", "2026-01-01T00:00:00.000000Z_-1", "2026-13-01T00:00:00.000000Z_5",
			"2026-01-01 00:00:00_5", "2026-01-01T00:00:00.000000Z_99999999999999999999", "_1"} {
			if _, err := e.tp.Search(clerk, taxpayer.Filter{After: c}); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("cursor %q: %v", c, err)
			}
			if _, err := e.tp.Search(clerk, taxpayer.Filter{Before: c}); apperr.CodeOf(err) != apperr.Invalid {
				t.Errorf("cursor %q: %v", c, err)
			}
		}
		p, err := e.tp.Search(clerk, taxpayer.Filter{After: "1970-01-01T00:00:00.000000Z_1", PageSize: 100})
		if err != nil || len(p.Items) != 0 || p.Next != "" {
			t.Errorf("past the oldest: %+v %v", p, err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestEnterpriseAdminsCannotTakeEachOtherOver (security finding 4): no
// user resets their own password through the reset; an ordinary
// administrator cannot reset, disable or change the legal representative's
// administrator account or another administrator, nor make anyone an
// administrator; the legal representative's administrator can.
func TestEnterpriseAdminsCannotTakeEachOtherOver(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		bg := context.Background()
		reg, err := e.tp.RegisterEnterprise(bg, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		login := func(user, pw string) context.Context {
			s, err := e.auth.LoginTaxpayer(bg, reg.Taxpayer.Code, user, pw, auth.Web, "")
			if err != nil {
				t.Fatal(err)
			}
			return auth.WithActor(bg, s.Actor)
		}
		boss := login("boss", "Strong#Pass1")
		bossID := auth.ActorFrom(boss).UserID
		add := func(ctx context.Context, name string, admin bool) (*taxpayer.User, error) {
			return e.tp.AddUser(ctx, taxpayer.UserInput{Username: name, Name: "用户" + name, Phone: "13600000000", Role: auth.TPFinance,
				Admin: admin, Password: "Harbour#Lights7", PasswordConfirm: "Harbour#Lights7"})
		}
		it, err := add(boss, "itadmin", true)
		if err != nil {
			t.Fatal(err)
		}
		other, err := add(boss, "second", true)
		if err != nil {
			t.Fatal(err)
		}
		clerk, err := add(boss, "clerk", false)
		if err != nil {
			t.Fatal(err)
		}
		itctx := login("itadmin", "Harbour#Lights7")
		if err := e.tp.ResetUserPassword(boss, bossID, "Taken#Over2026", "Taken#Over2026"); apperr.As(err).Message != taxpayer.OwnPasswordMessage {
			t.Errorf("own password through reset: %v", err)
		}
		if err := e.tp.ResetUserPassword(itctx, it.ID, "Taken#Over2026", "Taken#Over2026"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("own password through reset (ordinary admin): %v", err)
		}
		off, yes, rep := false, true, auth.TPLegalRep
		for what, err := range map[string]error{
			"reset legal rep":       e.tp.ResetUserPassword(itctx, bossID, "Taken#Over2026", "Taken#Over2026"),
			"disable legal rep":     second(e.tp.PatchUser(itctx, bossID, taxpayer.UserPatch{Active: &off})),
			"reset another admin":   e.tp.ResetUserPassword(itctx, other.ID, "Taken#Over2026", "Taken#Over2026"),
			"disable another admin": second(e.tp.PatchUser(itctx, other.ID, taxpayer.UserPatch{Active: &off})),
			"make an admin":         second(e.tp.PatchUser(itctx, clerk.ID, taxpayer.UserPatch{Admin: &yes})),
			"make a legal rep":      second(e.tp.PatchUser(itctx, clerk.ID, taxpayer.UserPatch{Role: &rep})),
			"add an admin":          second(add(itctx, "third", true)),
		} {
			if apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("ordinary admin: %s: %v", what, err)
			}
		}
		// Ordinary users are any administrator's to manage.
		if err := e.tp.ResetUserPassword(itctx, clerk.ID, "Fresh#Pass333", "Fresh#Pass333"); err != nil {
			t.Errorf("ordinary admin resets a clerk: %v", err)
		}
		// The legal representative manages the administrators.
		if _, err := e.tp.PatchUser(boss, other.ID, taxpayer.UserPatch{Active: &off}); err != nil {
			t.Errorf("legal rep disables an admin: %v", err)
		}
		// A disabled administrator's session can do nothing more.
		if _, err := e.tp.PatchUser(boss, it.ID, taxpayer.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if err := e.tp.ResetUserPassword(itctx, clerk.ID, "Again#Pass333", "Again#Pass333"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("disabled admin's old context: %v", err)
		}
	})
}

// TestPatchUserKeepsOmittedFields: a patch changes what it names.
func TestPatchUserKeepsOmittedFields(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		bg := context.Background()
		reg, err := e.tp.RegisterEnterprise(bg, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := e.auth.LoginTaxpayer(bg, reg.Taxpayer.Code, "boss", "Strong#Pass1", auth.Web, "")
		boss := auth.WithActor(bg, s.Actor)
		u, err := e.tp.AddUser(boss, taxpayer.UserInput{Username: "clerk", Name: "办税员", Phone: "13600000000", Role: auth.TPClerk, Password: "Harbour#Lights7", PasswordConfirm: "Harbour#Lights7"})
		if err != nil {
			t.Fatal(err)
		}
		phone := "13600001111"
		got, err := e.tp.PatchUser(boss, u.ID, taxpayer.UserPatch{Phone: &phone})
		if err != nil || got.Phone != phone || got.Name != "办税员" || got.Role != auth.TPClerk || !got.Active || got.Admin {
			t.Errorf("patch: %+v %v", got, err)
		}
		bad := "boss"
		if _, err := e.tp.PatchUser(boss, u.ID, taxpayer.UserPatch{Role: &bad}); fields(err)["role"] == "" {
			t.Errorf("bad role: %v", err)
		}
	})
}
