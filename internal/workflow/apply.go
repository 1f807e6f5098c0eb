package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/filingcal"
	"taxhall/internal/messages"
	subscriptions "taxhall/internal/notify"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/uploads"
)

// Service is the workflow: the taxpayer's applications and the staff's
// tasks. ctx carries the actor; every query is scoped by it.
type Service struct {
	DB        *db.DB
	Now       func() time.Time
	Calendar  *filingcal.Service
	Returns   *returns.Service  // deregistration checks
	Taxpayers *taxpayer.Service // the record an approval changes
}

// OwnerKind is the uploads owner kind of an application's materials.
const OwnerKind = "application"

// Application is one application as its taxpayer and the staff see it.
type Application struct {
	ID           int64
	No           string
	TaxpayerID   int64
	TaxpayerName string
	BureauID     int64
	Item         *Item
	Status       string
	Node         int
	Form         Values
	Version      int
	SubmittedAt  time.Time
	UpdatedAt    time.Time
	FinishedAt   time.Time
	Result       string
	// CertificateID is the certificate an approved certificate item
	// issued (package certs), 0 for none.
	CertificateID int64
	// RefundRequestID and IITRefundRequestID: the refund request a refund
	// application was opened for (refundflow.go), 0 for none.
	RefundRequestID    int64
	IITRefundRequestID int64
	// Refund is the refund an approved refund item recorded, with its
	// payouts at the bank (Get only; nil for none).
	Refund *RefundRecord

	Files []*uploads.Upload // the live materials
	Tasks []*Task           // every node visit, oldest first (Get only)
}

// StatusName is the status in Chinese.
func (a *Application) StatusName() string { return StatusNames[a.Status] }

// CanWithdraw, CanResubmit: what the taxpayer may do now.
func (a *Application) CanWithdraw() bool { return CanWithdraw(a.Status) }
func (a *Application) CanResubmit() bool { return CanResubmit(a.Status) }

// Missing lists the required materials without a file.
func (a *Application) Missing() []Material {
	var out []Material
	for _, m := range a.Item.Def.Materials {
		if m.Required && len(a.FilesOf(m.Code)) == 0 {
			out = append(out, m)
		}
	}
	return out
}

// FilesOf lists the files attached as material code.
func (a *Application) FilesOf(code string) []*uploads.Upload {
	var out []*uploads.Upload
	for _, f := range a.Files {
		if f.Owner.Slot == code {
			out = append(out, f)
		}
	}
	return out
}

// FieldRows are the form's filled fields for display.
func (a *Application) FieldRows() []auth.Label {
	var out []auth.Label
	for _, f := range a.Item.Def.Fields {
		if v, ok := a.Form[f.Name]; ok {
			out = append(out, auth.Label{Code: f.Label, Name: f.Display(v)})
		}
	}
	return out
}

// File is one uploaded file in a submission.
type File struct {
	Material string // the material's code
	Name     string
	Data     []byte
}

// SubmitInput is an application as the taxpayer submits it.
type SubmitInput struct {
	Item   string
	Fields map[string]string // raw values by field name
	Files  []File
	Token  string // idempotency token: the same token is the same application
}

// Submit files an application for the current taxpayer user and returns
// it with created false when the token was used already (a retried or
// double-clicked submission): one application per token, held by the
// database. A missing required material does not stop the submission (容缺
// 受理 is the clerk's call); the clerk sees what is missing.
func (s *Service) Submit(ctx context.Context, in SubmitInput) (_ *Application, created bool, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Submit(%s)", in.Item)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, false, err
	}
	it, err := getItem(ctx, s.DB, in.Item)
	if err != nil {
		return nil, false, err
	}
	if !it.Enabled {
		return nil, false, apperr.New(apperr.NotFound, "该事项暂停网上办理")
	}
	in.Token = strings.TrimSpace(in.Token)
	if in.Token == "" || len(in.Token) > 64 {
		return nil, false, apperr.New(apperr.BadRequest, "提交令牌无效，请刷新页面后重新提交")
	}
	vals, f := it.Def.Check(in.Fields)
	checkFiles(it.Def, in.Files, f)
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	cal, err := s.Calendar.Calendar(ctx)
	if err != nil {
		return nil, false, err
	}
	form, _ := json.Marshal(vals)
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var bureau int64
		var path string
		if err := tx.QueryRowContext(ctx, `SELECT t.bureau_id, o.path FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE t.id = $1`, a.TaxpayerID).Scan(&bureau, &path); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
			VALUES ($1, $2, $3, $4, 'submitted', 0, $5, $6, $7, $8, $8)
			ON CONFLICT (taxpayer_id, submit_token) DO NOTHING RETURNING id`,
			"T"+in.Token, a.TaxpayerID, bureau, it.Code, string(form), in.Token, a.UserID, db.TS(now)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			created = false
			return tx.QueryRowContext(ctx, `SELECT id FROM applications WHERE taxpayer_id = $1 AND submit_token = $2`, a.TaxpayerID, in.Token).Scan(&id)
		}
		if err != nil {
			return err
		}
		created = true
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET no = $1 WHERE id = $2`, AppNo(now, id), id); err != nil {
			return err
		}
		if err := storeFiles(ctx, tx, now, a, id, in.Files); err != nil {
			return err
		}
		return openTask(ctx, tx, cal, now, taskSpec{app: id, taxpayer: a.TaxpayerID, item: it, node: 0, bureau: bureau, bureauPath: path})
	})
	if err != nil {
		return nil, false, err
	}
	app, err := s.Get(ctx, id)
	return app, created, err
}

