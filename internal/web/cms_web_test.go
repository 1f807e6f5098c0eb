package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/uploads"
)

func init() {
	col := &cms.Column{ID: 3, SiteOrgID: 2, Code: "notice-notice", Name: "通知公告", Dept: "办公室", PeriodDays: 7, LastPub: when}
	art := cms.Article{ID: 9, ColumnID: 3, SiteOrgID: 2, ColumnName: "通知公告", State: cms.Returned, Title: "关于春节期间办税服务安排的通告", Summary: "暂停对外服务。",
		BodyHTML: "<p>正文</p><script>alert(1)</script>", AuthorID: 6, AuthorName: "吴晓丽", Version: 2, PublishedAt: when, CreatedAt: when, UpdatedAt: when}
	examples["staff_cms.html"] = example{func() page {
		return &cmsOverviewPage{Sites: []cms.Site{{OrgID: 2, Name: "国家税务总局厦门市税务局"}, {OrgID: 3, Name: "国家税务总局福州市税务局"}}, Site: cms.Site{OrgID: 2, Name: "国家税务总局厦门市税务局"},
			Reminders: []cms.Reminder{{ColumnID: 3, Column: "通知公告", Level: 2, DueOn: "2026-11-01", OverdueDays: 22}},
			Review:    []cms.Article{art}, Drafts: []cms.Article{art}, Scheduled: []cms.Article{art},
			Fresh:   []cms.Freshness{{Column: col, Parent: "通知公告", Due: when, OverdueDays: 3}, {Column: col, Due: when, SoonDays: 2}, {Column: col, Due: when}},
			Overdue: 1, CanEdit: true, CanReview: true}
	}, staffSide}
	examples["staff_cms_new.html"] = example{func() page {
		return &cmsArticlePage{Columns: groups, basePage: basePage{Errors: map[string]string{"body": "请填写正文"}}}
	}, staffSide}
	examples["staff_cms_article.html"] = example{func() page {
		return &cmsArticlePage{Article: art, Columns: groups, Comment: "请补充", CanEdit: true, CanSubmit: true, CanReview: true, CanArch: true,
			Events:      []cms.Event{{Action: "return", Staff: "许国强", Comment: "请补充", At: when}, {Action: "publish", At: when}},
			Versions:    []cms.Version{{Version: 1, Title: "x", Body: "<p>旧</p>", Staff: "吴晓丽", At: when}},
			Images:      []*uploads.Upload{{ID: 5, Filename: "办税流程.png", ContentType: "image/png", Size: 20480}},
			Attachments: []*uploads.Upload{{ID: 6, Filename: "申请表.pdf", ContentType: "application/pdf", Size: 204800}}}
	}, staffSide}
	examples["info.html"] = example{func() page {
		top := *col
		top.Children = []*cms.Column{col}
		return &infoHomePage{Sites: []cms.Site{{OrgID: 2, Name: "国家税务总局厦门市税务局"}}, Site: cms.Site{OrgID: 2, Name: "国家税务总局厦门市税务局"}, Tree: []*cms.Column{&top}, Latest: []cms.Article{art}}
	}, everyone}
	examples["info_column.html"] = example{func() page {
		return &infoColumnPage{Column: col, Parent: col, Children: []*cms.Column{col}, SiteName: "国家税务总局厦门市税务局", Articles: []cms.Article{art}, NextURL: "/info/columns/3?after=x"}
	}, everyone}
	examples["info_article.html"] = example{func() page {
		return &infoArticlePage{Article: art, Body: "<p>正文</p>", Attachments: []*uploads.Upload{{ID: 6, Filename: "申请表.pdf", ContentType: "application/pdf", Size: 204800}}}
	}, everyone}
}

