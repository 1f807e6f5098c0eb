package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// postWithFile posts a form with one file in the part "attachment".
func (b *browser) postWithFile(path string, vals url.Values, filename string, content []byte) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range vals {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("attachment", filename)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestAttachmentsFollowTheCase: a question and a complaint carry a PDF;
// the asker and the bureau's staff download it, another taxpayer and
// another city's staff get 404; a file whose content is not what its name
// says is refused and nothing is filed.
func TestAttachmentsFollowTheCase(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, _ := enterpriseAdmin(t, ts, d)
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		_, body := b.get("/consult")
		xiamen := regexp.MustCompile(`<option value="(\d+)">国家税务总局厦门市税务局</option>`).FindStringSubmatch(body)[1]
		ask := url.Values{"org_id": {xiamen}, "tax_type": {"vat"}, "subject": {"附件咨询"}, "body": {"请看附件中的发票，能否抵扣？"}}
		s, body := b.postWithFile("/consult", ask, "发票.pdf", []byte("not a pdf at all"))
		b.expect(s, body, 422, `id="f-attachment-error"`, "附件咨询")
		s, body = b.postWithFile("/consult", ask, "发票.pdf", pdf)
		b.expect(s, body, 200, "咨询已提交")
		var qid, fid string
		if err := d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT), CAST(attachment_id AS TEXT) FROM questions WHERE subject = '附件咨询'`).Scan(&qid, &fid); err != nil {
			t.Fatal(err)
		}
		s, body = b.get("/hall/questions/" + qid)
		b.expect(s, body, 200, `href="/hall/questions/`+qid+`/files/`+fid+`"`, "发票.pdf")
		file := "/questions/" + qid + "/files/" + fid
		if s, body = b.get("/hall" + file); s != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("asker downloads: %d %.40q", s, body)
		}
		agent := staffBrowser(t, ts, "35020003")
		if s, body = agent.get("/staff" + file); s != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("Xiamen agent downloads: %d", s)
		}
		if s, _ = staffBrowser(t, ts, "35010003").get("/staff" + file); s != 404 {
			t.Errorf("Fuzhou agent: %d", s)
		}
		var other string
		_ = d.QueryRowContext(t.Context(), `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET 1`).Scan(&other)
		c := newBrowser(t, ts)
		c.post("/login", url.Values{"code": {other}, "username": {"admin"}, "password": {demo.Password}})
		if s, _ = c.get("/hall" + file); s != 404 {
			t.Errorf("another taxpayer: %d", s)
		}

		s, body = b.postWithFile("/complaints", url.Values{"kind": {"complaint"}, "org_id": {xiamen}, "subject": {"附件投诉"}, "body": {"窗口人员拒收材料，见附件照片。"}},
			"照片.pdf", pdf)
		b.expect(s, body, 200, "查询码只显示这一次")
		var cid int64
		_ = d.QueryRowContext(t.Context(), `SELECT id, CAST(attachment_id AS TEXT) FROM complaints WHERE subject = '附件投诉'`).Scan(&cid, &fid)
		cfile := "/complaints/" + strconv.FormatInt(cid, 10) + "/files/" + fid
		if s, body = b.get("/hall" + cfile); s != 200 || !strings.HasPrefix(body, "%PDF") {
			t.Errorf("filer downloads: %d", s)
		}
		if s, _ = staffBrowser(t, ts, "35020001").get("/staff" + cfile); s != 200 {
			t.Errorf("Xiamen admin downloads: %d", s)
		}
		if s, _ = staffBrowser(t, ts, "35010001").get("/staff" + cfile); s != 404 {
			t.Errorf("Fuzhou admin: %d", s)
		}
		if s, _ = c.get("/hall" + cfile); s != 404 {
			t.Errorf("another taxpayer: %d", s)
		}
	})
}

// TestComplaintAboutAStep: from the application page, a complaint about a
// finished step names the step and its clerk, goes to the step's bureau
// (not the one chosen), and counts in the clerk's monthly figures; another
// taxpayer cannot complain about the step.
func TestComplaintAboutAStep(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		one := func(q string, args ...any) int64 {
			t.Helper()
			var id int64
			if err := d.QueryRowContext(t.Context(), q, args...).Scan(&id); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return id
		}
		siming := one(`SELECT id FROM orgs WHERE division_code = '350203'`)
		clerk := one(`SELECT id FROM staff WHERE staff_no = '35020301'`)
		user := one(`SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'admin'`, own)
		app := one(`INSERT INTO applications (no, taxpayer_id, bureau_id, item_code, status, node, form, submit_token, created_by, submitted_at, updated_at)
			VALUES ('SQ-STEP', $1, $2, 'suspension', 'approved', 1, '{}', 'step', $3, '2026-11-20T01:00:00Z', '2026-11-20T01:00:00Z') RETURNING id`, own, siming, user)
		task := one(`INSERT INTO tasks (application_id, taxpayer_id, item_code, node, node_code, role, bureau_id, bureau_path, city_id, citywide, state, claimed_by,
			limit_days, difficulty_pct, started_at, due_date, warn_date, decided_at, decision, days_used, on_time)
			SELECT $1, $2, 'suspension', 0, 'accept', 'window_clerk', o.id, o.path, o.parent_id, 0, 'done', $3, 1, 100, '2026-11-20T01:00:00Z', '2026-11-21', '2026-11-21',
			'2026-11-20T02:00:00Z', 'approve', 0, 1 FROM orgs o WHERE o.id = $4 RETURNING id`, app, own, clerk, siming)
		tid := strconv.FormatInt(task, 10)
		s, body := b.get("/hall/applications/" + strconv.FormatInt(app, 10))
		b.expect(s, body, 200, `href="/complaints?task=`+tid+`"`)
		s, body = b.get("/complaints?task=" + tid)
		b.expect(s, body, 200, "投诉对象：申请 SQ-STEP 的“", "经办人", `name="task" value="`+tid+`"`)
		fuzhou := one(`SELECT id FROM orgs WHERE division_code = '3501'`)
		s, body = b.post("/complaints", url.Values{"task": {tid}, "kind": {"complaint"}, "org_id": {strconv.FormatInt(fuzhou, 10)}, "subject": {"受理态度差"},
			"body": {"受理时工作人员不耐烦，没有说明材料要求。"}, "anonymous": {"1"}})
		b.expect(s, body, 200, "查询码只显示这一次")
		var org, anon, target int64
		var kind string
		if err := d.QueryRowContext(t.Context(), `SELECT org_id, anonymous, target_kind, target_id FROM complaints WHERE subject = '受理态度差'`).Scan(&org, &anon, &kind, &target); err != nil {
			t.Fatal(err)
		}
		if org != siming || anon != 0 || kind != "task" || target != task {
			t.Errorf("case: org %d anonymous %d target %s %d", org, anon, kind, target)
		}
		s, body = staffBrowser(t, ts, "35020303").get("/staff/board?month=2026-11")
		row := regexp.MustCompile(`（35020301）</th>.*?</tr>`).FindString(body)
		if !strings.Contains(row, `<td data-label="被投诉">1</td>`) {
			t.Errorf("board row of the clerk: %d %q", s, row)
		}
		var other string
		_ = d.QueryRowContext(t.Context(), `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET 1`).Scan(&other)
		c := newBrowser(t, ts)
		c.post("/login", url.Values{"code": {other}, "username": {"admin"}, "password": {demo.Password}})
		if s, _ = c.get("/complaints?task=" + tid); s != 404 {
			t.Errorf("another taxpayer's form: %d", s)
		}
	})
}
