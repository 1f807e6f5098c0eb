package demo

import (
	"context"
	"database/sql"
	"fmt"
	"io"
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
	restore []deferredStmt
	fkCheck []string // SQLite: tables to check
}

type deferredStmt struct{ name, sql string }

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
	type item struct{ table, name, def, kind string }
	// Constraints of the tables: UNIQUE ('u') and foreign keys ('f'); a
	// UNIQUE constraint that a foreign key refers to stays. Then the
	// indexes that back no constraint.
	items, err := db.Query(ctx, conn, func(sc db.Scanner) (item, error) {
		var it item
		return it, sc.Scan(&it.table, &it.name, &it.def, &it.kind)
	}, `SELECT t.relname, c.conname, pg_get_constraintdef(c.oid), c.contype::text
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1) AND c.contype IN ('u', 'f')
		  AND NOT (c.contype = 'u' AND EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
		UNION ALL
		SELECT t.relname, ix.relname, pg_get_indexdef(i.indexrelid), 'i'
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
		ORDER BY 4, 1, 2`, tables)
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	df := &deferred{}
	var drops []string
	// Drop foreign keys first, then UNIQUE constraints, then indexes;
	// make them again the other way round.
	order := map[string]int{"f": 0, "u": 1, "i": 2}
	for pass := range 3 {
		for _, it := range items {
			if order[it.kind] != pass {
				continue
			}
			tbl, name := quoteIdent(it.table), quoteIdent(it.name)
			switch it.kind {
			case "f", "u":
				drops = append(drops, `ALTER TABLE `+tbl+` DROP CONSTRAINT `+name)
				df.restore = append([]deferredStmt{{it.name, `ALTER TABLE ` + tbl + ` ADD CONSTRAINT ` + name + ` ` + it.def}}, df.restore...)
			case "i":
				drops = append(drops, `DROP INDEX `+name)
				df.restore = append([]deferredStmt{{it.name, it.def}}, df.restore...)
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
func (df *deferred) restoreIndexes(ctx context.Context, d *db.DB, conn *sql.Conn, out io.Writer, start time.Time) error {
	if d.Dialect == db.Postgres {
		// Sorting an index in memory rather than in runs on disk.
		if _, err := conn.ExecContext(ctx, `SET maintenance_work_mem = '512MB'`); err != nil {
			return err
		}
	}
	for _, s := range df.restore {
		t0 := time.Now()
		if _, err := conn.ExecContext(ctx, s.sql); err != nil {
			return fmt.Errorf("rebuild %s: %w", s.name, err)
		}
		fmt.Fprintf(out, "  %7.0fs  重建索引/约束 %s %.1fs\n", time.Since(start).Seconds(), s.name, time.Since(t0).Seconds())
	}
	if d.Dialect == db.SQLite {
		if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`); err != nil {
			return err
		}
		t0 := time.Now()
		for _, t := range df.fkCheck {
			rows, err := conn.QueryContext(ctx, `PRAGMA foreign_key_check(`+quoteIdent(t)+`)`)
			if err != nil {
				return err
			}
			bad := rows.Next()
			err = rows.Err()
			_ = rows.Close()
			if err != nil {
				return err
			}
			if bad {
				return fmt.Errorf("demo: the load broke a foreign key of %s", t)
			}
		}
		fmt.Fprintf(out, "  %7.0fs  外键检查 %.1fs\n", time.Since(start).Seconds(), time.Since(t0).Seconds())
	}
	return nil
}

func quoteIdent(s string) string { return `"` + s + `"` }
