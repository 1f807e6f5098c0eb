package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
	"testing"
	"time"

	"taxhall/internal/api"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/messages"
	"taxhall/internal/org"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/web"
)

// TestAuthorizationMatrix is the route-table authorization matrix (issue 6,
// item 2). It enumerates the web and API route tables, not a list kept
// here: every route that takes an object id is called, for the object its
// Object names, by each principal of the fixture, and every route for one
// side of the hall by each principal of the other side and by nobody.
//
//   - the object's own side (its taxpayer's administrator, its bureau's
//     staff, the staff of the parent bureau) reaches it: a GET answers 200;
//   - a user of another taxpayer gets 403 or 404, never the object;
//   - staff of another bureau (a sibling district, another city) get 404,
//     so that existence does not leak;
//   - the other side of the hall (a taxpayer user on a staff route, staff on
//     a taxpayer route) gets 403;
//   - nobody is sent to the login (web GET), or gets 401.
//
// A refused request changes nothing (the domain tables are compared before
// and after) and its body names none of the object's identifying values.
//
// A new route joins the matrix by being in its table. A new kind of object
// fails the test until the resolvers below give one; a new write route fails
// until webForms or apiBodies has a sample body for it.
func TestAuthorizationMatrix(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		m := newMatrix(t, d)
		cases := m.cases(t)
		var refused, allowedGets, allowedWrites []matrixCase
		for _, c := range cases {
			switch {
			case c.verdict != allowed:
				refused = append(refused, c)
			case c.method == http.MethodGet:
				allowedGets = append(allowedGets, c)
			default:
				allowedWrites = append(allowedWrites, c)
			}
		}
		// Refused requests first, in parallel: none of them may change
		// anything, so each may compare the database before and after.
		t.Run("refused", func(t *testing.T) {
			for _, c := range refused {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					m.check(t, c)
				})
			}
		})
		t.Run("allowed", func(t *testing.T) {
			for _, c := range allowedGets {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					m.check(t, c)
				})
			}
		})
		// The owners' writes last and one at a time: they change the
		// objects (an identification ended, a phone number saved).
		t.Run("allowed writes", func(t *testing.T) {
			for _, c := range allowedWrites {
				t.Run(c.name, func(t *testing.T) { m.check(t, c) })
			}
		})
		t.Logf("%s: %d cases (%d refused, %d allowed reads, %d allowed writes) in %v",
			d.Dialect, len(cases), len(refused), len(allowedGets), len(allowedWrites), time.Since(start).Round(time.Millisecond))
	})
}

// principal is someone calling the hall: logged in once on each face.
type principal struct {
	name   string    // in subtest names
	kind   auth.Kind // "" for nobody
	cookie string    // web session
	token  string    // API bearer token
}

// object is what a route's id designates, resolved in the fixture.
type object struct {
	kind string
	ids  map[string]int64 // by path wildcard name: {id}, {iid}
	// mine are the principals entitled to the object from their side of
	// the hall: its taxpayer's administrator, the staff of its bureau
	// subtree. Anyone else is another taxpayer or another bureau.
	mine map[string]bool
	// secrets are values that identify the object (name, code, phone):
	// no refused principal may see them in a response.
	secrets []string
}

type verdict int

const (
	allowed       verdict = iota
	mustLogin             // nobody: 401, or the login page for a web GET
	wrongSide             // the other side of the hall: 403
	otherTaxpayer         // 403 or 404
	otherBureau           // 404, not 403: existence does not leak
)

var verdictNames = map[verdict]string{allowed: "allowed", mustLogin: "must log in", wrongSide: "wrong side (403)",
	otherTaxpayer: "another taxpayer (403/404)", otherBureau: "another bureau (404)"}

// matrixCase is one request of the matrix.
type matrixCase struct {
	name    string // "METHOD pattern / principal"
	face    string // "web" or "api"
	method  string
	path    string
	form    url.Values // web POST
	json    []byte     // API body
	who     *principal
	obj     *object // nil when the route takes no id
	verdict verdict
	leak    bool // the body must name none of obj.secrets
}

type matrix struct {
	d       *db.DB
	h       http.Handler
	fx      *fixture
	objects map[string]*object
}

// demoHash is the demo password's hash, computed once per test binary.
var demoHash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

// fixture is the hall the matrix runs on: the demo's bureaus (province,
// Xiamen with 思明 and 湖里, Fuzhou with 鼓楼) and staff, an all-roles
// member added in 思明, 湖里, 鼓楼 and the Xiamen city bureau, enterprise A
// in 思明 and B in 湖里 with their users, a natural person.
type fixture struct {
	siming, huli, gulou, xiamen   int64 // org ids
	tpA                           int64 // enterprise A
	hallA, slotA, appointmentA    int64 // the 思明 hall, a slot today, A's admin's booking
	complaintA, questionA         int64 // A's named complaint and answered question
	surveyA                       int64 // the 思明 bureau's survey of its enterprises
	complaintFileA, questionFileA int64 // the attachments of A's complaint and question
	trainingX                     int64 // a Xiamen training session (the demo's)
	tpACode, tpAName              string
	tpBCode, person               string // codes
	identA                        int64  // an open identification of A
	returnA                       int64  // an accepted return of A
	userA                         int64  // A's finance user (not an admin)
	userAName, userAPhone         string
	reviewer                      int64 // the 思明 reviewer (demo staff 35020302)
	reviewerName, reviewerPhone   string
	simingCode                    string // the 思明 bureau's code
	messageA                      int64  // a message to every user of A
	staffMessageX                 int64  // a message to the Xiamen all-roles member
	topicX                        int64  // a special topic of the Xiamen site
	downloadX                     int64  // a download of the Xiamen site
	today                         string
	employeeA                     int64 // an employee on A's roster
	buildingA, parcelA            int64 // A's tax sources (税源)
	applicationA, taskA, fileA    int64 // A's application (returned for correction), its open task, its material
	certificateA                  int64 // a certificate issued to A
	columnX, articleX             int64 // a column of the Xiamen site and an article under review in it
	paymentA                      int64 // a payment of A (through its agreement)
	refundRequestA                int64 // A's refund request of an overpayment
	reconciliation                int64 // a reconciliation run (hall-wide)
	kbDraft                       int64 // a knowledge-base draft by the 思明 reviewer
	intakeA                       int64 // an SMS intake token of the 思明 bureau
}

// matrixRequestNo is the request number of A's payment.
const matrixRequestNo = "THMATRIX00000001"

