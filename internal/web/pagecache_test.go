package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/stats"
)

// TestPublicPageCache: a visitor's public page is rendered once per change,
// served again from memory with its ETag (304 when the browser has it);
// a logged-in page is never cached; visits and searches are counted on
// hits too.
func init() {
	examples["staff_stats.html"] = example{func() page {
		days := []stats.Day{{Day: "2026-11-22", N: 5}, {Day: "2026-11-23", N: 9}}
		return &statsPage{Report: stats.Report{Days: 2, Visits: days, TopSearches: []stats.Top{{Kind: "laws", Ref: "滞纳金", N: 3}}, TopEmpty: []stats.Top{{Kind: "site", Ref: "火星", N: 1}}, Downloads: []stats.Top{{Kind: "download", Ref: "irregular.csv", N: 2}}},
			VisitChart: dayChart(days, nil, "访问"), SearchChart: dayChart(days, days, "检索"), KindChart: []kindBar{{Name: "办税指南", N: 4, Width: 100}},
			Top: []namedTop{{Kind: "办税指南", Name: "滞纳金", URL: "/guides/late-fee", N: 4}}, TotalVisits: 14}
	}, staffSide}
}

func TestPublicPageCache(t *testing.T) {
	d := dbtest.NewSQLite(t)
	h, srv := siteHandler(t, d)
	srv.Stats = stats.New(d, func() time.Time { return now })
	ts := httptest.NewServer(srv.PublicCache(h))
	t.Cleanup(ts.Close)
	get := func(path string, hdr map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	q := "/laws?q=" + url.QueryEscape("火星探测")
	first := get(q, nil)
	second := get(q, nil)
	if first.Header.Get("X-Cache") != "MISS" || second.Header.Get("X-Cache") != "HIT" {
		t.Fatalf("X-Cache %q then %q", first.Header.Get("X-Cache"), second.Header.Get("X-Cache"))
	}
	etag := second.Header.Get("ETag")
	if etag == "" || etag != first.Header.Get("ETag") || second.Header.Get("Cache-Control") != "public, max-age=60" || second.Header.Get("Vary") != "Cookie" {
		t.Errorf("headers %v", second.Header)
	}
	if second.Header.Get(searchHeader) != "" {
		t.Error("internal search header leaked")
	}
	if res := get(q, map[string]string{"If-None-Match": etag}); res.StatusCode != 304 {
		t.Errorf("If-None-Match: %d", res.StatusCode)
	}
	if res := get(q, map[string]string{"If-Modified-Since": second.Header.Get("Last-Modified")}); res.StatusCode != 304 {
		t.Errorf("If-Modified-Since: %d", res.StatusCode)
	}
	// Care mode is its own page.
	if res := get(q, map[string]string{"Cookie": careCookie + "=1"}); res.Header.Get("X-Cache") != "MISS" {
		t.Errorf("care mode served the plain page: %s", res.Header.Get("X-Cache"))
	}
	// A change makes it render again.
	srv.bumpContent()
	if res := get(q, nil); res.Header.Get("X-Cache") != "MISS" {
		t.Errorf("after a change: %s", res.Header.Get("X-Cache"))
	}
	// A session cookie bypasses the cache.
	if res := get(q, map[string]string{"Cookie": "taxhall_session=x"}); res.Header.Get("X-Cache") != "" || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("with a session: %v", res.Header)
	}
	// Another node's change, seen through the content fingerprint.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go srv.WatchContent(ctx, 20*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	before := srv.cache().gen.Load()
	if _, err := d.ExecContext(context.Background(), `UPDATE calendar_version SET version = version + 1 WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Second)
	for srv.cache().gen.Load() == before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if srv.cache().gen.Load() == before {
		t.Error("content change not noticed")
	}
	if err := srv.Stats.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	rep, err := stats.Read(context.Background(), d, now, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.TopEmpty) != 1 || rep.TopEmpty[0].Ref != "火星探测" || rep.TopEmpty[0].N < 4 {
		t.Errorf("searches without result: %+v", rep.TopEmpty)
	}
}