// TestCMSJourney: an editor writes, the reviewer returns it with a comment,
// the editor fixes it, the reviewer approves, and it is on the site.
func TestCMSJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h, srv := siteHandler(t, d)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		srv.CMS.Now = func() time.Time { return now }
		ctx := context.Background()
		if _, err := demo.SeedCMS(ctx, d, now.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
		if n, err := srv.CMS.CheckOverdue(ctx); err != nil || n == 0 {
			t.Fatalf("reminders: %d %v", n, err)
		}
		var column int64
		if err := d.QueryRowContext(ctx, `SELECT c.id FROM cms_columns c JOIN orgs o ON o.id = c.site_org_id WHERE o.division_code = '3502' AND c.code = 'notice-notice'`).Scan(&column); err != nil {
			t.Fatal(err)
		}
		editor := staffBrowser(t, ts, "35020004")
		reviewer := staffBrowser(t, ts, "35020005")
		s, body := editor.get("/staff")
		editor.expect(s, body, 200, "栏目更新提醒")
		s, body = editor.get("/staff/cms")
		editor.expect(s, body, 200, "栏目更新情况")
		editor.expect(s, body, 200, "更新提醒")

		s, body = editor.post("/staff/cms/articles", url.Values{"column": {strconv.FormatInt(column, 10)}, "title": {"关于元旦假期办税服务安排的通告"}, "body": {""}})
		editor.expect(s, body, 422, "请填写正文")
		s, body = editor.post("/staff/cms/articles", url.Values{"column": {strconv.FormatInt(column, 10)}, "title": {"关于元旦假期办税服务安排的通告"},
			"body": {`<p>元旦假期办税服务厅暂停对外办公。</p><img src=x onerror=alert(1)>`}})
		editor.expect(s, body, 200, "已保存为草稿")
		if strings.Contains(body, "onerror") {
			t.Error("unsanitised body shown")
		}
		id := articleIDIn(t, body)
		path := "/staff/cms/articles/" + id
		s, body = editor.post(path+"/submit", nil)
		editor.expect(s, body, 200, "已提交审核")
		// The author cannot review (the form is not offered; a forged post is refused).
		s, _ = editor.post(path+"/review", url.Values{"decision": {"approve"}})
		if s != 403 && s != 409 {
			t.Errorf("editor approves: %d", s)
		}
		s, body = reviewer.post(path+"/review", url.Values{"decision": {"return"}, "comment": {""}})
		reviewer.expect(s, body, 422, "请填写退回意见")
		s, body = reviewer.post(path+"/review", url.Values{"decision": {"return"}, "comment": {"请写明恢复办公的日期。"}})
		reviewer.expect(s, body, 200, "已退回作者修改")
		s, body = editor.get(path)
		editor.expect(s, body, 200, "请写明恢复办公的日期。")
		s, body = editor.post(path, url.Values{"column": {strconv.FormatInt(column, 10)}, "title": {"关于元旦假期办税服务安排的通告"},
			"body": {`<p>元旦假期办税服务厅暂停对外办公，1月4日起恢复正常办公。</p>`}})
		editor.expect(s, body, 200, "已保存新版本")
		s, body = editor.post(path+"/submit", nil)
		editor.expect(s, body, 200, "已提交审核")
		s, body = reviewer.post(path+"/review", url.Values{"decision": {"approve"}, "comment": {"同意"}})
		reviewer.expect(s, body, 200, "审核通过，已发布")

		visitor := newBrowser(t, ts)
		s, body = visitor.get("/info/articles/" + id)
		visitor.expect(s, body, 200, "1月4日起恢复正常办公")
		s, body = visitor.get("/info/columns/" + strconv.FormatInt(column, 10))
		visitor.expect(s, body, 200, "关于元旦假期办税服务安排的通告")
		// Another city's editor does not see it.
		other := staffBrowser(t, ts, "35010004")
		if s, _ := other.get(path); s != 404 {
			t.Errorf("another city's editor: %d", s)
		}
		// A taxpayer has no staff pages; an unpublished article is not public.
		s, _ = visitor.get("/info/articles/999999")
		if s != 404 {
			t.Errorf("missing article: %d", s)
		}
	})
}

// articleIDIn finds the article id of the staff article page.
func articleIDIn(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `action="/staff/cms/articles/`)
	if i < 0 {
		t.Fatalf("no article form in:\n%s", body)
	}
	rest := body[i+len(`action="/staff/cms/articles/`):]
	return rest[:strings.IndexAny(rest, `/"`)]
}
