package web

import (
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db/dbtest"
)

// The calculators work without login by GET: the figures appear on the
// page of the form, and bad input is a 422 with the error summary.
func TestCalculatorPages(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)

	s, body := b.get("/calculators")
	b.expect(s, body, 200, "帮我算税", `href="/calculators/vat-small"`, `href="/calculators/iit-wages"`)

	s, body = b.get("/calculators/vat-small")
	b.expect(s, body, 200, `<form method="get" action="/calculators/vat-small"`, `name="relief" value="1" checked`)
	if strings.Contains(body, "计算结果") {
		t.Error("an empty form shows a result")
	}

	// 2025 Q4, 400,000 at 3%, in a city, with the half reduction: 4,000
	// VAT at 1% and 240 of surcharges (see internal/calc).
	q := url.Values{"year": {"2025"}, "period": {"q4"}, "sales3": {"400,000"}, "sales5": {""}, "location": {"city"}, "relief": {"1"}}
	s, body = b.get("/calculators/vat-small?" + q.Encode())
	b.expect(s, body, 200, "2025年第4季度计算结果", "4,240.00 元", "4,000.00", "240.00", "财政部 税务总局公告2023年第19号", "公告2023年第12号", `value="400,000"`)

	// The same sales in 2026: the rules of the VAT law.
	q.Set("year", "2026")
	q.Set("period", "q1")
	s, body = b.get("/calculators/vat-small?" + q.Encode())
	b.expect(s, body, 200, "增值税法 第二十三条")

	q = url.Values{"year": {"2026"}, "period": {"q1"}, "sales3": {"12.345"}, "location": {""}}
	s, body = b.get("/calculators/vat-small?" + q.Encode())
	b.expect(s, body, 422, `class="error-summary"`, `href="#f-sales3"`, "金额最多保留两位小数", `href="#f-location"`, `value="12.345"`)
	if strings.Contains(body, "计算结果") {
		t.Error("a failed form shows a result")
	}

	s, body = b.get("/calculators/iit-wages")
	b.expect(s, body, 200, `action="/calculators/iit-wages"`, "子女教育每个子女")
	q = url.Values{"year": {"2026"}, "month": {"3"}, "months_employed": {"3"}, "income": {"90000"}, "special": {"13500"}, "additional": {"6000"}, "withheld": {"1180"}}
	s, body = b.get("/calculators/iit-wages?" + q.Encode())
	b.expect(s, body, 200, "2026年3月计算结果", "本月应预扣预缴税额 <strong>1,850.00 元</strong>", "10%", "2,520.00", "国家税务总局公告2018年第61号")

	q.Set("months_employed", "4")
	q.Set("income", "")
	s, body = b.get("/calculators/iit-wages?" + q.Encode())
	b.expect(s, body, 422, `class="error-summary"`, `href="#f-months_employed"`, "任职月份数不能超过 3", `href="#f-income"`)

	// Search finds them by what people type.
	for _, term := range []string{"算税", "计算器", "个税", "增值税"} {
		s, body = b.get("/search?q=" + url.QueryEscape(term))
		b.expect(s, body, 200, `href="/calculators/`)
	}
	s, body = b.get("/")
	b.expect(s, body, 200, `href="/calculators/vat-small"`)
}
