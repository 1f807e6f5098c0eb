package taxpayer_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

var now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type env struct {
	d    *db.DB
	tp   *taxpayer.Service
	auth *auth.Service
	r    *rand.Rand
}

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 30, Individuals: 10, Now: now.Add(-time.Hour), PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	clock := func() time.Time { return now }
	return &env{d: d, tp: &taxpayer.Service{DB: d, Now: clock}, auth: auth.NewService(d, clock), r: rand.New(rand.NewPCG(5, 6))}
}

func (e *env) staff(t *testing.T, no string) context.Context {
	t.Helper()
	s, err := e.auth.LoginStaff(context.Background(), no, demo.Password, auth.API, "")
	if err != nil {
		t.Fatal(err)
	}
	return auth.WithActor(context.Background(), s.Actor)
}

func (e *env) enterprise(division string) taxpayer.EnterpriseInput {
	return taxpayer.EnterpriseInput{
		Code: ids.GenerateUSCC(e.r, division), Name: "测试" + division + "科技有限公司", LegalRepName: "陈一",
		LegalRepID:   ids.GenerateResidentID(e.r, division, time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), true),
		DivisionCode: division, Address: "测试路1号", IndustryCode: "65", RegisteredCapital: "500000",
		AccountingStandard: "sbas", Phone: "0592-1234567", Email: "a@example.com",
		User: taxpayer.UserInput{Username: "boss", Name: "陈一", Phone: "13800000000", Role: auth.TPLegalRep, Password: "Strong#Pass1", PasswordConfirm: "Strong#Pass1"},
	}
}

func fields(err error) map[string]string {
	if e := apperr.As(err); e != nil {
		return e.Fields
	}
	return nil
}

func TestRegistrationRoutesToCompetentBureau(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		for division, bureau := range map[string]string{
			"350203": "国家税务总局厦门市思明区税务局", // district bureau exists
			"350121": "国家税务总局闽侯县税务局",    // county under Fuzhou
			"350502": "国家税务总局福建省税务局",    // Quanzhou has no bureau in the demo: the province is competent
		} {
			reg, err := e.tp.RegisterEnterprise(ctx, e.enterprise(division))
			if err != nil {
				t.Fatalf("%s: %v", division, err)
			}
			if reg.Taxpayer.BureauName != bureau || reg.Taxpayer.Status != taxpayer.StatusPending || reg.Taxpayer.RegisteredCapitalFen != 50000000 {
				t.Errorf("%s → %+v", division, reg.Taxpayer)
			}
		}
		// Outside the served province: refused on the district field.
		_, err := e.tp.RegisterEnterprise(ctx, e.enterprise("110101"))
		if fields(err)["division_code"] == "" {
			t.Errorf("Beijing accepted: %v", err)
		}
		// Every bad field is reported at once, on its own field.
		bad := e.enterprise("350203")
		bad.Code = bad.Code[:17] + "I"
		bad.LegalRepID = "110105194912310021"
		bad.RegisteredCapital = "12.345"
		bad.Email = "nobody"
		bad.User.Password, bad.User.PasswordConfirm = "boss#Strong1", "other"
		f := fields(func() error { _, err := e.tp.RegisterEnterprise(ctx, bad); return err }())
		for _, k := range []string{"code", "legal_rep_id", "registered_capital", "email", "user_password", "user_password_confirm"} {
			if f[k] == "" {
				t.Errorf("no message for %s: %v", k, f)
			}
		}
		// Duplicate code.
		in := e.enterprise("350206")
		if _, err := e.tp.RegisterEnterprise(ctx, in); err != nil {
			t.Fatal(err)
		}
		_, err = e.tp.RegisterEnterprise(ctx, in)
		if !strings.Contains(fields(err)["code"], "已经登记") {
			t.Errorf("duplicate: %v", err)
		}
		// Individuals.
		id := ids.GenerateResidentID(e.r, "350102", time.Date(1990, 6, 1, 0, 0, 0, 0, time.UTC), false)
		reg, err := e.tp.RegisterIndividual(ctx, taxpayer.IndividualInput{ResidentID: strings.ToLower(id), Name: "林二", Phone: "13900000000",
			DivisionCode: "350102", Password: "Lin#Second22", PasswordConfirm: "Lin#Second22"})
		if err != nil {
			t.Fatal(err)
		}
		if reg.Taxpayer.Code != id || !strings.Contains(reg.Taxpayer.BureauName, "鼓楼区") {
			t.Errorf("individual %+v", reg.Taxpayer)
		}
		if _, err := e.auth.LoginTaxpayer(ctx, id, "", "Lin#Second22", auth.Web, ""); err != nil {
			t.Errorf("individual login: %v", err)
		}
	})
}

