package auth

import (
	"context"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// CountAttempt reserves one attempt against key and returns how many the
// key has had in its current fixed window, this one included. The window
// starts with the first attempt and lasts window; the next attempt after it
// starts a new one. It is one atomic upsert, so N parallel callers get the
// N distinct counts 1…N on both databases: whoever sees a count over the
// limit gives up before doing the costly or guessable thing (checking a
// password, probing whether a code is registered).
func CountAttempt(ctx context.Context, q db.Querier, key string, now time.Time, window time.Duration) (n int, err error) {
	n, _, err = countAttempt(ctx, q, key, now, window)
	return n, err
}

// countAttempt is CountAttempt that also returns when the window ends: the
// same single upsert returns the count and the window's start.
func countAttempt(ctx context.Context, q db.Querier, key string, now time.Time, window time.Duration) (n int, ends time.Time, err error) {
	defer db.Wrap(&err, "auth.CountAttempt(%q)", key)
	var start string
	err = q.QueryRowContext(ctx, `INSERT INTO throttle_counters (key, window_start, n) VALUES ($1, $2, 1)
		ON CONFLICT (key) DO UPDATE SET
			n = CASE WHEN throttle_counters.window_start <= $3 THEN 1 ELSE throttle_counters.n + 1 END,
			window_start = CASE WHEN throttle_counters.window_start <= $3 THEN excluded.window_start ELSE throttle_counters.window_start END
		RETURNING n, window_start`, key, db.TS(now), db.TS(now.Add(-window))).Scan(&n, &start)
	if err != nil {
		return 0, time.Time{}, err
	}
	return n, db.ParseTS(start).Add(window), nil
}

// giveBack returns one reserved attempt: it was not a failure.
func giveBack(ctx context.Context, q db.Querier, key string) error {
	_, err := q.ExecContext(ctx, `UPDATE throttle_counters SET n = n - 1 WHERE key = $1 AND n > 0`, key)
	return err
}

func clearKey(ctx context.Context, q db.Querier, key string) error {
	_, err := q.ExecContext(ctx, `DELETE FROM throttle_counters WHERE key = $1`, key)
	return err
}

// Login throttling. Three counters are reserved, in this order, before a
// password is checked:
//
//   - the pair (account, address): AccountLimit (5) attempts in
//     FailureWindow. This is the lock a user meets after mistyping, and the
//     one an attacker at one address meets: 60 parallel guesses get 5 checks.
//   - the address: AddressLimit (30), against one address spraying many
//     accounts.
//   - the account from all addresses: AccountCeiling (50), much higher,
//     against guessing spread over many addresses.
//
// The lock is per pair, not per account, so that one address cannot lock
// anyone out: after five wrong passwords from an attacker's address, the
// owner logging in from their own address still gets in (documented choice
// for security finding 1). Only an attacker with more than ten addresses
// can reach the account ceiling; the ceiling bounds their guesses at 50 per
// 15 minutes. A successful login clears its pair and gives its reservation
// back to the address and account counters: only failures count.
type loginTicket struct {
	pair, address, account string
	n                      int       // attempts of the pair in its window, this one included
	ends                   time.Time // when the pair's window ends
}

// cst is China Standard Time, in which a person is told when a lock ends.
var cst = time.FixedZone("CST", 8*3600)

// until says when a lock ends, in China time ("请于 14:35 后再试").
func until(t time.Time) string { return "请于 " + t.In(cst).Format("15:04") + " 后再试" }

func accountLocked(ends time.Time) error {
	return apperr.New(apperr.TooMany, "该账户登录失败次数过多，已暂时锁定，"+until(ends))
}

func addressLocked(ends time.Time) error {
	return apperr.New(apperr.TooMany, "来自您所在网络地址的登录失败次数过多，已暂时限制登录，"+until(ends))
}

// triesShownAfter is the failure after which a wrong password is told how
// many tries are left before the lock.
const triesShownAfter = 3

// badCredentials is the answer to a wrong password (or an unknown
// account): from the third failure on it says how many tries are left, and
// on the last one when the lock ends.
func (s *Service) badCredentials(t *loginTicket) error {
	left := s.AccountLimit - t.n
	switch {
	case t.n < triesShownAfter:
		return errBadCredentials
	case left > 0:
		return apperr.New(apperr.Unauthenticated, "账号或密码不正确，还可尝试 "+strconv.Itoa(left)+" 次")
	default:
		return apperr.New(apperr.Unauthenticated, "账号或密码不正确。失败次数过多，登录已暂时锁定，"+until(t.ends))
	}
}

// admit reserves a login attempt for account, or says why not.
func (s *Service) admit(ctx context.Context, now time.Time, account string) (*loginTicket, error) {
	ip := IPFrom(ctx)
	t := &loginTicket{pair: account + "@" + ip, account: account}
	var err error
	if t.n, t.ends, err = countAttempt(ctx, s.DB, t.pair, now, s.FailureWindow); err != nil {
		return nil, err
	}
	if t.n > s.AccountLimit {
		return nil, accountLocked(t.ends)
	}
	if ip != "" {
		t.address = "ip:" + ip
		n, ends, err := countAttempt(ctx, s.DB, t.address, now, s.FailureWindow)
		if err != nil {
			return nil, err
		}
		if n > s.AddressLimit {
			return nil, addressLocked(ends)
		}
	}
	n, ends, err := countAttempt(ctx, s.DB, t.account, now, s.FailureWindow)
	if err != nil {
		return nil, err
	}
	if n > s.AccountCeiling {
		return nil, accountLocked(ends)
	}
	return t, nil
}

// succeeded undoes the reservations of a login that proved its password.
func (s *Service) succeeded(ctx context.Context, q db.Querier, t *loginTicket) error {
	if err := clearKey(ctx, q, t.pair); err != nil {
		return err
	}
	if t.address != "" {
		if err := giveBack(ctx, q, t.address); err != nil {
			return err
		}
	}
	return giveBack(ctx, q, t.account)
}

// sweepThrottle drops counters whose window ended long ago, to keep the
// table small; a login calls it now and then.
func sweepThrottle(ctx context.Context, q db.Querier, now time.Time) error {
	_, err := q.ExecContext(ctx, `DELETE FROM throttle_counters WHERE window_start < $1`, db.TS(now.Add(-24*time.Hour)))
	return err
}
