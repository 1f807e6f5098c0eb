package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
)

// upload posts a file as the import form does (multipart/form-data).
func (b *browser) upload(path, filename string, content []byte) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if filename != "" {
		fw, err := mw.CreateFormFile("file", filename)
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(content)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// A journey through the withholding return: import a file of 200 employees
// (larger than the site's 1 MiB form limit), a file with a bad row that
// imports nothing, the corrected file, a stale 申报 refused, then the
// return filed with its summary derived from the lines and the roster
// brought up to date.
func TestIITImportAndFile(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	b, own := enterpriseAdmin(t, ts, d)
	ctx := context.Background()
	const form = "/hall/returns/file?form=iit&period=2026-10"
	const imp = "/hall/returns/import?form=iit&period=2026-10"

	s, body := b.get(form)
	b.expect(s, body, 200, "个人所得税扣缴申报表", "导入并计算", `enctype="multipart/form-data"`, `action="`+strings.ReplaceAll(imp, "&", "&amp;")+`"`,
		"/hall/employees/template.xlsx", "请先导入本月的扣缴明细")

	// The demo filed August and September for this employer: its first
	// employee continues in October.
	var demoID, demoName string
	if err := d.QueryRowContext(ctx, `SELECT resident_id, name FROM employees WHERE taxpayer_id = $1 ORDER BY id LIMIT 1`, own).Scan(&demoID, &demoName); err != nil {
		t.Fatalf("the demo's roster: %v", err)
	}
	who := validRosterIDs(200)
	csvOf := func(n int, note string, bad int) []byte {
		var f strings.Builder
		f.WriteString("\ufeff证件号码,姓名,本期收入,基本养老保险费,子女教育,备注\n")
		fmt.Fprintf(&f, "%s,%s,20000,1600,2000,%s\n", demoID, demoName, note)
		for i := range n - 1 {
			id := who[i]
			if i+3 == bad {
				id = id[:17] + "Y"
			}
			fmt.Fprintf(&f, "%s,员工%03d,%d,0,0,%s\n", id, i, 8000+i*100, note)
		}
		return []byte(f.String())
	}

	big := csvOf(200, strings.Repeat("备", 3000), 0)
	if len(big) <= maxFormBytes {
		t.Fatalf("the big file is %d bytes, not above the form limit", len(big))
	}
	s, body = b.upload(imp, "十月工资.csv", big)
	b.expect(s, body, 200, "已导入 200 名员工的扣缴明细", "第 1–100 人，共 200 人", demoName, ids.MaskResidentID(who[0]), "下一页")
	if strings.Contains(body, who[0]) {
		t.Error("the table shows a full ID")
	}
	s, body = b.get(form + "&from=100")
	b.expect(s, body, 200, "第 101–200 人，共 200 人", "员工198", "上一页")
	draft := func() string {
		var cells string
		if err := d.QueryRowContext(ctx, `SELECT cells FROM return_drafts WHERE taxpayer_id = $1 AND form = 'iit'`, own).Scan(&cells); err != nil {
			t.Fatal(err)
		}
		return cells
	}
	before := draft()

	// One bad row: nothing imported, every problem by row and column.
	s, body = b.upload(imp, "十月工资.csv", csvOf(4, "", 3))
	b.expect(s, body, 422, "文件中有 1 行共 1 处错误", "第3行", "证件号码", "身份证号码", "全部数据均未导入", "此前导入的明细保持不变", `href="#f-file"`)
	if draft() != before {
		t.Error("a refused file changed the draft")
	}
	s, body = b.upload(imp, "", nil)
	b.expect(s, body, 422, "请选择要导入的 CSV 或 Excel（.xlsx）文件")
	s, body = b.upload(imp, "工资.xls", []byte("x"))
	b.expect(s, body, 422, "请上传 CSV 或 Excel（.xlsx）文件")

	// The corrected file replaces the draft.
	s, body = b.upload(imp, "十月工资.csv", csvOf(4, "", 0))
	b.expect(s, body, 200, "已导入 4 名员工的扣缴明细", "本表应补（退）税额合计")
	token := between(body, `name="token" value="`, `"`)
	sha := between(body, `name="detail_sha" value="`, `"`)

	// 申报 of what another user's import has since replaced files nothing.
	s, body = b.post(form, url.Values{"action": {"submit"}, "token": {token}, "detail_sha": {strings.Repeat("0", 64)}})
	b.expect(s, body, 409, "扣缴明细在您打开本页后已重新导入或删除")
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1 AND form = 'iit' AND period_start = '2026-10-01'`, own).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d returns after a stale submission (%v)", n, err)
	}

	s, body = b.post(form, url.Values{"action": {"submit"}, "token": {token}, "detail_sha": {sha}})
	b.expect(s, body, 200, "申报成功，回执号", "员工扣缴明细", "共 4 人", demoName, "员工002", ids.MaskResidentID(who[0]))
	if strings.Contains(body, who[0]) {
		t.Error("the accepted return shows a full ID")
	}
	// A double click: the same acknowledgement, no second return.
	s, body = b.post(form, url.Values{"action": {"submit"}, "token": {token}, "detail_sha": {sha}})
	b.expect(s, body, 200, "此前已经提交成功")

	var id int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM returns WHERE taxpayer_id = $1 AND form = 'iit' AND period_start = '2026-10-01'`, own).Scan(&id); err != nil {
		t.Fatal(err)
	}
	var doc string
	var due int64
	if err := d.QueryRowContext(ctx, `SELECT doc, tax_due FROM returns WHERE id = $1`, id).Scan(&doc, &due); err != nil {
		t.Fatal(err)
	}
	r := &returns.Return{Form: iitw.FormCode}
	if err := json.Unmarshal([]byte(doc), &r.Doc); err != nil {
		t.Fatal(err)
	}
	res, err := iitw.DetailOf(r.Doc.Detail)
	if err != nil || len(res) != 4 {
		t.Fatalf("detail %d lines, %v", len(res), err)
	}
	var income, tax int64
	for _, x := range res {
		income += x.Income
		tax += x.Tax
		if x.ResidentID == demoID && (x.Months != 3 || x.CumWithheld == 0 || x.CumIncome <= x.Income) {
			t.Errorf("the demo employee's October carries nothing from August and September: %+v", x)
		}
	}
	v, _ := r.Doc.Values()
	if v[iitw.LineIncome] != income || v[iitw.LineTax] != tax || due != tax {
		t.Errorf("summary income %d tax %d due %d; the lines sum to %d and %d", v[iitw.LineIncome], v[iitw.LineTax], due, income, tax)
	}
	// The roster learnt the new employees, hired in October.
	var hired string
	if err := d.QueryRowContext(ctx, `SELECT hired_on FROM employees WHERE taxpayer_id = $1 AND resident_id = $2`, own, who[0]).Scan(&hired); err != nil || hired != "2026-10-01" {
		t.Errorf("roster: %q %v", hired, err)
	}
	// The page of the period now leads to the return.
	s, body = b.get(form)
	b.expect(s, body, 200, "已经申报")
}
