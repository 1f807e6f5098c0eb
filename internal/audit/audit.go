// Package audit appends who-did-what rows to the audit log (A5), in the same
// transaction as the change they describe, and names the actions.
//
// It depends on nothing but the database helpers: the actor comes in as
// plain values (Actor), so that every capability, auth included, can write
// records without an import cycle.
package audit

import (
	"context"
	"time"

	"taxhall/internal/db"
)

// Actor is who did something, in plain values. Kind is "taxpayer",
// "staff" or "public" (nobody logged in, as for a registration).
type Actor struct {
	Kind string
	ID   int64
	IP   string
}

// Record appends one entry.
func Record(ctx context.Context, q db.Querier, by Actor, now time.Time, action Action, objectType string, objectID int64, detail string) error {
	if by.Kind == "" {
		by.Kind = "public"
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_kind, actor_id, action, object_type, object_id, detail, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, db.TS(now), by.Kind, by.ID, string(action), objectType, objectID, detail, by.IP)
	if err != nil {
		return err
	}
	return nil
}

// Entry is one audit row.
type Entry struct {
	At        time.Time
	ActorKind string
	ActorID   int64
	ActorName string // "" for the public (an online registration)
	Action    Action
	Detail    string
}

// ForObject lists the entries about one object, newest first. Callers check
// that the actor may see the object.
func ForObject(ctx context.Context, q db.Querier, objectType string, objectID int64, limit int) (_ []Entry, err error) {
	defer db.Wrap(&err, "audit.ForObject(%s, %d)", objectType, objectID)
	return db.Query(ctx, q, scanEntry, `SELECT a.at, a.actor_kind, a.actor_id, COALESCE(s.name, u.name, ''), a.action, a.detail
		FROM audit_log a
		LEFT JOIN staff s ON a.actor_kind = 'staff' AND s.id = a.actor_id
		LEFT JOIN taxpayer_users u ON a.actor_kind = 'taxpayer' AND u.id = a.actor_id
		WHERE a.object_type = $1 AND a.object_id = $2 ORDER BY a.id DESC LIMIT $3`, objectType, objectID, limit)
}

func scanEntry(sc db.Scanner) (Entry, error) {
	var e Entry
	var at, action string
	err := sc.Scan(&at, &e.ActorKind, &e.ActorID, &e.ActorName, &action, &e.Detail)
	e.At, e.Action = db.ParseTS(at), Action(action)
	return e, err
}
