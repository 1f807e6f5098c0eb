// Package consult is the 12366 consultation queue (网上税法咨询): a
// taxpayer user, or anyone leaving a phone number or e-mail address, asks
// on the web; SMS and hotline questions are entered by an agent. All land
// in ONE queue per responsible bureau, with the channel and a time limit in
// working days. An agent claims a question (one guarded UPDATE: no two
// agents answer the same one), answers or transfers it; the asker is told
// (in-site message for users, the Notifier for phone and e-mail) and may
// rate the answer and ask a follow-up in the same thread. Agents propose
// anonymised Q&A for the public list; a content reviewer publishes them.
package consult

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/messages"
	"taxhall/internal/search"
	"taxhall/internal/ticket"
	"taxhall/internal/uploads"
)

// Channels.
const (
	Web     = "web"
	SMS     = "sms"
	Hotline = "hotline"
)

// ChannelName is the Chinese name of a channel.
func ChannelName(c string) string {
	return map[string]string{Web: "网站", SMS: "短信", Hotline: "热线"}[c]
}

// TaxTypes are the tax types a question is filed under.
var TaxTypes = []auth.Label{
	{Code: "vat", Name: "增值税"}, {Code: "cit", Name: "企业所得税"}, {Code: "iit", Name: "个人所得税"},
	{Code: "invoice", Name: "发票"}, {Code: "property", Name: "房产税、城镇土地使用税"}, {Code: "stamp", Name: "印花税"},
	{Code: "si", Name: "社会保险费"}, {Code: "other", Name: "其他"},
}

// AnswerDays is the published time limit of an answer, in working days.
const AnswerDays = 3

// Limits.
const (
	MaxSubject = 100
	MaxBody    = 2000
	PageSize   = 30
)

// Notice is a message to an asker without an account.
type Notice struct {
	Phone, Email  string
	Subject, Body string
	DedupeKey     string
	TrackingNo    string
}

// Notifier sends a notice to a phone or e-mail address. It runs inside the
// transaction of the event (q), so the e-mail/SMS outbox can queue it
// together or not at all. Nil means no such channel yet: the asker looks
// the answer up with number and code.
type Notifier interface {
	Notify(ctx context.Context, q db.Querier, n Notice) error
}

// Calendar gives the working-day calendar.
type Calendar interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}

// Service is the queue.
type Service struct {
	DB       *db.DB
	Now      func() time.Time
	Cal      Calendar
	Notifier Notifier
	// Index, when set, indexes published Q&A for the knowledge base's
	// suggestions (kind QASearchKind).
	Index *search.Index
}

// CanAnswer reports whether a staff member works the 12366 queue.
func CanAnswer(a *auth.Actor) bool { return a.HasRole(auth.Role12366Agent) }

// CanReview reports whether a staff member publishes Q&A.
func CanReview(a *auth.Actor) bool { return a.HasRole(auth.RoleContentReviewer) }

// Question is one question with its thread.
type Question struct {
	ID            int64
	TrackingNo    string
	OrgID         int64
	OrgName       string
	OrgPath       string
	Channel       string
	TaxType       string
	Subject       string
	Body          string
	TaxpayerID    int64
	UserID        int64
	AskerName     string
	Phone         string
	Email         string
	State         string
	ClaimedBy     int64
	ClaimedByName string
	DueOn         calendar.Date
	AnsweredAt    time.Time
	Rating        int
	RatingComment string
	CreatedAt     time.Time
	Entries       []Entry
	Files         []*uploads.Upload // the attachment, if any (detail pages)
}

// OwnerKind is the uploads owner kind of a question's attachment.
const OwnerKind = "question"

// ChannelName, TaxTypeName and StateName are shown on pages.
func (q *Question) ChannelName() string { return ChannelName(q.Channel) }
func (q *Question) TaxTypeName() string { return auth.NameOf(TaxTypes, q.TaxType) }
func (q *Question) StateName() string {
	return map[string]string{"open": "待受理", "claimed": "处理中", "answered": "已答复"}[q.State]
}

