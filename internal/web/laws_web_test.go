package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/laws"
	"taxhall/internal/search"
)

func init() {
	invoice := laws.Summary{ID: 3, Title: "中华人民共和国发票管理办法", Kind: laws.KindRegulation, Category: "行政法规", Level: laws.LevelNational, Version: "2023-07-20", Year: 2023, Status: laws.StatusCurrent, Articles: 45}
	old := invoice
	old.ID, old.Version, old.Status = 2, "2019-03-02", laws.StatusAmended
	body := "## 第一章 总则\n\n第一条 为了加强发票管理和财务监督，制定本办法。\n\n第二十二条 开具发票应当按照规定的时限、顺序、栏目开具。\n\n任何单位和个人不得有下列虚开发票行为："
	law := laws.Law{Summary: invoice, Adopted: "1993-12-12", History: []string{"1993年12月12日 国务院批准"}, Body: body, TaxTags: []string{"发票"}}
	examples["laws.html"] = example{func() page {
		return &lawsPage{Q: "发票 第二十二条", Searched: true, Page: 1, PrevURL: "/laws?q=x", NextURL: "/laws?q=x&page=2", Importing: true, Done: 40, ImportSize: 3475,
			Facets:  laws.Facets{Kinds: []laws.Count{{Value: "行政法规", N: 683}}, Levels: []laws.Count{{Value: "中央", N: 1500}}, Provinces: []laws.Count{{Value: "河南省", N: 418}}, Taxes: []laws.Count{{Value: "发票", N: 3}}, Years: []int{2023, 2019}, Total: 3475},
			Filter:  laws.Filter{Kind: "行政法规", Year: 2023},
			Results: laws.Results{Relaxed: true, Short: true, Hits: []laws.Hit{{Summary: invoice, Anchor: "a22", Article: "第二十二条", TitleMarks: search.Highlight(invoice.Title, []string{"发票"}), Snippet: []search.Segment{{Text: "第二十二条", Mark: true}, {Text: " 开具发票……"}}}}},
			List:    []laws.Summary{invoice, old}, Examples: lawExamples}
	}, everyone}
	examples["law.html"] = example{func() page {
		p := &lawPage{Law: law, Q: "发票", Versions: []laws.Summary{invoice, old}, Marks: 2}
		for _, b := range law.Blocks() {
			lb := lawBlock{Block: b, Heading: search.Highlight(b.Text, []string{"发票"})}
			for _, para := range b.Paras {
				lb.Paras = append(lb.Paras, search.Highlight(para, []string{"发票"}))
			}
			p.Blocks = append(p.Blocks, lb)
			if b.Kind == laws.Heading {
				p.TOC = append(p.TOC, lb)
			}
		}
		return p
	}, everyone}
	examples["law_compare.html"] = example{func() page {
		l2 := law
		l2.Summary = old
		return &lawComparePage{Old: l2, New: law, Rows: compareArticles(l2.Blocks(), law.Blocks()), Changed: 1}
	}, everyone}
}

