package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Batch is a list of reads that do not depend on each other, run together:
// on PostgreSQL in one round trip (pgx's pipeline: every query is sent, then
// every result read), on SQLite one after another on the pool, where a
// query costs no round trip. A page or a submission that needs five small
// reads before it can decide anything pays one network wait, not five.
//
// Each query's row function is called once per row, in order, while Run
// reads; a query that finds nothing calls it never.
type Batch struct{ items []batchItem }

type batchItem struct {
	query string
	args  []any
	row   func(Scanner) error
}

// Query queues query; row scans each of its rows.
func (b *Batch) Query(row func(Scanner) error, query string, args ...any) {
	b.items = append(b.items, batchItem{query: query, args: args, row: row})
}

// Len is the number of queued queries.
func (b *Batch) Len() int { return len(b.items) }

// Run runs the queued queries outside any transaction (each sees the
// committed state when it runs, as separate reads on the pool would) and
// calls their row functions. The batch can be run once.
func (d *DB) Run(ctx context.Context, b *Batch) error {
	if len(b.items) == 0 {
		return nil
	}
	if d.Dialect != Postgres || len(b.items) == 1 {
		for _, it := range b.items {
			if err := d.runOne(ctx, it); err != nil {
				return err
			}
		}
		return nil
	}
	conn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("db: batch on a %T connection", dc)
		}
		pb := &pgx.Batch{}
		for _, it := range b.items {
			pb.Queue(it.query, it.args...).Query(func(rows pgx.Rows) error {
				for rows.Next() {
					if err := it.row(rows); err != nil {
						return err
					}
				}
				return rows.Err()
			})
		}
		return sc.Conn().SendBatch(ctx, pb).Close()
	})
}

func (d *DB) runOne(ctx context.Context, it batchItem) error {
	rows, err := d.QueryContext(ctx, it.query, it.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := it.row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
