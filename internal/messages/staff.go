package messages

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Staff messages (工作人员站内信) are the in-site mail of tax officials:
// one row per recipient (staff_messages), read state on the row. Other
// capabilities send with SendStaff inside their own transaction (the
// overdue-column reminders of cms); a staff member reads their own inbox
// through StaffInbox, StaffUnread and StaffMarkRead, which see only the
// messages addressed to the actor.

// StaffMessage is one message to one staff member.
type StaffMessage struct {
	ID      int64
	StaffID int64
	OrgID   int64 // the recipient's bureau when it was sent
	Kind    string
	Subject string
	Body    string
	Link    string
	// DedupeKey, when not "", makes the send idempotent per recipient.
	DedupeKey string
	CreatedAt time.Time
	ReadAt    time.Time
}

// Read reports whether the recipient has opened the message.
func (m *StaffMessage) Read() bool { return !m.ReadAt.IsZero() }

// KindName is the Chinese name of the message's kind.
func (m *StaffMessage) KindName() string { return KindName(m.Kind) }

// StaffPage is one page of a staff inbox, newest first.
type StaffPage struct {
	Items []*StaffMessage
	Next  int64
}

func (m *StaffMessage) check() error {
	f := apperr.Fields{}
	if m.StaffID <= 0 {
		f.Add("staff_id", "请指定收件人")
	}
	if m.Kind != KindReminder && m.Kind != KindNotice {
		f.Add("kind", "消息类别不正确")
	}
	m.Subject = strings.TrimSpace(m.Subject)
	if m.Subject == "" {
		f.Add("subject", "请填写消息标题")
	} else {
		f.Text("subject", m.Subject, MaxSubject)
	}
	f.Text("body", m.Body, MaxBody)
	if msg := CheckLink(m.Link); msg != "" {
		f.Add("link", msg)
	}
	f.Text("dedupe_key", m.DedupeKey, MaxDedupKey)
	return f.Err()
}

// SendStaff stores a message for m.StaffID (its bureau is looked up when
// m.OrgID is 0) and returns its id. With a DedupeKey it happens at most
// once per recipient and key: UNIQUE (staff_id, dedupe_key) decides, so a
// retried job or a second node makes no second message (created false).
func SendStaff(ctx context.Context, q db.Querier, now time.Time, m StaffMessage) (id int64, created bool, err error) {
	defer db.Wrap(&err, "messages.SendStaff(staff %d, %q)", m.StaffID, m.DedupeKey)
	if err := m.check(); err != nil {
		return 0, false, err
	}
	if m.OrgID <= 0 {
		if err := q.QueryRowContext(ctx, `SELECT org_id FROM staff WHERE id = $1`, m.StaffID).Scan(&m.OrgID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return 0, false, apperr.InvalidField("staff_id", "收件人不存在")
			}
			return 0, false, err
		}
	}
	var key any
	if m.DedupeKey != "" {
		key = m.DedupeKey
	}
	err = q.QueryRowContext(ctx, `INSERT INTO staff_messages (staff_id, org_id, kind, subject, body, link, dedupe_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (staff_id, dedupe_key) DO NOTHING
		RETURNING id`, m.StaffID, m.OrgID, m.Kind, m.Subject, m.Body, m.Link, key, db.TS(now)).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) || m.DedupeKey == "" {
		return 0, false, err
	}
	err = q.QueryRowContext(ctx, `SELECT id FROM staff_messages WHERE staff_id = $1 AND dedupe_key = $2`, m.StaffID, m.DedupeKey).Scan(&id)
	return id, false, err
}

const staffCols = `id, staff_id, org_id, kind, subject, body, link, COALESCE(dedupe_key, ''), created_at, COALESCE(read_at, '')`

func scanStaff(sc db.Scanner) (*StaffMessage, error) {
	var m StaffMessage
	var created, read string
	err := sc.Scan(&m.ID, &m.StaffID, &m.OrgID, &m.Kind, &m.Subject, &m.Body, &m.Link, &m.DedupeKey, &created, &read)
	m.CreatedAt, m.ReadAt = db.ParseTS(created), db.ParseTS(read)
	return &m, err
}

// StaffInbox returns up to limit of the staff actor's messages older than
// the cursor after (0 for the newest), newest first: keyset paging on
// staff_messages_inbox.
func (s *Service) StaffInbox(ctx context.Context, after int64, limit int) (_ *StaffPage, err error) {
	defer db.Wrap(&err, "messages.StaffInbox(after %d)", after)
	a, err := auth.RequireStaff(ctx)
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
	items, err := db.Query(ctx, s.DB, scanStaff, `SELECT `+staffCols+` FROM staff_messages
		WHERE staff_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, a.UserID, after, limit+1)
	if err != nil {
		return nil, err
	}
	p := &StaffPage{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = p.Items[limit-1].ID
	}
	return p, nil
}

// StaffUnread counts the staff actor's unread messages up to UnreadCap
// (more: beyond it). One bounded query on the partial index of unread rows.
func (s *Service) StaffUnread(ctx context.Context) (n int, more bool, err error) {
	defer db.Wrap(&err, "messages.StaffUnread")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return 0, false, err
	}
	err = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM (
		SELECT id FROM staff_messages WHERE staff_id = $1 AND read_at IS NULL
		ORDER BY id DESC LIMIT $2) u`, a.UserID, UnreadCap+1).Scan(&n)
	if err != nil {
		return 0, false, err
	}
	if n > UnreadCap {
		return UnreadCap, true, nil
	}
	return n, false, nil
}

// StaffMarkRead opens one of the actor's messages, recording the first
// reading; another official's message is NotFound like a missing one.
func (s *Service) StaffMarkRead(ctx context.Context, id int64) (_ *StaffMessage, err error) {
	now := s.Now()
	defer db.Wrap(&err, "messages.StaffMarkRead(%d)", id)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.ExecContext(ctx, `UPDATE staff_messages SET read_at = $3
		WHERE id = $1 AND staff_id = $2 AND read_at IS NULL`, id, a.UserID, db.TS(now)); err != nil {
		return nil, err
	}
	m, err := scanStaff(s.DB.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff_messages WHERE id = $1 AND staff_id = $2`, id, a.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	return m, err
}
