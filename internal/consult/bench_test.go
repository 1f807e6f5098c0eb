package consult_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
)

// Benchmarks of the 12366 queue with 100,000 questions (half to Xiamen,
// half to Fuzhou; 70% answered, 20% open, 10% claimed), on SQLite and on
// PostgreSQL (with TAXHALL_TEST_PG): the agent's first and a deep page of
// the open queue, the agent's held questions, a claim, a new question.
// Each reports p50-ms and p95-ms. The fixture is built once per process:
//
//	go test -run '^$' -bench Queue -count 5 ./internal/consult

type queueFixture struct {
	svc   *consult.Service
	agent context.Context
	deep  int64 // an id near the end of Xiamen's open queue
	open  []int64
	next  int
}

var (
	queues   = map[db.Dialect]*queueFixture{}
	queuesMu sync.Mutex
	keepers  []*ixtest.Keeper
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, k := range keepers {
		k.Done()
	}
	os.Exit(code)
}

const benchQuestions = 100000

func queueOf(b *testing.B, dialect db.Dialect) *queueFixture {
	queuesMu.Lock()
	defer queuesMu.Unlock()
	if f := queues[dialect]; f != nil {
		return f
	}
	k := ixtest.Keep(b)
	keepers = append(keepers, k)
	var d *db.DB
	if dialect == db.Postgres {
		d = dbtest.NewPostgres(k)
	} else {
		d = dbtest.NewSQLite(k)
	}
	w := ixtest.New(k, d)
	agent := w.Staff(k, w.Xiamen, "A01", auth.Role12366Agent)
	other := w.Staff(k, w.Xiamen, "A02", auth.Role12366Agent)
	ctx := context.Background()
	series := `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ` + fmt.Sprint(benchQuestions) + `) `
	from := ` FROM s`
	if dialect == db.Postgres {
		series, from = "", ` FROM generate_series(1, `+fmt.Sprint(benchQuestions)+`) AS s(i)`
	}
	t0 := time.Now()
	if _, err := d.ExecContext(ctx, series+`INSERT INTO questions (tracking_no, code_hash, org_id, channel, tax_type, subject, body, state, claimed_by, due_on, created_at)
		SELECT 'ZXB' || i, 'x', CASE WHEN i % 2 = 0 THEN $1 ELSE $2 END, CASE WHEN i % 3 = 0 THEN 'sms' ELSE 'web' END, 'vat',
			'增值税问题' || i, '请问小规模纳税人季度销售额多少以下免征增值税？', 
			CASE WHEN i % 10 < 7 THEN 'answered' WHEN i % 10 < 9 THEN 'open' ELSE 'claimed' END,
			CASE WHEN i % 10 = 9 THEN $3 ELSE NULL END, '2026-11-05', $4`+from,
		w.Xiamen.ID, w.Fuzhou.ID, other.UserID, db.TS(now)); err != nil {
		b.Fatal(err)
	}
	if dialect == db.Postgres {
		if _, err := d.ExecContext(ctx, `ANALYZE questions`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: %d questions in %s", dialect, benchQuestions, time.Since(t0).Round(time.Millisecond))
	f := &queueFixture{svc: &consult.Service{DB: d, Now: func() time.Time { return now }, Cal: fixedCal{}}, agent: ixtest.As(agent)}
	rows, err := d.QueryContext(ctx, `SELECT id FROM questions WHERE org_id = $1 AND state = 'open' ORDER BY id`, w.Xiamen.ID)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		f.open = append(f.open, id)
	}
	_ = rows.Close()
	f.deep = f.open[len(f.open)-100]
	queues[dialect] = f
	return f
}

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

func eachDialect(b *testing.B, fn func(b *testing.B, f *queueFixture)) {
	for _, dialect := range []db.Dialect{db.SQLite, db.Postgres} {
		b.Run(string(dialect), func(b *testing.B) {
			if dialect == db.Postgres && os.Getenv(dbtest.PGEnv) == "" {
				b.Skip(dbtest.PGEnv + " not set")
			}
			fn(b, queueOf(b, dialect))
		})
	}
}

func BenchmarkQueueFirstPage(b *testing.B) {
	eachDialect(b, func(b *testing.B, f *queueFixture) {
		latencies(b, func(int) error {
			p, err := f.svc.Queue(f.agent, "open", 0)
			if err == nil && len(p.Items) != consult.PageSize {
				err = fmt.Errorf("first page has %d", len(p.Items))
			}
			return err
		})
	})
}

func BenchmarkQueueDeepPage(b *testing.B) {
	eachDialect(b, func(b *testing.B, f *queueFixture) {
		latencies(b, func(int) error {
			_, err := f.svc.Queue(f.agent, "open", f.deep)
			return err
		})
	})
}

// BenchmarkQueueClaim claims the next open question of the queue (each
// iteration a different one; the fixture has 10,000 open in Xiamen).
func BenchmarkQueueClaim(b *testing.B) {
	eachDialect(b, func(b *testing.B, f *queueFixture) {
		latencies(b, func(int) error {
			if f.next >= len(f.open)-200 {
				return fmt.Errorf("the fixture's %d open questions are used up: run with a smaller -benchtime (e.g. 200x)", len(f.open))
			}
			id := f.open[f.next]
			f.next++
			return f.svc.Claim(f.agent, id)
		})
	})
}
