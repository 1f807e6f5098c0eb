package notify

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"time"

	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
)

// Mailer sends one e-mail; id is stable across retries of the same job.
type Mailer interface {
	Send(ctx context.Context, to, subject, body, id string) error
}

// Outbox sends the queued e-mails and texts.
type Outbox struct {
	DB      *db.DB
	Now     func() time.Time
	Log     *slog.Logger
	Mailer  Mailer  // nil: e-mail is off; queued e-mails wait for a node that has it
	SMS     Gateway // nil: texts wait likewise
	BaseURL string  // the hall's public address, for links in e-mails
}

// Register adds the outbox's handlers to r. A channel that is not
// configured gets no handler: its jobs stay queued (never lost) until a
// node with the channel runs, and a log line says so.
func (o *Outbox) Register(r *jobs.Runner) {
	if o.Mailer != nil {
		r.Handle(KindEmail, o.sendEmail)
	} else if o.Log != nil {
		o.Log.Info("notify: e-mail channel off (no --smtp-addr); e-mail notices stay queued")
	}
	if o.SMS != nil {
		r.Handle(KindSMS, o.sendSMS)
	}
}

// AcceptMailer is a Mailer that reports the moment the server accepted a
// message (SMTP.SendAccepted), so that the outbox records it then.
type AcceptMailer interface {
	SendAccepted(ctx context.Context, to, subject, body, id string, accepted func() error) error
}

// sendEmail sends one queued e-mail unless notify_sent shows it went
// already (a second run of a job whose worker died after sending), and
// records it. Exactly once cannot be had over SMTP: the server's acceptance
// and our record are two systems. The window is kept to one local INSERT:
// the database connection is taken before the message is sent, and the
// record is written the moment the server answers 250 to the end of DATA,
// before QUIT (a failed QUIT no longer re-sends). A node that dies inside
// that window still sends the e-mail twice, with the same Message-ID.
func (o *Outbox) sendEmail(ctx context.Context, j *jobs.Claimed) error {
	var l Letter
	if err := j.Decode(&l); err != nil {
		return err
	}
	key := KindEmail + "/" + j.Key
	var one int
	err := o.DB.QueryRowContext(ctx, `SELECT 1 FROM notify_sent WHERE dedupe_key = $1`, key).Scan(&one)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	const record = `INSERT INTO notify_sent (dedupe_key, channel, recipient, sent_at) VALUES ($1, 'email', $2, $3)
		ON CONFLICT (dedupe_key) DO NOTHING`
	if am, ok := o.Mailer.(AcceptMailer); ok {
		conn, err := o.DB.Conn(ctx) // held across the send: recording waits for no pool
		if err != nil {
			return err
		}
		defer conn.Close()
		return am.SendAccepted(ctx, l.To, l.Subject, o.emailBody(l), key, func() error {
			// Recorded even if the job's lease has just ended: the e-mail went.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_, err := conn.ExecContext(rctx, record, key, l.To, db.TS(o.Now()))
			return err
		})
	}
	if err := o.Mailer.Send(ctx, l.To, l.Subject, o.emailBody(l), key); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	_, err = o.DB.ExecContext(rctx, record, key, l.To, db.TS(o.Now()))
	return err
}

func (o *Outbox) emailBody(l Letter) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(l.Body))
	if l.Link != "" && o.BaseURL != "" {
		b.WriteString("\n\n详情请登录电子税务局查看：" + strings.TrimRight(o.BaseURL, "/") + l.Link)
	}
	b.WriteString("\n\n——\n本邮件由电子税务局自动发送，请勿直接回复。如不需要邮件提醒，请登录后在“定制服务”（/hall/notifications）中修改。\n")
	return b.String()
}

func (o *Outbox) sendSMS(ctx context.Context, j *jobs.Claimed) error {
	var l Letter
	if err := j.Decode(&l); err != nil {
		return err
	}
	return o.SMS.SendSMS(ctx, l.To, l.Body, KindSMS+"/"+j.Key)
}

// Notify implements consult.Notifier: the answer to a 12366 asker without
// an account goes to the e-mail address and/or the phone they left,
// queued in the answer's transaction.
func (o *Outbox) Notify(ctx context.Context, q db.Querier, n consult.Notice) error {
	l := Letter{Subject: n.Subject, Body: n.Body}
	if n.Email != "" {
		if _, err := Direct(ctx, q, Email, n.Email, n.DedupeKey, l); err != nil {
			return err
		}
	}
	if n.Phone != "" {
		if _, err := Direct(ctx, q, SMS, n.Phone, n.DedupeKey, l); err != nil {
			return err
		}
	}
	return nil
}

var _ consult.Notifier = (*Outbox)(nil)