// AppNo is an application's number: "SQ", the day of submission and the
// id ("SQ20260510000017").
func AppNo(now time.Time, id int64) string {
	return fmt.Sprintf("SQ%s%06d", now.In(china).Format("20060102"), id)
}

// checkFiles adds a field error ("m_"+code) for a file of no material of
// the item. Type and size are checked by uploads.Store.
func checkFiles(d *Def, files []File, f apperr.Fields) {
	for _, fl := range files {
		if d.Material(fl.Material) == nil {
			f.Add("m_"+fl.Material, "该事项没有这项材料")
		}
	}
}

func storeFiles(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, appID int64, files []File) error {
	for _, fl := range files {
		owner := uploads.Owner{Kind: OwnerKind, ID: appID, Slot: fl.Material, TaxpayerID: a.TaxpayerID}
		if _, err := uploads.Store(ctx, tx, now, uploads.UploaderOf(a), owner, "m_"+fl.Material, fl.Name, fl.Data); err != nil {
			return err
		}
	}
	return nil
}

// taskSpec is a node's task to open.
type taskSpec struct {
	app, taxpayer, bureau int64
	bureauPath            string
	item                  *Item
	node                  int
}

// CityOf returns the id of the city-level org on an org path
// ("/1/4/9/" → 4), or the org itself above that level.
func CityOf(path string) int64 {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	i := min(1, len(parts)-1)
	id, _ := strconv.ParseInt(parts[i], 10, 64)
	return id
}

// openTask opens the task of a node: its limit and difficulty as the
// item has them now, its last day and warning day on the calendar.
func openTask(ctx context.Context, tx *sql.Tx, cal *calendar.Calendar, now time.Time, sp taskSpec) error {
	n := sp.item.Nodes[sp.node]
	start := calendar.FromTime(now.In(china))
	_, err := tx.ExecContext(ctx, `INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path,
		city_id, citywide, state, limit_days, difficulty_pct, started_at, due_date, warn_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12, $13, $14, $15)`,
		sp.app, sp.taxpayer, sp.item.Code, sp.node, n.Code, n.Role, sp.bureau, sp.bureauPath, CityOf(sp.bureauPath),
		boolInt(sp.item.Citywide), n.Limit, sp.item.Difficulty, db.TS(now),
		DueDate(cal, start, n.Limit).String(), WarnDate(cal, start, n.Limit).String())
	if db.IsUniqueViolation(err) {
		return errState("该申请已有待办任务")
	}
	if err != nil {
		return err
	}
	return count(ctx, tx, countKey{bureau: sp.bureau, city: CityOf(sp.bureauPath), item: sp.item.Code, node: n.Code,
		due: DueDate(cal, start, n.Limit).String()}, 1, 0)
}

const appCols = `a.id, a.no, a.taxpayer_id, t.name, a.bureau_id, a.item_code, a.status, a.node, a.form, a.version, a.submitted_at, a.updated_at, a.finished_at, a.result,
	COALESCE(a.certificate_id, 0), COALESCE(a.refund_request_id, 0), COALESCE(a.iit_refund_request_id, 0)`

func (s *Service) scanApp(ctx context.Context, q db.Querier) func(sc db.Scanner) (*Application, error) {
	items := map[string]*Item{}
	return func(sc db.Scanner) (*Application, error) {
		var ap Application
		var code, form, sub, upd, fin string
		if err := sc.Scan(&ap.ID, &ap.No, &ap.TaxpayerID, &ap.TaxpayerName, &ap.BureauID, &code, &ap.Status, &ap.Node, &form, &ap.Version, &sub, &upd, &fin, &ap.Result, &ap.CertificateID,
			&ap.RefundRequestID, &ap.IITRefundRequestID); err != nil {
			return nil, err
		}
		ap.SubmittedAt, ap.UpdatedAt, ap.FinishedAt = db.ParseTS(sub), db.ParseTS(upd), db.ParseTS(fin)
		if err := json.Unmarshal([]byte(form), &ap.Form); err != nil {
			return nil, err
		}
		it := items[code]
		if it == nil {
			var err error
			if it, err = getItem(ctx, q, code); err != nil {
				return nil, err
			}
			items[code] = it
		}
		ap.Item = it
		return &ap, nil
	}
}

