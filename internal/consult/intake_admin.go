package consult

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// IntakeToken is an issued intake token as the administrator sees it (the
// token itself is never shown again).
type IntakeToken struct {
	ID        int64
	OrgName   string
	Channel   string
	Name      string
	CreatedBy string
	CreatedAt time.Time
	RevokedAt time.Time // zero while live
}

// ChannelName is the channel in Chinese.
func (t *IntakeToken) ChannelName() string {
	if t.Channel == SMS {
		return "短信平台"
	}
	return "热线系统"
}

// Live reports whether the token still opens the intake.
func (t *IntakeToken) Live() bool { return t.RevokedAt.IsZero() }

const intakeCols = `k.id, o.name, k.channel, k.name, s.name, k.created_at, k.revoked_at`

const intakeFrom = ` FROM intake_tokens k JOIN orgs o ON o.id = k.org_id JOIN staff s ON s.id = k.created_by`

func scanIntakeToken(sc db.Scanner) (*IntakeToken, error) {
	var t IntakeToken
	var created, revoked string
	err := sc.Scan(&t.ID, &t.OrgName, &t.Channel, &t.Name, &t.CreatedBy, &created, &revoked)
	t.CreatedAt = db.ParseTS(created)
	if revoked != "" {
		t.RevokedAt = db.ParseTS(revoked)
	}
	return &t, err
}

// IntakeTokens lists the intake tokens of the administrator's bureau
// subtree, newest first (at most 100: a bureau has a handful).
func (s *Service) IntakeTokens(ctx context.Context) ([]*IntakeToken, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, scanIntakeToken, `SELECT `+intakeCols+intakeFrom+` WHERE `+cond+` ORDER BY k.id DESC LIMIT 100`, arg)
}

// IntakeTokenOf returns a token of the administrator's subtree (NotFound
// for another bureau's).
func (s *Service) IntakeTokenOf(ctx context.Context, id int64) (*IntakeToken, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	t, err := scanIntakeToken(s.DB.QueryRowContext(ctx, `SELECT `+intakeCols+intakeFrom+` WHERE k.id = $1 AND `+cond, id, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "接入令牌不存在")
	}
	return t, err
}

// RevokeIntakeToken ends a token at once: the next request with it is
// refused (AuthenticateIntake reads revoked_at on every request). Revoking
// a revoked token is a Conflict.
func (s *Service) RevokeIntakeToken(ctx context.Context, id int64) (*IntakeToken, error) {
	if _, err := s.IntakeTokenOf(ctx, id); err != nil {
		return nil, err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE intake_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at = ''`, db.TS(s.Now()), id)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, apperr.New(apperr.Conflict, "该接入令牌已停用")
	}
	return s.IntakeTokenOf(ctx, id)
}
