// Package complaints is complaints, reports and the director's mailbox
// (投诉举报 · 局长信箱 · 违纪举报). Anyone files, named (a logged-in taxpayer
// user) or anonymously; the filer gets a tracking number and a secret query
// code (shown once, stored hashed) to follow up and add information; the
// case goes to the responsible bureau with a time limit in working days;
// the bureau replies; the public sees the latest replies a bureau chose to
// publish, without personal data; statistics count by type and bureau.
package complaints

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/messages"
	"taxhall/internal/ticket"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
)

// Kinds of case, with their Chinese names and time limits in working days.
var Kinds = []Kind{
	{"complaint", "投诉", 10},
	{"report", "涉税违法举报", 20},
	{"mailbox", "局长信箱", 15},
	{"misconduct", "违纪举报", 30},
}

// Kind is a kind of case.
type Kind struct {
	Code, Name string
	Days       int // working days to reply
}

func kindOf(code string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Code == code {
			return k, true
		}
	}
	return Kind{}, false
}

// KindName is the Chinese name of a kind.
func KindName(code string) string {
	k, _ := kindOf(code)
	return k.Name
}

// States.
const (
	Open    = "open"
	Replied = "replied"
	Closed  = "closed"
)

// Limits of texts.
const (
	MaxSubject = 100
	MaxBody    = 4000
)

// Calendar gives the working-day calendar (filingcal.Service).
type Calendar interface {
	Calendar(ctx context.Context) (*calendar.Calendar, error)
}

// Service files, follows up and answers cases.
type Service struct {
	DB  *db.DB
	Now func() time.Time
	Cal Calendar
}

// Case is one complaint, report or letter.
type Case struct {
	ID           int64
	TrackingNo   string
	Kind         string
	OrgID        int64
	OrgName      string
	OrgPath      string
	Subject      string
	Body         string
	Anonymous    bool
	TaxpayerID   int64
	UserID       int64
	ContactName  string
	ContactPhone string
	ContactEmail string
	State        string
	DueOn        calendar.Date
	PublicReply  bool
	CreatedAt    time.Time
	RepliedAt    time.Time
	Entries      []Entry
	Files        []*uploads.Upload // the attachment, if any (detail pages)
	Target       *Target           // the workflow step it is about, if any (detail pages)
}

// OwnerKind is the uploads owner kind of a case's attachment.
const OwnerKind = "complaint"

// Attachment returns a file of a case the caller has loaded for the actor
// (MyCase, Get): who may read the case reads its file.
func (s *Service) Attachment(ctx context.Context, c *Case, fileID int64) (*uploads.Upload, []byte, error) {
	return uploads.OpenOwned(ctx, s.DB, OwnerKind, c.ID, fileID)
}

// KindName is the Chinese name of the case's kind.
func (c *Case) KindName() string { return KindName(c.Kind) }

// StateName is the Chinese name of the case's state.
func (c *Case) StateName() string {
	return map[string]string{Open: "办理中", Replied: "已答复", Closed: "已办结"}[c.State]
}

// Overdue reports whether an open case is past its due date on today.
func (c *Case) Overdue(today calendar.Date) bool { return c.State == Open && c.DueOn.Before(today) }

// Entry is one message of a case's thread.
type Entry = ticket.Entry

// CanHandle reports whether a staff member answers cases of their bureau
// subtree: hall supervisors and administrators.
func CanHandle(a *auth.Actor) bool {
	return a.HasRole(auth.RoleHallSupervisor) || a.HasRole(auth.RoleAdmin)
}

// Input is a new case.
type Input struct {
	Kind      string
	OrgID     int64
	Subject   string
	Body      string
	Anonymous bool
	Name      string
	Phone     string
	Email     string
	// TaskID names a finished step of the filer's application (a
	// workflow task) the complaint is about; its handling clerk is then
	// named in the case and the complaint counts in their figures. The
	// case goes to the task's bureau; it cannot be anonymous.
	TaskID int64
	// Attachment is an optional file (PDF or image).
	Attachment *uploads.Incoming
}

// Target is a workflow step a complaint is about.
type Target struct {
	TaskID      int64
	OrgID       int64
	OrgName     string
	AppNo       string
	NodeName    string
	HandlerName string
	DecidedAt   time.Time
}

// Text describes the step for people.
func (t *Target) Text() string {
	s := "申请 " + t.AppNo + " 的“" + t.NodeName + "”环节"
	if t.HandlerName != "" {
		s += "（经办人 " + t.HandlerName + "）"
	}
	return s
}

