package demo

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"taxhall/internal/db"
)

// Index maintenance was most of a province's load: every row of returns
// went into six B-trees in random key order, and on PostgreSQL every row
// also ran four foreign-key triggers. A bulk load on a database that holds
// only the fixed demo therefore drops the secondary indexes, the UNIQUE
// constraints and the foreign keys of the tables it fills, loads, and makes
// them again from their own stored definitions: the final schema is the
// one the migrations made, byte for byte, and rebuilding a UNIQUE
// constraint or validating a foreign key checks every loaded row at once
// (a load that broke one fails there). The primary keys stay. SQLite
// cannot drop the indexes of UNIQUE table constraints; those stay too, and
// SQLite's foreign keys are off on the load's connection and checked with
// PRAGMA foreign_key_check afterwards.

// deferred is what to make again after the load.
type deferred struct {
	// PostgreSQL, in three phases: the indexes (those of the UNIQUE
	// constraints included) are built at once on the load's connections;
	// then the constraints are attached (a UNIQUE constraint takes over
	// its index, a foreign key comes NOT VALID: both instant); then the
	// foreign keys are validated, the tables' at once. Each build holds a
	// SHARE lock and each validation a SHARE UPDATE EXCLUSIVE lock on its
	// own table only, so they do not wait for each other as ADD
	// CONSTRAINT would (ACCESS EXCLUSIVE, or SHARE ROW EXCLUSIVE on both
	// tables). The result is the same catalog as ADD CONSTRAINT's.
	build    []deferredStmt
	attach   []deferredStmt
	validate map[string][]deferredStmt // by table
	// SQLite: the indexes, one after the other, and the tables whose
	// foreign keys to check.
	restore []deferredStmt
	fkCheck []string
}

type deferredStmt struct{ name, sql, table string }

// bulkTables are the tables Bulk fills.
var bulkTables = []string{"taxpayers", "taxpayer_users", "tax_identifications", "returns", "tax_liabilities", "return_events"}

// deferIndexes drops what can be made again after the load, on conn.
func deferIndexes(ctx context.Context, d *db.DB, conn *sql.Conn, tables []string) (*deferred, error) {
	if d.Dialect == db.Postgres {
		return deferPostgres(ctx, conn, tables)
	}
	return deferSQLite(ctx, conn, tables)
}

func deferPostgres(ctx context.Context, conn *sql.Conn, tables []string) (*deferred, error) {
	type item struct{ table, name, def, index, kind string }
	// Constraints of the tables: UNIQUE ('u', with their index) and
	// foreign keys ('f'); a UNIQUE constraint that a foreign key refers
	// to stays. Then the indexes that back no constraint.
	items, err := db.Query(ctx, conn, func(sc db.Scanner) (item, error) {
		var it item
		return it, sc.Scan(&it.table, &it.name, &it.def, &it.index, &it.kind)
	}, `SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), CASE WHEN c.contype = 'u' THEN pg_get_indexdef(c.conindid) ELSE '' END, c.contype::text
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1) AND c.contype IN ('u', 'f')
		  AND NOT (c.contype = 'u' AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
		UNION ALL
		SELECT t.relname, ix.relname, pg_get_indexdef(i.indexrelid), '', 'i'
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
		ORDER BY 5, 1, 2`, tables)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	df := &deferred{validate: map[string][]deferredStmt{}}
	var drops []string
	// Drop foreign keys first, then UNIQUE constraints, then indexes.
	order := map[string]int{"f": 0, "u": 1, "i": 2}
	for pass := range 3 {
		for _, it := range items {
			if order[it.kind] != pass {
				continue
			}
			tbl, name := quoteIdent(it.table), quoteIdent(it.name)
			switch it.kind {
			case "f":
				drops = append(drops, `ALTER TABLE `+tbl+` DROP CONSTRAINT `+name)
				df.attach = append(df.attach, deferredStmt{it.name, `ALTER TABLE ` + tbl + ` ADD CONSTRAINT ` + name + ` ` + it.def + ` NOT VALID`, it.table})
				df.validate[it.table] = append(df.validate[it.table], deferredStmt{it.name, `ALTER TABLE ` + tbl + ` VALIDATE CONSTRAINT ` + name, it.table})
			case "u":
				if !strings.HasPrefix(it.index, "CREATE UNIQUE INDEX "+it.name+" ON ") && !strings.HasPrefix(it.index, "CREATE UNIQUE INDEX "+name+" ON ") {
					return nil, fmt.Errorf("demo: the index of %s is not named after it: %s", it.name, it.index)
				}
				drops = append(drops, `ALTER TABLE `+tbl+` DROP CONSTRAINT `+name)
				df.build = append(df.build, deferredStmt{it.name, it.index, it.table})
				// UNIQUE constraints before the foreign keys.
				df.attach = append([]deferredStmt{{it.name, `ALTER TABLE ` + tbl + ` ADD CONSTRAINT ` + name + ` UNIQUE USING INDEX ` + name, it.table}}, df.attach...)
			case "i":
				drops = append(drops, `DROP INDEX `+name)
				df.build = append(df.build, deferredStmt{it.name, it.def, it.table})
			}
		}
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, s := range drops {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			_ = tx.Rollback() // the statement's error is the one to report
			return nil, fmt.Errorf("%s: %w", s, err)
		}
	}
	return df, tx.Commit()
}

