package kb_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/ixtest"
	"taxhall/internal/kb"
)

// Benchmarks of the knowledge base with 10,000 published entries (the
// demo's entries, numbered by city), on SQLite and on PostgreSQL (with
// TAXHALL_TEST_PG): a public search and a "search before you ask"
// suggestion for a whole typed question. Each reports p50-ms and p95-ms
// of its iterations. The fixture is built once per process, so
//
//	go test -run '^$' -bench 'Suggest|Search' -count 5 ./internal/kb
//
// loads it once per database.

var (
	kbFixtures = map[db.Dialect]*kb.Service{}
	kbMu       sync.Mutex
	kept       []*ixtest.Keeper
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, k := range kept {
		k.Done()
	}
	os.Exit(code)
}

func kbFixture(b *testing.B, dialect db.Dialect) *kb.Service {
	kbMu.Lock()
	defer kbMu.Unlock()
	if svc := kbFixtures[dialect]; svc != nil {
		return svc
	}
	k := ixtest.Keep(b)
	kept = append(kept, k)
	var d *db.DB
	if dialect == db.Postgres {
		d = dbtest.NewPostgres(k)
	} else {
		d = dbtest.NewSQLite(k)
	}
	w := ixtest.New(k, d)
	svc := newService(d)
	loadEntries(k, d, w, 10000)
	if err := svc.Refresh(context.Background(), "2026-11-02"); err != nil {
		b.Fatal(err)
	}
	kbFixtures[dialect] = svc
	return svc
}

// loadEntries adds n published entries (the demo's, numbered).
func loadEntries(t testing.TB, d *db.DB, w *ixtest.World, n int) {
	agent := w.Staff(t, w.Xiamen, "A01", auth.Role12366Agent)
	reviewer := w.Staff(t, w.Xiamen, "R01", auth.RoleContentReviewer)
	seeds := demo.KnowledgeEntries()
	cities := []string{"厦门", "福州", "泉州", "漳州", "莆田", "三明", "南平", "龙岩", "宁德", "平潭"}
	ctx := context.Background()
	for i := 0; i < n; i += 500 {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for j := i; j < min(i+500, n); j++ {
				sd := seeds[j%len(seeds)]
				in := sd.Input
				in.Question = fmt.Sprintf("%s（%s·%d）", in.Question, cities[j/len(seeds)%len(cities)], j)
				if _, err := tx.ExecContext(ctx, `INSERT INTO kb_entries (question, answer, tax_type, refs, valid_from, valid_to, state, author_id, reviewed_by, reviewed_at, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, 'published', $7, $8, $9, $9, $9)`,
					in.Question, in.Answer, in.TaxType, in.Refs, in.ValidFrom, nullIf(in.ValidTo), agent.UserID, reviewer.UserID, db.TS(now)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var benchQueries = []string{"小规模 免征增值税", "六税两费", "住房租金 扣除", "跨区域涉税事项", "印花税 买卖合同", "滞纳金",
	"个人所得税 年度汇算", "发票 丢失", "研发费用 加计扣除", "城镇土地使用税 大城市"}

var benchAsks = []string{"小规模纳税人季度免税标准是多少？", "在厦门租房每月能扣多少个税？", "到外省施工要办什么手续", "开错的发票怎么处理",
	"我们公司研发费用能加计扣除多少", "个人所得税年度汇算什么时候截止", "印花税按次申报还是按期申报", "残疾人就业保障金怎么交"}

// latencies runs fn b.N times and reports the median and the 95th
// percentile in milliseconds.
func latencies(b *testing.B, fn func(i int) error) {
	ds := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if err := fn(i); err != nil {
			b.Fatal(err)
		}
		ds = append(ds, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(ds)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(ds[len(ds)/2]), "p50-ms")
	b.ReportMetric(ms(ds[(len(ds)*95)/100]), "p95-ms")
}

func eachDialect(b *testing.B, fn func(b *testing.B, dialect db.Dialect)) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			if dialect == db.Postgres && os.Getenv(dbtest.PGEnv) == "" {
				b.Skip(dbtest.PGEnv + " not set")
			}
			fn(b, dialect)
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	eachDialect(b, func(b *testing.B, dialect db.Dialect) {
		svc := kbFixture(b, dialect)
		latencies(b, func(i int) error {
			_, err := svc.Search(context.Background(), benchQueries[i%len(benchQueries)], "", 0, 0)
			return err
		})
	})
}

func BenchmarkSuggest(b *testing.B) {
	eachDialect(b, func(b *testing.B, dialect db.Dialect) {
		svc := kbFixture(b, dialect)
		latencies(b, func(i int) error {
			_, err := svc.Suggest(context.Background(), benchAsks[i%len(benchAsks)], "", 5)
			return err
		})
	})
}
