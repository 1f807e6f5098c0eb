package web

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/iitw"
)

// The roster in the hall: add with field errors, list with keyset pages,
// leave through a confirmation page, the import templates, and the menu
// entry only for taxpayers identified for withholding.
func TestEmployeePages(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	b, own := enterpriseAdmin(t, ts, d)
	ctx := context.Background()
	// The demo's withholding returns put a few employees on the roster;
	// this journey starts from an empty one.
	if _, err := d.ExecContext(ctx, `DELETE FROM employees WHERE taxpayer_id = $1`, own); err != nil {
		t.Fatal(err)
	}

	s, body := b.get("/hall/employees")
	b.expect(s, body, 200, `<a href="/hall/employees" aria-current="page">员工花名册</a>`, "花名册中还没有员工", "/hall/employees/template.xlsx")

	// A bad form keeps what was typed and says what is wrong, field by field.
	s, body = b.post("/hall/employees", url.Values{"resident_id": {"350203198805170451"}, "name": {"陈"}, "hired_on": {"2026-12-01"}})
	b.expect(s, body, 422, "提交的信息有 3 处需要修改", "身份证号码校验位不正确，请核对", "姓名至少 2 个字", "入职日期不能晚于今天",
		`value="350203198805170451"`, `href="#f-resident_id"`)

	s, body = b.post("/hall/employees", url.Values{"resident_id": {"350203198805170450"}, "name": {"陈晓燕"}, "hired_on": {"2025-01-01"}})
	b.expect(s, body, 200, "已将 陈晓燕 加入花名册", "350203********0450", "2025-01-01", "在职")
	if strings.Contains(body, "350203198805170450") {
		t.Error("the list shows the full ID")
	}
	s, body = b.post("/hall/employees", url.Values{"resident_id": {"350203198805170450"}, "name": {"陈晓燕"}, "hired_on": {"2025-01-01"}})
	b.expect(s, body, 422, "该证件号码已在本单位花名册中")

	var id int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM employees WHERE taxpayer_id = $1`, own).Scan(&id); err != nil {
		t.Fatal(err)
	}
	leave := fmt.Sprintf("/hall/employees/%d/leave", id)
	s, body = b.get(leave)
	b.expect(s, body, 200, "确认员工离职", "确认离职", "不早于入职日期 2025-01-01")
	s, body = b.post(leave, url.Values{"left_on": {"2024-12-31"}})
	b.expect(s, body, 422, "离职日期不能早于入职日期（2025-01-01）", `value="2024-12-31"`)
	s, body = b.post(leave, url.Values{"left_on": {"2026-10-31"}})
	b.expect(s, body, 200, "陈晓燕 已标记为 2026-10-31 离职", "2026-10-31 离职")
	s, body = b.post(leave, url.Values{"left_on": {"2026-11-01"}})
	b.expect(s, body, 409, "陈晓燕已于 2026-10-31 标记离职", "无需再次标记")

	// Keyset pages: 50, then the rest, with a way back to the first page.
	lines := make([]iitw.Line, 0, 60)
	for i, id := range validRosterIDs(60) {
		lines = append(lines, iitw.Line{Row: i + 2, ResidentID: id, Name: fmt.Sprintf("员工%02d", i)})
	}
	for i, l := range lines {
		if _, err := d.ExecContext(ctx, `INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at) VALUES ($1, $2, $3, '2026-01-01', '2026-01-01T00:00:00Z')`,
			own, l.ResidentID, l.Name); err != nil {
			t.Fatal(i, err)
		}
	}
	_, body = b.get("/hall/employees")
	if n := strings.Count(body, `<th scope="row" data-label="姓名">`); n != iitw.PageSize {
		t.Errorf("first page: %d rows", n)
	}
	next := between(body, `<a href="/hall/employees?after=`, `"`)
	if next == "" {
		t.Fatal("no next page link")
	}
	s, body = b.get("/hall/employees?after=" + next)
	b.expect(s, body, 200, "回到第一页", "员工59")
	if n := strings.Count(body, `<th scope="row" data-label="姓名">`); n != 11 || strings.Contains(body, `rel="next"`) {
		t.Errorf("second page: %d rows, next link %v", n, strings.Contains(body, `rel="next"`))
	}

	// The templates, from the column table.
	res, err := b.c.Get(ts.URL + "/hall/employees/template.csv")
	if err != nil {
		t.Fatal(err)
	}
	var csv bytes.Buffer
	_, _ = csv.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(csv.String(), "\ufeff证件号码,姓名,本期收入,") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV template: %d %v %q", res.StatusCode, res.Header, csv.String())
	}
	res, err = b.c.Get(ts.URL + "/hall/employees/template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	var xlsx bytes.Buffer
	_, _ = xlsx.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.HasPrefix(xlsx.Bytes(), []byte("PK")) {
		t.Errorf("xlsx template: %d %v", res.StatusCode, res.Header)
	}

	// Without an open iit_withholding identification the menu has no entry
	// (the page still answers its owner).
	if _, err := d.ExecContext(ctx, `UPDATE tax_identifications SET end_date = '2026-11-01' WHERE taxpayer_id = $1 AND tax_type = 'iit_withholding'`, own); err != nil {
		t.Fatal(err)
	}
	_, body = b.get("/hall")
	if strings.Contains(body, `href="/hall/employees"`) {
		t.Error("the menu offers the roster to a taxpayer not identified for withholding")
	}
}

func validRosterIDs(n int) []string {
	var out []string
	for seq := 0; len(out) < n; seq++ {
		first := fmt.Sprintf("35020619900101%03d", seq)
		sum := 0
		for i, w := range []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2} {
			sum += int(first[i]-'0') * w
		}
		out = append(out, first+string("10X98765432"[sum%11]))
	}
	return out
}
