package auth_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
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
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
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
			if _, err := s.AuthenticateWeb(ctx, sess.Token); err != nil {
				t.Fatalf("active session rejected: %v", err)
			}
		}
		// ...31 idle minutes end it.
		c.t = c.t.Add(31 * time.Minute)
		if _, err := s.AuthenticateWeb(ctx, sess.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("idle session: %v", err)
		}
		// API tokens have a longer idle limit (2 h) and a 24 h lifetime.
		api, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.API, "cli")
		if err != nil {
			t.Fatal(err)
		}
		for range 12 { // used every 1 h 55 min: alive until the lifetime ends
			c.t = c.t.Add(115 * time.Minute)
			if _, err := s.AuthenticateAPI(ctx, api.Token); err != nil {
				t.Fatalf("api token in use: %v", err)
			}
		}
		c.t = c.t.Add(115 * time.Minute) // 23 h + 115 min > 24 h
		if _, err := s.AuthenticateAPI(ctx, api.Token); err == nil {
			t.Fatal("api token outlived its lifetime")
		}
		idle, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.API, "cli")
		if err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(2*time.Hour + time.Minute)
		if _, err := s.AuthenticateAPI(ctx, idle.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("api token idle 2h01: %v", err)
		}
		// Logout ends exactly that session.
		a1, _ := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "a")
		a2, _ := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "b")
		actor, err := s.AuthenticateWeb(ctx, a1.Token)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Logout(auth.WithActor(ctx, actor)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateWeb(ctx, a1.Token); err == nil {
			t.Error("logged-out session still valid")
		}
		if _, err := s.AuthenticateWeb(ctx, a2.Token); err != nil {
			t.Error("logout ended another session")
		}
		// Unknown tokens are rejected.
		if _, err := s.AuthenticateWeb(ctx, "forged"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Error("forged token accepted")
		}
	})
}

func TestLoginThrottlePerAccountAndAddress(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
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
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, code := seeded(t, d)
		bg := context.Background()
		here, _ := s.LoginTaxpayer(bg, code, "caiwu", demo.Password, auth.Web, "here")
		there, _ := s.LoginTaxpayer(bg, code, "caiwu", demo.Password, auth.Web, "there")
		actor, err := s.AuthenticateWeb(bg, here.Token)
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
		if _, err := s.AuthenticateWeb(bg, here.Token); err != nil {
			t.Errorf("the session in use ended: %v", err)
		}
		if _, err := s.AuthenticateWeb(bg, there.Token); err == nil {
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

// TestSessionKindsAreKeptApart: a browser cookie is no API bearer token and
// an API token no browser cookie (security finding 7).
func TestSessionKindsAreKeptApart(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, _ := seeded(t, d)
		ctx := context.Background()
		web, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "browser")
		if err != nil {
			t.Fatal(err)
		}
		api, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.API, "cli")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AuthenticateAPI(ctx, web.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("web cookie as bearer token: %v", err)
		}
		if _, err := s.AuthenticateWeb(ctx, api.Token); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("api token as web cookie: %v", err)
		}
		// Refusing the wrong kind does not end the session.
		if _, err := s.AuthenticateWeb(ctx, web.Token); err != nil {
			t.Errorf("web session: %v", err)
		}
		if _, err := s.AuthenticateAPI(ctx, api.Token); err != nil {
			t.Errorf("api token: %v", err)
		}
	})
}

// parallel runs n calls of fn released together by closing a channel, and
// waits for all of them.
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

// TestParallelWrongPasswordsGetFiveChecks: 60 wrong passwords sent at once
// for one account from one address through two connection pools (two
// nodes) check at most AccountLimit passwords (security finding 1); the
// rest are refused as TooMany without a hash.
func TestParallelWrongPasswordsGetFiveChecks(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s1, c, code := seeded(t, d)
		s2 := auth.NewService(dbtest.SecondPool(t, d), c.now)
		ctx := auth.WithIP(context.Background(), "10.0.0.7")
		for _, tc := range []struct {
			name  string
			login func(s *auth.Service, i int) error
		}{
			{"staff", func(s *auth.Service, i int) error {
				_, err := s.LoginStaff(ctx, "35020301", "Wrong#Pass2026", auth.API, "")
				return err
			}},
			// An individual's "" and "self" are one account: one bucket.
			{"individual", func(s *auth.Service, i int) error {
				user := []string{"", "self", "SELF"}[i%3]
				_, err := s.LoginTaxpayer(ctx, individualCode(t, d), user, "Wrong#Pass2026", auth.API, "")
				return err
			}},
			{"enterprise", func(s *auth.Service, i int) error {
				_, err := s.LoginTaxpayer(ctx, code, "admin", "Wrong#Pass2026", auth.API, "")
				return err
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := s1.Verifications() + s2.Verifications()
				var mu sync.Mutex
				codes := map[apperr.Code]int{}
				parallel(60, func(i int) {
					s := []*auth.Service{s1, s2}[i%2]
					err := tc.login(s, i)
					mu.Lock()
					codes[apperr.CodeOf(err)]++
					mu.Unlock()
				})
				checks := s1.Verifications() + s2.Verifications() - before
				if checks > int64(s1.AccountLimit) || codes[apperr.Unauthenticated] != int(checks) || codes[apperr.TooMany] != 60-int(checks) {
					t.Errorf("%d password checks, answers %v", checks, codes)
				}
			})
		}
	})
}