func TestSearchIsScopedToTheBureau(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		reg, err := e.tp.RegisterEnterprise(context.Background(), e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		siming, huli, city, fuzhou := e.staff(t, "35020301"), e.staff(t, "35020601"), e.staff(t, "35020002"), e.staff(t, "35010201")
		for _, c := range []struct {
			name string
			ctx  context.Context
			see  bool
		}{{"siming clerk", siming, true}, {"xiamen city supervisor", city, true}, {"huli clerk", huli, false}, {"fuzhou clerk", fuzhou, false}} {
			p, err := e.tp.Search(c.ctx, taxpayer.Filter{Query: reg.Taxpayer.Code})
			if err != nil {
				t.Fatal(err)
			}
			_, gerr := e.tp.Get(c.ctx, reg.Taxpayer.ID)
			if (p.Total == 1) != c.see || (gerr == nil) != c.see {
				t.Errorf("%s: total %d, get %v", c.name, p.Total, gerr)
			}
			if !c.see && apperr.CodeOf(gerr) != apperr.NotFound {
				t.Errorf("%s: %v, want not found", c.name, gerr)
			}
		}
		// Everything the Huli clerk lists is in Huli; keyset paging covers it
		// exactly once, newest first, and the previous pages come back the same.
		seen := map[int64]bool{}
		first, err := e.tp.Search(huli, taxpayer.Filter{PageSize: 1})
		if err != nil || !first.Counted || first.Over || first.Prev != "" {
			t.Fatalf("first page: %+v %v", first, err)
		}
		var pages [][]int64
		var last *taxpayer.Taxpayer
		for p := first; ; {
			var ids []int64
			for _, tp := range p.Items {
				if !strings.Contains(tp.BureauName, "湖里区") || seen[tp.ID] {
					t.Errorf("huli list: %s %s", tp.Name, tp.BureauName)
				}
				if last != nil && (tp.RegisteredAt.After(last.RegisteredAt) || tp.RegisteredAt.Equal(last.RegisteredAt) && tp.ID > last.ID) {
					t.Errorf("order: %d after %d", tp.ID, last.ID)
				}
				seen[tp.ID], last = true, tp
				ids = append(ids, tp.ID)
			}
			pages = append(pages, ids)
			if p.Next == "" {
				break
			}
			if p, err = e.tp.Search(huli, taxpayer.Filter{PageSize: 1, After: p.Next}); err != nil || p.Prev == "" {
				t.Fatalf("next page: %+v %v", p, err)
			}
			if len(pages) > 100 {
				t.Fatal("paging does not end")
			}
		}
		if len(seen) != first.Total || first.Total == 0 || len(pages) < 2 {
			t.Errorf("paging saw %d of %d in %d pages", len(seen), first.Total, len(pages))
		}
		// Back from the last page: the same pages in reverse.
		back, _ := e.tp.Search(huli, taxpayer.Filter{PageSize: 1, After: cursorBefore(t, e, huli, pages)})
		for i := len(pages) - 1; i >= 0; i-- {
			var ids []int64
			for _, tp := range back.Items {
				ids = append(ids, tp.ID)
			}
			if fmt.Sprint(ids) != fmt.Sprint(pages[i]) {
				t.Errorf("page %d backwards: %v, forwards %v", i, ids, pages[i])
			}
			if (i == 0) != (back.Prev == "") {
				t.Errorf("page %d: prev %q", i, back.Prev)
			}
			if back.Prev == "" {
				break
			}
			back, _ = e.tp.Search(huli, taxpayer.Filter{PageSize: 1, Before: back.Prev})
		}
		// A whole code is found by its index, in scope only.
		one, _ := e.tp.Search(siming, taxpayer.Filter{Query: strings.ToLower(reg.Taxpayer.Code)})
		if len(one.Items) != 1 || one.Items[0].ID != reg.Taxpayer.ID {
			t.Errorf("whole code: %+v", one)
		}
		// Filters: by status and by part of the name.
		p, _ := e.tp.Search(siming, taxpayer.Filter{Status: taxpayer.StatusPending, Query: "测试350203"})
		if p.Total != 1 {
			t.Errorf("status+name filter: %d", p.Total)
		}
		// Roles without taxpayer access, and taxpayers, cannot search.
		editor := e.staff(t, "35020004")
		if _, err := e.tp.Search(editor, taxpayer.Filter{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("content editor: %v", err)
		}
		s, _ := e.auth.LoginTaxpayer(context.Background(), reg.Taxpayer.Code, "boss", "Strong#Pass1", auth.API, "")
		if _, err := e.tp.Search(auth.WithActor(context.Background(), s.Actor), taxpayer.Filter{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("taxpayer searched: %v", err)
		}
	})
}

func TestTaxTypeIdentification(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		reg, err := e.tp.RegisterEnterprise(context.Background(), e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		id := reg.Taxpayer.ID
		clerk := e.staff(t, "35020301")
		identify := func(ctx context.Context, tax, period, start string) error {
			_, err := e.tp.Identify(ctx, id, taxpayer.IdentifyInput{TaxType: tax, Period: period, StartDate: start})
			return err
		}
		if err := identify(clerk, "vat_small", "quarter", "2026-11-23"); err != nil {
			t.Fatal(err)
		}
		// One identification does not finish a new taxpayer: it stays in
		// the to-do list until a clerk marks identification complete.
		got, _ := e.tp.Get(clerk, id)
		if got.Status != taxpayer.StatusPending {
			t.Errorf("status after the first identification: %s, want pending", got.Status)
		}
		if got, err := e.tp.CompleteIdentification(clerk, id); err != nil || got.Status != taxpayer.StatusActive {
			t.Fatalf("complete: %+v %v", got, err)
		}
		if got, _ := e.tp.Get(clerk, id); got.Status != taxpayer.StatusActive {
			t.Errorf("status after completion: %s", got.Status)
		}
		for _, c := range []struct{ tax, period, start, field string }{
			{"vat_general", "month", "2026-12-01", "tax_type"},     // overlaps the small-scale VAT
			{"vat_small", "month", "2027-01-01", "tax_type"},       // same tax still open
			{"iit_withholding", "quarter", "2026-12-01", "period"}, // IIT withholding is monthly
			{"cit", "month", "2026-11-01", "start_date"},           // before registration
			{"cit", "month", "2026-13-01", "start_date"},
			{"stamp", "month", "2026-12-01", "tax_type"},
		} {
			if err := identify(clerk, c.tax, c.period, c.start); fields(err)[c.field] == "" {
				t.Errorf("%+v: %v", c, err)
			}
		}
		// End small-scale VAT, then general VAT from the next day is accepted.
		list, _ := e.tp.Identifications(clerk, id)
		if err := e.tp.EndIdentification(clerk, id, list[0].ID, "2026-11-20"); fields(err)["end_date"] == "" {
			t.Errorf("end before start: %v", err)
		}
		if err := e.tp.EndIdentification(clerk, id, list[0].ID, "2026-11-30"); err != nil {
			t.Fatal(err)
		}
		if err := identify(clerk, "vat_general", "month", "2026-12-01"); err != nil {
			t.Fatalf("general after end: %v", err)
		}
		// Other district, other roles, the taxpayer itself: refused.
		if err := identify(e.staff(t, "35020601"), "cit", "quarter", "2026-12-01"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other district: %v", err)
		}
		if err := identify(e.staff(t, "35020303"), "cit", "quarter", "2026-12-01"); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("hall supervisor: %v", err)
		}
		// The record's history names who did what.
		hist, err := e.tp.History(clerk, id)
		if err != nil || len(hist) != 5 || hist[0].ActionName != "税（费）种认定" || hist[2].ActionName != "认定完成" || hist[0].ActorName == "" || hist[len(hist)-1].ActionName != "在线登记" {
			t.Errorf("history: %+v %v", hist, err)
		}
		if _, err := e.tp.History(e.staff(t, "35020601"), id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other district read history: %v", err)
		}
		// The taxpayer sees its own identifications, not another's.
		s, _ := e.auth.LoginTaxpayer(context.Background(), reg.Taxpayer.Code, "boss", "Strong#Pass1", auth.API, "")
		tctx := auth.WithActor(context.Background(), s.Actor)
		mine, err := e.tp.Identifications(tctx, id)
		if err != nil || len(mine) != 2 {
			t.Errorf("own identifications: %d %v", len(mine), err)
		}
		if _, err := e.tp.Identifications(tctx, id-1); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another taxpayer's identifications: %v", err)
		}
		// Individuals cannot be given enterprise-only taxes.
		ind, err := e.tp.RegisterIndividual(context.Background(), taxpayer.IndividualInput{ResidentID: ids.GenerateResidentID(e.r, "350203", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), true),
			Name: "张三", Phone: "13700000000", DivisionCode: "350203", Password: "Zhang#Three3", PasswordConfirm: "Zhang#Three3"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.tp.Identify(clerk, ind.Taxpayer.ID, taxpayer.IdentifyInput{TaxType: "cit", Period: "quarter", StartDate: "2026-12-01"}); fields(err)["tax_type"] == "" {
			t.Errorf("CIT for an individual: %v", err)
		}
	})
}

