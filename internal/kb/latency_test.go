package kb_test

import (
	"database/sql"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ixtest"
)

// TestSearchLatency measures kb search with 10,000 published entries on
// each database: p50 and p95 of public searches and of the "search before
// you ask" suggestions. Skipped unless TAXHALL_KB_LATENCY=1 (it loads
// 10,000 entries).
func TestSearchLatency(t *testing.T) {
	if os.Getenv("TAXHALL_KB_LATENCY") == "" {
		t.Skip("set TAXHALL_KB_LATENCY=1 to measure")
	}
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := newService(d)
		agent := w.Staff(t, w.Xiamen, "A01", auth.Role12366Agent)
		reviewer := w.Staff(t, w.Xiamen, "R01", auth.RoleContentReviewer)
		seeds := demo.KnowledgeEntries()
		cities := []string{"厦门", "福州", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德", "平潭"}
		start := time.Now()
		const total = 10000
		for i := 0; i < total; i += 500 {
			err := d.Tx(t.Context(), func(tx *sql.Tx) error {
				for j := i; j < i+500; j++ {
					sd := seeds[j%len(seeds)]
					in := sd.Input
					in.Question = fmt.Sprintf("%s（%s·%d）", in.Question, cities[j/len(seeds)%len(cities)], j)
					var id int64
					if err := tx.QueryRowContext(t.Context(), `INSERT INTO kb_entries (question, answer, tax_type, refs, valid_from, valid_to, state, author_id, reviewed_by, reviewed_at, created_at, updated_at)
						VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, $8, $9, $9, $9) RETURNING id`,
						in.Question, in.Answer, in.TaxType, in.Refs, in.ValidFrom, nullIf(in.ValidTo), agent.UserID, reviewer.UserID, db.TS(now)).Scan(&id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.Refresh(t.Context(), "2026-11-02"); err != nil { // indexes them all
			t.Fatal(err)
		}
		t.Logf("%s: loaded and indexed %d entries in %s", d.Dialect, total, time.Since(start).Round(time.Millisecond))
		queries := []string{"小规模 免征增值税", "六税两费", "住房租金 扣除", "跨区域涉税事项", "印花税 买卖合同", "滞纳金",
			"个人所得税 年度汇算", "发票 丢失", "研发费用 加计扣除", "城镇土地使用税 大城市"}
		asks := []string{"小规模纳税人季度免税标准是多少？", "在厦门租房每月能扣多少个税？", "到外省施工要办什么手续", "开错的发票怎么处理"}
		measure := func(name string, n int, fn func(i int) error) {
			var d []time.Duration
			for i := range n {
				t0 := time.Now()
				if err := fn(i); err != nil {
					t.Fatal(err)
				}
				d = append(d, time.Since(t0))
			}
			slices.Sort(d)
			t.Logf("%s: n=%d p50=%s p95=%s max=%s", name, n, d[n/2].Round(10*time.Microsecond), d[n*95/100].Round(10*time.Microsecond), d[n-1].Round(10*time.Microsecond))
		}
		measure(string(d.Dialect)+" search", 200, func(i int) error {
			r, err := svc.Search(t.Context(), queries[i%len(queries)], "", 0, 0)
			if err == nil && len(r.Hits) == 0 {
				err = fmt.Errorf("nothing for %q", queries[i%len(queries)])
			}
			return err
		})
		measure(string(d.Dialect)+" suggest", 200, func(i int) error {
			_, err := svc.Suggest(t.Context(), asks[i%len(asks)], "", 5)
			return err
		})
	})
}

func nullIf(s string) any {
	if s == "" {
		return nil
	}
	return s
}