// target loads a finished task; taxpayerID limits it to that taxpayer's
// applications (0: any, for staff who already see the case).
func (s *Service) target(ctx context.Context, taskID, taxpayerID int64) (*Target, error) {
	t := &Target{TaskID: taskID}
	var node, decided string
	err := s.DB.QueryRowContext(ctx, `SELECT k.node_code, k.bureau_id, o.name, a.no, COALESCE(st.name, ''), k.decided_at
		FROM tasks k JOIN applications a ON a.id = k.application_id JOIN orgs o ON o.id = k.bureau_id LEFT JOIN staff st ON st.id = k.claimed_by
		WHERE k.id = $1 AND k.state = 'done' AND (CAST($2 AS BIGINT) = 0 OR k.taxpayer_id = $2)`, taskID, taxpayerID).Scan(&node, &t.OrgID, &t.OrgName, &t.AppNo, &t.HandlerName, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "未找到该办理环节")
	}
	t.NodeName, t.DecidedAt = workflow.NodeName(node), db.ParseTS(decided)
	return t, err
}

// TaskTarget returns a finished step of the taxpayer user's own
// application, for the complaint form.
func (s *Service) TaskTarget(ctx context.Context, taskID int64) (*Target, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return s.target(ctx, taskID, a.TaxpayerID)
}

// Filed is what the filer is shown once: the number and the code.
type Filed struct {
	ID         int64
	TrackingNo string
	Code       string
	DueOn      calendar.Date
}

var errNotFound = apperr.New(apperr.NotFound, "未找到该件，请核对受理编号和查询码")

// File stores a new case. A logged-in taxpayer user files named unless
// they ask to stay anonymous; an anonymous case keeps no account link.
func (s *Service) File(ctx context.Context, in Input) (_ *Filed, err error) {
	defer db.Wrap(&err, "complaints.File")
	f := apperr.Fields{}
	k, ok := kindOf(in.Kind)
	if !ok {
		f.Add("kind", "请选择类别")
	}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if in.Subject == "" {
		f.Add("subject", "请填写标题")
	} else {
		f.Text("subject", in.Subject, MaxSubject)
	}
	if len([]rune(in.Body)) < 10 {
		f.Add("body", "请具体说明情况，至少 10 个字")
	} else {
		f.Text("body", in.Body, MaxBody)
	}
	in.Name, in.Phone, in.Email = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone), strings.TrimSpace(in.Email)
	f.Text("name", in.Name, 50)
	f.Text("phone", in.Phone, 20)
	f.Text("email", in.Email, 100)
	var target, targetID any
	if in.TaskID != 0 {
		t, err := s.TaskTarget(ctx, in.TaskID)
		if err != nil {
			return nil, err
		}
		if k.Code != "complaint" && k.Code != "misconduct" {
			f.Add("kind", "对办理环节或经办人员只能提出投诉或违纪举报")
		}
		in.OrgID, in.Anonymous, target, targetID = t.OrgID, false, "task", t.TaskID
	}
	var orgPath string
	if in.OrgID <= 0 {
		f.Add("org_id", "请选择受理的税务机关")
	} else if err := s.DB.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1 AND active = 1`, in.OrgID).Scan(&orgPath); err != nil {
		f.Add("org_id", "请选择受理的税务机关")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	cal, err := s.Cal.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := todayOf(now)
	due := cal.AddWorkdays(today, k.Days)
	var tp, user any
	if a := auth.ActorFrom(ctx); a != nil && a.Kind == auth.Taxpayer && !in.Anonymous {
		tp, user = a.TaxpayerID, a.UserID
		if in.Name == "" {
			in.Name = a.Name
		}
	}
	if in.Anonymous {
		in.Name = ""
	}
	out := &Filed{Code: ticket.NewCode(), DueOn: due}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		for range 5 {
			out.TrackingNo = ticket.NewNumber("TS", now)
			err = tx.QueryRowContext(ctx, `INSERT INTO complaints (tracking_no, code_hash, kind, org_id, subject, body, anonymous, taxpayer_id, user_id,
				contact_name, contact_phone, contact_email, target_kind, target_id, state, due_on, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'open', $15, $16)
				ON CONFLICT (tracking_no) DO NOTHING RETURNING id`,
				out.TrackingNo, ticket.Hash(out.TrackingNo, out.Code), k.Code, in.OrgID, in.Subject, in.Body, b2i(in.Anonymous), tp, user,
				in.Name, in.Phone, in.Email, target, targetID, due.String(), db.TS(now)).Scan(&out.ID)
			if !errors.Is(err, sql.ErrNoRows) {
				break
			}
		}
		if err != nil || in.Attachment == nil {
			return err
		}
		// The org's staff (the bureau it went to) and the named filer read
		// the file through the case (OpenOwned); an anonymous filer does not
		// get it back (they sent it).
		owner := uploads.Owner{Kind: OwnerKind, ID: out.ID, OrgID: in.OrgID}
		if id, ok := tp.(int64); ok {
			owner.TaxpayerID = id
		}
		fid, err := uploads.Attach(ctx, tx, now, uploads.UploaderOf(auth.ActorFrom(ctx)), owner, "attachment", in.Attachment)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE complaints SET attachment_id = $1 WHERE id = $2`, fid, out.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

const caseCols = `c.id, c.tracking_no, c.kind, c.org_id, o.name, o.path, c.subject, c.body, c.anonymous, COALESCE(c.taxpayer_id, 0), COALESCE(c.user_id, 0),
	c.contact_name, c.contact_phone, c.contact_email, c.state, c.due_on, c.public_reply, c.created_at, COALESCE(c.replied_at, '')`

