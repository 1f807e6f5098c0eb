package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// The general taxpayer's VAT return is its main table and 附列资料（一）,
// both derived from the definition: the annex's entered columns are inputs
// named by the official row and column ("a1.5.12"), its computed and
// greyed cells are not; the deduction check names the annex cell; an
// accepted return shows the annex computed (国家税务总局公告2021年第20号
// 附列资料（一）第13、14列: 1,060,000 − 106,000 = 954,000 at 6% →
// 54,000, which is line 11).
func TestVATGeneralFormHasTheAnnex(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		if _, err := d.ExecContext(context.Background(), `UPDATE tax_identifications SET tax_type = 'vat_general', period = 'month'
			WHERE taxpayer_id = $1 AND tax_type = 'vat_small'`, own); err != nil {
			t.Fatal(err)
		}
		const form = "/hall/returns/file?form=vat_general&period=2026-06"
		s, body := b.get(form)
		b.expect(s, body, 200, "附列资料（一）（本期销售情况明细）", `name="a1.5.12"`, `name="a1.1.1"`, `name="a1.9b.7"`,
			`name="30.period"`, "期初未缴税额（多缴为负数）", "期末未缴查补税额")
		for _, notInput := range []string{`name="a1.1.2"`, `name="a1.1.12"`, `name="a1.6.1"`, `name="11.period"`, `name="25.period"`, `name="1.period"`} {
			if strings.Contains(body, notInput) {
				t.Errorf("%s is an input", notInput)
			}
		}
		post := url.Values{"token": {between(body, `name="token" value="`, `"`)}, "action": {"submit"},
			"a1.5.1": {"1000000"}, "a1.5.12": {"1060000.01"}, "12.period": {"10000"}}
		s, body = b.post(form, post)
		b.expect(s, body, 422, "附列资料（一）第5行第12列（服务、不动产和无形资产扣除项目本期实际扣除金额） 1,060,000.01 不能大于本行第11列价税合计 1,060,000.00")
		post.Set("a1.5.12", "106000")
		s, body = b.post(form, post)
		b.expect(s, body, 200, "申报回执", "954,000.00", "54,000.00")
	})
}
