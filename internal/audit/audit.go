// Package audit appends who-did-what rows to the audit log (A5), in the same
// transaction as the change they describe.
package audit

import (
	"context"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Record appends one entry for the actor in ctx (or "public" when nobody is
// logged in, as for a registration).
func Record(ctx context.Context, q db.Querier, now time.Time, action, objectType string, objectID int64, detail string) error {
	kind, id := "public", int64(0)
	if a := auth.ActorFrom(ctx); a != nil {
		kind, id = string(a.Kind), a.UserID
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_kind, actor_id, action, object_type, object_id, detail, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.TS(now), kind, id, action, objectType, objectID, detail, auth.IPFrom(ctx))
	return err
}

// Entry is one audit row.
type Entry struct {
	At        time.Time
	ActorKind string
	ActorID   int64
	ActorName string // "" for the public (an online registration)
	Action    string
	Detail    string
}

// ForObject lists the entries about one object, newest first. Callers check
// that the actor may see the object.
func ForObject(ctx context.Context, q db.Querier, objectType string, objectID int64, limit int) ([]Entry, error) {
	return db.Query(ctx, q, scanEntry, `SELECT a.at, a.actor_kind, a.actor_id, COALESCE(s.name, u.name, ''), a.action, a.detail
		FROM audit_log a
		LEFT JOIN staff s ON a.actor_kind = 'staff' AND s.id = a.actor_id
		LEFT JOIN taxpayer_users u ON a.actor_kind = 'taxpayer' AND u.id = a.actor_id
		WHERE a.object_type = $1 AND a.object_id = $2 ORDER BY a.id DESC LIMIT $3`, objectType, objectID, limit)
}

func scanEntry(sc db.Scanner) (Entry, error) {
	var e Entry
	var at string
	err := sc.Scan(&at, &e.ActorKind, &e.ActorID, &e.ActorName, &e.Action, &e.Detail)
	e.At = db.ParseTS(at)
	return e, err
}
