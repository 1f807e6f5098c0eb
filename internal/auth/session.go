package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/ids"
)

// Service logs users in and out and resolves session tokens to actors.
// Sessions are rows in the database, so any node can serve any request.
type Service struct {
	DB  *db.DB
	Now func() time.Time
	// WebIdle ends a browser session after this long without a request;
	// WebMax ends it this long after login whatever happens.
	WebIdle, WebMax time.Duration
	// APIIdle ends an API token after this long unused, APIMax this long
	// after it was issued: a token left in a script or a log is worth
	// little to whoever finds it a few hours later.
	APIIdle, APIMax time.Duration
	// Throttling (see admit): AccountLimit attempts for one account from
	// one address, AddressLimit from one address, AccountCeiling for one
	// account from everywhere, within FailureWindow.
	AccountLimit, AddressLimit, AccountCeiling int
	FailureWindow                              time.Duration

	verifications atomic.Int64 // password hashes checked, for tests
}

// NewService returns a Service with the hall's defaults.
func NewService(d *db.DB, now func() time.Time) *Service {
	return &Service{DB: d, Now: now,
		WebIdle: 30 * time.Minute, WebMax: 12 * time.Hour, APIIdle: 2 * time.Hour, APIMax: 24 * time.Hour,
		AccountLimit: 5, AddressLimit: 30, AccountCeiling: 50, FailureWindow: 15 * time.Minute}
}

// Via says whether a session belongs to a browser or an API client. A
// session works only the way it was issued: a browser cookie is no bearer
// token, an API token no cookie.
type Via string

const (
	Web Via = "web"
	API Via = "api"
)

// Session is a new login's token, shown to the client once.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Actor     *Actor
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// SelfUsername is the username of an individual taxpayer's only user.
// Individuals log in with their resident ID and may leave the username
// empty; "" and "self" are the same account and the same throttle bucket.
const SelfUsername = "self"

