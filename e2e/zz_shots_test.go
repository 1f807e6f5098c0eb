package e2e

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestZZShots(t *testing.T) {
	if os.Getenv("SHOTS") == "" {
		t.Skip()
	}
	s := newSite(t)
	var code string
	if err := s.DB.QueryRowContext(context.Background(), `SELECT t.code FROM taxpayers t JOIN returns r ON r.taxpayer_id = t.id WHERE r.form='vat_small' GROUP BY t.code ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&code); err != nil {
		t.Fatal(err)
	}
	p := newPage(t, s, "taxpayer")
	p.Open("login", "/login")
	p.Do(typeInto(`#f-code`, code), typeInto(`#f-username`, "admin"), typeInto(`#f-password`, "Xiamen@2026"))
	p.Click("login", `form[action="/login"] button[type=submit]`)
	shots := map[string]string{"hall": "/hall", "periods": "/hall/periods", "returns": "/hall/returns"}
	for name, path := range shots {
		for _, w := range []int64{1280, 390} {
			p.Open(name, path)
			p.Do(chromedp.EmulateViewport(w, 900))
			buf, _ := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
			os.WriteFile("/tmp/shot-"+name+"-"+map[int64]string{1280: "d", 390: "m"}[w]+".png", buf, 0o644)
		}
	}
	// the form of the first due period
	p.Open("periods", "/hall/periods")
	p.Do(chromedp.EmulateViewport(1280, 900))
	href, _ := p.Attr(`a[href^="/hall/returns/file"]`, "href")
	t.Log("form", href)
	for _, w := range []int64{1280, 390} {
		p.Open("form", href)
		p.Do(chromedp.EmulateViewport(w, 900), setValue(`input[name="1.goods"]`, "320000"), setValue(`input[name="2.goods"]`, "400000"))
		p.Click("submit", `button[value=submit]`)
		buf, _ := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
		os.WriteFile("/tmp/shot-form-"+map[int64]string{1280: "d", 390: "m"}[w]+".png", buf, 0o644)
	}
	p.Do(setValue(`input[name="2.goods"]`, "0"))
	p.Click("submit", `button[value=submit]`)
	p.Do(chromedp.EmulateViewport(1280, 900))
	buf, _ := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/shot-ack-d.png", buf, 0o644)
	p.Do(chromedp.EmulateViewport(390, 900))
	buf, _ = chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	os.WriteFile("/tmp/shot-ack-m.png", buf, 0o644)
}