func individualCode(t *testing.T, d *db.DB) string {
	var code string
	if err := d.QueryRowContext(context.Background(), `SELECT code FROM taxpayers WHERE kind = 'individual' ORDER BY id LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	return code
}

// TestLockFromOneAddressSparesTheOwner: five wrong passwords from one
// address lock that address out of the account, not the owner logging in
// from elsewhere; staff numbers are one account in any case.
func TestLockFromOneAddressSparesTheOwner(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, _ := seeded(t, d)
		attacker := auth.WithIP(context.Background(), "203.0.113.9")
		for i := range s.AccountLimit {
			no := []string{"35020301", " 35020301 "}[i%2]
			if _, err := s.LoginStaff(attacker, no, "Wrong#Pass2026", auth.Web, ""); apperr.CodeOf(err) != apperr.Unauthenticated {
				t.Fatalf("wrong password: %v", err)
			}
		}
		if _, err := s.LoginStaff(attacker, "35020301", demo.Password, auth.Web, ""); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("attacker's address not locked: %v", err)
		}
		owner := auth.WithIP(context.Background(), "198.51.100.4")
		if _, err := s.LoginStaff(owner, "35020301", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("owner from another address: %v", err)
		}
		// Guessing spread over many addresses meets the account ceiling.
		for i := range s.AccountCeiling {
			ip := auth.WithIP(context.Background(), "192.0.2."+strconv.Itoa(i))
			s.LoginStaff(ip, "35020601", "Wrong#Pass2026", auth.Web, "")
		}
		if _, err := s.LoginStaff(owner, "35020601", demo.Password, auth.Web, ""); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("account ceiling: %v", err)
		}
	})
}

// TestStaffNumbersAreCaseInsensitive: the login finds a staff member
// whatever the case typed, and counts the attempts in one bucket.
func TestStaffNumbersAreCaseInsensitive(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, c, _ := seeded(t, d)
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, `UPDATE staff SET staff_no = 'XM0301' WHERE staff_no = '35020301'`); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoginStaff(ctx, "xm0301", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("lower-case staff number: %v", err)
		}
		for i := range s.AccountLimit {
			s.LoginStaff(ctx, []string{"xm0301", "XM0301", "Xm0301"}[i%3], "Wrong#Pass2026", auth.Web, "")
		}
		if _, err := s.LoginStaff(ctx, "XM0301", demo.Password, auth.Web, ""); apperr.CodeOf(err) != apperr.TooMany {
			t.Fatalf("cases counted apart: %v", err)
		}
		c.t = c.t.Add(16 * time.Minute)
		if _, err := s.LoginStaff(ctx, "XM0301", demo.Password, auth.Web, ""); err != nil {
			t.Fatal(err)
		}
	})
}

// TestChangePasswordIsThrottled: the current-password check of "change my
// password" is a login check too; parallel guesses get AccountLimit checks.
func TestChangePasswordIsThrottled(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, _ := seeded(t, d)
		bg := context.Background()
		st, err := s.LoginStaff(bg, "35020301", demo.Password, auth.Web, "")
		if err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithActor(bg, st.Actor)
		before := s.Verifications()
		var mu sync.Mutex
		codes := map[apperr.Code]int{}
		parallel(30, func(int) {
			err := s.ChangePassword(ctx, "Guess#Pass2026", "Clerk#Changed2026", "Clerk#Changed2026")
			mu.Lock()
			codes[apperr.CodeOf(err)]++
			mu.Unlock()
		})
		if n := s.Verifications() - before; n > int64(s.AccountLimit) || codes[apperr.TooMany] != 30-int(n) {
			t.Errorf("%d checks, answers %v", n, codes)
		}
		if err := s.ChangePassword(ctx, demo.Password, "Clerk#Changed2026", "Clerk#Changed2026"); apperr.CodeOf(err) != apperr.TooMany {
			t.Errorf("right password while locked: %v", err)
		}
	})
}

// TestCommonPasswordsRefused: the embedded list, normalised (security
// finding 8).
func TestCommonPasswordsRefused(t *testing.T) {
	for pw, ok := range map[string]bool{
		"Aaaaaaaaa1":      false, // a run of one letter
		"P@ssw0rd2026":    false, // password, dressed up
		"Woaini1314!!":    false,
		"Qwe123456789#":   false,
		"1qaz2WSX!@#$":    false,
		"IloveYou2026!":   false,
		"Admin@12345678":  false,
		"2026Password!":   false,
		"5201314#Abc":     false, // abc
		"Zhangwei@1990":   false,
		"Xiamen@2026":     true, // the demo password
		"Strong#Pass1":    true,
		"Lin#Second22":    true,
		"Harbour#Lights7": true,
	} {
		err := auth.CheckPasswordStrength(pw)
		if (err == nil) != ok {
			t.Errorf("%q: %v", pw, err)
		} else if err != nil && err.Error() != "密码过于常见，请换一个不易猜到的密码" {
			t.Errorf("%q: %v", pw, err)
		}
	}
}