// miniLibrary writes a library folder of two versions of one regulation
// and a law, in the real files' format.
func miniLibrary(t *testing.T) string {
	dir := t.TempDir()
	write := func(rel, text string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("行政法规/发票管理办法(2019-03-02).md", "# 中华人民共和国发票管理办法\n\n1993年12月12日 国务院批准\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了加强发票管理和财务监督，制定本办法。\n\n第二十二条 开具发票应当按照规定的时限、顺序、栏目，全部联次一次性如实开具，并加盖发票专用章。\n")
	write("行政法规/发票管理办法(2023-07-20).md", "# 中华人民共和国发票管理办法\n\n2023年7月20日 修订\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了加强发票管理和财务监督，制定本办法。\n\n第二十二条 安装税控装置的单位和个人，应当按照规定使用税控装置开具发票。\n")
	write("经济法/税收征收管理法(2015-04-24).md", "# 中华人民共和国税收征收管理法\n\n2015年4月24日 第三次修正\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 为了加强税收征收管理，制定本法。\n\n第三十二条 纳税人未按照规定期限缴纳税款的，税务机关除责令限期缴纳外，从滞纳税款之日起，按日加收滞纳税款万分之五的滞纳金。\n")
	write("README.md", "# not a law\n")
	return dir
}

func TestLawPages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		lib := &laws.Service{DB: d, Index: search.New(d), Now: func() time.Time { return now }}
		if _, err := lib.Import(context.Background(), miniLibrary(t)); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, ts)
		s, body := b.get("/laws")
		b.expect(s, body, 200, "共 3 件")
		b.expect(s, body, 200, "中华人民共和国税收征收管理法")

		s, body = b.get("/laws?q=" + url.QueryEscape("滞纳金"))
		b.expect(s, body, 200, "<mark>滞纳金</mark>")
		if !strings.Contains(body, "#a32") {
			t.Errorf("滞纳金: no link to article 32:\n%s", body)
		}
		// A search hit opens the document at the article, the words marked.
		vs, err := lib.Versions(context.Background(), "中华人民共和国发票管理办法")
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions: %v %v", vs, err)
		}
		s, body = b.get("/laws?q=" + url.QueryEscape("发票管理办法 第二十二条") + "&status=" + url.QueryEscape("现行有效"))
		want := "/laws/" + strconv.FormatInt(vs[0].ID, 10) + "?q="
		if s != 200 || !strings.Contains(body, want) || strings.Contains(body, "/laws/"+strconv.FormatInt(vs[1].ID, 10)+"?q=") {
			t.Errorf("现行有效 filter: want only %s", want)
		}
		s, body = b.get("/laws/" + strconv.FormatInt(vs[0].ID, 10) + "?q=" + url.QueryEscape("税控装置"))
		b.expect(s, body, 200, `id="a22"`)
		b.expect(s, body, 200, "<mark>税控装置</mark>")
		b.expect(s, body, 200, "与本版逐条对照")

		s, body = b.get("/laws/" + strconv.FormatInt(vs[0].ID, 10) + "/compare?with=" + strconv.FormatInt(vs[1].ID, 10))
		b.expect(s, body, 200, "共 2 条，其中 1 条有变化")

		// Another title cannot be compared; a missing document is 404.
		list, _, _ := lib.Browse(context.Background(), laws.Filter{Kind: laws.KindLaw}, laws.Cursor{})
		s, _ = b.get("/laws/" + strconv.FormatInt(vs[0].ID, 10) + "/compare?with=" + strconv.FormatInt(list[0].ID, 10))
		if s != 404 {
			t.Errorf("compare with another title: %d", s)
		}
		s, _ = b.get("/laws/999999")
		if s != 404 {
			t.Errorf("missing law: %d", s)
		}
		s, body = b.get("/laws?q=" + url.QueryEscape("火星探测"))
		b.expect(s, body, 200, "没有找到与“火星探测”相关的法规")
	})
}

// TestSiteSearch: the home search box finds functions, guides and library
// documents, grouped, each group best first.
func TestSiteSearch(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h, srv := siteHandler(t, d)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		ctx := context.Background()
		if _, err := srv.Laws.Import(ctx, miniLibrary(t)); err != nil {
			t.Fatal(err)
		}
		if err := srv.Guides.Index(ctx, srv.Search); err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, ts)
		s, body := b.get("/search?q=" + url.QueryEscape("滞纳金"))
		b.expect(s, body, 200, "滞纳金计算器")
		fn, gd, lw := strings.Index(body, `id="hits-functions"`), strings.Index(body, `id="hits-guides"`), strings.Index(body, `id="hits-laws"`)
		if fn < 0 || gd < fn || lw < gd {
			t.Fatalf("groups at %d %d %d, want functions, guides, laws", fn, gd, lw)
		}
		guidesPart := body[gd:lw]
		if first := strings.Index(guidesPart, `href="/guides/`); first < 0 || !strings.HasPrefix(guidesPart[first:], `href="/guides/late-fee"`) {
			t.Errorf("first guide for 滞纳金 is not late-fee: %s", guidesPart)
		}
		if !strings.Contains(body[lw:], "中华人民共和国税收征收管理法") {
			t.Error("library group lacks 征管法")
		}
		s, body = b.get("/search?q=" + url.QueryEscape("火星探测"))
		b.expect(s, body, 200, "没有找到与“火星探测”相关的事项")
	})
}