// fileReturn gives the taxpayer quarterly small-scale VAT from 2025 (ending
// a general VAT identification if it has one) and files its 2025Q1 return
// through the returns service, as its administrator.
func fileReturn(t *testing.T, d *db.DB, taxpayerID int64) int64 {
	t.Helper()
	ctx := context.Background()
	var staffID, userID int64
	var name string
	if err := d.QueryRowContext(ctx, `SELECT id FROM staff ORDER BY id LIMIT 1`).Scan(&staffID); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, `SELECT id, name FROM taxpayer_users WHERE taxpayer_id = $1 AND is_admin = 1 ORDER BY id LIMIT 1`, taxpayerID).Scan(&userID, &name); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM returns WHERE taxpayer_id = $1 AND form = 'vat_small' AND period_start = '2025-01-01' AND is_current = 1`, taxpayerID).Scan(&id); err == nil {
		return id
	}
	if _, err := d.ExecContext(ctx, `UPDATE tax_identifications SET end_date = '2024-12-31' WHERE taxpayer_id = $1 AND tax_group = 'vat' AND end_date = ''`, taxpayerID); err != nil {
		t.Fatal(err)
	}
	if _, err := taxpayer.InsertIdentification(ctx, d, Now(), taxpayerID, "vat_small", taxpayer.Quarterly, "2025-01-01", staffID); err != nil {
		t.Fatal(err)
	}
	tps := &taxpayer.Service{DB: d, Now: Now}
	rs := &returns.Service{DB: d, Now: Now, Taxpayers: tps, Calendar: returns.DefaultDeadlines()}
	ctx = auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: userID, Name: name, TaxpayerID: taxpayerID, TaxpayerKind: taxpayer.Enterprise, Role: auth.TPLegalRep, Admin: true})
	sub, err := rs.Submit(ctx, "vat_small", "2025Q1", map[string]string{"1.goods": "120000"}, returns.NewKey(), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	return sub.Return.ID
}

// Employees of the fixture: A's (on its roster) and one that the write
// routes add.
const matrixFile = "matrix-material-secret"

const (
	employeeAID, employeeAName = "350203198805170450", "矩阵员工甲"
	employeeNewID              = "350206199209032709"
	buildingAName, parcelAName = "思明区矩阵路1号矩阵大厦", "思明区矩阵路1号矩阵地块"
)

// allRoles is every staff role: the other-bureau principals pass every role
// check, so what refuses them is the bureau scope.
func allRoles() []string {
	var out []string
	for _, l := range auth.StaffRoles {
		out = append(out, l.Code)
	}
	return out
}

func newMatrix(t *testing.T, d *db.DB) *matrix {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 3, Individuals: 1, Now: Now(), PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	fx := &fixture{today: Now().Format(db.DateLayout)}
	one := func(q string, args []any, dest ...any) {
		t.Helper()
		if err := d.QueryRowContext(ctx, q, args...).Scan(dest...); err != nil {
			t.Fatalf("fixture: %s %v: %v", q, args, err)
		}
	}
	orgID := func(division string) int64 {
		var id int64
		one(`SELECT id FROM orgs WHERE division_code = $1`, []any{division}, &id)
		return id
	}
	fx.siming, fx.huli, fx.gulou, fx.xiamen = orgID("350203"), orgID("350206"), orgID("350102"), orgID("3502")
	one(`SELECT code FROM orgs WHERE id = $1`, []any{fx.siming}, &fx.simingCode)
	enterprise := func(bureau int64) (id int64, code, name string) {
		one(`SELECT id, code, name FROM taxpayers WHERE kind = 'enterprise' AND status = 'active' AND bureau_id = $1 ORDER BY id LIMIT 1`,
			[]any{bureau}, &id, &code, &name)
		return
	}
	fx.tpA, fx.tpACode, fx.tpAName = enterprise(fx.siming)
	_, fx.tpBCode, _ = enterprise(fx.huli)
	one(`SELECT code FROM taxpayers WHERE kind = 'individual' ORDER BY id LIMIT 1`, nil, &fx.person)
	fx.returnA = fileReturn(t, d, fx.tpA)
	one(`SELECT id FROM tax_identifications WHERE taxpayer_id = $1 AND end_date = '' ORDER BY id LIMIT 1`, []any{fx.tpA}, &fx.identA)
	one(`SELECT id, name, phone FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'caiwu'`, []any{fx.tpA}, &fx.userA, &fx.userAName, &fx.userAPhone)
	one(`SELECT id, name, phone FROM staff WHERE staff_no = '35020302'`, nil, &fx.reviewer, &fx.reviewerName, &fx.reviewerPhone)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		for i, o := range []struct {
			id   int64
			no   string
			name string
		}{{fx.siming, "M350203", "矩阵思明"}, {fx.huli, "M350206", "矩阵湖里"}, {fx.gulou, "M350102", "矩阵鼓楼"}, {fx.xiamen, "M350200", "矩阵厦门"}} {
			if _, err := org.InsertStaff(ctx, tx, Now(), o.id, o.no, o.name, fmt.Sprintf("0592-555%04d", i), allRoles(), demoHash()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	one(`INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at) VALUES ($1, $2, $3, '2025-01-01', $4) RETURNING id`,
		[]any{fx.tpA, employeeAID, employeeAName, db.TS(Now())}, &fx.employeeA)
	one(`INSERT INTO tax_buildings (taxpayer_id, name, division_code, original_value_fen, area_centi, usage, from_date, created_at, updated_at)
		VALUES ($1, $2, '350203', 150000000, 82050, 'office', '2020-01-01', $3, $3) RETURNING id`,
		[]any{fx.tpA, buildingAName, db.TS(Now())}, &fx.buildingA)
	one(`INSERT INTO tax_parcels (taxpayer_id, name, division_code, area_centi, city, grade, from_date, created_at, updated_at)
		VALUES ($1, $2, '350203', 100000, 'xiamen', '2', '2020-01-01', $3, $3) RETURNING id`,
		[]any{fx.tpA, parcelAName, db.TS(Now())}, &fx.parcelA)
	var agreementA int64
	one(`INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state, created_by, created_by_name, created_at)
		VALUES ($1, 'SFMATRIX0001', '102', $2, '6222020000000001', 'active', 0, '矩阵', $3) RETURNING id`, []any{fx.tpA, fx.tpAName, db.TS(Now())}, &agreementA)
	one(`INSERT INTO payments (taxpayer_id, bureau_id, request_no, idem_key, agreement_id, bank_code, account_no, account_name, entrust_date,
		tax, late_fee, amount, state, reason, created_by, created_by_name, created_at)
		VALUES ($1, $2, $3, 'matrix', $4, '102', '6222020000000001', $5, $6, 100, 0, 100, 'failed', '余额不足', 0, '矩阵', $7) RETURNING id`,
		[]any{fx.tpA, fx.siming, matrixRequestNo, agreementA, fx.tpAName, fx.today, db.TS(Now())}, &fx.paymentA)
	one(`INSERT INTO refund_requests (taxpayer_id, bureau_id, liability_id, return_id, tax_type, period_start, period_end, amount, state, requested_by, requested_by_name, created_at)
		SELECT l.taxpayer_id, $2, l.id, l.return_id, l.tax_type, l.period_start, l.period_end, 4321, 'approved', 0, '矩阵', $3
		FROM tax_liabilities l WHERE l.taxpayer_id = $1 ORDER BY l.id LIMIT 1 RETURNING id`, []any{fx.tpA, fx.siming, db.TS(Now())}, &fx.refundRequestA)
	one(`INSERT INTO reconciliations (day, matched, only_hall, only_bank, settled, created_by, created_at) VALUES ('2026-01-05', 1, 0, 0, 0, '矩阵', $1) RETURNING id`,
		[]any{db.TS(Now())}, &fx.reconciliation)
	one(`INSERT INTO certificates (cert_no, verify_code, kind, taxpayer_id, taxpayer_code, taxpayer_name, taxpayer_kind, bureau_id, bureau_name,
		lines, total, idem_key, issued_by, issued_at)
		SELECT '350203202600000001', 'ABCDEFGHJKMN', 'tax_paid', t.id, t.code, t.name, t.kind, t.bureau_id, '国家税务总局厦门市思明区税务局',
			'[{"voucher_no":"335026126000000101","tax_code":"vat","tax_name":"增值税","item":"货物","period_start":"2025-01-01","period_end":"2025-03-31","paid_on":"2025-04-15","amount":100000}]',
			100000, 'matrix', 0, $2 FROM taxpayers t WHERE t.id = $1 RETURNING id`,
		[]any{fx.tpA, db.TS(Now())}, &fx.certificateA)
	if fx.messageA, _, err = messages.Send(ctx, d, Now(), messages.Message{TaxpayerID: fx.tpA, Kind: messages.KindReminder,
		Subject: matrixMessage, Body: "请按期申报。", Link: "/hall"}); err != nil {
		t.Fatal(err)
	}
	var staffX int64
	one(`SELECT id FROM staff WHERE staff_no = 'M350200'`, nil, &staffX)
	if fx.staffMessageX, _, err = messages.SendStaff(ctx, d, Now(), messages.StaffMessage{StaffID: staffX, Kind: messages.KindReminder,
		Subject: matrixStaffMessage, Link: "/staff/cms"}); err != nil {
		t.Fatal(err)
	}
	one(`INSERT INTO cms_columns (site_org_id, code, name, dept, period_days, created_at) VALUES ($1, 'matrix', '矩阵栏目', '办公室', 30, $2) RETURNING id`,
		[]any{fx.xiamen, db.TS(Now())}, &fx.columnX)
	one(`INSERT INTO cms_topics (site_org_id, code, title, created_at, updated_at) VALUES ($1, 'matrix', $2, $3, $3) RETURNING id`,
		[]any{fx.xiamen, matrixTopic, db.TS(Now())}, &fx.topicX)
	one(`INSERT INTO downloads (site_org_id, kind, title, created_at, updated_at) VALUES ($1, 'form', $2, $3, $3) RETURNING id`,
		[]any{fx.xiamen, matrixDownload, db.TS(Now())}, &fx.downloadX)
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		return cms.InsertVersion(ctx, tx, Now(), fx.downloadX, fx.xiamen, cms.VersionInput{Version: "2026年版", Filename: "矩阵.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")})
	}); err != nil {
		t.Fatal(err)
	}
	one(`INSERT INTO cms_articles (column_id, site_org_id, state, title, body_html, author_staff_id, created_at, updated_at)
		VALUES ($1, $2, 'review', $3, '<p>矩阵</p>', (SELECT id FROM staff WHERE staff_no = '35020004'), $4, $4) RETURNING id`,
		[]any{fx.columnX, fx.xiamen, matrixArticle, db.TS(Now())}, &fx.articleX)
	var adminA int64
	one(`SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'admin'`, []any{fx.tpA}, &adminA)
	one(`INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
		VALUES ('SQ-MATRIX', $1, $2, 'deregistration', 'returned', 0, '{}', 'matrix', $3, $4, $4) RETURNING id`,
		[]any{fx.tpA, fx.siming, adminA, db.TS(Now())}, &fx.applicationA)
	one(`INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state,
		limit_days, difficulty_pct, started_at, due_date, warn_date)
		SELECT $1, $2, 'deregistration', 0, 'accept', 'window_clerk', o.id, o.path, $3, 0, 'open', 1, 200, $4, '2026-01-02', '2026-01-02'
		FROM orgs o WHERE o.id = $5 RETURNING id`, []any{fx.applicationA, fx.tpA, fx.xiamen, db.TS(Now()), fx.siming}, &fx.taskA)
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		u, err := uploads.Store(ctx, tx, Now(), uploads.Uploader{Kind: "taxpayer", ID: adminA},
			uploads.Owner{Kind: workflow.OwnerKind, ID: fx.applicationA, Slot: "resolution", TaxpayerID: fx.tpA}, "f", "matrix.pdf", []byte("%PDF-1.4 "+matrixFile))
		if u != nil {
			fx.fileA = u.ID
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}

	// Interaction objects of A: an appointment at the 思明 hall today, a
	// named complaint and a question to the 思明 bureau.
	one(`SELECT id FROM halls WHERE org_id = $1 ORDER BY id LIMIT 1`, []any{fx.siming}, &fx.hallA)
	one(`INSERT INTO appt_slots (hall_id, service_id, window_no, day, start_time, end_time, starts_at, capacity, booked)
		VALUES ($1, 1, 1, $2, '23:00', '23:59', $3, 5, 1) RETURNING id`, []any{fx.hallA, fx.today, db.TS(Now().Add(12 * time.Hour))}, &fx.slotA)
	one(`INSERT INTO appointments (slot_id, hall_id, day, taxpayer_id, user_id, state, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, 'booked', $6, $6) RETURNING id`, []any{fx.slotA, fx.hallA, fx.today, fx.tpA, adminA, db.TS(Now())}, &fx.appointmentA)
	one(`INSERT INTO complaints (tracking_no, code_hash, kind, org_id, subject, body, anonymous, taxpayer_id, user_id, state, due_on, created_at)
		VALUES ('TSMATRIX0001', 'x', 'complaint', $1, $2, '矩阵投诉内容。', 0, $3, $4, 'open', $5, $6) RETURNING id`,
		[]any{fx.siming, matrixComplaint, fx.tpA, adminA, fx.today, db.TS(Now())}, &fx.complaintA)
	one(`INSERT INTO questions (tracking_no, code_hash, org_id, channel, tax_type, subject, body, taxpayer_id, user_id, state, due_on, created_at)
		VALUES ('ZXMATRIX0001', 'x', $1, 'web', 'vat', $2, '矩阵咨询内容。', $3, $4, 'answered', $5, $6) RETURNING id`,
		[]any{fx.siming, matrixQuestion, fx.tpA, adminA, fx.today, db.TS(Now())}, &fx.questionA)
	one(`INSERT INTO kb_entries (question, answer, tax_type, refs, valid_from, state, author_id, created_at, updated_at)
		VALUES ('矩阵知识库问题', '矩阵知识库答复。', 'vat', '', '2026-01-01', 'draft', $1, $2, $2) RETURNING id`,
		[]any{fx.reviewer, db.TS(Now())}, &fx.kbDraft)
	one(`INSERT INTO intake_tokens (token_hash, org_id, channel, name, created_by, created_at)
		VALUES ('matrix-intake-hash', $1, 'sms', $2, $3, $4) RETURNING id`, []any{fx.siming, matrixIntake, fx.reviewer, db.TS(Now())}, &fx.intakeA)

	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		for _, f := range []struct {
			kind string
			id   int64
			dest *int64
		}{{"complaint", fx.complaintA, &fx.complaintFileA}, {"question", fx.questionA, &fx.questionFileA}} {
			u, err := uploads.Store(ctx, tx, Now(), uploads.Uploader{Kind: "taxpayer", ID: adminA},
				uploads.Owner{Kind: f.kind, ID: f.id, TaxpayerID: fx.tpA, OrgID: fx.siming}, "attachment", "matrix.pdf", []byte("%PDF-1.4 "+matrixFile+" "+f.kind))
			if err != nil {
				return err
			}
			*f.dest = u.ID
			if _, err := tx.ExecContext(ctx, `UPDATE `+f.kind+`s SET attachment_id = $1 WHERE id = $2`, u.ID, f.id); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	one(`SELECT id FROM training_sessions ORDER BY id LIMIT 1`, nil, &fx.trainingX)
	var simingBoss int64
	one(`SELECT id FROM staff WHERE staff_no = 'M350203'`, nil, &simingBoss)
	one(`INSERT INTO surveys (org_id, title, audience, taxpayer_kind, state, created_by, created_at) VALUES ($1, $2, 'group', 'enterprise', 'open', $3, $4) RETURNING id`,
		[]any{fx.siming, matrixSurvey, simingBoss, db.TS(Now())}, &fx.surveyA)
	if _, err := d.ExecContext(ctx, `INSERT INTO survey_items (survey_id, position, kind, prompt, options) VALUES ($1, 1, 'single', '矩阵题目', '是
否')`, fx.surveyA); err != nil {
		t.Fatal(err)
	}

	c, _ := ParseFlags("serve", nil, io.Discard)
	a, err := New(c, NewLogger(c, io.Discard), d)
	if err != nil {
		t.Fatal(err)
	}
	m := &matrix{d: d, h: a.Handler, fx: fx}
	m.objects = m.resolvers()
	return m
}

