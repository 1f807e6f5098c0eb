// Package notify sends the hall's reminders and notices beyond the in-site
// inbox: by e-mail and by SMS, to the taxpayer users who asked for them
// (定制服务), through a durable outbox.
//
//   - Preferences: each taxpayer user chooses, per kind of notice
//     (Categories), whether it also goes to their e-mail address or phone;
//     the in-site message always goes (package messages).
//   - Fanout, called in the transaction that sends the in-site message,
//     enqueues one job per recipient and channel (package jobs, kinds
//     notify.email and notify.sms). The job's key is channel + recipient +
//     event, so a retried event is the same job, and a job exists if and
//     only if its event committed.
//   - Outbox.Register puts the handlers on the node's jobs.Runner: any node
//     sends; a failed send is retried with the runner's backoff; a job
//     whose worker died runs again after its lease, and the channels make
//     that second run send nothing (sms_outbox's unique key, the
//     notify_sent record of e-mails).
//   - The daily scheduler (schedule.go) creates the deadline reminders.
package notify

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
)

// Categories of notice a user can subscribe to.
const (
	Deadline    = "deadline"    // two days before a filing deadline (申报期限提醒)
	LastDay     = "lastday"     // the last day, not filed or not paid (最后一天提醒)
	Overdue     = "overdue"     // overdue returns and payments (逾期提醒)
	Decision    = "decision"    // decisions on applications (审批结果)
	Answer      = "answer"      // answers to questions (咨询答复)
	Appointment = "appointment" // appointment reminders (预约提醒)
	Policy      = "policy"      // new policies on my tax types (政策推送)
	Payment     = "payment"     // payment results (缴款结果)
)

// Categories lists the kinds of notice, in the order pages show them.
var Categories = []auth.Label{
	{Code: Deadline, Name: "申报期限临近提醒（期限前两天）"},
	{Code: LastDay, Name: "申报缴款最后一天提醒"},
	{Code: Overdue, Name: "逾期未申报、未缴款提醒"},
	{Code: Decision, Name: "涉税申请审批结果"},
	{Code: Payment, Name: "缴款结果"},
	{Code: Answer, Name: "咨询答复"},
	{Code: Appointment, Name: "预约办税提醒"},
	{Code: Policy, Name: "我的税种相关新政策"},
}

// CategoryName is the Chinese name of a category.
func CategoryName(c string) string { return auth.NameOf(Categories, c) }

func validCategory(c string) bool {
	return slices.ContainsFunc(Categories, func(l auth.Label) bool { return l.Code == c })
}

// Channels beyond the inbox.
const (
	Email = "email"
	SMS   = "sms"
)

// Job kinds of the outbox.
const (
	KindEmail = "notify.email"
	KindSMS   = "notify.sms"
)

// Event is a notice to the users of one taxpayer (or one of them) that
// may go out by e-mail and SMS as well as in-site.
type Event struct {
	Category   string
	TaxpayerID int64
	UserID     int64 // 0: every user of the taxpayer
	Subject    string
	Body       string
	Link       string // a path of the site, added to the e-mail
	// Key identifies the event for its taxpayer: normally the in-site
	// message's dedupe key ("payment:R123").
	Key string
}

// Letter is the payload of an outbox job: one e-mail or one text.
type Letter struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Link    string `json:"link,omitempty"`
}

// Fanout enqueues, inside q (the event's transaction), the e-mails and
// texts of e to the users of its taxpayer who chose its category on those
// channels. It returns how many jobs it added (0 for a repeated event).
func Fanout(ctx context.Context, q db.Querier, e Event) (n int, err error) {
	defer db.Wrap(&err, "notify.Fanout(%s, taxpayer %d, %q)", e.Category, e.TaxpayerID, e.Key)
	if !validCategory(e.Category) || e.TaxpayerID <= 0 || e.Key == "" {
		return 0, fmt.Errorf("an event needs a known category, a taxpayer and a key")
	}
	query := `SELECT p.user_id, p.email, p.phone, p.email_kinds, p.sms_kinds FROM notify_prefs p
		JOIN taxpayer_users u ON u.id = p.user_id AND u.active = 1
		WHERE p.taxpayer_id = $1`
	args := []any{e.TaxpayerID}
	if e.UserID > 0 {
		query += ` AND p.user_id = $2`
		args = append(args, e.UserID)
	}
	type row struct {
		user                 int64
		email, phone, ek, sk string
	}
	rows, err := db.Query(ctx, q, func(sc db.Scanner) (row, error) {
		var r row
		return r, sc.Scan(&r.user, &r.email, &r.phone, &r.ek, &r.sk)
	}, query+` ORDER BY p.user_id`, args...)
	if err != nil {
		return 0, err
	}
	for _, r := range rows {
		if r.email != "" && hasKind(r.ek, e.Category) {
			added, err := jobs.Enqueue(ctx, q, jobs.Job{Kind: KindEmail, Key: fmt.Sprintf("u%d:%d:%s", r.user, e.TaxpayerID, e.Key),
				Payload: Letter{To: r.email, Subject: e.Subject, Body: e.Body, Link: e.Link}})
			if err != nil {
				return n, err
			}
			n += b2i(added)
		}
		if r.phone != "" && hasKind(r.sk, e.Category) {
			added, err := jobs.Enqueue(ctx, q, jobs.Job{Kind: KindSMS, Key: fmt.Sprintf("u%d:%d:%s", r.user, e.TaxpayerID, e.Key),
				Payload: Letter{To: r.phone, Subject: e.Subject, Body: smsText(e)}})
			if err != nil {
				return n, err
			}
			n += b2i(added)
		}
	}
	return n, nil
}

// smsText is the text of a notice: short, signed, without links (many
// gateways reject texts with addresses that are not registered).
func smsText(e Event) string {
	body := []rune(strings.TrimSpace(e.Subject + "。" + firstLine(e.Body)))
	if len(body) > 120 {
		body = append(body[:119], '…')
	}
	return "【电子税务局】" + string(body)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func hasKind(list, c string) bool { return slices.Contains(strings.Split(list, ","), c) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Direct enqueues a notice to an address without an account (a 12366 asker
// who left a phone number or an e-mail address), inside q.
func Direct(ctx context.Context, q db.Querier, channel, to, key string, l Letter) (bool, error) {
	kind := KindEmail
	if channel == SMS {
		kind = KindSMS
		l.Body = smsText(Event{Subject: l.Subject, Body: l.Body})
	}
	l.To = to
	return jobs.Enqueue(ctx, q, jobs.Job{Kind: kind, Key: "direct:" + key, Payload: l})
}

// FanoutMessage sends the in-site message just stored for taxpayerID with
// dedupeKey (messages.Send in the same transaction q) by e-mail and SMS
// too, to the users who chose category. Capabilities call it on the line
// after their messages.Send; a repeated call adds nothing.
func FanoutMessage(ctx context.Context, q db.Querier, category string, taxpayerID int64, dedupeKey string) (int, error) {
	var e Event
	var user sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT user_id, subject, body, link FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`,
		taxpayerID, dedupeKey).Scan(&user, &e.Subject, &e.Body, &e.Link)
	if err != nil {
		return 0, fmt.Errorf("notify.FanoutMessage(taxpayer %d, %q): %w", taxpayerID, dedupeKey, err)
	}
	e.Category, e.TaxpayerID, e.UserID, e.Key = category, taxpayerID, user.Int64, dedupeKey
	return Fanout(ctx, q, e)
}
