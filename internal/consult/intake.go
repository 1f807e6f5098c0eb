package consult

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// An intake client is the SMS platform or the hotline system of a bureau:
// it posts the questions it receives into that bureau's queue with a token
// of its own kind (IntakePrefix), which is not a user's session and opens
// nothing else. Only the token's SHA-256 is stored.

// IntakePrefix starts every intake token, so the API tells them from
// session tokens without a lookup.
const IntakePrefix = "itk_"

// Intake is an authenticated intake client.
type Intake struct {
	ID      int64
	OrgID   int64
	Channel string
	Name    string
}

type intakeKey struct{}

// WithIntake returns ctx carrying the intake client.
func WithIntake(ctx context.Context, in *Intake) context.Context {
	return context.WithValue(ctx, intakeKey{}, in)
}

// IntakeFrom returns the intake client in ctx, or nil.
func IntakeFrom(ctx context.Context) *Intake {
	in, _ := ctx.Value(intakeKey{}).(*Intake)
	return in
}

func hashToken(t string) string {
	sum := sha256.Sum256([]byte(t))
	return hex.EncodeToString(sum[:])
}

// IssueIntakeToken creates a token for the SMS platform or hotline system
// of the administrator's bureau, returned once.
func (s *Service) IssueIntakeToken(ctx context.Context, channel, name string) (_ string, _ *Intake, err error) {
	defer db.Wrap(&err, "consult.IssueIntakeToken")
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return "", nil, err
	}
	f := apperr.Fields{}
	if channel != SMS && channel != Hotline {
		f.Add("channel", "请选择渠道：sms（短信平台）或 hotline（热线系统）")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		f.Add("name", "请填写接入系统的名称")
	} else {
		f.Text("name", name, 50)
	}
	if err := f.Err(); err != nil {
		return "", nil, err
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token := IntakePrefix + hex.EncodeToString(b)
	in := &Intake{OrgID: a.OrgID, Channel: channel, Name: name}
	err = s.DB.QueryRowContext(ctx, `INSERT INTO intake_tokens (token_hash, org_id, channel, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		hashToken(token), a.OrgID, channel, name, a.UserID, db.TS(s.Now())).Scan(&in.ID)
	return token, in, err
}

// AuthenticateIntake returns the live intake client of a token.
func (s *Service) AuthenticateIntake(ctx context.Context, token string) (*Intake, error) {
	bad := apperr.New(apperr.Unauthenticated, "接入令牌无效或已停用")
	if !strings.HasPrefix(token, IntakePrefix) {
		return nil, bad
	}
	in := &Intake{}
	err := s.DB.QueryRowContext(ctx, `SELECT id, org_id, channel, name FROM intake_tokens WHERE token_hash = $1 AND revoked_at = ''`, hashToken(token)).
		Scan(&in.ID, &in.OrgID, &in.Channel, &in.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	return in, err
}

// IntakeInput is a question as the SMS platform or hotline system sends it.
type IntakeInput struct {
	Phone   string
	Body    string
	Subject string // optional: the first words of the body
	TaxType string // optional: "other"
	Name    string
}

// IntakeAsk files a question from the intake client in ctx into its
// bureau's queue, on its channel; the answer goes to the phone number.
func (s *Service) IntakeAsk(ctx context.Context, in IntakeInput) (*Asked, error) {
	c := IntakeFrom(ctx)
	if c == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请携带接入令牌")
	}
	if strings.TrimSpace(in.Phone) == "" {
		return nil, apperr.InvalidField("phone", "请提供来电或短信的手机号码")
	}
	subject := strings.TrimSpace(in.Subject)
	if subject == "" {
		r := []rune(strings.Join(strings.Fields(in.Body), " "))
		subject = string(r[:min(len(r), 30)])
	}
	if in.TaxType == "" {
		in.TaxType = "other"
	}
	return s.ask(ctx, Input{OrgID: c.OrgID, Channel: c.Channel, TaxType: in.TaxType, Subject: subject, Body: in.Body, Name: in.Name, Phone: in.Phone}, true)
}
