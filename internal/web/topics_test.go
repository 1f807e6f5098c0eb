package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

func init() {
	topic := cms.Topic{ID: 3, SiteOrgID: 1, SiteName: "国家税务总局福建省税务局", Code: "vat-law-2026", Title: "2026年增值税法实施", Summary: "增值税法自2026年1月1日起施行。", Articles: 2}
	art := cms.Article{ID: 9, ColumnID: 3, SiteOrgID: 1, ColumnName: "政策解读", State: cms.Published, Title: "增值税法实施条例解读", Summary: "条例要点。", PublishedAt: when}
	items := []cms.TopicItem{{Article: art, Sort: 10}, {Article: art, Sort: 20}}
	examples["info_topics.html"] = example{func() page { return &infoTopicsPage{Topics: []cms.Topic{topic, topic}} }, everyone}
	examples["info_topic.html"] = example{func() page { return &infoTopicPage{Topic: topic, Articles: items} }, everyone}
	examples["staff_cms_topics.html"] = example{func() page {
		return &staffTopicsPage{Topics: []cms.Topic{topic}, Sites: []Option{{"1", "福建省税务局"}},
			basePage: basePage{Form: url.Values{"site": {"1"}, "code": {"X"}}, Errors: map[string]string{"code": "代码为 2 至 40 位小写字母"}}}
	}, staffSide}
	examples["staff_cms_topic.html"] = example{func() page {
		return &staffTopicPage{Topic: topic, Articles: items, basePage: basePage{Form: url.Values{"title": {topic.Title}, "place": {"30"}}, Errors: map[string]string{"article": "没有找到该网站的这篇文章"}}}
	}, staffSide}
}

// TestTopicPages: an editor creates a topic and adds a published article
// by its address; the public sees it in the list and on its page.
func TestTopicPages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h, srv := siteHandler(t, d)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		srv.CMS.Now = func() time.Time { return now }
		ctx := context.Background()
		if _, err := demo.SeedCMS(ctx, d, now.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
		if ok, err := demo.SeedTopics(ctx, d, now); err != nil || !ok {
			t.Fatalf("demo topics: %v %v", ok, err)
		}
		if ok, _ := demo.SeedTopics(ctx, d, now); ok {
			t.Error("demo topics seeded twice")
		}
		pub, err := srv.CMS.PublicTopics(ctx)
		if err != nil || len(pub) != 2 || pub[0].Title != "2026年增值税法实施" || pub[0].Articles < 3 || pub[1].Articles < 3 {
			t.Fatalf("demo topics: %+v %v", pub, err)
		}
		var art int64
		var title string
		if err := d.QueryRowContext(ctx, `SELECT a.id, a.title FROM cms_articles a JOIN orgs o ON o.id = a.site_org_id WHERE o.division_code = '3502' AND a.state = 'published' ORDER BY a.id LIMIT 1`).Scan(&art, &title); err != nil {
			t.Fatal(err)
		}
		var site int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM orgs WHERE division_code = '3502' AND level = 'city'`).Scan(&site); err != nil {
			t.Fatal(err)
		}
		editor := staffBrowser(t, ts, "35020004")
		s, body := editor.post("/staff/cms/topics", url.Values{"site": {strconv.FormatInt(site, 10)}, "title": {""}, "code": {"Bad Code"}, "sort": {"0"}})
		editor.expect(s, body, 422, "请填写专题名称")
		s, body = editor.post("/staff/cms/topics", url.Values{"site": {strconv.FormatInt(site, 10)}, "title": {"厦门市减税降费政策"}, "code": {"xm-relief"}, "sort": {"0"}})
		editor.expect(s, body, 200, "已创建专题")
		m := regexp.MustCompile(`action="/staff/cms/topics/(\d+)/articles"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no add form")
		}
		s, body = editor.post("/staff/cms/topics/"+m[1]+"/articles", url.Values{"article": {"/info/articles/999999"}, "place": {"10"}})
		editor.expect(s, body, 422, "没有找到该网站的这篇文章")
		editor.expect(s, body, 422, "厦门市减税降费政策") // the topic form kept its values
		s, body = editor.post("/staff/cms/topics/"+m[1]+"/articles", url.Values{"article": {ts.URL + "/info/articles/" + strconv.FormatInt(art, 10)}, "place": {"10"}})
		editor.expect(s, body, 200, "已把文章加入专题")
		visitor := newBrowser(t, ts)
		s, body = visitor.get("/info/topics")
		visitor.expect(s, body, 200, "厦门市减税降费政策")
		s, body = visitor.get("/info/topics/" + m[1])
		visitor.expect(s, body, 200, title)
		// Another city's editor neither sees nor changes it.
		fz := staffBrowser(t, ts, "35010004")
		if s, _ = fz.get("/staff/cms/topics/" + m[1]); s != 404 {
			t.Errorf("another city's editor opens the topic: %d", s)
		}
	})
}