var errNoApp = apperr.New(apperr.NotFound, "申请不存在")

// Get returns an application with its materials and every node visit, for
// its taxpayer's users and for staff whose subtree holds its bureau (or,
// for a 同城通办 item, any staff of its city). Anyone else: NotFound.
func (s *Service) Get(ctx context.Context, id int64) (_ *Application, err error) {
	defer db.Wrap(&err, "workflow.Get(%d)", id)
	ap, err := s.load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if ap.Files, err = uploads.ByOwner(ctx, s.DB, OwnerKind, id); err != nil {
		return nil, err
	}
	ap.Tasks, err = db.Query(ctx, s.DB, scanTask, `SELECT `+taskCols+` FROM tasks k `+taskJoins+` WHERE k.application_id = $1 ORDER BY k.id`, id)
	if err != nil {
		return nil, err
	}
	ap.Refund, err = refundOf(ctx, s.DB, id)
	return ap, err
}

// load reads an application the actor may see.
func (s *Service) load(ctx context.Context, q db.Querier, id int64) (*Application, error) {
	a := auth.ActorFrom(ctx)
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	var path string
	ap, err := s.scanApp(ctx, q)(scanPlus(q.QueryRowContext(ctx, `SELECT `+appCols+`, o.path FROM applications a
		JOIN taxpayers t ON t.id = a.taxpayer_id JOIN orgs o ON o.id = a.bureau_id WHERE a.id = $1`, id), &path))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoApp
	}
	if err != nil {
		return nil, err
	}
	if !maySee(a, ap, path) {
		return nil, errNoApp
	}
	return ap, nil
}

func maySee(a *auth.Actor, ap *Application, bureauPath string) bool {
	if a.Kind == auth.Taxpayer {
		return a.TaxpayerID == ap.TaxpayerID
	}
	return a.Covers(bureauPath) || ap.Item.Citywide && CityOf(a.OrgPath) == CityOf(bureauPath) && a.OrgPath != ""
}

type rowPlus struct {
	row   *sql.Row
	extra []any
}

func (r rowPlus) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra...)...) }

func scanPlus(row *sql.Row, extra ...any) db.Scanner { return rowPlus{row, extra} }

// Page is a page of applications, newest first; Next is the cursor of the
// older page, 0 on the last.
type Page struct {
	Items []*Application
	Next  int64
}

// Mine lists the current taxpayer's applications, newest first, keyset on
// (taxpayer_id, id DESC).
func (s *Service) Mine(ctx context.Context, before int64, limit int) (_ *Page, err error) {
	defer db.Wrap(&err, "workflow.Mine")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	if before <= 0 {
		before = 1<<63 - 1
	}
	list, err := db.Query(ctx, s.DB, s.scanApp(ctx, s.DB), `SELECT `+appCols+` FROM applications a JOIN taxpayers t ON t.id = a.taxpayer_id
		WHERE a.taxpayer_id = $1 AND a.id < $2 ORDER BY a.id DESC LIMIT $3`, a.TaxpayerID, before, limit+1)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: list}
	if len(list) > limit {
		p.Items = list[:limit]
		p.Next = p.Items[limit-1].ID
	}
	return p, nil
}

func clampLimit(n int) int {
	if n <= 0 {
		return 20
	}
	return min(n, 100)
}