// matrixMessage is the subject of A's message: no one else may read it.
const matrixMessage = "矩阵消息：鹭岛的申报提醒"

// The title of the Xiamen site's download.
const matrixDownload = "矩阵下载：鹭岛申请表"

// The title of the Xiamen site's special topic.
const matrixTopic = "矩阵专题：鹭岛减税降费"

// The subject of a staff message to the Xiamen member.
const matrixStaffMessage = "矩阵工作消息：栏目逾期提醒"

// matrixArticle is the title of the article under review on the Xiamen site.
const matrixArticle = "矩阵文章：春节期间办税安排"

// Subjects of A's complaint and question: no refused principal may see them.
const (
	matrixComplaint = "矩阵投诉：鹭岛窗口排队"
	matrixQuestion  = "矩阵咨询：鹭岛留抵退税"
	matrixSurvey    = "矩阵调查：思明企业满意度"
)

// matrixIntake is the name of the 思明 bureau's SMS intake token.
const matrixIntake = "矩阵短信平台（思明）"

// The principals, logged in once on each face and reused by every case.
const (
	pTaxpayerA   = "taxpayer-A-admin"
	pTaxpayerB   = "taxpayer-B-admin"
	pTaxpayerBUs = "taxpayer-B-clerk"
	pPerson      = "natural-person"
	pSiming      = "staff-思明"
	pXiamen      = "staff-厦门-parent"
	pHuli        = "staff-湖里-sibling"
	pGulou       = "staff-鼓楼-other-city"
	pNobody      = "anonymous"
)

