package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// TestTopicsAndDownloadsAPI: the demo's special topics and downloads in
// /api/v1, on both databases.
func TestTopicsAndDownloadsAPI(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Individuals: 1, Now: Now(), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if err := SeedCMSDemo(ctx, d, io.Discard); err != nil {
			t.Fatal(err)
		}
		c, _ := ParseFlags("serve", nil, io.Discard)
		a, err := New(c, NewLogger(c, io.Discard), d)
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(a.Handler)
		t.Cleanup(ts.Close)
		get := func(path string, into any) int {
			t.Helper()
			res, err := http.Get(ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if into != nil && res.StatusCode == 200 {
				if err := json.NewDecoder(res.Body).Decode(into); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			return res.StatusCode
		}
		var topics struct {
			Items []struct {
				ID       int64  `json:"id"`
				Title    string `json:"title"`
				Articles int    `json:"articles"`
			} `json:"items"`
		}
		if s := get("/api/v1/topics", &topics); s != 200 || len(topics.Items) != 2 || topics.Items[1].Title != "个人所得税综合所得年度汇算" {
			t.Fatalf("topics: %d %+v", s, topics)
		}
		var topic struct {
			Articles []struct {
				Title string `json:"title"`
				URL   string `json:"url"`
			} `json:"articles"`
		}
		if s := get("/api/v1/topics/"+strconv.FormatInt(topics.Items[0].ID, 10), &topic); s != 200 || len(topic.Articles) != topics.Items[0].Articles || topic.Articles[0].URL == "" {
			t.Fatalf("topic: %d %+v", s, topic)
		}
		if s := get("/api/v1/topics/999999", nil); s != 404 {
			t.Errorf("missing topic: %d", s)
		}
		var dls struct {
			Items []struct {
				ID     int64  `json:"id"`
				Title  string `json:"title"`
				Latest struct {
					Version string `json:"version"`
					URL     string `json:"url"`
					Size    int64  `json:"size"`
				} `json:"latest"`
				Versions int `json:"versions"`
			} `json:"items"`
		}
		if s := get("/api/v1/downloads", &dls); s != 200 || len(dls.Items) < 4 || dls.Items[0].Versions != 2 || dls.Items[0].Latest.Size == 0 {
			t.Fatalf("downloads: %d %+v", s, dls)
		}
		var dl struct {
			Versions []struct {
				Version string `json:"version"`
				URL     string `json:"url"`
			} `json:"versions"`
		}
		if s := get("/api/v1/downloads/"+strconv.FormatInt(dls.Items[0].ID, 10), &dl); s != 200 || len(dl.Versions) != 2 || dl.Versions[0].Version != dls.Items[0].Latest.Version {
			t.Fatalf("download: %d %+v", s, dl)
		}
		res, err := http.Get(ts.URL + dl.Versions[1].URL)
		if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("older version's file: %v %v", res, err)
		}
		res.Body.Close()
	})
}
