package notify

import (
	"context"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Gateway sends one text message. key is the outbox job's key: a real
// provider's adapter passes it as the provider's client message id (most
// SMS platforms drop a second request with the same id), so a job that
// runs again after a crash does not text twice.
type Gateway interface {
	SendSMS(ctx context.Context, phone, body, key string) error
}

// TableGateway is the development gateway: it writes each text to
// sms_outbox, once per key, where staff can read it (/staff/sms-outbox).
type TableGateway struct {
	DB  *db.DB
	Now func() time.Time
}

// SendSMS records the text; a second call with the same key does nothing.
func (g *TableGateway) SendSMS(ctx context.Context, phone, body, key string) error {
	_, err := g.DB.ExecContext(ctx, `INSERT INTO sms_outbox (dedupe_key, phone, body, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (dedupe_key) DO NOTHING`, key, phone, body, db.TS(g.Now()))
	return err
}

// Text is one row of sms_outbox.
type Text struct {
	ID        int64
	Key       string
	Phone     string
	Body      string
	CreatedAt time.Time
}

// MaskedPhone shows a phone number as staff lists do: 138****1234.
func (t *Text) MaskedPhone() string {
	if len(t.Phone) != 11 {
		return t.Phone
	}
	return t.Phone[:3] + "****" + t.Phone[7:]
}

// Texts lists sms_outbox newest first, keyset on id (before 0: the newest).
func Texts(ctx context.Context, q db.Querier, before int64, limit int) (_ []*Text, next int64, err error) {
	defer db.Wrap(&err, "notify.Texts")
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if before <= 0 {
		before = 1 << 62
	}
	list, err := db.Query(ctx, q, func(sc db.Scanner) (*Text, error) {
		var t Text
		var at string
		err := sc.Scan(&t.ID, &t.Key, &t.Phone, &t.Body, &at)
		t.CreatedAt = db.ParseTS(at)
		return &t, err
	}, `SELECT id, dedupe_key, phone, body, created_at FROM sms_outbox WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, limit+1)
	if err != nil {
		return nil, 0, err
	}
	if len(list) > limit {
		list = list[:limit]
		next = list[limit-1].ID
	}
	return list, next, nil
}

// CanReadTexts reports whether a staff member may read the development
// SMS outbox (administrators and hall supervisors: it holds phone numbers).
func CanReadTexts(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Staff && (a.HasRole(auth.RoleAdmin) || a.HasRole(auth.RoleHallSupervisor))
}

// Texts lists the development SMS outbox for a staff member who may read it.
func (s *Service) Texts(ctx context.Context, before int64, limit int) ([]*Text, int64, error) {
	if _, err := auth.RequireStaff(ctx, auth.RoleAdmin, auth.RoleHallSupervisor); err != nil {
		return nil, 0, err
	}
	return Texts(ctx, s.DB, before, limit)
}
