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
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// Service logs users in and out and resolves session tokens to actors.
// Sessions are rows in the database, so any node can serve any request.
type Service struct {
	DB  *db.DB
	Now func() time.Time

	// WebIdle ends a browser session after this long without a request;
	// WebMax ends it this long after login whatever happens.
	WebIdle, WebMax time.Duration
	// APIMax is the lifetime of an API token.
	APIMax time.Duration

	// Throttling: more than AccountLimit failures for one account, or
	// AddressLimit from one address, within FailureWindow lock logins out.
	AccountLimit, AddressLimit int
	FailureWindow              time.Duration
}

// NewService returns a Service with the hall's defaults.
func NewService(d *db.DB, now func() time.Time) *Service {
	return &Service{DB: d, Now: now,
		WebIdle: 30 * time.Minute, WebMax: 12 * time.Hour, APIMax: 24 * time.Hour,
		AccountLimit: 5, AddressLimit: 30, FailureWindow: 15 * time.Minute}
}

// Via says whether a session belongs to a browser or an API client.
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

// LoginTaxpayer checks a taxpayer user's credentials. An individual taxpayer
// may leave username empty: their own (administrator) user is meant.
func (s *Service) LoginTaxpayer(ctx context.Context, code, username, password string, via Via, userAgent string) (*Session, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	username = strings.ToLower(strings.TrimSpace(username))
	f := apperr.Fields{}
	if code == "" {
		f.Add("code", "请填写纳税人识别号（统一社会信用代码或身份证号码）")
	}
	if password == "" {
		f.Add("password", "请填写密码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	account := "tp:" + code + ":" + username
	if err := s.checkThrottle(ctx, account); err != nil {
		return nil, err
	}
	var id int64
	var hash string
	q := `SELECT u.id, u.password_hash FROM taxpayer_users u JOIN taxpayers t ON t.id = u.taxpayer_id
		WHERE t.code = $1 AND u.active = 1 AND t.status <> 'deregistered' AND `
	var err error
	if username == "" {
		err = s.DB.QueryRowContext(ctx, q+`t.kind = 'individual' AND u.is_admin = 1`, code).Scan(&id, &hash)
	} else {
		err = s.DB.QueryRowContext(ctx, q+`u.username = $2`, code, username).Scan(&id, &hash)
	}
	return s.finish(ctx, err, Taxpayer, id, hash, password, account, via, userAgent)
}

// LoginStaff checks a staff member's credentials.
func (s *Service) LoginStaff(ctx context.Context, staffNo, password string, via Via, userAgent string) (*Session, error) {
	staffNo = strings.TrimSpace(staffNo)
	f := apperr.Fields{}
	if staffNo == "" {
		f.Add("staff_no", "请填写工号")
	}
	if password == "" {
		f.Add("password", "请填写密码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	account := "staff:" + strings.ToLower(staffNo)
	if err := s.checkThrottle(ctx, account); err != nil {
		return nil, err
	}
	var id int64
	var hash string
	err := s.DB.QueryRowContext(ctx, `SELECT s.id, s.password_hash FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE s.staff_no = $1 AND s.active = 1 AND o.active = 1`, staffNo).Scan(&id, &hash)
	return s.finish(ctx, err, Staff, id, hash, password, account, via, userAgent)
}

// finish checks the password of the user that the lookup found (lookupErr
// is its Scan error) and starts a session, or counts a failure. An unknown
// user still costs one hash, so timing does not tell which accounts exist.
func (s *Service) finish(ctx context.Context, lookupErr error, kind Kind, id int64, hash, password, account string, via Via, userAgent string) (*Session, error) {
	if lookupErr != nil && !errors.Is(lookupErr, sql.ErrNoRows) {
		return nil, lookupErr
	}
	if lookupErr != nil {
		VerifyPassword(dummyHash, password)
		return nil, s.failed(ctx, account)
	}
	if !VerifyPassword(hash, password) {
		return nil, s.failed(ctx, account)
	}
	return s.start(ctx, kind, id, account, via, userAgent)
}

func (s *Service) checkThrottle(ctx context.Context, account string) error {
	since := db.TS(s.Now().Add(-s.FailureWindow))
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2`, account, since).Scan(&n); err != nil {
		return err
	}
	if n >= s.AccountLimit {
		return apperr.New(apperr.TooMany, "该账户登录失败次数过多，已暂时锁定，请15分钟后再试")
	}
	if ip := IPFrom(ctx); ip != "" {
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = $1 AND at > $2`, "ip:"+ip, since).Scan(&n); err != nil {
			return err
		}
		if n >= s.AddressLimit {
			return apperr.New(apperr.TooMany, "来自您所在网络地址的登录失败次数过多，请15分钟后再试")
		}
	}
	return nil
}

func (s *Service) failed(ctx context.Context, account string) error {
	now := db.TS(s.Now())
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, account, now); err != nil {
			return err
		}
		if ip := IPFrom(ctx); ip != "" {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (key, at) VALUES ($1, $2)`, "ip:"+ip, now); err != nil {
				return err
			}
		}
		// Keep the table small: failures older than a day no longer count.
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, db.TS(s.Now().Add(-24*time.Hour)))
		return err
	})
	if err != nil {
		return err
	}
	return apperr.New(apperr.Unauthenticated, "账号或密码不正确")
}

func (s *Service) start(ctx context.Context, kind Kind, userID int64, account string, via Via, userAgent string) (*Session, error) {
	b := make([]byte, 32)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	now := s.Now()
	max := s.WebMax
	if via == API {
		max = s.APIMax
	}
	exp := now.Add(max)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, account); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, db.TS(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, kind, user_id, via, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8)`, hashToken(token), string(kind), userID, string(via), db.TS(now), db.TS(exp), IPFrom(ctx), userAgent)
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

// Authenticate resolves a token to its actor; an unknown, expired or idle
// session, or one whose user was disabled, is Unauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (*Actor, error) {
	if token == "" {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	h := hashToken(token)
	var kind, via, lastSeen, expires string
	var userID int64
	err := s.DB.QueryRowContext(ctx, `SELECT kind, user_id, via, last_seen_at, expires_at FROM sessions WHERE token_hash = $1`, h).
		Scan(&kind, &userID, &via, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.Unauthenticated, "登录已失效，请重新登录")
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	last := db.ParseTS(lastSeen)
	if now.After(db.ParseTS(expires)) || (Via(via) == Web && now.Sub(last) > s.WebIdle) {
		s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, h)
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
func (s *Service) Logout(ctx context.Context) error {
	a := ActorFrom(ctx)
	if a == nil || a.sessionHash == "" {
		return nil
	}
	_, err := s.DB.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, a.sessionHash)
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
