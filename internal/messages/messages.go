// Package messages is the hall's in-site mail (站内信): reminders of filing
// deadlines, notices from the bureau and news about a return, each
// addressed to one taxpayer (all its users, or one of them). Other
// capabilities send with Send inside their own transaction; a taxpayer user
// reads their inbox through Service, which scopes every query to the user's
// own taxpayer.
package messages

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// Kinds of message.
const (
	KindReminder = "reminder" // a deadline is near (申报提醒)
	KindNotice   = "notice"   // a notice from the bureau (通知公告)
	KindReturn   = "return"   // news about a return (申报结果)
)

var kindNames = map[string]string{
	KindReminder: "提醒",
	KindNotice:   "通知",
	KindReturn:   "申报",
}

// KindName is the Chinese name of a kind, shown as a tag in the inbox.
func KindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n
	}
	return kind
}

// Limits of a message's texts, in characters.
const (
	MaxSubject  = 100
	MaxBody     = 4000
	MaxLink     = 500
	MaxDedupKey = 200
)

// Message is one message, as sent and as a reader sees it.
type Message struct {
	ID         int64
	TaxpayerID int64
	// UserID is the one user the message is for; 0 means every user of
	// the taxpayer.
	UserID        int64
	Kind          string
	Subject       string
	Body          string // plain text; line breaks are kept on the page
	Link          string // a path inside the site ("/hall/returns/12"), or ""
	SenderStaffID int64  // 0 when the hall itself sent it
	// DedupeKey, when not "", makes the send idempotent per taxpayer: a
	// second send with the same key returns the first message
	// ("deadline:2026-05:vat").
	DedupeKey string
	CreatedAt time.Time

	// For the reader: when they read it (zero while unread).
	ReadAt time.Time
}

// Read reports whether the reader has opened the message.
func (m *Message) Read() bool { return !m.ReadAt.IsZero() }

// KindName is the Chinese name of the message's kind.
func (m *Message) KindName() string { return KindName(m.Kind) }

// CheckLink reports what is wrong with a message's link, "" when it is
// acceptable: a path of this site ("/…"), never a scheme, a host or a
// protocol-relative address ("//evil.example"), which would send a reader
// who trusts the hall's mail to another site.
func CheckLink(link string) string {
	if link == "" {
		return ""
	}
	if len([]rune(link)) > MaxLink {
		return "链接过长"
	}
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.ContainsAny(link, "\\\t\r\n ") {
		return "链接应为本站以“/”开头的地址"
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "链接应为本站以“/”开头的地址"
	}
	return ""
}

// check validates a message before it is stored.
func (m *Message) check() error {
	f := apperr.Fields{}
	if m.TaxpayerID <= 0 {
		f.Add("taxpayer_id", "请指定收件的纳税人")
	}
	if _, ok := kindNames[m.Kind]; !ok {
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

// Send stores a message for m.TaxpayerID and returns its id. It runs on q,
// so a caller sends inside its own transaction (a return filed and its
// message, together or not at all).
//
// With a DedupeKey the send happens at most once per taxpayer and key: the
// UNIQUE (taxpayer_id, dedupe_key) constraint decides, so a retried job or
// two nodes sending the same reminder at once make one message; the later
// sends get the first message's id and created false. On PostgreSQL a
// concurrent insert of the same key waits for the first transaction, then
// does nothing; in a SERIALIZABLE transaction that may instead end in a
// serialization failure, which db.TxWith retries.
func Send(ctx context.Context, q db.Querier, now time.Time, m Message) (id int64, created bool, err error) {
	defer db.Wrap(&err, "messages.Send(taxpayer %d, %q)", m.TaxpayerID, m.DedupeKey)
	if err := m.check(); err != nil {
		return 0, false, err
	}
	var user, sender, key any
	if m.UserID > 0 {
		user = m.UserID
	}
	if m.SenderStaffID > 0 {
		sender = m.SenderStaffID
	}
	if m.DedupeKey != "" {
		key = m.DedupeKey
	}
	err = q.QueryRowContext(ctx, `INSERT INTO messages (taxpayer_id, user_id, kind, subject, body, link, sender_staff_id, dedupe_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (taxpayer_id, dedupe_key) DO NOTHING
		RETURNING id`,
		m.TaxpayerID, user, m.Kind, m.Subject, m.Body, m.Link, sender, key, db.TS(now)).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) || m.DedupeKey == "" {
		return 0, false, err
	}
	// The key was taken: by a committed message (found now) or by one
	// committed while this insert waited.
	err = q.QueryRowContext(ctx, `SELECT id FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, m.TaxpayerID, m.DedupeKey).Scan(&id)
	return id, false, err
}