func TestEnterpriseUsers(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		bg := context.Background()
		reg, err := e.tp.RegisterEnterprise(bg, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		code := reg.Taxpayer.Code
		login := func(user, pw string) (context.Context, string, error) {
			s, err := e.auth.LoginTaxpayer(bg, code, user, pw, auth.Web, "")
			if err != nil {
				return nil, "", err
			}
			return auth.WithActor(bg, s.Actor), s.Token, nil
		}
		admin, _, err := login("boss", "Strong#Pass1")
		if err != nil {
			t.Fatal(err)
		}
		clerkIn := taxpayer.UserInput{Username: "Clerk1", Name: "办税员甲", Phone: "13600000000", Role: auth.TPClerk, Password: "Clerk#Pass22", PasswordConfirm: "Clerk#Pass22"}
		u, err := e.tp.AddUser(admin, clerkIn)
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "clerk1" || u.Admin {
			t.Errorf("user %+v", u)
		}
		if _, err := e.tp.AddUser(admin, clerkIn); fields(err)["username"] == "" {
			t.Errorf("duplicate username: %v", err)
		}
		bad := clerkIn
		bad.Username, bad.Role, bad.Phone = "x", "boss", "123"
		if f := fields(func() error { _, err := e.tp.AddUser(admin, bad); return err }()); f["username"] == "" || f["role"] == "" || f["phone"] == "" {
			t.Errorf("bad user: %v", f)
		}
		clerk, clerkToken, err := login("clerk1", "Clerk#Pass22")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.tp.AddUser(clerk, taxpayer.UserInput{}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("non-admin added a user: %v", err)
		}
		// Admin cannot lock themselves out.
		if _, err := e.tp.UpdateUser(admin, reg.Taxpayer.ID*0+idOf(t, e, admin, "boss"), taxpayer.UserInput{Name: "陈一", Phone: "13800000000", Role: auth.TPLegalRep}, true); fields(err)["admin"] == "" {
			t.Errorf("admin removed own admin flag: %v", err)
		}
		// Reset password: old sessions end, new password works, weak refused.
		if err := e.tp.ResetUserPassword(admin, u.ID, "weak", "weak"); fields(err)["password"] == "" {
			t.Errorf("weak reset: %v", err)
		}
		if err := e.tp.ResetUserPassword(admin, u.ID, "Fresh#Pass333", "Fresh#Pass333"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.AuthenticateWeb(bg, clerkToken); err == nil {
			t.Error("session survived password reset")
		}
		_, clerkToken, err = login("clerk1", "Fresh#Pass333")
		if err != nil {
			t.Fatal(err)
		}
		// Disable: sessions end, login refused.
		if _, err := e.tp.UpdateUser(admin, u.ID, taxpayer.UserInput{Name: u.Name, Phone: u.Phone, Role: u.Role}, false); err != nil {
			t.Fatal(err)
		}
		if _, err := e.auth.AuthenticateWeb(bg, clerkToken); err == nil {
			t.Error("session survived disabling")
		}
		if _, _, err := login("clerk1", "Fresh#Pass333"); err == nil {
			t.Error("disabled user logged in")
		}
		// Another enterprise's admin cannot touch this user.
		other, err := e.tp.RegisterEnterprise(bg, e.enterprise("350206"))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := e.auth.LoginTaxpayer(bg, other.Taxpayer.Code, "boss", "Strong#Pass1", auth.Web, "")
		octx := auth.WithActor(bg, s.Actor)
		if _, err := e.tp.User(octx, u.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other enterprise read user: %v", err)
		}
		if err := e.tp.ResetUserPassword(octx, u.ID, "Evil#Pass4444", "Evil#Pass4444"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other enterprise reset password: %v", err)
		}
		if _, err := e.tp.UpdateUser(octx, u.ID, taxpayer.UserInput{Name: "坏人", Phone: "13600000000", Role: auth.TPClerk}, true); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other enterprise updated user: %v", err)
		}
	})
}