func scanCase(sc db.Scanner) (*Case, error) {
	var c Case
	var anon, pub int
	var due, created, replied string
	err := sc.Scan(&c.ID, &c.TrackingNo, &c.Kind, &c.OrgID, &c.OrgName, &c.OrgPath, &c.Subject, &c.Body, &anon, &c.TaxpayerID, &c.UserID,
		&c.ContactName, &c.ContactPhone, &c.ContactEmail, &c.State, &due, &pub, &created, &replied)
	c.Anonymous, c.PublicReply = anon == 1, pub == 1
	c.DueOn, _ = calendar.ParseDate(due)
	c.CreatedAt, c.RepliedAt = db.ParseTS(created), db.ParseTS(replied)
	return &c, err
}

func (s *Service) load(ctx context.Context, where string, args ...any) (*Case, error) {
	c, err := scanCase(s.DB.QueryRowContext(ctx, `SELECT `+caseCols+` FROM complaints c JOIN orgs o ON o.id = c.org_id WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	c.Entries, err = ticket.Entries(ctx, s.DB, "complaint_entries", "complaint_id", c.ID)
	if err != nil {
		return nil, err
	}
	if c.Files, err = uploads.ByOwner(ctx, s.DB, OwnerKind, c.ID); err != nil {
		return nil, err
	}
	var kind string
	var tid int64
	if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(target_kind, ''), COALESCE(target_id, 0) FROM complaints WHERE id = $1`, c.ID).Scan(&kind, &tid); err != nil {
		return nil, err
	}
	if kind == "task" {
		if c.Target, err = s.target(ctx, tid, 0); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Track returns a case for its tracking number and query code, after the
// throttle admits the lookup. A wrong number and a wrong code get the same
// answer.
func (s *Service) Track(ctx context.Context, number, code string) (_ *Case, err error) {
	defer db.Wrap(&err, "complaints.Track")
	number = strings.ToUpper(strings.TrimSpace(number))
	f := apperr.Fields{}
	if number == "" {
		f.Add("tracking_no", "请填写受理编号")
	}
	if strings.TrimSpace(code) == "" {
		f.Add("code", "请填写查询码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := ticket.Admit(ctx, s.DB, "complaint", number, s.Now()); err != nil {
		return nil, err
	}
	var stored string
	err = s.DB.QueryRowContext(ctx, `SELECT code_hash FROM complaints WHERE tracking_no = $1`, number).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !ticket.Matches(stored, number, code) {
		// Spend the same work on a miss as on a hit.
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `c.tracking_no = $1`, number)
}

// AddInfo adds the filer's information to a case found by number and code.
func (s *Service) AddInfo(ctx context.Context, number, code, body string) (_ *Case, err error) {
	defer db.Wrap(&err, "complaints.AddInfo")
	c, err := s.Track(ctx, number, code)
	if err != nil {
		return nil, err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, apperr.InvalidField("body", "请填写补充内容")
	}
	if !(&apperr.Fields{}).Text("body", body, MaxBody) {
		return nil, apperr.InvalidField("body", "补充内容过长")
	}
	if c.State == Closed {
		return nil, apperr.New(apperr.Conflict, "该件已办结，不能再补充")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO complaint_entries (complaint_id, author, body, created_at) VALUES ($1, 'filer', $2, $3)`, c.ID, body, db.TS(s.Now())); err != nil {
			return err
		}
		// New information reopens a replied case for the bureau.
		_, err := tx.ExecContext(ctx, `UPDATE complaints SET state = 'open' WHERE id = $1 AND state = 'replied'`, c.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `c.id = $1`, c.ID)
}

// Mine lists the cases a taxpayer user filed under their name.
func (s *Service) Mine(ctx context.Context) ([]*Case, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanCase, `SELECT `+caseCols+` FROM complaints c JOIN orgs o ON o.id = c.org_id WHERE c.user_id = $1 ORDER BY c.id DESC LIMIT 50`, a.UserID)
}

// MyCase returns one of the user's named cases.
func (s *Service) MyCase(ctx context.Context, id int64) (*Case, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `c.id = $1 AND c.user_id = $2`, id, a.UserID)
}

// notify tells a named filer in their inbox that the bureau replied.
func notify(ctx context.Context, tx *sql.Tx, now time.Time, c *Case, entry int64) error {
	if c.TaxpayerID == 0 {
		return nil // anonymous: the filer looks it up with number and code
	}
	_, _, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: c.TaxpayerID, UserID: c.UserID, Kind: messages.KindNotice,
		Subject: "您的" + c.KindName() + "已答复：" + c.Subject, Body: "受理编号 " + c.TrackingNo + "。" + c.OrgName + "已答复，请查看。",
		Link: "/hall/complaints/" + itoa(c.ID), DedupeKey: "complaint:" + itoa(entry)})
	return err
}

var cst = time.FixedZone("CST", 8*3600)

func todayOf(t time.Time) calendar.Date { return calendar.FromTime(t.In(cst)) }
