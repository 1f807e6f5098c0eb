package pdfdoc_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"taxhall/internal/apperr"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/pdfdoc/pdftest"
)

// renderer skips the test on a machine without the font (CI installs it).
func renderer(t *testing.T) *pdfdoc.Renderer {
	t.Helper()
	r := &pdfdoc.Renderer{}
	if err := r.Available(); err != nil {
		t.Skip("no CJK font: install fonts-lxgw-wenkai")
	}
	return r
}

func sample(rows int) *pdfdoc.Document {
	d := &pdfdoc.Document{Title: "中华人民共和国税收完税证明", Number: "№ 350203202600000001",
		Fields: []pdfdoc.Field{{"税务机关", "国家税务总局厦门市思明区税务局"}, {"纳税人识别号", "91350203MA2Y0K1X7B"},
			{"纳税人名称", "厦门鹭岛软件科技有限公司"}, {"填发日期", "2026-12-06"}},
		Columns: []pdfdoc.Column{{Name: "原凭证号", Share: 3}, {Name: "税种", Share: 2}, {Name: "品目名称", Share: 3},
			{Name: "税款所属时期", Share: 4}, {Name: "入（退）库日期", Share: 2.5}, {Name: "实缴（退）金额", Share: 2.5, Right: true}},
		Totals: []pdfdoc.Field{{"金额合计（小写）", "¥12,345.67"}, {"金额合计（大写）", "人民币壹万贰仟叁佰肆拾伍元陆角柒分"}},
		Notes:  []string{"本证明不作纳税人记账、抵扣凭证。可扫描二维码或登录网上办税服务厅核验真伪。"},
		QR:     "https://hall.example.cn/verify?no=350203202600000001&code=7KQM4XH2P9RA", QRCaption: "扫码核验",
		Created: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	for i := range rows {
		d.Rows = append(d.Rows, []string{fmt.Sprintf("335026200%09d", i), "增值税", "现代服务（软件和信息技术服务）",
			"2026-10-01 至 2026-12-31", "2026-11-15", "1,234.56"})
	}
	return d
}

func TestRenderTextAndQR(t *testing.T) {
	r := renderer(t)
	pdf, err := r.Render(sample(3))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:16])
	}
	text, err := pdftest.Text(pdf)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.ReplaceAll(text, "\n", "")
	for _, want := range []string{"中华人民共和国税收完税证明", "№ 350203202600000001", "国家税务总局厦门市思明区税务局",
		"91350203MA2Y0K1X7B", "¥12,345.67", "人民币壹万贰仟叁佰肆拾伍元陆角柒分", "现代服务（软件和信息技术服务）", "实缴（退）金额", "1,234.56"} {
		if !strings.Contains(flat, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if strings.ContainsRune(text, '\uFFFD') {
		t.Errorf("unmapped glyphs:\n%s", text)
	}
	imgs, err := pdftest.GrayImages(pdf)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("images: %d, %v", len(imgs), err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(imgs[0])
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.GetText(); got != sample(0).QR {
		t.Errorf("QR = %q", got)
	}
}

// The same document renders to the same bytes (a certificate is rendered
// again from its record at each download).
func TestRenderDeterministic(t *testing.T) {
	r := renderer(t)
	a, err := r.Render(sample(2))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(sample(2))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
}

// A long table continues on further pages with every row's text.
func TestRenderManyRowsConcurrently(t *testing.T) {
	r := renderer(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pdf, err := r.Render(sample(80))
			if err == nil {
				var text string
				text, err = pdftest.Text(pdf)
				if err == nil && !strings.Contains(strings.ReplaceAll(text, "\n", ""), "335026200000000079") {
					err = errors.New("last row missing")
				}
				if err == nil && bytes.Count(pdf, []byte("/Type /Page\n")) < 3 {
					err = errors.New("one page only")
				}
			}
			errs[g] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestNoFont(t *testing.T) {
	t.Setenv(pdfdoc.FontEnv, "")
	if _, err := pdfdoc.FindFont("/nonexistent/font.ttf"); apperr.CodeOf(err) != apperr.Unavailable {
		t.Errorf("a named missing font: %v", err)
	}
	r := &pdfdoc.Renderer{FontPath: "/nonexistent/font.ttf"}
	_, err := r.Render(sample(1))
	if apperr.CodeOf(err) != apperr.Unavailable || !strings.Contains(err.Error(), "fonts-lxgw-wenkai") {
		t.Errorf("render without font: %v", err)
	}
}
