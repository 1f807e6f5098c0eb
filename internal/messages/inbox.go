package messages

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Service is a taxpayer user's inbox. Every method takes the user from ctx
// (auth.RequireTaxpayer) and sees only the messages of the user's own
// taxpayer that are for every user or for this user.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// DefaultLimit and MaxLimit bound a page of the inbox.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// UnreadCap is where the unread count stops: the badge shows "99+" beyond
// it, and counting stops there, so the query that runs on every page of the
// hall reads at most UnreadCap+1 unread rows.
const UnreadCap = 99

// Page is one page of the inbox, newest first. Next is the cursor of the
// following (older) page, 0 when this is the last.
type Page struct {
	Items []*Message
	Next  int64
}

// notFound is the answer for a message that does not exist or is another
// taxpayer's or another user's: the same words, so existence does not leak.
var notFound = apperr.New(apperr.NotFound, "消息不存在")

const cols = `m.id, m.taxpayer_id, COALESCE(m.user_id, 0), m.kind, m.subject, m.body, m.link, COALESCE(m.sender_staff_id, 0),
	COALESCE(m.dedupe_key, ''), m.created_at, COALESCE(r.read_at, '')`

// visible is the condition of the messages a user sees: $1 the taxpayer,
// $2 the user. The read state is the user's own (r joined on $2).
const visible = `m.taxpayer_id = $1 AND (m.user_id IS NULL OR m.user_id = $2)`

func scan(sc db.Scanner) (*Message, error) {
	var m Message
	var created, read string
	err := sc.Scan(&m.ID, &m.TaxpayerID, &m.UserID, &m.Kind, &m.Subject, &m.Body, &m.Link, &m.SenderStaffID, &m.DedupeKey, &created, &read)
	m.CreatedAt, m.ReadAt = db.ParseTS(created), db.ParseTS(read)
	return &m, err
}

// Inbox returns up to limit messages older than the cursor after (0 for the
// newest), newest first: keyset paging on the index (taxpayer_id, id DESC).
func (s *Service) Inbox(ctx context.Context, after int64, limit int) (_ *Page, err error) {
	defer db.Wrap(&err, "messages.Inbox(after %d)", after)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	if after <= 0 {
		after = 1<<63 - 1
	}
	items, err := db.Query(ctx, s.DB, scan, `SELECT `+cols+` FROM messages m
		LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = $2
		WHERE `+visible+` AND m.id < $3
		ORDER BY m.id DESC LIMIT $4`, a.TaxpayerID, a.UserID, after, limit+1)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = p.Items[limit-1].ID
	}
	return p, nil
}

// Unread counts the user's unread messages up to UnreadCap; more reports
// that there are more than that ("99+"). One bounded query: it runs for the
// menu badge on every page of the hall.
func (s *Service) Unread(ctx context.Context) (n int, more bool, err error) {
	defer db.Wrap(&err, "messages.Unread")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return 0, false, err
	}
	err = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (
		SELECT m.id FROM messages m
		WHERE `+visible+`
		  AND NOT EXISTS (SELECT 1 FROM message_reads r WHERE r.message_id = m.id AND r.user_id = $2)
		ORDER BY m.id DESC LIMIT $3) u`, a.TaxpayerID, a.UserID, UnreadCap+1).Scan(&n)
	if err != nil {
		return 0, false, err
	}
	if n > UnreadCap {
		return UnreadCap, true, nil
	}
	return n, false, nil
}

// Get returns one message the user may read; another taxpayer's message,
// or one addressed to another user, is NotFound like a missing one.
func (s *Service) Get(ctx context.Context, id int64) (_ *Message, err error) {
	defer db.Wrap(&err, "messages.Get(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return get(ctx, s.DB, a, id)
}

func get(ctx context.Context, q db.Querier, a *auth.Actor, id int64) (*Message, error) {
	m, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM messages m
		LEFT JOIN message_reads r ON r.message_id = m.id AND r.user_id = $2
		WHERE `+visible+` AND m.id = $3`, a.TaxpayerID, a.UserID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	return m, err
}

// MarkRead records that the user has read the message (once: reading it
// again keeps the first time) and returns it as read.
func (s *Service) MarkRead(ctx context.Context, id int64) (_ *Message, err error) {
	now := s.Now()
	defer db.Wrap(&err, "messages.MarkRead(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	var m *Message
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// The row exists and is the user's to read, or nothing is written.
		_, err := tx.ExecContext(ctx, `INSERT INTO message_reads (message_id, user_id, read_at)
			SELECT m.id, $2, $4 FROM messages m WHERE `+visible+` AND m.id = $3
			ON CONFLICT (message_id, user_id) DO NOTHING`, a.TaxpayerID, a.UserID, id, db.TS(now))
		if err != nil {
			return err
		}
		m, err = get(ctx, tx, a, id)
		return err
	})
	return m, err
}
