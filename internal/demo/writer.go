package demo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"taxhall/internal/db"
)

// bulkWriter writes generated rows on one dedicated connection: COPY on
// PostgreSQL (pgx CopyFrom through the stdlib connection), multi-row
// INSERTs in large transactions on SQLite.
type bulkWriter struct {
	ctx     context.Context
	d       *db.DB
	conn    *sql.Conn
	full    map[string]string // full-batch INSERT per table (SQLite; the connection keeps it prepared)
	written map[string]int64
	// deferred is set while the indexes are dropped: a load that fails
	// then discards its connection (SQLite's foreign keys are off on it).
	deferred *deferred
}

func newBulkWriter(ctx context.Context, d *db.DB) (*bulkWriter, error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &bulkWriter{ctx: ctx, d: d, conn: conn, full: map[string]string{}, written: map[string]int64{}}
	var pragmas []string
	if d.Dialect == db.SQLite {
		// A large page cache keeps the indexes' hot pages in memory while
		// tens of millions of rows go in; nothing here weakens durability
		// of what is committed beyond the pool's synchronous=NORMAL.
		// synchronous=OFF: no fsync at the WAL's checkpoints while the
		// load runs (a crash mid-seed leaves a file to delete and seed
		// again, as an interrupted seed does anyway); Close sets the
		// pool's NORMAL again before the connection goes back.
		pragmas = []string{`PRAGMA cache_size = -500000`, `PRAGMA temp_store = MEMORY`, `PRAGMA synchronous = OFF`}
	} else {
		// Seed data can be made again: a crash loses at most the last
		// chunk, which the seed would write again on an empty database.
		pragmas = []string{`SET synchronous_commit = off`}
	}
	for _, p := range pragmas {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *bulkWriter) Close() error {
	if w.deferred != nil {
		// Not back to the pool with foreign keys off.
		_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
	} else if w.d.Dialect == db.SQLite {
		if _, err := w.conn.ExecContext(context.WithoutCancel(w.ctx), `PRAGMA synchronous = NORMAL`); err != nil {
			_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	return w.conn.Close()
}

// table is one table's generated rows.
type table struct {
	name string
	cols []string
	rows [][]any
}

func (t *table) add(vals ...any) { t.rows = append(t.rows, vals) }

// write stores the tables in order (parents first) and empties them; on
// SQLite all in one transaction.
func (w *bulkWriter) write(tables ...*table) error {
	if w.d.Dialect == db.Postgres {
		for _, t := range tables {
			if len(t.rows) == 0 {
				continue
			}
			err := w.conn.Raw(func(dc any) error {
				pc := dc.(*stdlib.Conn).Conn()
				_, err := pc.CopyFrom(w.ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows))
				return err
			})
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			w.written[t.name] += int64(len(t.rows))
			t.rows = t.rows[:0]
		}
		return nil
	}
	tx, err := w.conn.BeginTx(w.ctx, nil)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if err := w.insert(tx, t); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
	}
	return tx.Commit()
}

// maxParams stays below SQLite's default limit of 32766 bound variables.
const maxParams = 30000

// insertSQL is an INSERT of n rows. It uses anonymous ? parameters (SQLite
// only): the driver looks each $N name up in a list, which makes binding
// thousands of numbered parameters quadratic.
func insertSQL(t *table, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + t.name + " (" + strings.Join(t.cols, ", ") + ") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(t.cols)), ",") + ")"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return b.String()
}

func (w *bulkWriter) insert(tx *sql.Tx, t *table) error {
	per := max(1, min(500, maxParams/len(t.cols)))
	args := make([]any, 0, per*len(t.cols))
	for start := 0; start < len(t.rows); start += per {
		end := min(start+per, len(t.rows))
		args = args[:0]
		for _, r := range t.rows[start:end] {
			args = append(args, r...)
		}
		var err error
		if end-start == per {
			// Not tx.StmtContext of a statement prepared on the
			// connection: database/sql prepares that again in every
			// transaction. The connection's statement cache keeps this.
			q, ok := w.full[t.name]
			if !ok {
				q = insertSQL(t, per)
				w.full[t.name] = q
			}
			_, err = tx.ExecContext(w.ctx, q, args...)
		} else {
			_, err = tx.ExecContext(w.ctx, insertSQL(t, end-start), args...)
		}
		if err != nil {
			return err
		}
	}
	w.written[t.name] += int64(len(t.rows))
	t.rows = t.rows[:0]
	return nil
}

// fixSequences moves PostgreSQL's identity sequences past the ids the bulk
// load chose itself (SQLite's AUTOINCREMENT follows explicit ids).
func (w *bulkWriter) fixSequences(tables ...string) error {
	if w.d.Dialect != db.Postgres {
		return nil
	}
	for _, t := range tables {
		// #nosec G202 -- t is one of this file's constant table names.
		q := `SELECT setval(pg_get_serial_sequence('` + t + `', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM ` + t + `), 1))`
		if _, err := w.conn.ExecContext(w.ctx, q); err != nil {
			return fmt.Errorf("sequence %s: %w", t, err)
		}
	}
	return nil
}