func (m *matrix) principals(t *testing.T) []*principal {
	t.Helper()
	fx := m.fx
	taxpayer := func(name, code, username string) *principal {
		p := &principal{name: name, kind: auth.Taxpayer}
		p.cookie = m.webLogin(t, "/login", url.Values{"code": {code}, "username": {username}, "password": {demo.Password}})
		p.token = m.apiLogin(t, map[string]string{"kind": "taxpayer", "code": code, "username": username, "password": demo.Password})
		return p
	}
	staff := func(name, no string) *principal {
		p := &principal{name: name, kind: auth.Staff}
		p.cookie = m.webLogin(t, "/staff/login", url.Values{"staff_no": {no}, "password": {demo.Password}})
		p.token = m.apiLogin(t, map[string]string{"kind": "staff", "staff_no": no, "password": demo.Password})
		return p
	}
	return []*principal{
		taxpayer(pTaxpayerA, fx.tpACode, "admin"),
		taxpayer(pTaxpayerB, fx.tpBCode, "admin"),
		taxpayer(pTaxpayerBUs, fx.tpBCode, "banshui"),
		taxpayer(pPerson, fx.person, ""),
		staff(pSiming, "M350203"),
		staff(pXiamen, "M350200"),
		staff(pHuli, "M350206"),
		staff(pGulou, "M350102"),
		{name: pNobody},
	}
}

