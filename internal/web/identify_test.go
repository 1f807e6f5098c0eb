package web

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

// newEnterprise registers a software company in Siming (industry 65: no
// consumption tax) and returns its id and code; it awaits identification.
func newEnterprise(t *testing.T, srv *Server, seed uint64) (string, string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 12))
	code := ids.GenerateUSCC(r, "350203")
	reg, err := srv.Taxpayers.RegisterEnterprise(context.Background(), taxpayer.EnterpriseInput{
		Code: code, Name: "厦门白鹭洲软件有限公司", LegalRepName: "黄一",
		LegalRepID:   ids.GenerateResidentID(r, "350203", time.Date(1984, 2, 3, 0, 0, 0, 0, time.UTC), true),
		DivisionCode: "350203", Address: "湖滨北路1号", IndustryCode: "65", RegisteredCapital: "300000",
		AccountingStandard: "sbas", Phone: "0592-5550001", Email: "office@bailuzhou.example.cn",
		User: taxpayer.UserInput{Username: "huangyi", Name: "黄一", Phone: "13800005555", Role: "legal_rep", Password: "Bailu#Zhou2026", PasswordConfirm: "Bailu#Zhou2026"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(reg.Taxpayer.ID, 10), code
}

// identSite starts the site and registers a new enterprise in Siming.
func identSite(t *testing.T, d *db.DB) (*httptest.Server, string, string) {
	h, srv := siteHandler(t, d)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	id, code := newEnterprise(t, srv, 31)
	return ts, id, code
}

func countIdentifications(t *testing.T, d *db.DB, id string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM tax_identifications WHERE taxpayer_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestClerkIdentifiesTheUsualSet (finding 12): the record of a new
// enterprise offers the usual set ticked; one submit records it, or none of
// it with the failing line named and every tick and value kept; the
// taxpayer stays in the to-do list until the clerk marks identification
// complete.
func TestClerkIdentifiesTheUsualSet(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts, id, code := identSite(t, d)
		clerk := staffBrowser(t, ts, "35020301")
		record := "/staff/taxpayers/" + id
		pending := "/staff/taxpayers?status=pending&q=" + code

		s, body := clerk.get(record)
		clerk.expect(s, body, 200, `action="/staff/taxpayers/`+id+`/identifications/batch"`, "按常用组合认定",
			`id="f-set_vat_small" name="set" value="vat_small" checked`, `id="f-set_cit" name="set" value="cit" checked`,
			`id="f-set_social_insurance" name="set" value="social_insurance" checked`, "认定完成")
		for _, unticked := range []string{"vat_general", "property", "land_use"} {
			if !strings.Contains(body, `value="`+unticked+`" aria-describedby`) {
				t.Errorf("%s ticked or missing", unticked)
			}
		}

		set := url.Values{"set": {"vat_small", "surcharges", "cit", "iit_withholding", "social_insurance", "property"}}
		for _, c := range []string{"vat_small", "surcharges", "cit", "iit_withholding", "social_insurance", "property", "land_use", "vat_general", "consumption"} {
			set.Set("set_period_"+c, "month")
			set.Set("set_start_"+c, "2026-11-23")
		}
		set.Set("set_period_vat_small", "quarter")
		set.Set("set_period_property", "year")
		set.Set("set_start_cit", "2020-01-01")
		t.Run("a bad line refuses the set, names the line and keeps every value", func(t *testing.T) {
			s, body := clerk.post(record+"/identifications/batch", set)
			clerk.expect(s, body, 422, "企业所得税：有效期起不能早于登记日期", `id="f-set_start_cit" name="set_start_cit" type="date" class="w-date" value="2020-01-01" aria-invalid="true"`,
				`id="f-set_property" name="set" value="property" checked`, `<option value="year" selected>按年</option>`)
			if strings.Contains(body, `value="land_use" checked`) || strings.Contains(body, `value="consumption" checked`) {
				t.Error("an unticked line came back ticked")
			}
			if n := countIdentifications(t, d, id); n != 0 {
				t.Errorf("%d recorded after a refused set", n)
			}
		})

		t.Run("the set is recorded at once and the taxpayer stays pending", func(t *testing.T) {
			set.Set("set_start_cit", "2026-11-23")
			s, body := clerk.post(record+"/identifications/batch", set)
			clerk.expect(s, body, 200, "已认定 6 项", "增值税（小规模纳税人）", "房产税", "新办待认定")
			if n := countIdentifications(t, d, id); n != 6 {
				t.Errorf("%d recorded", n)
			}
			s, body = clerk.get(pending)
			clerk.expect(s, body, 200, "共 1 户")
		})

		t.Run("认定完成 moves it out of the to-do list, once", func(t *testing.T) {
			s, body := clerk.post(record+"/identification-complete", nil)
			clerk.expect(s, body, 200, "认定完成", "已转为正常户")
			s, body = clerk.get(pending)
			clerk.expect(s, body, 200, "共 0 户")
			s, body = clerk.post(record+"/identification-complete", nil)
			clerk.expect(s, body, 409, "不是新办待认定")
			_, body = clerk.get(record)
			if strings.Contains(body, "按常用组合认定") || strings.Contains(body, `/identification-complete"`) {
				t.Error("an active taxpayer is still offered the new-taxpayer set")
			}
		})

		t.Run("a clerk of another bureau gets 404 on every new route", func(t *testing.T) {
			huli := staffBrowser(t, ts, "35020601")
			for _, path := range []string{record, record + "/identifications/batch", record + "/identification-complete", record + "/identifications", record + "/identifications/1/end"} {
				if s, _ := huli.get(path); s != http.StatusNotFound {
					t.Errorf("GET %s: %d", path, s)
				}
			}
			for _, path := range []string{record + "/identifications/batch", record + "/identification-complete", record + "/identifications/1/end"} {
				if s, _ := huli.post(path, set); s != http.StatusNotFound {
					t.Errorf("POST %s: %d", path, s)
				}
			}
		})
	})
}

// TestEndingAnIdentificationIsConfirmed (finding 5): 终止认定 is a link to
// a confirmation page that says what happens; a refused end date comes
// back on that page with what was typed; the script no longer asks.
func TestEndingAnIdentificationIsConfirmed(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts, id, _ := identSite(t, d)
	clerk := staffBrowser(t, ts, "35020301")
	record := "/staff/taxpayers/" + id
	s, body := clerk.post(record+"/identifications", url.Values{"tax_type": {"cit"}, "period": {"year"}, "start_date": {"2026-12-01"}})
	clerk.expect(s, body, 422, "申报期限只能是按月或按季", `<option value="cit" selected>`, `value="2026-12-01"`)
	s, body = clerk.post(record+"/identifications", url.Values{"tax_type": {"vat_small"}, "period": {"quarter"}, "start_date": {"2026-11-23"}})
	clerk.expect(s, body, 200, "已认定：增值税（小规模纳税人）")
	iid := between(body, `/identifications/`, `/end"`)
	if iid == "" || strings.Contains(body, `action="/staff/taxpayers/`+id+`/identifications/`+iid+`/end"`) {
		t.Fatalf("record page: no link to the confirmation page, or a one-click form (%q)", iid)
	}
	end := record + "/identifications/" + iid + "/end"
	s, body = clerk.get(end)
	clerk.expect(s, body, 200, `class="card confirm"`, "确认终止税（费）种认定", "增值税（小规模纳税人）", "按季申报", "2026-11-23",
		`<span class="sr">警告：</span>终止后`, "此操作不能撤销", `<button class="btn warning" type="submit">确认终止认定</button>`,
		`<a href="/staff/taxpayers/`+id+`">取消，返回纳税人详情</a>`, `action="`+end+`"`, `name="end_date" type="date" value="2026-11-23"`)

	s, body = clerk.post(end, url.Values{"end_date": {"2026-11-01"}})
	clerk.expect(s, body, 422, "确认终止税（费）种认定", "有效期止不能早于有效期起 2026-11-23", `name="end_date" type="date" value="2026-11-01"`)
	if countOpen := strings.Count(body, "确认终止认定"); countOpen == 0 {
		t.Error("the refused end is not on the confirmation page")
	}
	s, body = clerk.post(end, url.Values{"end_date": {"2026-12-31"}})
	clerk.expect(s, body, 200, "已终止认定：增值税（小规模纳税人），有效期止 2026-12-31", "2026-12-31", "已终止")
	s, body = clerk.get(end)
	clerk.expect(s, body, 200, "该认定已于 2026-12-31 终止")
	if strings.Contains(body, "确认终止认定</button>") {
		t.Error("an ended identification can be ended again")
	}
	// The script asks no question for /end any more: the page is the question.
	_, js := clerk.get(between(body, `<script src="`, `"`))
	if strings.Contains(js, "/end") || !strings.Contains(js, "form[data-confirm]") {
		t.Errorf("app.js still guards /end with confirm(): %.300s", js)
	}
}