func idOf(t *testing.T, e *env, ctx context.Context, username string) int64 {
	users, err := e.tp.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return 0
}

func TestRegistrationThrottledPerAddress(t *testing.T) {
	e := setup(t, dbtest.NewSQLite(t))
	ctx := auth.WithIP(context.Background(), "10.1.1.1")
	for i := range taxpayer.RegistrationsPerHour {
		if _, err := e.tp.RegisterEnterprise(ctx, e.enterprise("350203")); err != nil {
			t.Fatalf("registration %d: %v", i, err)
		}
	}
	if _, err := e.tp.RegisterEnterprise(ctx, e.enterprise("350203")); apperr.CodeOf(err) != apperr.TooMany {
		t.Fatalf("over the limit: %v", err)
	}
	if _, err := e.tp.RegisterEnterprise(auth.WithIP(context.Background(), "10.1.1.2"), e.enterprise("350203")); err != nil {
		t.Fatalf("another address: %v", err)
	}
}

// cursorBefore walks to the last page and returns the cursor that opens it.
func cursorBefore(t *testing.T, e *env, ctx context.Context, pages [][]int64) string {
	t.Helper()
	p, _ := e.tp.Search(ctx, taxpayer.Filter{PageSize: 1})
	cur := ""
	for i := 1; i < len(pages); i++ {
		cur = p.Next
		p, _ = e.tp.Search(ctx, taxpayer.Filter{PageSize: 1, After: cur})
	}
	return cur
}