// LoginTaxpayer checks a taxpayer user's credentials. An individual taxpayer
// may leave username empty: their own (administrator) user is meant.
func (s *Service) LoginTaxpayer(ctx context.Context, code, username, password string, via Via, userAgent string) (_ *Session, err error) {
	now := s.Now()
	code = strings.ToUpper(strings.TrimSpace(code))
	username = strings.ToLower(strings.TrimSpace(username))
	defer db.Wrap(&err, "auth.LoginTaxpayer(%q, %q)", code, username)
	f := apperr.Fields{}
	if code == "" {
		f.Add("code", "请填写纳税人识别号（统一社会信用代码或身份证号码）")
	}
	f.Text("code", code, 30)
	f.Text("username", username, 32)
	if username == "" && isCreditCode(code, now) {
		// An enterprise user who forgot the username: say so, before any
		// password is checked or any failure counted.
		f.Add("username", UsernameMissing)
	}
	if password == "" {
		f.Add("password", "请填写密码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if username == "" {
		username = SelfUsername
	}
	account := "tp:" + code + ":" + username
	ticket, err := s.admit(ctx, now, account)
	if err != nil {
		return nil, err
	}
	var id int64
	var hash string
	err = s.DB.QueryRowContext(ctx, `SELECT u.id, u.password_hash FROM taxpayer_users u JOIN taxpayers t ON t.id = u.taxpayer_id
		WHERE t.code = $1 AND u.username = $2 AND u.active = 1 AND t.status <> 'deregistered'`, code, username).Scan(&id, &hash)
	return s.finish(ctx, now, err, Taxpayer, id, hash, password, ticket, via, userAgent)
}

// UsernameMissing answers a login with a credit code and no username.
const UsernameMissing = "企业用户请填写用户名；自然人请留空"

// isCreditCode reports whether code is a unified social credit code
// (an enterprise logs in with one) and not a resident ID (an individual).
func isCreditCode(code string, now time.Time) bool {
	return ids.ValidateUSCC(code) == nil && ids.ValidateResidentID(code, now) != nil
}

// LoginStaff checks a staff member's credentials. Staff numbers are
// compared in upper case, as they are stored, and throttled by the same
// spelling: "ab12" and "AB12" are one account and one bucket.
func (s *Service) LoginStaff(ctx context.Context, staffNo, password string, via Via, userAgent string) (_ *Session, err error) {
	now := s.Now()
	staffNo = NormalizeStaffNo(staffNo)
	defer db.Wrap(&err, "auth.LoginStaff(%q)", staffNo)
	f := apperr.Fields{}
	if staffNo == "" {
		f.Add("staff_no", "请填写工号")
	}
	f.Text("staff_no", staffNo, 20)
	if password == "" {
		f.Add("password", "请填写密码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	account := "staff:" + staffNo
	ticket, err := s.admit(ctx, now, account)
	if err != nil {
		return nil, err
	}
	var id int64
	var hash string
	err = s.DB.QueryRowContext(ctx, `SELECT s.id, s.password_hash FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE s.staff_no = $1 AND s.active = 1 AND o.active = 1`, staffNo).Scan(&id, &hash)
	return s.finish(ctx, now, err, Staff, id, hash, password, ticket, via, userAgent)
}

// NormalizeStaffNo is how staff numbers are stored and looked up.
func NormalizeStaffNo(no string) string { return strings.ToUpper(strings.TrimSpace(no)) }

// verify checks a password against its hash, counting the checks.
func (s *Service) verify(hash, password string) bool {
	s.verifications.Add(1)
	return VerifyPassword(hash, password)
}

// finish checks the password of the user that the lookup found (lookupErr
// is its Scan error) and starts a session. The attempt was reserved by
// admit; a failure leaves it counted. An unknown user still costs one
// hash, so timing does not tell which accounts exist.
func (s *Service) finish(ctx context.Context, now time.Time, lookupErr error, kind Kind, id int64, hash, password string, ticket *loginTicket, via Via, userAgent string) (*Session, error) {
	if lookupErr != nil && !errors.Is(lookupErr, sql.ErrNoRows) {
		return nil, lookupErr
	}
	if lookupErr != nil {
		s.verify(dummyHash, password)
		return nil, s.badCredentials(ticket)
	}
	if !s.verify(hash, password) {
		return nil, s.badCredentials(ticket)
	}
	return s.start(ctx, now, kind, id, ticket, via, userAgent)
}

var errBadCredentials = apperr.New(apperr.Unauthenticated, "账号或密码不正确")

func (s *Service) start(ctx context.Context, now time.Time, kind Kind, userID int64, ticket *loginTicket, via Via, userAgent string) (*Session, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	max := s.WebMax
	if via == API {
		max = s.APIMax
	}
	exp := now.Add(max)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.succeeded(ctx, tx, ticket); err != nil {
			return err
		}
		if err := sweepThrottle(ctx, tx, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, db.TS(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, kind, user_id, via, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`, hashToken(token), string(kind), userID, string(via), db.TS(now), db.TS(exp),
			cleanText(IPFrom(ctx), 64), cleanText(userAgent, 300))
		return err
	})
	if err != nil {
		return nil, err
	}
	a, err := s.loadActor(ctx, kind, userID)
	if err != nil {
		return nil, err
	}
	a.sessionHash = hashToken(token)
	return &Session{Token: token, ExpiresAt: exp, Actor: a}, nil
}

// cleanText makes a header value storable on both databases: valid UTF-8
// without control characters, at most max characters (cut on a character
// boundary, not in the middle of one).
func cleanText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	if r := []rune(s); len(r) > max {
		s = string(r[:max])
	}
	return s
}

// AuthenticateWeb resolves a browser session cookie to its actor.
func (s *Service) AuthenticateWeb(ctx context.Context, token string) (*Actor, error) {
	return s.authenticate(ctx, token, Web)
}

// AuthenticateAPI resolves an API bearer token to its actor.
func (s *Service) AuthenticateAPI(ctx context.Context, token string) (*Actor, error) {
	return s.authenticate(ctx, token, API)
}

// authenticate resolves a token issued for via to its actor; an unknown,
// expired or idle session, one issued the other way, or one whose user was
// disabled, is Unauthenticated.
func (s *Service) authenticate(ctx context.Context, token string, want Via) (_ *Actor, err error) {
	now := s.Now()
	defer db.Wrap(&err, "auth.Authenticate(%s)", want)
	if token == "" {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	h := hashToken(token)
	var kind, via, lastSeen, expires string
	var userID int64
	err = s.DB.QueryRowContext(ctx, `SELECT kind, user_id, via, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`, h).
		Scan(&kind, &userID, &via, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && Via(via) != want) {
		return nil, apperr.New(apperr.Unauthenticated, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, err
	}
	idle := s.WebIdle
	if want == API {
		idle = s.APIIdle
	}
	last := db.ParseTS(lastSeen)
	if now.After(db.ParseTS(expires)) || now.Sub(last) > idle {
		// Best effort: the answer is "log in again" either way, and expired
		// rows are pruned at each login too.
		_, _ = s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h)
		return nil, apperr.New(apperr.Unauthenticated, "登录已超时，请重新登录")
	}
	a, err := s.loadActor(ctx, Kind(kind), userID)
	if err != nil {
		return nil, err
	}
	a.sessionHash = h
	// Write last_seen at most once a minute: reads stay reads.
	if now.Sub(last) > time.Minute {
		if _, err := s.DB.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2`, db.TS(now), h); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Logout ends the session of the actor in ctx.
func (s *Service) Logout(ctx context.Context) (err error) {
	defer db.Wrap(&err, "auth.Logout")
	a := ActorFrom(ctx)
	if a == nil || a.sessionHash == "" {
		return nil
	}
	_, err = s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, a.sessionHash)
	return err
}

// EndSessions ends every session of a user, after a password reset or when
// the user is disabled. q may be a transaction.
func EndSessions(ctx context.Context, q db.Querier, kind Kind, userID int64) error {
	_, err := q.ExecContext(ctx, `DELETE FROM sessions WHERE kind = $1 AND user_id = $2`, string(kind), userID)
	return err
}

func (s *Service) loadActor(ctx context.Context, kind Kind, userID int64) (*Actor, error) {
	a := &Actor{Kind: kind, UserID: userID}
	var err error
	switch kind {
	case Taxpayer:
		var admin int
		err = s.DB.QueryRowContext(ctx, `SELECT u.name, u.role, u.is_admin, t.id, t.code, t.name, t.kind
			FROM taxpayer_users u JOIN taxpayers t ON t.id = u.taxpayer_id
			WHERE u.id = $1 AND u.active = 1 AND t.status <> 'deregistered'`, userID).
			Scan(&a.Name, &a.Role, &admin, &a.TaxpayerID, &a.TaxpayerCode, &a.TaxpayerName, &a.TaxpayerKind)
		a.Admin = admin == 1
	case Staff:
		var roles string
		err = s.DB.QueryRowContext(ctx, `SELECT s.name, s.staff_no, s.roles, o.id, o.name, o.path
			FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.id = $1 AND s.active = 1 AND o.active = 1`, userID).
			Scan(&a.Name, &a.StaffNo, &roles, &a.OrgID, &a.OrgName, &a.OrgPath)
		if roles != "" {
			a.Roles = strings.Split(roles, ",")
		}
	default:
		return nil, apperr.New(apperr.Unauthenticated, "登录已失效，请重新登录")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.Unauthenticated, "账号已停用或不存在，请重新登录")
	}
	return a, err
}