func deferSQLite(ctx context.Context, conn *sql.Conn, tables []string) (*deferred, error) {
	df := &deferred{fkCheck: tables}
	for _, t := range tables {
		idx, err := db.Query(ctx, conn, func(sc db.Scanner) (deferredStmt, error) {
			var s deferredStmt
			return s, sc.Scan(&s.name, &s.sql)
		}, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name`, t)
		if err != nil {
			return nil, err
		}
		for _, s := range idx {
			if _, err := conn.ExecContext(ctx, `DROP INDEX `+quoteIdent(s.name)); err != nil {
				return nil, err
			}
			df.restore = append(df.restore, s)
		}
	}
	// Off for this connection only, and on again in restoreIndexes.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return nil, err
	}
	return df, nil
}

// restoreIndexes makes again what deferIndexes dropped, reporting each on
// out, and checks SQLite's foreign keys.
func (df *deferred) restoreIndexes(ctx context.Context, d *db.DB, w *bulkWriter, out io.Writer, start time.Time) error {
	report := func(what, name string, t0 time.Time) {
		w.mu.Lock()
		defer w.mu.Unlock()
		fmt.Fprintf(out, "  %7.0fs  %s %s %.1fs\n", time.Since(start).Seconds(), what, name, time.Since(t0).Seconds())
	}
	if d.Dialect == db.Postgres {
		conns := append([]*sql.Conn{w.conn}, w.copiers...)
		for _, c := range conns {
			// Sorting an index in memory rather than in runs on disk.
			if _, err := c.ExecContext(ctx, `SET maintenance_work_mem = '1GB'`); err != nil {
				return err
			}
		}
		// The largest first: returns' indexes, then the others.
		build := make([][]deferredStmt, 0, len(df.build))
		for _, s := range df.build {
			build = append(build, []deferredStmt{s})
		}
		sort.SliceStable(build, func(i, j int) bool {
			return build[i][0].table == "returns" && build[j][0].table != "returns"
		})
		if err := runParallel(ctx, conns, build, func(s deferredStmt, t0 time.Time) { report("重建索引", s.name, t0) }); err != nil {
			return err
		}
		for _, s := range df.attach {
			t0 := time.Now()
			if _, err := w.conn.ExecContext(ctx, s.sql); err != nil {
				return fmt.Errorf("rebuild %s: %w", s.name, err)
			}
			report("恢复约束", s.name, t0)
		}
		var validate [][]deferredStmt
		for _, t := range bulkTables {
			if v := df.validate[t]; len(v) > 0 {
				validate = append(validate, v)
			}
		}
		sort.SliceStable(validate, func(i, j int) bool { return len(validate[i]) > len(validate[j]) })
		return runParallel(ctx, conns, validate, func(s deferredStmt, t0 time.Time) { report("校验外键", s.name, t0) })
	}
	// The foreign keys are checked on a second connection while the
	// indexes are made (the journal is WAL again, so it reads the loaded
	// rows beside the writer): each child row's parent by primary key.
	check, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer check.Close()
	checked := make(chan error, 1)
	go func() {
		t0 := time.Now()
		for _, t := range df.fkCheck {
			rows, err := check.QueryContext(ctx, `PRAGMA foreign_key_check(`+quoteIdent(t)+`)`)
			if err != nil {
				checked <- err
				return
			}
			bad := rows.Next()
			err = rows.Err()
			_ = rows.Close()
			if err != nil {
				checked <- err
				return
			}
			if bad {
				checked <- fmt.Errorf("demo: the load broke a foreign key of %s", t)
				return
			}
		}
		report("外键检查", "", t0)
		checked <- nil
	}()
	for _, s := range df.restore {
		t0 := time.Now()
		if _, err := w.conn.ExecContext(ctx, s.sql); err != nil {
			<-checked
			return fmt.Errorf("rebuild %s: %w", s.name, err)
		}
		report("重建索引", s.name, t0)
	}
	if err := <-checked; err != nil {
		return err
	}
	_, err = w.conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	return err
}

// runParallel runs the groups of statements on the connections, each
// connection taking the next group and running its statements in order.
func runParallel(ctx context.Context, conns []*sql.Conn, groups [][]deferredStmt, done func(deferredStmt, time.Time)) error {
	next := make(chan []deferredStmt)
	errs := make(chan error, len(conns))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, c := range conns {
		go func() {
			for g := range next {
				for _, s := range g {
					t0 := time.Now()
					if _, err := c.ExecContext(ctx, s.sql); err != nil {
						cancel()
						errs <- fmt.Errorf("rebuild %s: %w", s.name, err)
						for range next {
						}
						return
					}
					done(s, t0)
				}
			}
			errs <- nil
		}()
	}
feed:
	for _, g := range groups {
		select {
		case next <- g:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	var first error
	for range conns {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// analyze brings the planner's statistics up to date. PostgreSQL: VACUUM
// also sets the visibility map, so that the lists' counts are index-only
// scans from the first page view; the tables are shared out over the
// load's connections, the largest first.
func (w *bulkWriter) analyze(out io.Writer, start time.Time) error {
	t0 := time.Now()
	if w.d.Dialect != db.Postgres {
		// analysis_limit: each index's statistics from a sample of
		// rows (as PRAGMA optimize makes them) rather than by reading
		// every index of the province through.
		for _, q := range []string{`PRAGMA analysis_limit = 10000`, `ANALYZE`, `PRAGMA analysis_limit = 0`} {
			if _, err := w.conn.ExecContext(w.ctx, q); err != nil {
				return fmt.Errorf("analyze: %w", err)
			}
		}
		fmt.Fprintf(out, "  %7.0fs  ANALYZE %.1fs\n", time.Since(start).Seconds(), time.Since(t0).Seconds())
		return nil
	}
	names, err := db.Query(w.ctx, w.conn, func(sc db.Scanner) (string, error) { var s string; return s, sc.Scan(&s) },
		`SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'm') ORDER BY pg_relation_size(oid) DESC, relname`)
	if err != nil {
		return err
	}
	var groups [][]deferredStmt
	for _, n := range names {
		groups = append(groups, []deferredStmt{{n, `VACUUM ANALYZE ` + quoteIdent(n), n}})
	}
	conns := append([]*sql.Conn{w.conn}, w.copiers...)
	if err := runParallel(w.ctx, conns, groups, func(deferredStmt, time.Time) {}); err != nil {
		return err
	}
	fmt.Fprintf(out, "  %7.0fs  VACUUM ANALYZE %.1fs\n", time.Since(start).Seconds(), time.Since(t0).Seconds())
	return nil
}

func quoteIdent(s string) string { return `"` + s + `"` }