// resolvers give, for each kind of object a route may name, one object of
// the fixture with its owners. A route whose Object is not here fails the
// test: add a resolver.
func (m *matrix) resolvers() map[string]*object {
	fx := m.fx
	bureauA := map[string]bool{pSiming: true, pXiamen: true}
	return map[string]*object{
		// Taxpayer A; {iid} is one of its open identifications. Its own
		// users are on its side too (they see their own record).
		"taxpayer": {kind: "taxpayer", ids: map[string]int64{"id": fx.tpA, "iid": fx.identA},
			mine:    map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true},
			secrets: []string{fx.tpACode, fx.tpAName}},
		// A's finance user: only A's administrator manages it.
		"taxpayer_user": {kind: "taxpayer_user", ids: map[string]int64{"id": fx.userA},
			mine:    map[string]bool{pTaxpayerA: true},
			secrets: []string{fx.userAName, fx.userAPhone}},
		// A's small-scale VAT return of 2025Q1.
		"return": {kind: "return", ids: map[string]int64{"id": fx.returnA},
			mine:    map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true},
			secrets: []string{fx.tpACode, fx.tpAName}},
		// An employee on A's roster: A's users manage it.
		"employee": {kind: "employee", ids: map[string]int64{"id": fx.employeeA},
			mine:    map[string]bool{pTaxpayerA: true},
			secrets: []string{employeeAID, employeeAName}},
		// A's building and land parcel (税源): only A's users see them.
		"tax_building": {kind: "tax_building", ids: map[string]int64{"id": fx.buildingA},
			mine: map[string]bool{pTaxpayerA: true}, secrets: []string{buildingAName}},
		"tax_parcel": {kind: "tax_parcel", ids: map[string]int64{"id": fx.parcelA},
			mine: map[string]bool{pTaxpayerA: true}, secrets: []string{parcelAName}},
		// The 思明 bureau.
		"org": {kind: "org", ids: map[string]int64{"id": fx.siming}, mine: bureauA, secrets: []string{fx.simingCode}},
		// A message to every user of A: only A's users read it.
		"message": {kind: "message", ids: map[string]int64{"id": fx.messageA},
			mine: map[string]bool{pTaxpayerA: true}, secrets: []string{matrixMessage}},
		// A download of the Xiamen site: its content staff manage it.
		"download": {kind: "download", ids: map[string]int64{"id": fx.downloadX},
			mine: map[string]bool{pXiamen: true}, secrets: []string{matrixDownload}},
		// A special topic of the Xiamen site: its staff only.
		"cms_topic": {kind: "cms_topic", ids: map[string]int64{"id": fx.topicX},
			mine: map[string]bool{pXiamen: true}, secrets: []string{matrixTopic}},
		// A staff message to the Xiamen member: nobody else reads it.
		"staff_message": {kind: "staff_message", ids: map[string]int64{"id": fx.staffMessageX},
			mine: map[string]bool{pXiamen: true}, secrets: []string{matrixStaffMessage}},
		// An article under review on the Xiamen city site: its staff only
		// (a district below the city manages no city site).
		"cms_article": {kind: "cms_article", ids: map[string]int64{"id": fx.articleX},
			mine: map[string]bool{pXiamen: true}, secrets: []string{matrixArticle}},
		// A's payment: only A's users see it.
		"payment": {kind: "payment", ids: map[string]int64{"id": fx.paymentA},
			mine: map[string]bool{pTaxpayerA: true}, secrets: []string{matrixRequestNo}},
		// A reconciliation of the bank's statement covers the whole hall:
		// every staff member who may reconcile sees it.
		// A's refund request (approved, so applying again is refused
		// even for A: nothing changes): only A's users see it.
		// A's payment from the staff side (向银行查询): the 思明 subtree's
		// staff; it is settled, so asking the bank changes nothing.
		"bureau_payment": {kind: "bureau_payment", ids: map[string]int64{"id": fx.paymentA},
			mine: map[string]bool{pSiming: true, pXiamen: true}},
		"refund_request": {kind: "refund_request", ids: map[string]int64{"id": fx.refundRequestA},
			mine: map[string]bool{pTaxpayerA: true}},
		"reconciliation": {kind: "reconciliation", ids: map[string]int64{"id": fx.reconciliation},
			mine: map[string]bool{pSiming: true, pXiamen: true, pHuli: true, pGulou: true}},
		// A's application, its open acceptance task and its material: A's
		// users and the 思明 subtree's staff; the item is not 同城通办.
		"application": {kind: "application", ids: map[string]int64{"id": fx.applicationA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{fx.tpAName}},
		"task": {kind: "task", ids: map[string]int64{"id": fx.taskA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{fx.tpAName}},
		"upload": {kind: "upload", ids: map[string]int64{"id": fx.fileA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{matrixFile}},
		// A's admin's appointment at the 思明 hall today; A's question to the
		// 思明 bureau's queue; A's named complaint to the 思明 bureau.
		"appointment": {kind: "appointment", ids: map[string]int64{"id": fx.appointmentA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{fx.tpAName}},
		"complaint": {kind: "complaint", ids: map[string]int64{"id": fx.complaintA, "file": fx.complaintFileA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{matrixComplaint}},
		"question": {kind: "question", ids: map[string]int64{"id": fx.questionA, "file": fx.questionFileA},
			mine: map[string]bool{pSiming: true, pTaxpayerA: true}, secrets: []string{matrixQuestion}},
		// The 思明 bureau's survey of its enterprises: A answers it, the
		// 思明 subtree's staff see its results.
		"survey": {kind: "survey", ids: map[string]int64{"id": fx.surveyA},
			mine: map[string]bool{pSiming: true, pXiamen: true, pTaxpayerA: true}, secrets: []string{matrixSurvey}},
		// A Xiamen training session: public, any taxpayer user registers.
		"training": {kind: "training", ids: map[string]int64{"id": fx.trainingX},
			mine: map[string]bool{pTaxpayerA: true, pTaxpayerB: true, pTaxpayerBUs: true, pPerson: true}},
		// A knowledge-base draft: the knowledge base is the province's,
		// every staff member who writes or reviews entries works on it.
		"kb_entry": {kind: "kb_entry", ids: map[string]int64{"id": fx.kbDraft},
			mine: map[string]bool{pSiming: true, pXiamen: true, pHuli: true, pGulou: true}},
		// The Xiamen training session as its bureau manages it (registrants,
		// attendance): the Xiamen city bureau's staff only.
		"training_session": {kind: "training_session", ids: map[string]int64{"id": fx.trainingX},
			mine: map[string]bool{pXiamen: true}},
		// The 思明 bureau's SMS intake token: administrators of 思明 and of
		// the Xiamen city bureau above it.
		"intake_token": {kind: "intake_token", ids: map[string]int64{"id": fx.intakeA},
			mine: map[string]bool{pSiming: true, pXiamen: true}, secrets: []string{matrixIntake}},
		// A certificate issued to A: only A's users download it.
		"certificate": {kind: "certificate", ids: map[string]int64{"id": fx.certificateA},
			mine: map[string]bool{pTaxpayerA: true}, secrets: []string{fx.tpACode, fx.tpAName}},
		// The 思明 reviewer.
		"staff": {kind: "staff", ids: map[string]int64{"id": fx.reviewer}, mine: bureauA,
			secrets: []string{fx.reviewerName, fx.reviewerPhone, "35020302"}},
	}
}

// webForms are valid-looking form values for every web write route that
// is not public, by "METHOD pattern". A new route without one fails the
// test: add a sample body.
func (m *matrix) webForms() map[string]url.Values {
	fx := m.fx
	const pw = "Lujiang#Tide2031"
	return map[string]url.Values{
		"POST /account/password":                               {"current_password": {demo.Password}, "password": {pw}, "password_confirm": {pw}},
		"POST /hall/users":                                     {"username": {"matrix1"}, "name": {"林晓东"}, "phone": {"13912345678"}, "role": {auth.TPClerk}, "password": {pw}, "password_confirm": {pw}},
		"POST /hall/users/{id}":                                {"name": {"陈小满"}, "phone": {"13800001111"}, "role": {auth.TPFinance}, "active": {"1"}},
		"POST /hall/users/{id}/password":                       {"password": {pw}, "password_confirm": {pw}},
		"POST /hall/notifications":                             {"email": {"caiwu@example.cn"}, "email_kinds": {"deadline", "overdue"}, "phone": {"13912345678"}, "sms_kinds": {"lastday"}},
		"POST /hall/users/{id}/delegation":                     {"tax_type": {"vat_small"}},
		"POST /hall/returns/file":                              {"action": {"save"}, "token": {"matrix-token-0001"}, "1.goods": {"1000"}},
		"POST /hall/returns/{id}/correct":                      {"action": {"save"}, "token": {"matrix-token-0002"}, "1.goods": {"2000"}},
		"POST /hall/returns/import":                            {"form": {"iit"}, "period": {"2026-10"}},
		"POST /hall/returns/discard":                           {"form": {"vat_small"}, "period": {"2026Q3"}},
		"POST /hall/employees":                                 {"resident_id": {employeeNewID}, "name": {"林晓东"}, "hired_on": {"2026-01-05"}},
		"POST /hall/employees/{id}/leave":                      {"left_on": {fx.today}},
		"POST /hall/sources/buildings":                         {"name": {"思明区矩阵路2号"}, "division": {"350203"}, "original_value": {"500000"}, "area": {"100"}, "usage": {"office"}, "from_date": {"2020-01-01"}},
		"POST /hall/sources/buildings/{id}":                    {"name": {buildingAName}, "division": {"350203"}, "original_value": {"1500000"}, "area": {"820.5"}, "usage": {"office"}, "from_date": {"2020-01-01"}},
		"POST /hall/sources/buildings/{id}/end":                {"to_date": {fx.today}},
		"POST /hall/sources/parcels":                           {"name": {"思明区矩阵路2号地块"}, "division": {"350203"}, "area": {"100"}, "grade": {"3"}, "from_date": {"2020-01-01"}},
		"POST /hall/sources/parcels/{id}":                      {"name": {parcelAName}, "division": {"350203"}, "area": {"1000"}, "grade": {"2"}, "from_date": {"2020-01-01"}},
		"POST /hall/sources/parcels/{id}/end":                  {"to_date": {fx.today}},
		"POST /hall/certificates":                              {"token": {"matrix-cert-0001"}, "from": {"2025-01-01"}, "to": {"2025-12-31"}},
		"POST /hall/iit/records/certificate":                   {"token": {"matrix-cert-0002"}, "year": {"2025"}},
		"POST /staff/taxpayers/{id}/identifications":           {"tax_type": {"consumption"}, "period": {"month"}, "start_date": {fx.today}},
		"POST /staff/taxpayers/{id}/identifications/{iid}/end": {"end_date": {fx.today}},
		"POST /staff/taxpayers/{id}/identifications/batch":     {"set": {"consumption"}, "set_period_consumption": {"month"}, "set_start_consumption": {fx.today}},
		"POST /hall/apply":                                     {"item": {"suspension"}, "token": {"matrix-apply"}, "f_from": {"2026-06-01"}, "f_to": {"2026-06-30"}, "f_reason": {"装修"}},
		"POST /hall/applications/{id}/withdraw":                {},
		"POST /hall/applications/{id}/correct":                 {"f_reason": {"补正"}},
		"POST /hall/applications/{id}/rate":                    {"task": {strconv.FormatInt(fx.taskA, 10)}, "rating": {"5"}},
		"POST /staff/tasks/{id}/claim":                         {},
		"POST /staff/tasks/{id}/decide":                        {"decision": {"return"}, "opinion": {"矩阵补正"}},
		"POST /staff/tasks/{id}/assign":                        {"staff_no": {"35020301"}},
		"POST /staff/items/edit":                               {"code": {"suspension"}, "limit_0": {"1"}, "limit_1": {"3"}, "difficulty": {"1"}, "active": {"1"}},
		"POST /staff/filing/remind":                            {"form": {"vat_small"}, "period": {"2026Q3"}, "taxpayer_id": {strconv.FormatInt(fx.tpA, 10)}},
		"POST /staff/taxpayers/{id}/identification-complete":   {},
		"POST /staff/orgs":                                     {"parent_id": {strconv.FormatInt(fx.siming, 10)}, "division_code": {"350203"}, "name": {"矩阵测试分局"}},
		"POST /staff/orgs/{id}":                                {"name": {"国家税务总局厦门市思明区税务局"}, "address": {"厦门市思明区湖滨南路1号"}, "phone": {"0592-2000001"}, "active": {"1"}},
		"POST /staff/staff":                                    {"org_id": {strconv.FormatInt(fx.siming, 10)}, "staff_no": {"M9999"}, "name": {"王五"}, "roles": {auth.RoleWindowClerk}, "active": {"1"}, "password": {pw}},
		"POST /staff/staff/{id}":                               {"org_id": {strconv.FormatInt(fx.siming, 10)}, "name": {"李四"}, "phone": {"0592-2000002"}, "roles": {auth.RoleReviewer}, "active": {"1"}},
		"POST /staff/staff/{id}/password":                      {"password": {pw}},
		"POST /staff/calendar/days":                            {"year": {"2026"}, "day_kind": {"rest"}, "day_from": {"2026-06-10"}, "day_name": {"矩阵假"}},
		"POST /staff/calendar/days/remove":                     {"date": {"2026-10-01"}},
		"POST /staff/taxpayers/{id}/irregular":                 {"action": {"lift"}, "reason": {"矩阵测试解除"}},
		"POST /staff/taxpayers/{id}/quota":                     {"from": {"2026-01"}, "to": {"2026-12"}, "sales": {"1000"}, "tax": {"0"}},
		"POST /staff/cms/articles":                             {"column": {strconv.FormatInt(fx.columnX, 10)}, "title": {"矩阵测试新文章"}, "body": {"<p>正文</p>"}},
		"POST /staff/cms/articles/{id}":                        {"column": {strconv.FormatInt(fx.columnX, 10)}, "title": {matrixArticle}, "body": {"<p>正文</p>"}},
		"POST /staff/cms/articles/{id}/submit":                 {},
		"POST /staff/cms/articles/{id}/review":                 {"decision": {"return"}, "comment": {"矩阵退回意见"}},
		"POST /staff/cms/articles/{id}/archive":                {},
		"POST /staff/cms/articles/{id}/files":                  {"kind": {"image"}},
		"POST /staff/cms/topics":                               {"site": {strconv.FormatInt(fx.xiamen, 10)}, "title": {"矩阵新专题"}, "code": {"matrix-new"}, "sort": {"0"}},
		"POST /staff/cms/topics/{id}":                          {"title": {"矩阵专题改名"}, "code": {"matrix"}, "sort": {"1"}},
		"POST /staff/cms/topics/{id}/articles":                 {"article": {"1"}, "place": {"10"}},
		"POST /staff/cms/topics/{id}/remove":                   {"article": {"1"}},
		"POST /staff/cms/downloads":                            {"site": {strconv.FormatInt(fx.xiamen, 10)}, "kind": {"form"}, "title": {"矩阵新下载"}, "version": {"v1"}, "sort": {"0"}},
		"POST /staff/cms/downloads/{id}/versions":              {"version": {"v2"}},
		"POST /staff/calendar/deadlines":                       {"year": {"2026"}, "dl_month": {"6"}, "dl_date": {"2026-06-22"}, "dl_source": {"矩阵函"}},
		"POST /staff/calendar/deadlines/remove":                {"year": {"2026"}, "month": {"6"}},
		"POST /hall/pay":                                       {"key": {"matrix-pay-0001"}, "item": {"1"}},
		"POST /hall/agreement":                                 {"bank_code": {"102"}, "account_name": {"矩阵"}, "account_no": {"62220200000002"}},
		"POST /hall/agreement/end":                             {},
		"POST /hall/refunds":                                   {"liability": {"1"}},
		"POST /hall/refunds/{id}/apply":                        {"source": {"overpaid"}},
		"POST /staff/payments/{id}/query":                      {},
		"POST /staff/reconciliations":                          {"day": {"2020-01-01"}},
		"POST /hall/appointments":                              {"slot_id": {strconv.FormatInt(fx.slotA, 10)}},
		"POST /hall/appointments/{id}/cancel":                  {},
		"POST /hall/appointments/{id}/change":                  {"slot_id": {strconv.FormatInt(fx.slotA, 10)}},
		"POST /staff/appointments/{id}/checkin":                {},
		"POST /staff/appointments/{id}/noshow":                 {},
		"POST /staff/appointments/slots":                       {"hall": {strconv.FormatInt(fx.hallA, 10)}},
		"POST /hall/appointments/{id}/rate":                    {"rating": {"5"}, "comment": {"窗口服务耐心"}},
		"POST /staff/appointments/queue/signin":                {"hall": {strconv.FormatInt(fx.hallA, 10)}, "window": {"1"}},
		"POST /staff/appointments/queue/signout":               {"hall": {strconv.FormatInt(fx.hallA, 10)}},
		"POST /staff/appointments/queue/call":                  {"hall": {strconv.FormatInt(fx.hallA, 10)}},
		"POST /staff/appointments/queue/finish":                {"hall": {strconv.FormatInt(fx.hallA, 10)}, "outcome": {"done"}},
		"POST /staff/appointments/queue/take":                  {"hall": {strconv.FormatInt(fx.hallA, 10)}},
		"POST /staff/intake-tokens":                            {"channel": {"hotline"}, "name": {"矩阵热线系统"}},
		"POST /staff/intake-tokens/{id}/revoke":                {},
		"POST /staff/complaints/{id}/reply":                    {"reply": {"已核实处理。"}},
		"POST /hall/questions/{id}/rate":                       {"rating": {"5"}},
		"POST /hall/questions/{id}/followup":                   {"followup": {"请再说明一下。"}},
		"POST /staff/questions/{id}/act":                       {"action": {"claim"}},
		"POST /staff/questions":                                {"channel": {"hotline"}, "tax_type": {"vat"}, "subject": {"矩阵来电"}, "body": {"来电询问小规模纳税人免税标准。"}, "phone": {"13906001111"}},
		"POST /staff/qa/review":                                {"qa_id": {"1"}, "decision": {"publish"}},
		"POST /hall/training/{id}/register":                    {},
		"POST /hall/training/{id}/join":                        {},
		"POST /staff/training":                                 {"topic": {"vat"}, "title": {"矩阵课程"}, "start": {"2030-01-01T09:00"}, "minutes": {"60"}, "capacity": {"10"}, "place": {"矩阵培训室"}},
		"POST /staff/training/courseware":                      {"cw_topic": {"vat"}, "cw_title": {"矩阵课件"}},
		"POST /staff/training/remind":                          {},
		"POST /staff/training/recording":                       {"session": {"1"}, "recording_url": {"https://video.example.gov.cn/matrix"}},
		"POST /hall/surveys/{id}":                              {"i1": {"0"}},
		"POST /staff/surveys":                                  {"title": {"矩阵新调查"}, "audience": {"group"}, "items": {"评分：请打分"}},
		"POST /staff/surveys/{id}/close":                       {},
		"POST /staff/kb/new":                                   {"question": {"矩阵新条目"}, "answer": {"矩阵答复。"}, "tax_type": {"vat"}, "valid_from": {"2026-01-01"}},
		"POST /staff/kb/import":                                {},
		"POST /staff/kb/{id}":                                  {"question": {"矩阵知识库问题"}, "answer": {"矩阵知识库答复（改）。"}, "tax_type": {"vat"}, "valid_from": {"2026-01-01"}},
		"POST /staff/kb/{id}/approve":                          {},
		"POST /staff/kb/{id}/archive":                          {},
	}
}

// apiBodies are minimal valid JSON bodies for every API route that reads
// one and is not public, by "METHOD path". A new route without one fails
// the test: add a sample body.
func (m *matrix) apiBodies() map[string]jsonObject {
	fx := m.fx
	const pw = "Lujiang#Tide2031"
	return map[string]jsonObject{
		"POST /api/v1/me/password":                              {"current_password": demo.Password, "password": pw, "password_confirm": pw},
		"POST /api/v1/my/questions/{id}/rating":                 {"rating": 5},
		"POST /api/v1/my/questions/{id}/followups":              {"body": "矩阵追问。"},
		"POST /api/v1/intake/questions":                         {"phone": "13906001111", "body": "矩阵短信咨询。"},
		"POST /api/v1/admin/intake-tokens":                      {"channel": "sms", "name": "矩阵短信平台"},
		"POST /api/v1/staff/kb/entries":                         {"question": "矩阵接口问题", "answer": "矩阵接口答复。", "tax_type": "vat", "valid_from": "2026-01-01"},
		"PUT /api/v1/staff/kb/entries/{id}":                     {"question": "矩阵知识库问题", "answer": "矩阵知识库答复（修改）。", "tax_type": "vat", "valid_from": "2026-01-01"},
		"POST /api/v1/staff/surveys":                            {"title": "矩阵接口调查", "audience": "public", "items": "单选：矩阵题目｜是｜否"},
		"POST /api/v1/staff/training/sessions":                  {"topic": "vat", "title": "矩阵课程", "start": "2030-01-07T10:00", "minutes": 60, "capacity": 10, "place": "矩阵教室"},
		"POST /api/v1/staff/training/sessions/{id}/attendance":  {"registration_id": 1},
		"PUT /api/v1/staff/training/sessions/{id}/recording":    {"recording_url": "https://video.example.gov.cn/matrix"},
		"POST /api/v1/my/appointments/{id}/rating":              {"rating": 5, "comment": "窗口服务耐心"},
		"POST /api/v1/my/appointments":                          {"slot_id": fx.slotA},
		"POST /api/v1/my/surveys/{id}/answers":                  {"answers": []jsonObject{{"position": 1, "choices": []int{0}}}},
		"POST /api/v1/my/users":                                 {"username": "matrix1", "name": "林晓东", "phone": "13912345678", "role": auth.TPClerk, "password": pw, "password_confirm": pw},
		"PATCH /api/v1/my/users/{id}":                           {"name": "陈小满"},
		"POST /api/v1/my/users/{id}/password":                   {"password": pw, "password_confirm": pw},
		"POST /api/v1/my/employees":                             {"resident_id": employeeNewID, "name": "林晓东", "hired_on": "2026-01-05"},
		"POST /api/v1/my/employees/{id}/leave":                  {"left_on": fx.today},
		"POST /api/v1/my/notification-preferences":              {"email": "caiwu@example.cn", "email_kinds": []string{"deadline"}, "phone": "", "sms_kinds": []string{}},
		"POST /api/v1/my/sources/buildings":                     {"name": "思明区矩阵路3号", "division": "350203", "original_value": "500000", "area": "100", "usage": "office", "from_date": "2020-01-01"},
		"PUT /api/v1/my/sources/buildings/{id}":                 {"name": buildingAName, "division": "350203", "original_value": "1500000", "area": "820.5", "usage": "office", "from_date": "2020-01-01"},
		"POST /api/v1/my/sources/buildings/{id}/end":            {"to_date": fx.today},
		"POST /api/v1/my/sources/parcels":                       {"name": "思明区矩阵路3号地块", "division": "350203", "area": "100", "grade": "3", "from_date": "2020-01-01"},
		"PUT /api/v1/my/sources/parcels/{id}":                   {"name": parcelAName, "division": "350203", "area": "1000", "grade": "2", "from_date": "2020-01-01"},
		"POST /api/v1/my/sources/parcels/{id}/end":              {"to_date": fx.today},
		"POST /api/v1/taxpayers/{id}/identifications":           {"tax_type": "consumption", "period": "month", "start_date": fx.today},
		"POST /api/v1/taxpayers/{id}/identifications/{iid}/end": {"end_date": fx.today},
		"POST /api/v1/taxpayers/{id}/identifications/batch":     {"items": []jsonObject{{"tax_type": "consumption", "period": "month", "start_date": fx.today}}},
		"POST /api/v1/orgs":                                     {"parent_id": fx.siming, "division_code": "350203", "name": "矩阵测试分局"},
		"PATCH /api/v1/orgs/{id}":                               {"phone": "0592-2000003"},
		"POST /api/v1/staff":                                    {"org_id": fx.siming, "staff_no": "M9999", "name": "王五", "roles": []string{auth.RoleWindowClerk}, "password": pw},
		"PATCH /api/v1/staff/{id}":                              {"phone": "0592-2000004"},
		"POST /api/v1/staff/{id}/password":                      {"password": pw},
		"POST /api/v1/my/returns":                               {"form": "vat_small", "period": "2025Q2", "cells": jsonObject{"1.goods": "1000"}},
		"POST /api/v1/my/returns/{id}/corrections":              {"cells": jsonObject{"1.goods": "2000"}},
		"PUT /api/v1/my/drafts/{form}/{period}":                 {"cells": jsonObject{"1.goods": "1000"}},
		"POST /api/v1/my/applications":                          {"item": "suspension", "fields": jsonObject{"from": "2026-06-01", "to": "2026-06-30", "reason": "装修"}},
		"POST /api/v1/my/applications/{id}/resubmit":            {"fields": jsonObject{"reason": "补正"}},
		"POST /api/v1/my/applications/{id}/ratings":             {"task_id": fx.taskA, "rating": 5},
		"POST /api/v1/tasks/{id}/assign":                        {"staff_no": "35020301"},
		"POST /api/v1/tasks/{id}/decisions":                     {"decision": "return", "opinion": "矩阵补正"},
		"POST /api/v1/my/certificates":                          {"from": "2025-01-01", "to": "2025-12-31"},
		"POST /api/v1/my/iit/records/certificates":              {"year": 2025},
		"POST /api/v1/my/payments":                              {"liability_ids": []int64{1}},
		"POST /api/v1/my/agreements":                            {"bank_code": "102", "account_name": "矩阵", "account_no": "62220200000003"},
		"POST /api/v1/my/refunds":                               {"liability_id": 1},
		"POST /api/v1/my/refunds/{id}/apply":                    {"source": "overpaid"},
		"POST /api/v1/payments/{id}/query":                      {},
		"POST /api/v1/reconciliations":                          {"day": "2020-01-01"},
	}
}

// jsonObject is a JSON request body.
type jsonObject map[string]any

var wildcard = regexp.MustCompile(`\{([a-z]+)\}`)

// fill puts the object's ids into a pattern's wildcards.
func fill(t *testing.T, pattern string, o *object) string {
	return wildcard.ReplaceAllStringFunc(pattern, func(w string) string {
		name := strings.Trim(w, "{}")
		id, ok := o.ids[name]
		if !ok {
			t.Errorf("%s: the resolver for object %q gives no id for {%s}: add it", pattern, o.kind, name)
		}
		return strconv.FormatInt(id, 10)
	})
}

// cases builds the matrix from the two route tables.
func (m *matrix) cases(t *testing.T) []matrixCase {
	t.Helper()
	people := m.principals(t)
	forms, bodies := m.webForms(), m.apiBodies()
	var out []matrixCase
	add := func(face, method, pattern, path string, side auth.Kind, o *object, form url.Values, body []byte) {
		for _, p := range people {
			v := judge(p, side, o)
			if o == nil && v == allowed {
				continue // a route without an id adds only its refusals: the other side, nobody
			}
			out = append(out, matrixCase{name: method + " " + pattern + " / " + p.name, face: face, method: method, path: path,
				form: form, json: body, who: p, obj: o, verdict: v,
				leak: o != nil && (v == otherTaxpayer || v == otherBureau || v == wrongSide && !o.mine[p.name])})
		}
	}
	resolve := func(key, objectKind string, ids int) *object {
		if ids == 0 {
			return nil
		}
		if objectKind == "" {
			t.Errorf("%s takes an id but names no Object", key)
			return nil
		}
		o := m.objects[objectKind]
		if o == nil {
			t.Errorf("%s: add a resolver for object %q (authz_test.go, resolvers)", key, objectKind)
		}
		return o
	}

	for _, rt := range web.Routes() {
		if rt.For == web.Public {
			continue
		}
		key := rt.Method + " " + rt.Pattern
		o := resolve(key, rt.Object, len(rt.IDs))
		if len(rt.IDs) > 0 && o == nil {
			continue
		}
		var form url.Values
		if rt.Method != http.MethodGet {
			var ok bool
			if form, ok = forms[key]; !ok {
				t.Errorf("add a sample body for %s (authz_test.go, webForms)", key)
				continue
			}
		}
		path := rt.Pattern
		if o != nil {
			path = fill(t, rt.Pattern, o)
		}
		side := map[web.Audience]auth.Kind{web.Taxpayers: auth.Taxpayer, web.Staff: auth.Staff}[rt.For]
		add("web", rt.Method, rt.Pattern, path, side, o, form, nil)
	}
	for _, rt := range (&api.API{}).Routes() {
		if rt.Access == api.Public {
			continue
		}
		key := rt.Method + " " + rt.Path
		o := resolve(key, rt.Object, len(rt.IDs))
		if rt.HasID() && o == nil {
			continue
		}
		var body []byte
		if rt.Body {
			sample, ok := bodies[key]
			if !ok {
				t.Errorf("add a sample body for %s (authz_test.go, apiBodies)", key)
				continue
			}
			body, _ = json.Marshal(sample)
		}
		path := rt.Path
		if o != nil {
			path = fill(t, rt.Path, o)
		}
		side := map[api.Access]auth.Kind{api.TaxpayerUser: auth.Taxpayer, api.StaffUser: auth.Staff, api.AdminUser: auth.Staff}[rt.Access]
		add("api", rt.Method, rt.Path, path, side, o, nil, body)
	}
	for _, k := range []string{"taxpayer", "taxpayer_user", "employee", "org", "staff", "tax_building", "tax_parcel"} {
		if !slices.ContainsFunc(out, func(c matrixCase) bool { return c.obj != nil && c.obj.kind == k }) {
			t.Errorf("no route exercised object %q", k)
		}
	}
	if len(out) < 200 {
		t.Errorf("only %d cases: the route tables were not read", len(out))
	}
	return out
}

// judge says what p must get from a route for side (auth.Taxpayer,
// auth.Staff, or "" for any logged-in actor) about o (nil for none).
func judge(p *principal, side auth.Kind, o *object) verdict {
	switch {
	case p.kind == "":
		return mustLogin
	case side != "" && p.kind != side:
		return wrongSide
	case o == nil || o.mine[p.name]:
		return allowed
	case p.kind == auth.Taxpayer:
		return otherTaxpayer
	}
	return otherBureau
}

// check sends one case and judges the answer.
func (m *matrix) check(t *testing.T, c matrixCase) {
	var before string
	write := c.method != http.MethodGet
	if write && c.verdict != allowed {
		before = m.snapshot(t)
	}
	status, header, body := m.send(t, c)
	want := verdictNames[c.verdict]
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s %s as %s (%s): %s; body: %.300s", c.method, c.path, c.who.name, want, fmt.Sprintf(format, args...), body)
	}
	switch c.verdict {
	case allowed:
		switch {
		case status >= 500:
			fail("status %d", status)
		case !write && status == http.StatusSeeOther && c.face == "web":
			// A form's address answers GET by sending the reader to the
			// page that holds the form: fine, unless it is a login.
			if loc := header.Get("Location"); strings.Contains(loc, "login") {
				fail("redirected to %s", loc)
			}
		case !write && status != http.StatusOK:
			fail("status %d, want 200", status)
		case write && (status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound):
			fail("status %d: the owner's side is refused", status)
		}
	case mustLogin:
		if c.face == "web" && c.method == http.MethodGet {
			loc := header.Get("Location")
			if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") && !strings.HasPrefix(loc, "/staff/login?next=") {
				fail("status %d to %q, want 303 to the login", status, loc)
			}
		} else if status != http.StatusUnauthorized {
			fail("status %d, want 401", status)
		}
	case wrongSide:
		if status != http.StatusForbidden {
			fail("status %d, want 403", status)
		}
	case otherTaxpayer:
		if status != http.StatusForbidden && status != http.StatusNotFound {
			fail("status %d, want 403 or 404", status)
		}
	case otherBureau:
		if status != http.StatusNotFound {
			fail("status %d, want 404", status)
		}
	}
	if c.leak {
		for _, s := range c.obj.secrets {
			if s != "" && strings.Contains(body, s) {
				fail("the response names the object (%q)", s)
			}
		}
	}
	if before != "" {
		if after := m.snapshot(t); after != before {
			fail("a refused request changed the database:\n%s", diffLines(before, after))
		}
	}
}

// send makes the case's request as its principal.
func (m *matrix) send(t *testing.T, c matrixCase) (int, http.Header, string) {
	t.Helper()
	var rd io.Reader
	var ctype string
	switch {
	case c.form != nil:
		rd, ctype = strings.NewReader(c.form.Encode()), "application/x-www-form-urlencoded"
	case c.json != nil:
		rd, ctype = strings.NewReader(string(c.json)), "application/json"
	}
	req := httptest.NewRequest(c.method, c.path, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	switch {
	case c.face == "web" && c.who.cookie != "":
		req.AddCookie(&http.Cookie{Name: "taxhall_session", Value: c.who.cookie})
	case c.face == "api" && c.who.token != "":
		req.Header.Set("Authorization", "Bearer "+c.who.token)
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	return rec.Code, rec.Header(), rec.Body.String()
}

// webLogin logs in through a login form and returns the session cookie.
func (m *matrix) webLogin(t *testing.T, path string, form url.Values) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == "taxhall_session" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("login %s %v: %d, no session cookie: %.300s", path, form.Get("code")+form.Get("staff_no"), rec.Code, rec.Body.String())
	return ""
}

// apiLogin gets an API token.
func (m *matrix) apiLogin(t *testing.T, body map[string]string) string {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, api.Prefix+"/auth/token", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	var out struct{ Token string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Token == "" {
		t.Fatalf("API login %v: %d %s", body["code"]+body["staff_no"], rec.Code, rec.Body.String())
	}
	return out.Token
}

// snapshotTables are the tables a refused write must leave alone: the
// domain and its audit log (not sessions or throttle counters).
var snapshotTables = []string{"orgs", "staff", "taxpayers", "taxpayer_users", "tax_identifications", "employees", "audit_log", "messages",
	"returns", "return_drafts", "return_events", "tax_liabilities", "tax_buildings", "tax_parcels"}

// snapshot renders every row of the domain tables, one line each.
func (m *matrix) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, table := range snapshotTables {
		rows, err := m.d.QueryContext(context.Background(), `SELECT * FROM `+table+` ORDER BY id`)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				t.Fatalf("snapshot %s: %v", table, err)
			}
			b.WriteString(table)
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, " %s=%v", cols[i], v)
			}
			b.WriteByte('\n')
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
	}
	return b.String()
}

// diffLines lists the lines of before and after that the other lacks.
func diffLines(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for l := range strings.Lines(s) {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out strings.Builder
	for l := range strings.Lines(before) {
		if !a[l] {
			out.WriteString("- " + l)
		}
	}
	for l := range strings.Lines(after) {
		if !b[l] {
			out.WriteString("+ " + l)
		}
	}
	return out.String()
}
