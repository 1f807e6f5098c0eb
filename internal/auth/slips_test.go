package auth_test

import (
	"context"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// TestEnterpriseLoginWithoutUsername (issue 7 finding 6): a credit code
// with no username is told what is missing, before any password check and
// without counting a failure, so it can never lock the account.
func TestEnterpriseLoginWithoutUsername(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, code := seeded(t, d)
		ctx := auth.WithIP(context.Background(), "10.0.0.5")
		before := s.Verifications()
		for range s.AccountLimit + 3 {
			_, err := s.LoginTaxpayer(ctx, code, "", demo.Password, auth.Web, "")
			e := apperr.As(err)
			if e.Code != apperr.Invalid || e.Fields["username"] != auth.UsernameMissing {
				t.Fatalf("no username: %v", err)
			}
		}
		if n := s.Verifications() - before; n != 0 {
			t.Errorf("%d passwords checked without a username", n)
		}
		if _, err := s.LoginTaxpayer(ctx, code, "admin", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("the account was locked by empty usernames: %v", err)
		}
		// An individual still logs in with the resident ID alone.
		if _, err := s.LoginTaxpayer(ctx, individualCode(t, d), "", demo.Password, auth.Web, ""); err != nil {
			t.Fatalf("individual without username: %v", err)
		}
	})
}

// TestLoginSaysTriesLeftAndWhenTheLockEnds (finding 6): from the third
// failure on a wrong password is told how many tries are left, and the
// lock says its end in China time (the clock is 09:00 UTC, 17:00 CST).
func TestLoginSaysTriesLeftAndWhenTheLockEnds(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, _, _ := seeded(t, d)
		ctx := auth.WithIP(context.Background(), "10.0.0.6")
		want := []string{"账号或密码不正确", "账号或密码不正确", "账号或密码不正确，还可尝试 2 次", "账号或密码不正确，还可尝试 1 次",
			"账号或密码不正确。失败次数过多，登录已暂时锁定，请于 17:15 后再试"}
		for i, w := range want {
			_, err := s.LoginStaff(ctx, "35020301", "Wrong#Pass2026", auth.Web, "")
			if e := apperr.As(err); e.Code != apperr.Unauthenticated || e.Message != w {
				t.Errorf("failure %d: %v, want %q", i+1, err, w)
			}
		}
		_, err := s.LoginStaff(ctx, "35020301", demo.Password, auth.Web, "")
		if e := apperr.As(err); e.Code != apperr.TooMany || e.Message != "该账户登录失败次数过多，已暂时锁定，请于 17:15 后再试" {
			t.Errorf("locked: %v", err)
		}
	})
}
