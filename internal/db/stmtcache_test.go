package db_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"taxhall/internal/db"
)

// TestStatementCacheNestedAndSchemaChange: the same statement run again
// while its rows are still open (on the transaction's one connection)
// gets its own statement, not the cached one reset under the open rows;
// a cached statement still runs after the table it reads changed shape.
func TestStatementCacheNestedAndSchemaChange(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, `CREATE TABLE n (i INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if _, err := d.ExecContext(ctx, `INSERT INTO n (i) VALUES ($1)`, i); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT i FROM n WHERE i >= $1 ORDER BY i`
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		var outer, inner []int
		for rows.Next() {
			var i int
			if err := rows.Scan(&i); err != nil {
				return err
			}
			outer = append(outer, i)
			var first int
			if err := tx.QueryRowContext(ctx, q, i).Scan(&first); err != nil {
				return err
			}
			inner = append(inner, first)
		}
		if len(outer) != 3 || outer[2] != 3 || inner[0] != 1 || inner[2] != 3 {
			t.Errorf("outer %v inner %v", outer, inner)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ExecContext(ctx, `ALTER TABLE n ADD COLUMN s TEXT NOT NULL DEFAULT 'x'`); err != nil {
		t.Fatal(err)
	}
	var n int
	for range 3 { // every pooled connection may hold the statement
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM n WHERE i >= $1`, 2).Scan(&n); err != nil || n != 2 {
			t.Fatalf("after ALTER: %d, %v", n, err)
		}
	}
}