// Withdraw withdraws the taxpayer's application before acceptance (or
// while it waits for correction); its open task is cancelled in the same
// transaction. A clerk who has accepted it first wins: the conditional
// update finds the status changed and the withdrawal is refused.
func (s *Service) Withdraw(ctx context.Context, id int64) (_ *Application, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Withdraw(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := s.load(ctx, s.DB, id); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE applications SET status = 'withdrawn', updated_at = $1, finished_at = $1
			WHERE id = $2 AND taxpayer_id = $3 AND status IN ('submitted', 'returned')`, db.TS(now), id, a.TaxpayerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errState("申请已受理或已办结，不能撤回")
		}
		type gone struct {
			key   countKey
			state string
		}
		cancelled, err := db.Query(ctx, tx, func(sc db.Scanner) (gone, error) {
			var g gone
			return g, sc.Scan(&g.state, &g.key.bureau, &g.key.city, &g.key.item, &g.key.node, &g.key.due)
		}, `UPDATE tasks SET state = 'cancelled', decided_at = $1 WHERE application_id = $2 AND state IN ('open', 'claimed')
			RETURNING claimed_at, bureau_id, city_id, item_code, node_code, due_date`, db.TS(now), id)
		if err != nil {
			return err
		}
		for _, g := range cancelled {
			// RETURNING gives the new row: claimed_at tells a claimed task.
			if g.state == "" {
				err = count(ctx, tx, g.key, -1, 0)
			} else {
				err = count(ctx, tx, g.key, 0, -1)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// ResubmitInput is a corrected application: the fields as they are now
// (the page fills them with the previous values, so nothing is retyped),
// files to add, and files to remove.
type ResubmitInput struct {
	Fields map[string]string
	Files  []File
	Remove []int64
}

// Resubmit sends a returned application back to acceptance with its
// corrections. Only a returned application of the user's taxpayer may be;
// two resubmissions at once make one (the conditional update).
func (s *Service) Resubmit(ctx context.Context, id int64, in ResubmitInput) (_ *Application, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Resubmit(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	ap, err := s.load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !CanResubmit(ap.Status) {
		return nil, errState("申请当前为“" + ap.StatusName() + "”，不需要补正")
	}
	vals, f := ap.Item.Def.Check(in.Fields)
	checkFiles(ap.Item.Def, in.Files, f)
	if err := f.Err(); err != nil {
		return nil, err
	}
	cal, err := s.Calendar.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	form, _ := json.Marshal(vals)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var path string
		var bureau int64
		err := tx.QueryRowContext(ctx, `UPDATE applications SET status = 'submitted', node = 0, form = $1, version = version + 1, updated_at = $2
			WHERE id = $3 AND taxpayer_id = $4 AND status = 'returned' RETURNING bureau_id`, string(form), db.TS(now), id, a.TaxpayerID).Scan(&bureau)
		if errors.Is(err, sql.ErrNoRows) {
			return errState("申请已重新提交或已撤回")
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT path FROM orgs WHERE id = $1`, bureau).Scan(&path); err != nil {
			return err
		}
		for _, fid := range in.Remove {
			if _, err := uploads.Remove(ctx, tx, now, OwnerKind, id, fid); err != nil {
				return err
			}
		}
		if err := storeFiles(ctx, tx, now, a, id, in.Files); err != nil {
			return err
		}
		return openTask(ctx, tx, cal, now, taskSpec{app: id, taxpayer: a.TaxpayerID, item: ap.Item, node: 0, bureau: ap.BureauID, bureauPath: path})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

// Rate records the taxpayer's rating (1–5) and comment of one finished
// node of their application, once.
func (s *Service) Rate(ctx context.Context, appID, taskID int64, stars int, comment string) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Rate(%d, %d)", appID, taskID)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	if _, err := s.load(ctx, s.DB, appID); err != nil {
		return err
	}
	f := apperr.Fields{}
	if stars < 1 || stars > 5 {
		f.Add("rating", "请选择 1 至 5 星")
	}
	comment = strings.TrimSpace(comment)
	f.Text("comment", comment, 500)
	if err := f.Err(); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE tasks SET rating = $1, rating_comment = $2, rated_at = $3
		WHERE id = $4 AND application_id = $5 AND taxpayer_id = $6 AND state = 'done' AND rating IS NULL`,
		stars, comment, db.TS(now), taskID, appID, a.TaxpayerID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errState("该环节尚未办结或已经评价过")
	}
	return nil
}

// notify tells the taxpayer of a decision, once per task (dedupe key).
func notify(ctx context.Context, tx *sql.Tx, now time.Time, ap *Application, t *Task, decision, opinion string, staffID int64) error {
	subject := "您的申请" + ap.No + "（" + ap.Item.Name + "）"
	switch {
	case decision == DecisionReturn:
		subject += "需要补正"
	case decision == DecisionReject:
		subject += DecisionName(t.NodeCode, decision)
	case t.Node == len(ap.Item.Nodes)-1:
		subject += "已办结"
	default:
		subject += "已" + DecisionName(t.NodeCode, decision)
	}
	body := NodeName(t.NodeCode) + "环节：" + DecisionName(t.NodeCode, decision)
	if opinion != "" {
		body += "\n意见：" + opinion
	}
	_, _, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: ap.TaxpayerID, Kind: messages.KindNotice,
		Subject: subject, Body: body, Link: "/hall/applications/" + strconv.FormatInt(ap.ID, 10), SenderStaffID: staffID,
		DedupeKey: "workflow:task:" + strconv.FormatInt(t.ID, 10)})
	if err == nil { // by e-mail and SMS too, as the users chose (定制服务)
		_, err = subscriptions.FanoutMessage(ctx, tx, subscriptions.Decision, ap.TaxpayerID, "workflow:task:"+strconv.FormatInt(t.ID, 10))
	}
	return err
}
