package demo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"taxhall/internal/db"
)

// bulkWriter writes generated rows on one dedicated connection: COPY on
// PostgreSQL (pgx CopyFrom through the stdlib connection), multi-row
// INSERTs in large transactions on SQLite.
type bulkWriter struct {
	ctx  context.Context
	d    *db.DB
	conn *sql.Conn
	// copiers are PostgreSQL's COPY connections besides conn: each runs
	// in its own server process, so the two cores both load rows.
	copiers []*sql.Conn
	full    map[string]string // full-batch INSERT per table (SQLite; the connection keeps it prepared)
	mu      sync.Mutex
	written map[string]int64
	// deferred is set while the indexes are dropped: a load that fails
	// then discards its connection (SQLite's foreign keys are off on it).
	deferred *deferred
	// journalOff: SQLite's journal is off for the load (WAL again after).
	journalOff bool
	idleConns  int // SQLite: the pool's idle connections to give back
}

// pgCopiers is how many connections COPY rows at once on PostgreSQL: one
// per core of the machine the seed was measured on; the generator and
// the server processes share them.
const pgCopiers = 2

// pgSession is what every load connection sets on PostgreSQL.
// synchronous_commit=off: seed data can be made again (a crash loses at
// most the last chunks, which the seed would write again on an empty
// database). default_toast_compression=lz4: the documents are compressed
// about three times faster than with pglz (and read back faster), for
// ~14 % more bytes; the column's own setting stays the default, so the
// schema is the migrated one. A server built without lz4 keeps pglz.
func pgSession(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, `SET synchronous_commit = off`); err != nil {
		return err
	}
	_, _ = conn.ExecContext(ctx, `SET default_toast_compression = 'lz4'`)
	return nil
}

func newBulkWriter(ctx context.Context, d *db.DB) (*bulkWriter, error) {
	conn, err := d.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &bulkWriter{ctx: ctx, d: d, conn: conn, full: map[string]string{}, written: map[string]int64{}}
	if d.Dialect == db.Postgres {
		for range pgCopiers {
			c, err := d.Conn(ctx)
			if err != nil {
				_ = w.Close()
				return nil, err
			}
			w.copiers = append(w.copiers, c)
			if err := pgSession(ctx, c); err != nil {
				_ = w.Close()
				return nil, err
			}
		}
		if err := pgSession(ctx, conn); err != nil {
			_ = w.Close()
			return nil, err
		}
		return w, nil
	}
	// A large page cache keeps the indexes' hot pages in memory while
	// tens of millions of rows go in. synchronous=OFF: no fsync while the
	// load runs (a crash mid-seed leaves a file to delete and seed again,
	// as an interrupted seed does anyway); Close sets the pool's NORMAL
	// again before the connection goes back.
	// threads: CREATE INDEX sorts on two threads.
	for _, p := range []string{`PRAGMA cache_size = -1000000`, `PRAGMA temp_store = MEMORY`, `PRAGMA synchronous = OFF`, `PRAGMA threads = 2`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			_ = conn.Close()
			return nil, err
		}
	}
	return w, nil
}

// sqliteLoadPageSize is the page size a province is loaded with. A
// return's row is 1–3 KB, and at SQLite's default 4 KB most pages held a
// single return with a third of the page empty (3.8 KB per return in
// all); 16 KB pages hold six to a dozen, and the load reads and writes a
// quarter as many pages.
const sqliteLoadPageSize = 16384

// sqliteLoadMode turns SQLite's journal off for the load and gives the
// file larger pages while it holds only the fixed demo. In WAL mode every
// page is written twice (to the WAL, then by the checkpoint to the
// database), ~40 GB more for a province. Leaving WAL needs the only
// connection to the file, so the pool's idle ones are closed first; when
// another is in use nothing changes (the load is then only slower).
// Without a journal a failed load cannot roll back: the seed's file is
// deleted and made again, as after any interrupted seed. The page size
// changes by VACUUM, which rewrites the (small) file; it is a property of
// the file, not of the schema, and stays after the load.
func (w *bulkWriter) sqliteLoadMode() error {
	w.idleConns = 8 // db.Open's SetMaxIdleConns for SQLite
	w.d.SetMaxIdleConns(0)
	var mode string
	if err := w.conn.QueryRowContext(w.ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode); err != nil || !strings.EqualFold(mode, "delete") {
		return nil // still WAL (another connection is open, or the file is in memory): load as it is
	}
	w.journalOff = true // not WAL: journalBack sets it again
	var size int
	if err := w.conn.QueryRowContext(w.ctx, `PRAGMA page_size`).Scan(&size); err != nil {
		return err
	}
	if size < sqliteLoadPageSize {
		if _, err := w.conn.ExecContext(w.ctx, `PRAGMA page_size = `+strconv.Itoa(sqliteLoadPageSize)); err != nil {
			return err
		}
		if _, err := w.conn.ExecContext(w.ctx, `VACUUM`); err != nil {
			return err
		}
	}
	return w.conn.QueryRowContext(w.ctx, `PRAGMA journal_mode = OFF`).Scan(&mode)
}

