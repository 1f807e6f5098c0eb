package complaints

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// PageSize is a page of the staff's list.
const PageSize = 30

// Page is a page of cases, Next the cursor of the following one.
type Page struct {
	Items []*Case
	Next  int64
}

func requireHandler(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanHandle(a) {
		return nil, apperr.New(apperr.Forbidden, "只有办税服务厅主管和管理员可以办理投诉举报")
	}
	return a, nil
}

// List returns the cases of the staff member's subtree in a state ("" for
// all), newest first, keyset-paged by id (index complaints_org per bureau).
func (s *Service) List(ctx context.Context, state string, after int64) (_ *Page, err error) {
	defer db.Wrap(&err, "complaints.List")
	a, err := requireHandler(ctx)
	if err != nil {
		return nil, err
	}
	if after <= 0 {
		after = 1<<63 - 1
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	items, err := db.Query(ctx, s.DB, scanCase, `SELECT `+caseCols+` FROM complaints c JOIN orgs o ON o.id = c.org_id
		WHERE `+cond+` AND ($2 = '' OR c.state = $2) AND c.id < $3 ORDER BY c.id DESC LIMIT $4`, arg, state, after, PageSize+1)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: items}
	if len(items) > PageSize {
		p.Items = items[:PageSize]
		p.Next = p.Items[PageSize-1].ID
	}
	return p, nil
}

// Get returns a case of the staff member's subtree (NotFound otherwise).
func (s *Service) Get(ctx context.Context, id int64) (*Case, error) {
	a, err := requireHandler(ctx)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	c, err := s.load(ctx, `c.id = $1 AND `+cond, id, arg)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.New(apperr.NotFound, "该件不存在")
	}
	return c, err
}

// Reply answers a case; publish puts the reply (never the filer's data) on
// the public list. A named filer is told in their inbox.
func (s *Service) Reply(ctx context.Context, id int64, body string, publish, close bool) (err error) {
	defer db.Wrap(&err, "complaints.Reply(%d)", id)
	c, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return apperr.InvalidField("reply", "请填写答复内容")
	}
	if !(&apperr.Fields{}).Text("reply", body, MaxBody) {
		return apperr.InvalidField("reply", "答复内容过长")
	}
	if c.State == Closed {
		return apperr.New(apperr.Conflict, "该件已办结")
	}
	a := auth.ActorFrom(ctx)
	now := s.Now()
	state := Replied
	if close {
		state = Closed
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var entry int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO complaint_entries (complaint_id, author, staff_id, body, created_at) VALUES ($1, 'staff', $2, $3, $4) RETURNING id`,
			c.ID, a.UserID, body, db.TS(now)).Scan(&entry); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE complaints SET state = $1, replied_at = $2, public_reply = $3 WHERE id = $4 AND state <> 'closed'`,
			state, db.TS(now), b2i(publish && c.Kind != "misconduct"), c.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "该件已办结")
		}
		return notify(ctx, tx, now, c, entry)
	})
}

// PublicReply is a published reply as the public sees it: kind, bureau,
// subject, the reply and dates; never who filed or how to reach them.
type PublicReply struct {
	Kind, OrgName, Subject, Reply string
	FiledOn, RepliedOn            string
}

// KindName is the Chinese name of the reply's kind.
func (p PublicReply) KindName() string { return KindName(p.Kind) }

// Latest lists the newest published replies (index complaints_public).
func (s *Service) Latest(ctx context.Context, limit int) ([]PublicReply, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (PublicReply, error) {
		var p PublicReply
		var filed, replied string
		err := sc.Scan(&p.Kind, &p.OrgName, &p.Subject, &p.Reply, &filed, &replied)
		p.FiledOn, p.RepliedOn = dateOf(filed), dateOf(replied)
		return p, err
	}, `SELECT c.kind, o.name, c.subject,
		(SELECT e.body FROM complaint_entries e WHERE e.complaint_id = c.id AND e.author = 'staff' ORDER BY e.id DESC LIMIT 1),
		c.created_at, c.replied_at
		FROM complaints c JOIN orgs o ON o.id = c.org_id WHERE c.public_reply = 1 ORDER BY c.replied_at DESC LIMIT $1`, limit)
}

func dateOf(ts string) string {
	t := db.ParseTS(ts)
	if t.IsZero() {
		return ""
	}
	return t.In(cst).Format("2006-01-02")
}

// Stat is the count of cases of one kind at one bureau.
type Stat struct {
	OrgName, Kind        string
	Total, Open, Overdue int
}

// KindName is the Chinese name of the row's kind.
func (s Stat) KindName() string { return KindName(s.Kind) }

// Stats counts the cases of the staff member's subtree by bureau and kind.
func (s *Service) Stats(ctx context.Context) ([]Stat, error) {
	a, err := requireHandler(ctx)
	if err != nil {
		return nil, err
	}
	today := todayOf(s.Now()).String()
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, func(sc db.Scanner) (Stat, error) {
		var st Stat
		return st, sc.Scan(&st.OrgName, &st.Kind, &st.Total, &st.Open, &st.Overdue)
	}, `SELECT o.name, c.kind, COUNT(*),
		SUM(CASE WHEN c.state = 'open' THEN 1 ELSE 0 END),
		SUM(CASE WHEN c.state = 'open' AND c.due_on < $2 THEN 1 ELSE 0 END)
		FROM complaints c JOIN orgs o ON o.id = c.org_id WHERE `+cond+`
		GROUP BY o.path, o.name, c.kind ORDER BY o.path, c.kind`, arg, today)
}

// Bureau is a bureau a case may be addressed to.
type Bureau struct {
	ID    int64
	Name  string
	Level string
}

// Bureaus lists the active bureaus in tree order (public data), for the
// form's choice of the responsible bureau.
func (s *Service) Bureaus(ctx context.Context) ([]Bureau, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (Bureau, error) {
		var b Bureau
		return b, sc.Scan(&b.ID, &b.Name, &b.Level)
	}, `SELECT id, name, level FROM orgs WHERE active = 1 ORDER BY code`)
}