// Entry is one message of the thread.
type Entry = ticket.Entry

// Input is a new question.
type Input struct {
	OrgID   int64
	Channel string // web for the asker; sms or hotline from an agent's form
	TaxType string
	Subject string
	Body    string
	Name    string
	Phone   string
	Email   string
	// Attachment is an optional file (PDF or image), stored with the
	// question and readable by whoever may read the question.
	Attachment *uploads.Incoming
}

// Asked is what the asker is shown once.
type Asked struct {
	ID         int64
	TrackingNo string
	Code       string
	DueOn      calendar.Date
}

var errNotFound = apperr.New(apperr.NotFound, "咨询不存在")

// Ask files a question. A taxpayer user asks under their account; anyone
// else leaves a phone number or e-mail address. An agent enters SMS and
// hotline questions for the caller (entered_by).
func (s *Service) Ask(ctx context.Context, in Input) (_ *Asked, err error) {
	return s.ask(ctx, in, false)
}

// ask files a question; intake says an intake client (IntakeAsk) sends it
// on its own channel.
func (s *Service) ask(ctx context.Context, in Input, intake bool) (_ *Asked, err error) {
	defer db.Wrap(&err, "consult.Ask")
	a := auth.ActorFrom(ctx)
	f := apperr.Fields{}
	switch in.Channel {
	case Web:
	case SMS, Hotline:
		if !intake && !CanAnswer(a) {
			return nil, apperr.New(apperr.Forbidden, "短信和热线咨询由12366坐席录入")
		}
	default:
		f.Add("channel", "请选择咨询渠道")
	}
	if auth.NameOf(TaxTypes, in.TaxType) == in.TaxType {
		f.Add("tax_type", "请选择税种")
	}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	in.Name, in.Phone, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email)
	if in.Subject == "" {
		f.Add("subject", "请填写问题摘要")
	} else {
		f.Text("subject", in.Subject, MaxSubject)
	}
	if len([]rune(in.Body)) < 5 {
		f.Add("body", "请具体描述您的问题，至少 5 个字")
	} else {
		f.Text("body", in.Body, MaxBody)
	}
	f.Text("name", in.Name, 50)
	f.Text("phone", in.Phone, 20)
	f.Text("email", in.Email, 100)
	var tp, user, staff any
	switch {
	case a != nil && a.Kind == auth.Taxpayer && in.Channel == Web:
		tp, user = a.TaxpayerID, a.UserID
		if in.Name == "" {
			in.Name = a.Name
		}
	case in.Phone == "" && in.Email == "":
		f.Add("phone", "请留下手机号码或电子邮箱，以便接收答复")
	}
	if in.Channel != Web && a != nil {
		staff = a.UserID
	}
	if in.OrgID <= 0 {
		f.Add("org_id", "请选择税务机关")
	} else if err := s.DB.QueryRowContext(ctx, `SELECT 1 FROM orgs WHERE id = $1 AND active = 1`, in.OrgID).Scan(new(int)); err != nil {
		f.Add("org_id", "请选择税务机关")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	cal, err := s.Cal.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	out := &Asked{Code: ticket.NewCode(), DueOn: cal.AddWorkdays(today(now), AnswerDays)}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		for range 5 {
			out.TrackingNo = ticket.NewNumber("ZX", now)
			err = tx.QueryRowContext(ctx, `INSERT INTO questions (tracking_no, code_hash, org_id, channel, tax_type, subject, body, taxpayer_id, user_id,
				asker_name, phone, email, entered_by, state, due_on, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'open', $14, $15)
				ON CONFLICT (tracking_no) DO NOTHING RETURNING id`,
				out.TrackingNo, ticket.Hash(out.TrackingNo, out.Code), in.OrgID, in.Channel, in.TaxType, in.Subject, in.Body, tp, user,
				in.Name, in.Phone, in.Email, staff, out.DueOn.String(), db.TS(now)).Scan(&out.ID)
			if !errors.Is(err, sql.ErrNoRows) {
				break
			}
		}
		if err != nil || in.Attachment == nil {
			return err
		}
		// Whoever may read the question reads the file (OpenOwned); the
		// org is the bureau it went to, for Open's rule.
		owner := uploads.Owner{Kind: OwnerKind, ID: out.ID, OrgID: in.OrgID}
		if id, ok := tp.(int64); ok {
			owner.TaxpayerID = id
		}
		fid, err := uploads.Attach(ctx, tx, now, uploads.UploaderOf(a), owner, "attachment", in.Attachment)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE questions SET attachment_id = $1 WHERE id = $2`, fid, out.ID)
		return err
	})
	return out, err
}

var cst = time.FixedZone("CST", 8*3600)

func today(t time.Time) calendar.Date { return calendar.FromTime(t.In(cst)) }

const qCols = `q.id, q.tracking_no, q.org_id, o.name, o.path, q.channel, q.tax_type, q.subject, q.body, COALESCE(q.taxpayer_id, 0), COALESCE(q.user_id, 0),
	q.asker_name, q.phone, q.email, q.state, COALESCE(q.claimed_by, 0), COALESCE(s.name, ''), q.due_on, COALESCE(q.answered_at, ''),
	COALESCE(q.rating, 0), q.rating_comment, q.created_at`

const qFrom = ` FROM questions q JOIN orgs o ON o.id = q.org_id LEFT JOIN staff s ON s.id = q.claimed_by`

func scanQ(sc db.Scanner) (*Question, error) {
	var q Question
	var due, answered, created string
	err := sc.Scan(&q.ID, &q.TrackingNo, &q.OrgID, &q.OrgName, &q.OrgPath, &q.Channel, &q.TaxType, &q.Subject, &q.Body, &q.TaxpayerID, &q.UserID,
		&q.AskerName, &q.Phone, &q.Email, &q.State, &q.ClaimedBy, &q.ClaimedByName, &due, &answered, &q.Rating, &q.RatingComment, &created)
	q.DueOn, _ = calendar.ParseDate(due)
	q.AnsweredAt, q.CreatedAt = db.ParseTS(answered), db.ParseTS(created)
	return &q, err
}

func (s *Service) load(ctx context.Context, where string, args ...any) (*Question, error) {
	q, err := scanQ(s.DB.QueryRowContext(ctx, `SELECT `+qCols+qFrom+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	q.Entries, err = ticket.Entries(ctx, s.DB, "question_entries", "question_id", q.ID)
	if err != nil {
		return nil, err
	}
	q.Files, err = uploads.ByOwner(ctx, s.DB, OwnerKind, q.ID)
	return q, err
}

// Attachment returns a file of a question the caller has loaded for the
// actor (MyQuestion, Get): who may read the question reads its file.
func (s *Service) Attachment(ctx context.Context, q *Question, fileID int64) (*uploads.Upload, []byte, error) {
	return uploads.OpenOwned(ctx, s.DB, OwnerKind, q.ID, fileID)
}

// notifyAsker tells the asker an answer came: an in-site message to a
// user, the Notifier for a phone or e-mail address.
func (s *Service) notifyAsker(ctx context.Context, tx *sql.Tx, q *Question, entry int64) error {
	subject := "您的咨询已答复：" + q.Subject
	if q.UserID != 0 {
		_, _, err := messages.Send(ctx, tx, s.Now(), messages.Message{TaxpayerID: q.TaxpayerID, UserID: q.UserID, Kind: messages.KindNotice,
			Subject: subject, Body: "12366 已答复您的咨询（编号 " + q.TrackingNo + "），欢迎评价。", Link: fmt.Sprintf("/hall/questions/%d", q.ID),
			DedupeKey: fmt.Sprintf("question:%d", entry)})
		return err
	}
	if s.Notifier == nil {
		return nil
	}
	return s.Notifier.Notify(ctx, tx, Notice{Phone: q.Phone, Email: q.Email, Subject: subject, TrackingNo: q.TrackingNo,
		Body: "12366 已答复您的咨询，请凭编号 " + q.TrackingNo + " 和查询码查看。", DedupeKey: fmt.Sprintf("question:%d", entry)})
}
