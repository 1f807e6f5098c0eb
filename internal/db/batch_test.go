package db_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// A batch's queries each deliver their own rows, in order, on both
// databases; a query with no rows calls nothing; a failing query or row
// function fails the batch; the pool is usable afterwards.
func TestBatchRunsEachQuery(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, `CREATE TABLE batch_t (id BIGINT PRIMARY KEY, name TEXT NOT NULL, n INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO batch_t VALUES (1, '甲', 10), (2, '乙', 20), (3, '丙', 30)`); err != nil {
			t.Fatal(err)
		}
		var names []string
		var sum int64
		none := 0
		var b db.Batch
		b.Query(func(sc db.Scanner) error {
			var s string
			err := sc.Scan(&s)
			names = append(names, s)
			return err
		}, `SELECT name FROM batch_t WHERE id >= $1 ORDER BY id`, 2)
		b.Query(func(sc db.Scanner) error { return sc.Scan(&sum) }, `SELECT SUM(n) FROM batch_t`)
		b.Query(func(sc db.Scanner) error { none++; return nil }, `SELECT id FROM batch_t WHERE name = $1`, "丁")
		if b.Len() != 3 {
			t.Fatalf("Len = %d", b.Len())
		}
		if err := d.Run(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(names, []string{"乙", "丙"}) || sum != 60 || none != 0 {
			t.Fatalf("names %v, sum %d, none %d", names, sum, none)
		}

		var bad db.Batch
		bad.Query(func(sc db.Scanner) error { var n int64; return sc.Scan(&n) }, `SELECT id FROM batch_t`)
		bad.Query(func(sc db.Scanner) error { return nil }, `SELECT no_such_column FROM batch_t`)
		if err := d.Run(ctx, &bad); err == nil || !strings.Contains(err.Error(), "no_such_column") {
			t.Fatalf("a bad query: %v", err)
		}
		stop := errors.New("stop")
		var failing db.Batch
		failing.Query(func(sc db.Scanner) error { return stop }, `SELECT id FROM batch_t`)
		failing.Query(func(sc db.Scanner) error { return nil }, `SELECT id FROM batch_t`)
		if err := d.Run(ctx, &failing); !errors.Is(err, stop) {
			t.Fatalf("a failing row function: %v", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM batch_t`).Scan(&n); err != nil || n != 3 {
			t.Fatalf("the pool after a failed batch: %d, %v", n, err)
		}
	})
}