// journalBack sets SQLite's WAL again (before the indexes are made, so that
// a second connection can read the rows while they are).
func (w *bulkWriter) journalBack() error {
	if w.d.Dialect != db.SQLite || !w.journalOff {
		return nil
	}
	var mode string
	if err := w.conn.QueryRowContext(w.ctx, `PRAGMA journal_mode = WAL`).Scan(&mode); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("demo: journal_mode is %s after the load, not wal", mode)
	}
	w.journalOff = false
	w.d.SetMaxIdleConns(w.idleConns)
	return nil
}

func (w *bulkWriter) Close() error {
	for _, c := range w.copiers {
		_ = c.Close()
	}
	if w.d.Dialect == db.SQLite && w.idleConns > 0 {
		defer w.d.SetMaxIdleConns(w.idleConns)
	}
	if w.deferred != nil || w.journalOff {
		// Not back to the pool with foreign keys off.
		_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
	} else if w.d.Dialect == db.SQLite {
		// The pool's settings again (db.Open's, and SQLite's defaults).
		for _, p := range []string{`PRAGMA synchronous = NORMAL`, `PRAGMA cache_size = -2000`, `PRAGMA temp_store = DEFAULT`, `PRAGMA threads = 0`} {
			if _, err := w.conn.ExecContext(context.WithoutCancel(w.ctx), p); err != nil {
				_ = w.conn.Raw(func(any) error { return driver.ErrBadConn })
				break
			}
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

// bulkChunkRows is one chunk of generated rows, or the generator's error.
type bulkChunkRows struct {
	tables []*table
	err    error
}

// load writes the chunks from ch until it closes: on PostgreSQL each
// COPY connection takes the next chunk (the foreign keys are off during
// the load, so chunks may land in any order); on SQLite the one
// connection writes them in order. After an error it drains ch, so the
// generator (which must stop on cancel) is never left blocked.
func (w *bulkWriter) load(ch <-chan bulkChunkRows, cancel func()) error {
	conns := w.copiers
	if w.d.Dialect != db.Postgres {
		conns = []*sql.Conn{w.conn}
	}
	errs := make(chan error, len(conns))
	for _, c := range conns {
		go func() {
			var err error
			for ck := range ch {
				if err != nil {
					continue
				}
				if err = ck.err; err == nil {
					err = w.write(c, ck.tables...)
				}
				if err != nil {
					cancel()
				}
			}
			errs <- err
		}()
	}
	var first error
	for range conns {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// count is how many rows of a table were written so far.
func (w *bulkWriter) count(name string) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.written[name]
}

func (w *bulkWriter) wrote(t *table) {
	w.mu.Lock()
	w.written[t.name] += int64(len(t.rows))
	w.mu.Unlock()
	t.rows = t.rows[:0]
}

// write stores the tables on conn and empties them; on SQLite in order
// (parents first) and all in one transaction.
func (w *bulkWriter) write(conn *sql.Conn, tables ...*table) error {
	if w.d.Dialect == db.Postgres {
		for _, t := range tables {
			if len(t.rows) == 0 {
				continue
			}
			err := conn.Raw(func(dc any) error {
				pc := dc.(*stdlib.Conn).Conn()
				_, err := pc.CopyFrom(w.ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows))
				return err
			})
			if err != nil {
				return fmt.Errorf("copy %s: %w", t.name, err)
			}
			w.wrote(t)
		}
		return nil
	}
	tx, err := conn.BeginTx(w.ctx, nil)
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
	w.wrote(t)
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
