package e2e

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/cms"
	"taxhall/internal/demo"
	"taxhall/internal/laws"
	"taxhall/internal/search"
)

// publicLibrary is a small library folder of real files of the regulation
// library (the whole folder takes half a minute to import).
func publicLibrary(t *testing.T) string {
	t.Helper()
	src := "../../shared/data/laws"
	if v := os.Getenv("TAXHALL_LAWS"); v != "" {
		src = v
	}
	dir := t.TempDir()
	for _, f := range []string{"经济法/税收征收管理法(2015-04-24).md", "行政法规/发票管理办法(2019-03-02).md", "行政法规/发票管理办法(2023-07-20).md", "经济法/关税法(2024-04-26).md"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Skipf("library file: %v", err)
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestLibrarySearchOpensTheArticle: a visitor searches the library, sees
// the hit's snippet with the words marked and opens the document at the
// article of the hit, on a phone too.
func TestLibrarySearchOpensTheArticle(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	lib := &laws.Service{DB: s.DB, Index: search.New(s.DB), Now: time.Now}
	if _, err := lib.Import(context.Background(), publicLibrary(t)); err != nil {
		t.Fatal(err)
	}
	p := newPage(t, s, "visitor")
	j := newJourney(t, p)
	j.step("search the library", func(t *testing.T) {
		if st := p.Open("laws", "/laws"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "法规库")
		p.Do(typeInto("#f-q", "“扣缴义务人未按照规定期限解缴税款”"))
		if st := p.Click("search", `form.laws-search button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(".result .result-title", "税收征收管理法")
		p.ExpectText(".result .snippet mark", "扣缴义务人未按照规定期限解缴税款")
		p.done()
	})
	j.step("open the document at the hit", func(t *testing.T) {
		if st := p.Click("open", `.result a.result-title`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if u := p.URL(); !strings.HasPrefix(u.Path, "/laws/") || u.Fragment != "a32" {
			p.fatalf("opened %s, want the document at #a32", u)
		}
		p.ExpectText("#a32", "第三十二条", "滞纳金")
		p.ExpectText("#a32 mark", "扣缴义务人未按照规定期限解缴税款")
		// The article is on screen: the browser scrolled to it.
		top := evalJSON[float64](p, `document.getElementById("a32").getBoundingClientRect().top`)
		if top < -5 || top > 400 {
			p.fatalf("article 32 at %.0fpx from the top of the window", top)
		}
		p.done()
	})
	j.step("the library fits a phone", func(t *testing.T) {
		p.Do(chromedp.EmulateViewport(phone, 844))
		if st := p.Open("laws-phone", "/laws?q="+"发票管理办法+第二十二条"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(".result .meta", "第二十二条")
		expectNoSideways(p)
		p.done()
	})
}

// TestContentReviewJourney: an overdue column's maintainer sees the
// reminder; an editor writes an article, the reviewer returns it with a
// comment, the editor fixes it, the reviewer approves and it is on the
// site.
func TestContentReviewJourney(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	ctx := context.Background()
	if _, err := demo.SeedCMS(ctx, s.DB, time.Now().AddDate(0, 0, -20)); err != nil {
		t.Fatal(err)
	}
	svc := &cms.Service{DB: s.DB, Now: time.Now}
	if _, err := svc.CheckOverdue(ctx); err != nil {
		t.Fatal(err)
	}
	editor := newPage(t, s, "editor")
	reviewer := newPage(t, s, "reviewer")
	visitor := newPage(t, s, "visitor")
	j := newJourney(t, editor, reviewer, visitor)
	title := "关于元旦假期办税服务安排的通告"
	var articlePath, imgTag string
	// notice is a real PNG (160×90) the editor puts in the article.
	notice := filepath.Join(t.TempDir(), "办税服务厅.png")
	{
		img := image.NewRGBA(image.Rect(0, 0, 160, 90))
		for x := range 160 {
			for y := range 90 {
				img.Set(x, y, color.RGBA{R: 180, G: uint8(x), B: uint8(y), A: 255})
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(notice, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j.step("the maintainer sees the overdue reminder", func(t *testing.T) {
		staffLogin(editor, "35020004")
		if st := editor.Click("cms", `nav.menu a[href="/staff/cms"]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".reminders", "更新提醒", "已逾期")
		// The reminder reached the maintainer's inbox (the daily job's check).
		if st := editor.Click("inbox", `nav.menu a[href="/staff/messages"]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText("table.messages tr.unread", "未更新")
		if st := editor.Click("reminder", `table.messages tr.unread a`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText("article.message", "更新周期为")
		editor.done()
		if st := editor.Open("cms", "/staff/cms"); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
	})
	j.step("the editor writes and submits", func(t *testing.T) {
		if st := editor.Click("new", `a[href="/staff/cms/articles/new"]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		col := evalJSON[string](editor, `Array.from(document.querySelectorAll("#f-column option")).find(o => o.textContent.includes("通知公告 › 通知公告")).value`)
		editor.Do(choose("#f-column", col), typeInto("#f-title", title),
			typeInto("#f-body", "<p>元旦假期办税服务厅暂停对外办公。</p>"))
		if st := editor.Click("save", `form[action="/staff/cms/articles"] button[type=submit]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".flash", "已保存为草稿")
		articlePath = editor.URL().Path
		// An image: upload it, insert it into the body (the 插入正文 button),
		// save the new version.
		editor.Do(chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{notice}))
		if st := editor.Click("upload", `form[action$="/files"] button[type=submit]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".flash", "已上传图片")
		imgTag = evalJSON[string](editor, `document.querySelector("table.files input.code").value`)
		editor.Do(chromedp.Click(chromedp.CSS(`button[data-insert]`)))
		if body := evalJSON[string](editor, `document.querySelector("#f-body").value`); !strings.Contains(body, imgTag) {
			editor.fatalf("the image was not inserted: %q", body)
		}
		if st := editor.Click("save-image", `form[action="`+articlePath+`"] button[type=submit]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".flash", "已保存新版本")
		if w := evalJSON[float64](editor, `document.querySelector(".article-body img").naturalWidth`); w <= 0 {
			editor.fatalf("the preview's image does not load (naturalWidth %v)", w)
		}
		if st := editor.Click("submit", `form[action$="/submit"] button`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".flash", "已提交审核")
		editor.done()
	})
	j.step("the reviewer returns it with a comment", func(t *testing.T) {
		staffLogin(reviewer, "35020005")
		if st := reviewer.Open("queue", "/staff/cms"); st != http.StatusOK {
			reviewer.fatalf("status %d", st)
		}
		if st := reviewer.Click("open", `a[href="`+articlePath+`"]`); st != http.StatusOK {
			reviewer.fatalf("status %d", st)
		}
		reviewer.Do(chromedp.Click(chromedp.CSS(`input[name=decision][value=return]`)), typeInto("#f-comment", "请写明恢复办公的日期。"))
		if st := reviewer.Click("return", `form[action$="/review"] button[type=submit]`); st != http.StatusOK {
			reviewer.fatalf("status %d", st)
		}
		reviewer.ExpectText(".flash", "已退回作者修改")
		reviewer.done()
	})
	j.step("the editor fixes it", func(t *testing.T) {
		if st := editor.Open("article", articlePath); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".inset", "请写明恢复办公的日期。")
		editor.Do(typeInto("#f-body", "<p>元旦假期办税服务厅暂停对外办公，1月4日起恢复正常办公。</p>"+imgTag))
		if st := editor.Click("save", `form[action="`+articlePath+`"] button[type=submit]`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		if st := editor.Click("resubmit", `form[action$="/submit"] button`); st != http.StatusOK {
			editor.fatalf("status %d", st)
		}
		editor.ExpectText(".flash", "已提交审核")
		editor.done()
	})
	j.step("the reviewer approves", func(t *testing.T) {
		if st := reviewer.Open("article", articlePath); st != http.StatusOK {
			reviewer.fatalf("status %d", st)
		}
		if st := reviewer.Click("approve", `form[action$="/review"] button[type=submit]`); st != http.StatusOK {
			reviewer.fatalf("status %d", st)
		}
		reviewer.ExpectText(".flash", "审核通过，已发布")
		reviewer.done()
	})
	j.step("it is on the site", func(t *testing.T) {
		if st := visitor.Open("info", "/info"); st != http.StatusOK {
			visitor.fatalf("status %d", st)
		}
		if st := visitor.Click("site", `nav.pager a:nth-child(2)`); st != http.StatusOK {
			visitor.fatalf("status %d", st)
		}
		if st := visitor.Click("article", `ul.news a`); st != http.StatusOK {
			visitor.fatalf("status %d", st)
		}
		visitor.ExpectText("main h1", title)
		visitor.ExpectText(".article-body", "1月4日起恢复正常办公")
		// The image shows: it loaded from the hall's own file address.
		if w := evalJSON[float64](visitor, `(function(){var i=document.querySelector(".article-body img");return i&&i.complete?i.naturalWidth:-1})()`); w != 160 {
			visitor.fatalf("the article's image: naturalWidth %v, want 160", w)
		}
		visitor.done()
	})
}
