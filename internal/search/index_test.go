package search_test

import (
	"context"
	"fmt"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/search"
)

func refs(r search.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Ref)
	}
	return out
}

func TestIndexSearch(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ix := search.New(d)
		docs := []search.Doc{
			{Kind: "law", Ref: "vat#1", Group: "vat", Title: "中华人民共和国增值税法", Body: "第一条 为了健全有利于高质量发展的增值税制度，制定本法。", URL: "/laws/1", Facets: map[string]string{"kind": "法律"}},
			{Kind: "law", Ref: "vat#2", Group: "vat", Title: "中华人民共和国增值税法", Body: "第二十三条 小规模纳税人销售额未达到起征点的，免征增值税。", URL: "/laws/1#a23", Facets: map[string]string{"kind": "法律"}},
			{Kind: "law", Ref: "inv#1", Group: "inv", Title: "中华人民共和国发票管理办法", Body: "第二十二条 开具发票应当按照规定的时限、顺序、栏目开具。", URL: "/laws/2", Facets: map[string]string{"kind": "行政法规"}},
			{Kind: "law", Ref: "tax#1", Group: "tax", Title: "中华人民共和国税收征收管理法", Body: "第三十二条 纳税人未按照规定期限缴纳税款的，按日加收滞纳税款万分之五的滞纳金。", URL: "/laws/3", Facets: map[string]string{"kind": "法律"}},
			{Kind: "guide", Ref: "g1", Title: "增值税小规模纳税人申报", Body: "适用于小规模纳税人按期申报增值税。", URL: "/guides/g1"},
		}
		if err := ix.Put(ctx, d, docs...); err != nil {
			t.Fatal(err)
		}
		search1 := func(q search.Query) search.Result {
			t.Helper()
			r, err := ix.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		t.Run("grouped and ranked", func(t *testing.T) {
			r := search1(search.Query{Text: "增值税", Kinds: []string{"law"}})
			if got := fmt.Sprint(refs(r)); got != "[vat#1]" && got != "[vat#2]" {
				t.Fatalf("增值税 in laws = %v, want one row of the VAT law", got)
			}
			r = search1(search.Query{Text: "增值税 起征点"})
			if got := fmt.Sprint(refs(r)); got != "[vat#2]" {
				t.Fatalf("增值税 起征点 = %v", got)
			}
			h := r.Hits[0]
			if h.At < 0 || h.Body[h.At:h.At+len("增值税")] != "增值税" && h.Body[h.At:h.At+len("起征点")] != "起征点" {
				t.Errorf("At = %d in %q", h.At, h.Body)
			}
		})
		t.Run("title boost", func(t *testing.T) {
			r := search1(search.Query{Text: "增值税"})
			if len(r.Hits) != 2 {
				t.Fatalf("增值税 = %v", refs(r))
			}
		})
		t.Run("phrase", func(t *testing.T) {
			if r := search1(search.Query{Text: "发票管理办法 第二十二条"}); fmt.Sprint(refs(r)) != "[inv#1]" {
				t.Errorf("发票管理办法 第二十二条 = %v", refs(r))
			}
			// The characters of 滞纳金 all occur in 征管法 article 32, but
			// "纳金滞" does not.
			if r := search1(search.Query{Text: `"纳金滞"`}); len(r.Hits) != 0 {
				t.Errorf("纳金滞 = %v", refs(r))
			}
			if r := search1(search.Query{Text: `“按日加收滞纳税款”`}); fmt.Sprint(refs(r)) != "[tax#1]" {
				t.Errorf("quoted phrase = %v", refs(r))
			}
		})
		t.Run("one character", func(t *testing.T) {
			r := search1(search.Query{Text: "票", Kinds: []string{"law"}})
			if !r.Short || fmt.Sprint(refs(r)) != "[inv#1]" {
				t.Errorf("票 = %v short=%v", refs(r), r.Short)
			}
		})
		t.Run("facets", func(t *testing.T) {
			r := search1(search.Query{Text: "纳税人", Facets: map[string]string{"kind": "法律"}})
			if got := fmt.Sprint(refs(r)); got != "[vat#2 tax#1]" && got != "[tax#1 vat#2]" {
				t.Errorf("纳税人 in 法律 = %v", got)
			}
			r = search1(search.Query{Text: "纳税人", Facets: map[string]string{"kind": "行政法规"}})
			if len(r.Hits) != 0 {
				t.Errorf("纳税人 in 行政法规 = %v", refs(r))
			}
		})
		t.Run("relaxed and none", func(t *testing.T) {
			r := search1(search.Query{Text: "滞纳金 火星"})
			if !r.Relaxed || fmt.Sprint(refs(r)) != "[tax#1]" {
				t.Errorf("滞纳金 火星 = %v relaxed=%v", refs(r), r.Relaxed)
			}
			r = search1(search.Query{Text: "火星"})
			if r.Relaxed || len(r.Hits) != 0 {
				t.Errorf("火星 = %v", refs(r))
			}
			r = search1(search.Query{Text: "，。"})
			if len(r.Hits) != 0 {
				t.Errorf("punctuation = %v", refs(r))
			}
		})
		t.Run("paging", func(t *testing.T) {
			r := search1(search.Query{Text: "纳税人", Limit: 1})
			if len(r.Hits) != 1 || !r.More {
				t.Fatalf("page 1 = %v more=%v", refs(r), r.More)
			}
			r2 := search1(search.Query{Text: "纳税人", Limit: 1, Offset: 2})
			if len(r2.Hits) != 1 || r2.More {
				t.Fatalf("page 3 = %v more=%v", refs(r2), r2.More)
			}
		})
		t.Run("replace and delete", func(t *testing.T) {
			changed := docs[3]
			changed.Body = "第三十二条 已删去有关规定。"
			if err := ix.Put(ctx, d, changed); err != nil {
				t.Fatal(err)
			}
			if r := search1(search.Query{Text: "滞纳金"}); len(r.Hits) != 0 {
				t.Errorf("after replace 滞纳金 = %v", refs(r))
			}
			if r := search1(search.Query{Text: "删去"}); fmt.Sprint(refs(r)) != "[tax#1]" {
				t.Errorf("after replace 删去 = %v", refs(r))
			}
			if err := ix.DeleteGroup(ctx, d, "law", "vat"); err != nil {
				t.Fatal(err)
			}
			if r := search1(search.Query{Text: "起征点"}); len(r.Hits) != 0 {
				t.Errorf("after delete 起征点 = %v", refs(r))
			}
			if err := ix.Delete(ctx, d, "guide", "g1"); err != nil {
				t.Fatal(err)
			}
			if r := search1(search.Query{Text: "增值税"}); len(r.Hits) != 0 {
				t.Errorf("after delete 增值税 = %v", refs(r))
			}
		})
	})
}
