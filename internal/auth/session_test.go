package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/demo"
)

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func seeded(t *testing.T, d *db.DB) (*auth.Service, *clock, string) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	res, err := demo.Seed(ctx, d, demo.Options{Enterprises: 3, Individuals: 2, Now: c.t, PasswordHash: hash()})
	if err != nil {
		t.Fatal(err)
	}
	var code string
	for _, l := range res.Logins {
		if l.Code != "" && l.Username == "admin" {
			code = l.Code
			break
		}
	}
	return auth.NewService(d, c.now), c, code
}

func TestSessionsExpireAndEnd(t *testing.T) {
	db.ForEach(t, func(t *testing.T, d *db.DB) {
		s, c, code := seeded(t, d)
		ctx := auth.WithIP(context.Background(), "10.0.0.1")
		sess, err := s.LoginTaxpayer(ctx, code, "ADMIN", demo.Password, auth.Web, "test")
		if err != nil {
			t.Fatal(err)
		}
		if sess.Actor.TaxpayerCode != code || !sess.Actor.Admin {
			t.Fatalf("actor %+v", sess.Actor)
		}
		// Active use keeps the session alive past the idle limit...
		for range 4 {
			c.t = c.t.Add(20 * time.Minute)
			if _, err := s.Authenticate(ctx, sess.Token); err != nil {
				t.Fatalf("active session rejected: %v", err)
			}
		}
		// ...31 idle minutes end it.
		c.t = c.t.Add(31 * time.Minute)
		if _, err := s.Authenticate(ctx, sess.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("idle session: %v", err)
		}
		// API tokens are not subject to the idle limit, only to their lifetime.
		api, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.API, "cli")
		if err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(2 * time.Hour)
		if _, err := s.Authenticate(ctx, api.Token); err != nil {
			t.Fatalf("api token after 2h: %v", err)
		}
		c.t = c.t.Add(23 * time.Hour)
		if _, err := s.Authenticate(ctx, api.Token); err == nil {
			t.Fatal("api token outlived its lifetime")
		}
		// Logout ends exactly that session.
		a1, _ := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "a")
		a2, _ := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "b")
		actor, err := s.Authenticate(ctx, a1.Token)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Logout(auth.WithActor(ctx, actor)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, a1.Token); err == nil {
			t.Error("logged-out session still valid")
		}
		if _, err := s.Authenticate(ctx, a2.Token); err != nil {
			t.Error("logout ended another session")
		}
		// Unknown tokens are rejected.
		if _, err := s.Authenticate(ctx, "forged"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Error("forged token accepted")
		}
	})
}

func TestLoginThrottlePerAccountAndAddress(t *testing.T) {
	db.ForEach(t, func(t *testing.T, d *db.DB) {
		s, c, _ := seeded(t, d)
		ctx := auth.WithIP(context.Background(), "10.0.0.2")
		for range s.AccountLimit {
			if _, err := s.LoginStaff(ctx, "35020301", "wrong", auth.Web, ""); apperr.CodeOf(err) != apperr.Unauthenticated {
				t.Fatalf("wrong password: %v", err)
			}
		}
		// Even the right password is refused while the account is locked.
		if _, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, ""); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("locked account: %v", err)
		}
		// Another account from another address is unaffected.
		other := auth.WithIP(context.Background(), "10.0.0.3")
		if _, err := s.LoginStaff(other, "35020601", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("other account: %v", err)
		}
		// The lock lifts after the window.
		c.t = c.t.Add(16 * time.Minute)
		if _, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("after window: %v", err)
		}
		// One address trying many accounts is stopped too.
		spray := auth.WithIP(context.Background(), "10.0.0.9")
		for i := range s.AddressLimit {
			s.LoginStaff(spray, "nobody"+string(rune('a'+i%26))+string(rune('a'+i/26)), "x", auth.Web, "")
		}
		if _, err := s.LoginStaff(spray, "35020601", demo.Password, auth.Web, ""); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("address limit: %v", err)
		}
	})
}

func TestPasswordStrengthAndHashing(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Xiamen@2026": true, "short1A!": false, "alllowercase1": false, "NoDigitsHere!": true,
		"Password#2026": false, "35020301Ab!": false, "with space A1!": false,
	} {
		err := auth.CheckPasswordStrength(pw, "35020301")
		if (err == nil) != ok {
			t.Errorf("%q: %v", pw, err)
		}
	}
	h := auth.HashPassword("Xiamen@2026")
	if !auth.VerifyPassword(h, "Xiamen@2026") || auth.VerifyPassword(h, "Xiamen@2027") || auth.VerifyPassword("garbage", "x") {
		t.Fatal("verify")
	}
	if h == auth.HashPassword("Xiamen@2026") {
		t.Fatal("hash not salted")
	}
}

func TestChangeOwnPassword(t *testing.T) {
	db.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, code := seeded(t, d)
		bg := context.Background()
		here, _ := s.LoginTaxpayer(bg, code, "caiwu", demo.Password, auth.Web, "here")
		there, _ := s.LoginTaxpayer(bg, code, "caiwu", demo.Password, auth.Web, "there")
		actor, err := s.Authenticate(bg, here.Token)
		if err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithActor(bg, actor)
		for _, c := range []struct{ current, pw, confirm, field string }{
			{"wrong", "New#Secret2026", "New#Secret2026", "current_password"},
			{demo.Password, "weak", "weak", "password"},
			{demo.Password, demo.Password, demo.Password, "password"},
			{demo.Password, "New#Secret2026", "New#Secret2027", "password_confirm"},
			{demo.Password, "Caiwu#Secret2026", "Caiwu#Secret2026", "password"}, // contains the username
		} {
			if e := apperr.As(s.ChangePassword(ctx, c.current, c.pw, c.confirm)); e == nil || e.Fields[c.field] == "" {
				t.Errorf("%+v: %v", c, e)
			}
		}
		if err := s.ChangePassword(ctx, demo.Password, "New#Secret2026", "New#Secret2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(bg, here.Token); err != nil {
			t.Errorf("the session in use ended: %v", err)
		}
		if _, err := s.Authenticate(bg, there.Token); err == nil {
			t.Error("another session survived the change")
		}
		if _, err := s.LoginTaxpayer(bg, code, "caiwu", "New#Secret2026", auth.Web, ""); err != nil {
			t.Errorf("new password: %v", err)
		}
		// Staff too.
		st, _ := s.LoginStaff(bg, "35020301", demo.Password, auth.Web, "")
		if err := s.ChangePassword(auth.WithActor(bg, st.Actor), demo.Password, "Clerk#Changed2026", "Clerk#Changed2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoginStaff(bg, "35020301", "Clerk#Changed2026", auth.Web, ""); err != nil {
			t.Errorf("staff new password: %v", err)
		}
	})
}
