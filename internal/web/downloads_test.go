package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/stats"
)

func init() {
	v2 := cms.DownloadVersion{ID: 8, Version: "2026年版", Notes: "适用于2026年", ReleasedOn: "2026-01-05", Filename: "模板.xlsx", ContentType: "application/pdf", Size: 12800}
	v1 := v2
	v1.ID, v1.Version, v1.ReleasedOn = 7, "2025年版", "2025-01-06"
	d := cms.Download{ID: 3, SiteOrgID: 1, SiteName: "国家税务总局福建省税务局", Kind: cms.KindForm, Title: "个人所得税扣缴申报导入模板（工资薪金）", Description: "扣缴申报导入。", Latest: v2, Versions: 2}
	examples["info_downloads.html"] = example{func() page {
		return &infoDownloadsPage{Sections: []downloadSection{{ID: "form", Title: "表格", Items: []cms.Download{d, d}}, {ID: "software", Title: "软件"}}}
	}, everyone}
	examples["info_download.html"] = example{func() page { return &infoDownloadPage{Download: d, Versions: []cms.DownloadVersion{v2, v1}} }, everyone}
	examples["staff_cms_downloads.html"] = example{func() page {
		return &staffDownloadsPage{Downloads: []cms.Download{d}, Sites: []Option{{"1", "福建省税务局"}}, Kinds: []Option{{"form", "表格"}},
			basePage: basePage{Form: url.Values{"title": {"x"}}, Errors: map[string]string{"file": "请选择要上传的文件"}}}
	}, staffSide}
	examples["staff_cms_download.html"] = example{func() page {
		return &infoDownloadPage{Download: d, Versions: []cms.DownloadVersion{v2, v1}, basePage: basePage{Form: url.Values{"version": {"2025年版"}}, Errors: map[string]string{"version": "已有版本“2025年版”，请填写新的版本"}}}
	}, staffSide}
}

// multipartPost posts fields and one file as a multipart form.
func multipartPost(t *testing.T, b *browser, path string, fields map[string]string, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		_, _ = fw.Write(data)
	}
	_ = w.Close()
	req, _ := http.NewRequest("POST", b.base+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// TestDownloadPages: the demo's downloads are real workbooks; the newest
// version is offered first and the older below; an editor uploads a new
// version, which comes first; a duplicate version is refused on its field;
// a file's download is counted and revalidated by its ETag.
func TestDownloadPages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h, srv := siteHandler(t, d)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		srv.CMS.Now = func() time.Time { return now }
		srv.Stats = stats.New(d, func() time.Time { return now })
		ctx := context.Background()
		if _, err := demo.SeedCMS(ctx, d, now); err != nil { // the province's content editor
			t.Fatal(err)
		}
		if ok, err := demo.SeedDownloads(ctx, d, now); err != nil || !ok {
			t.Fatalf("demo downloads: %v %v", ok, err)
		}
		visitor := newBrowser(t, ts)
		s, body := visitor.get("/info/downloads")
		visitor.expect(s, body, 200, "增值税及附加税费申报表（小规模纳税人适用）")
		visitor.expect(s, body, 200, "个人所得税扣缴申报导入模板")
		m := regexp.MustCompile(`href="/info/downloads/(\d+)">个人所得税扣缴申报导入模板`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no IIT template")
		}
		s, body = visitor.get("/info/downloads/" + m[1])
		visitor.expect(s, body, 200, "最新版本："+itoa(int64(now.Year()))+"年版")
		visitor.expect(s, body, 200, "历史版本")
		dl := regexp.MustCompile(`href="(/info/dl/\d+)"`).FindStringSubmatch(body)
		res, err := http.Get(ts.URL + dl[1])
		if err != nil {
			t.Fatal(err)
		}
		xlsx, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !bytes.HasPrefix(xlsx, []byte("PK")) || res.Header.Get("ETag") == "" || !strings.Contains(res.Header.Get("Cache-Control"), "public") {
			t.Fatalf("download: %d %q %v", res.StatusCode, res.Header.Get("Cache-Control"), res.Header)
		}
		req, _ := http.NewRequest("GET", ts.URL+dl[1], nil)
		req.Header.Set("If-None-Match", res.Header.Get("ETag"))
		if res2, err := http.DefaultClient.Do(req); err != nil || res2.StatusCode != 304 {
			t.Errorf("revalidation: %v %v", res2, err)
		}
		if err := srv.Stats.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM visit_counts WHERE kind = 'download'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("downloads counted %d, want 1: %v", n, err)
		}

		editor := staffBrowser(t, ts, "35000004")
		path := "/staff/cms/downloads/" + m[1] + "/versions"
		s, body = multipartPost(t, editor, path, map[string]string{"version": itoa(int64(now.Year())) + "年版"}, "模板.xlsx", xlsx)
		editor.expect(s, body, 422, "已有版本")
		s, body = multipartPost(t, editor, path, map[string]string{"version": itoa(int64(now.Year()+1)) + "年版", "notes": "新增一栏"}, "模板.xlsx", xlsx)
		editor.expect(s, body, 200, "已上传新版本")
		s, body = visitor.get("/info/downloads/" + m[1])
		visitor.expect(s, body, 200, "最新版本："+itoa(int64(now.Year()+1))+"年版")
		// Another city's editor cannot.
		fz := staffBrowser(t, ts, "35010004")
		if s, _ = multipartPost(t, fz, path, map[string]string{"version": "X"}, "模板.xlsx", xlsx); s != 404 {
			t.Errorf("another city's editor adds a version: %d", s)
		}
	})
}
