package certs_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"taxhall/internal/certs"
	"taxhall/internal/money"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/pdfdoc/pdftest"
)

// A tax certificate of 60 lines runs over several pages: every page has
// the table's heading, a continuation page names the certificate, every
// page is numbered "第 i 页 共 n 页" with the certificate number, every
// line appears once, and the totals (in figures and in capitals) come once,
// after the last line. A long taxpayer name does not push the fields off.
func TestLongCertificateSpansPages(t *testing.T) {
	if err := (&pdfdoc.Renderer{}).Available(); err != nil {
		t.Skip("no CJK font")
	}
	c := &certs.Certificate{No: "350203202600000017", Code: "7KQMXH2PP9RA", Kind: certs.KindTaxPaid, TaxpayerCode: "91350203MA2XYZ1234",
		TaxpayerName: "厦门市思明区鹭江道海峡两岸跨境电子商务供应链管理与信息技术服务有限公司", BureauName: "国家税务总局厦门市思明区税务局",
		Scope: "缴款日期 2025-01-01 至 2025-12-31", IssuedAt: now}
	for i := range 60 {
		m := i%12 + 1
		c.Lines = append(c.Lines, certs.Line{VoucherNo: fmt.Sprintf("3350203260%010d", 1000+i), TaxName: "城市维护建设税", Item: "市区（增值税附征）",
			PeriodStart: fmt.Sprintf("2025-%02d-01", m), PeriodEnd: fmt.Sprintf("2025-%02d-28", m), PaidOn: fmt.Sprintf("2025-%02d-15", m), AmountFen: int64(1234567 * (i + 1))})
		c.Total += c.Lines[i].AmountFen
	}
	pdf, err := (&certs.Service{BaseURL: "https://etax.example.cn"}).Render(c)
	if err != nil {
		t.Fatal(err)
	}
	text, err := pdftest.Text(pdf)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.ReplaceAll(text, "\n", "")
	pages := strings.Count(string(pdf), "/Type /Page\n")
	if pages < 2 {
		t.Fatalf("%d page(s) for 60 lines", pages)
	}
	for i := 1; i <= pages; i++ {
		if want := fmt.Sprintf("№ %s　第 %d 页 共 %d 页", c.No, i, pages); !strings.Contains(flat, want) {
			t.Errorf("no %q", want)
		}
	}
	if n := strings.Count(flat, "原凭证号"); n != pages {
		t.Errorf("the heading %d times on %d pages", n, pages)
	}
	if n := strings.Count(flat, "中华人民共和国税收完税证明（续）"); n != pages-1 {
		t.Errorf("%d continuation headings on %d pages", n, pages)
	}
	last := 0
	for _, l := range c.Lines {
		if n := strings.Count(flat, l.VoucherNo); n != 1 {
			t.Errorf("line %s %d times", l.VoucherNo, n)
		}
		last = max(last, strings.Index(flat, l.VoucherNo))
	}
	capital := "人民币" + money.Capital(c.Total)
	if i := strings.Index(flat, capital); i < last || strings.Count(flat, capital) != 1 || !strings.Contains(flat, "¥"+money.FormatYuan(c.Total)) {
		t.Errorf("totals at %d, last line at %d", i, last)
	}
	// A period or a voucher number is never broken over two lines.
	if !regexp.MustCompile(`2025-01-01 至 2025-01-28`).MatchString(text) || strings.Contains(text, "33502032600000010\n") {
		t.Errorf("numbers wrapped:\n%.2000s", text)
	}
	if !strings.Contains(flat, c.TaxpayerName) {
		t.Errorf("name lost")
	}
}
