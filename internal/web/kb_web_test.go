package web

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/kb"
	"taxhall/internal/search"
)

func exampleKBEntry() *kb.Entry {
	return &kb.Entry{ID: 7, Question: "小规模纳税人月销售额多少以下免征增值税？", Answer: "月销售额未超过10万元的，免征增值税。", TaxType: "vat",
		Refs: []kb.Ref{{Text: "《中华人民共和国增值税法》", URL: "/laws/1#a24"}, {Text: "财政部 税务总局公告2023年第19号"}}, ValidFrom: "2026-01-01",
		State: kb.Draft, AuthorName: "黄志明", CreatedAt: when, UpdatedAt: when}
}

func exampleKBHit() kb.Hit {
	e := exampleKBEntry()
	return kb.Hit{Hit: search.Hit{Kind: kb.SearchKind, Ref: "7", URL: "/kb/7", Title: e.Question,
		TitleMarks: []search.Segment{{Text: "小规模", Mark: true}, {Text: "纳税人"}}, Snippet: []search.Segment{{Text: "免征", Mark: true}}}, Entry: e}
}

func init() {
	examples["kb.html"] = example{func() page {
		return &kbPage{Q: "小规模", TaxTypes: roles, Searched: true, Results: kb.Results{Hits: []kb.Hit{exampleKBHit()}, More: true, Relaxed: true},
			Page: 1, PrevURL: "/kb?q=x", NextURL: "/kb?q=x&page=2", Examples: kbExamples}
	}, everyone}
	examples["kb_entry.html"] = example{func() page { return &kbEntryPage{E: exampleKBEntry()} }, everyone}
	examples["staff_kb.html"] = example{func() page {
		return &staffKBPage{State: kb.Draft, Items: []*kb.Entry{exampleKBEntry()}, NextURL: "/staff/kb?after=7", CanWrite: true,
			Problems: []kb.Problem{{Row: 3, Message: "税种：请选择税种"}}, basePage: basePage{Errors: map[string]string{"file": "文件中有 1 处问题"}}}
	}, staffSide}
	examples["staff_kb_form.html"] = example{func() page {
		return &staffKBFormPage{E: exampleKBEntry(), TaxTypes: roles, Action: "/staff/kb/7", CanReview: true, CanWrite: true,
			basePage: basePage{Errors: map[string]string{"refs": "链接须为法规库地址"}}}
	}, staffSide}
}

// TestKBJourney: an agent writes an entry, cannot approve it, the content
// reviewer publishes it; the public finds it on /kb, in the site search
// and in the "search before you ask" step of /consult (without
// JavaScript: a GET that keeps the subject); the agent sees it beside a
// question and inserts its answer; an archived entry is gone.
func TestKBJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		agent := staffBrowser(t, ts, "35020003")
		reviewer := staffBrowser(t, ts, "35020005")
		s, body := agent.post("/staff/kb/new", url.Values{"question": {"电子税务局如何申请跨区域涉税事项延期？"}, "answer": {"在有效期届满前，通过电子税务局向机构所在地税务机关申请延期。"},
			"tax_type": {"admin"}, "refs": {"国家税务总局公告2017年第103号"}, "valid_from": {"2026-01-01"}})
		agent.expect(s, body, 200, "条目已保存", "待审核")
		id := regexp.MustCompile(`action="/staff/kb/(\d+)/archive"`).FindStringSubmatch(body)[1]
		s, body = agent.post("/staff/kb/"+id+"/approve", nil)
		agent.expect(s, body, 403)
		s, body = reviewer.post("/staff/kb/"+id+"/approve", nil)
		reviewer.expect(s, body, 200, "条目已发布")

		pub := newBrowser(t, ts)
		s, body = pub.get("/kb?q=" + url.QueryEscape("跨区域 延期"))
		pub.expect(s, body, 200, `href="/kb/`+id+`"`)
		s, body = pub.get("/kb/" + id)
		pub.expect(s, body, 200, "在有效期届满前", "国家税务总局公告2017年第103号")
		s, body = pub.get("/search?q=" + url.QueryEscape("六税两费"))
		pub.expect(s, body, 200, `id="hits-kb"`, "12366知识库")
		// Search before you ask: matches, and the subject kept in the form.
		s, body = pub.get("/consult?subject=" + url.QueryEscape("小规模纳税人 免征增值税") + "&tax_type=vat")
		pub.expect(s, body, 200, "12366知识库", "免征增值税", `name="subject" type="text" value="小规模纳税人 免征增值税"`)
		s, body = pub.get("/consult?subject=" + url.QueryEscape("赡养老人"))
		pub.expect(s, body, 200, "公开问答")
		s, body = pub.get("/consult?subject=" + url.QueryEscape("火星移民税"))
		pub.expect(s, body, 200, "没有找到相似的问题")

		// The agent's question page shows matching entries; ?use= inserts one.
		var qid string
		if err := d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM questions WHERE subject = '小规模纳税人季度免税标准'`).Scan(&qid); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(t.Context(), `UPDATE questions SET state = 'open', claimed_by = NULL WHERE id = $1`, qid); err != nil {
			t.Fatal(err)
		}
		s, body = agent.post("/staff/questions/"+qid+"/act", url.Values{"action": {"claim"}})
		agent.expect(s, body, 200)
		s, body = agent.get("/staff/questions/" + qid)
		agent.expect(s, body, 200, "知识库中的相关条目", "插入此答复")
		use := regexp.MustCompile(`href="/staff/questions/\d+\?use=(\d+)#f-answer"`).FindStringSubmatch(body)
		if use == nil {
			t.Fatal("no insert link")
		}
		s, body = agent.get("/staff/questions/" + qid + "?use=" + use[1])
		agent.expect(s, body, 200, "政策依据：")
		if !strings.Contains(body[strings.Index(body, `id="f-answer"`):], "免征增值税") {
			t.Error("the entry's answer is not in the answer form")
		}

		// Archived: gone for the public.
		s, body = agent.post("/staff/kb/"+id+"/archive", nil)
		agent.expect(s, body, 200, "已归档")
		s, _ = pub.get("/kb/" + id)
		if s != 404 {
			t.Errorf("archived entry: %d", s)
		}
	})
}

// TestKBImportPage: a file with a bad row lists it and imports nothing.
func TestKBImportPage(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	agent := staffBrowser(t, ts, "35020003")
	f := excelize.NewFile()
	_ = f.SetSheetRow("Sheet1", "A1", &[]any{"编号", "问题", "答复", "税种", "法律依据", "生效日期", "失效日期", "状态"})
	_ = f.SetSheetRow("Sheet1", "A2", &[]any{"", "好的问题", "好的答复", "增值税", "", "2026-01-01", ""})
	_ = f.SetSheetRow("Sheet1", "A3", &[]any{"", "坏的问题", "答复", "关税", "", "2026-01-01", ""})
	var b bytes.Buffer
	_ = f.Write(&b)
	s, body := agent.upload("/staff/kb/import", "kb.xlsx", b.Bytes())
	agent.expect(s, body, 422, "第 3 行", "税种：请选择税种")
	_, body = agent.get("/staff/kb")
	if strings.Contains(body, "好的问题") {
		t.Error("a bad file imported a row")
	}
	s, body = agent.get("/staff/kb/export")
	if s != 200 || !strings.HasPrefix(body, "PK") {
		t.Errorf("export: %d", s)
	}
}
