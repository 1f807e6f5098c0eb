package search_test

import (
	"context"
	"fmt"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/search"
)

// TestRelaxedLeavesOutCommonWords: when no row has every word, the
// relaxed search ranks the rows with any word that is not common (found in
// more than RelaxCommon rows): the rows that share only 纳税人 with the
// query are not offered; with only common words, one of them is kept.
func TestRelaxedLeavesOutCommonWords(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ix := search.New(d)
		var docs []search.Doc
		for i := range search.RelaxCommon + 20 {
			docs = append(docs, search.Doc{Kind: "kb", Ref: fmt.Sprintf("c%d", i), Title: fmt.Sprintf("纳税人常见问题%d", i), Body: "纳税人应当按期申报。"})
		}
		for i := range search.RelaxCommon + 5 {
			docs = append(docs, search.Doc{Kind: "kb", Ref: fmt.Sprintf("d%d", i), Title: fmt.Sprintf("申报期限问题%d", i), Body: "申报期限遇节假日顺延。"})
		}
		docs = append(docs, search.Doc{Kind: "kb", Ref: "rare", Title: "季度免税标准", Body: "小规模纳税人季度销售额不超过30万元免征增值税。"})
		docs = append(docs, search.Doc{Kind: "kb", Ref: "rare2", Title: "起征点", Body: "按次纳税的起征点为每次（日）销售额500元。"})
		if err := ix.Put(ctx, d, docs...); err != nil {
			t.Fatal(err)
		}
		r, err := ix.Search(ctx, search.Query{Text: "纳税人 免税 火星", Kinds: []string{"kb"}, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Relaxed || fmt.Sprint(refs(r)) != "[rare]" {
			t.Errorf("纳税人 免税 火星 = %v relaxed=%v, want only the row with 免税", refs(r), r.Relaxed)
		}
		// Only common words that never meet: one of them is kept (the
		// counts stop at RelaxCommon+1, so a tie keeps the first).
		r, err = ix.Search(ctx, search.Query{Text: "纳税人 申报期限", Kinds: []string{"kb"}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Relaxed || len(r.Hits) == 0 {
			t.Errorf("common words only: %v relaxed=%v", refs(r), r.Relaxed)
		}
	})
}
