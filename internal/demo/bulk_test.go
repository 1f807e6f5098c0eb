package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/returns"
)

// TestBulkProvince writes a small province in bulk and checks that the rows
// are what the services would have written: documents that are canonical
// and match their hashes, totals that match the rows, one current version
// per period, ids that the services continue after.
func TestBulkProvince(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
		res, err := Seed(ctx, d, Options{Enterprises: 1200, Individuals: 600, Now: now, PasswordHash: auth.HashPassword(Password)})
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int64 {
			var n int64
			if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(q, err)
			}
			return n
		}
		if n := count(`SELECT COUNT(*) FROM taxpayers`); n != 1800 {
			t.Errorf("taxpayers = %d", n)
		}
		if n := count(`SELECT COUNT(*) FROM returns`); n != int64(res.Returns) || n < 5000 {
			t.Errorf("returns = %d, result says %d", n, res.Returns)
		}
		// Every stored document is canonical and hashes to its sha256.
		rows, err := d.QueryContext(ctx, `SELECT doc, sha256, taxpayer_id, version FROM returns`)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for rows.Next() {
			var doc, sha string
			var tp int64
			var version int
			if err := rows.Scan(&doc, &sha, &tp, &version); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256([]byte(doc))
			var dd returns.Doc
			if err := json.Unmarshal([]byte(doc), &dd); err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(sum[:]) != sha || string(dd.Canonical()) != doc || dd.TaxpayerID != tp || dd.Version != version {
				t.Fatalf("document of taxpayer %d does not match: %s", tp, doc)
			}
			checked++
		}
		if err := rows.Err(); err != nil || checked == 0 {
			t.Fatal(err, checked)
		}
		// filing_stats agree with the rows.
		for _, c := range []struct{ stat, rows string }{
			{`SUM(filed)`, `SELECT COUNT(*) FROM returns WHERE version = 1`},
			{`SUM(late)`, `SELECT COUNT(*) FROM returns WHERE version = 1 AND late = 1`},
			{`SUM(corrected)`, `SELECT COUNT(*) FROM returns WHERE version > 1`},
			{`SUM(tax_due)`, `SELECT COALESCE(SUM(tax_due), 0) FROM returns WHERE is_current = 1`},
		} {
			if a, b := count(`SELECT COALESCE(`+c.stat+`, 0) FROM filing_stats`), count(c.rows); a != b {
				t.Errorf("filing_stats %s = %d, rows say %d", c.stat, a, b)
			}
		}
		if n := count(`SELECT COUNT(*) FROM returns r WHERE version > 1 AND NOT EXISTS (SELECT 1 FROM returns p WHERE p.id = r.previous_id AND p.is_current = 0)`); n != 0 {
			t.Errorf("%d corrections without their superseded version", n)
		}
		if n := count(`SELECT COUNT(*) FROM returns WHERE late = 1`); n == 0 {
			t.Error("no late returns")
		}
		if a, b := count(`SELECT COUNT(*) FROM tax_liabilities`), count(`SELECT COUNT(*) FROM returns`); a != b {
			t.Errorf("liabilities %d for %d returns", a, b)
		}
		if a, b := count(`SELECT COUNT(*) FROM return_events`), count(`SELECT COUNT(*) FROM returns`); a < b {
			t.Errorf("events %d for %d returns", a, b)
		}
		// SQLite: the file is in WAL again after a load without a journal,
		// with the load's larger pages, and every foreign key holds.
		if d.Dialect == db.SQLite {
			var mode string
			var size int
			if err := d.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
				t.Errorf("journal_mode = %q (%v), want wal", mode, err)
			}
			if err := d.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&size); err != nil || size != sqliteLoadPageSize {
				t.Errorf("page_size = %d (%v)", size, err)
			}
			rows, err := d.QueryContext(ctx, `PRAGMA foreign_key_check`)
			if err != nil {
				t.Fatal(err)
			}
			if rows.Next() {
				t.Error("a foreign key does not hold after the load")
			}
			_ = rows.Close()
		}
		// The services go on after the bulk ids (PostgreSQL's sequences).
		var tid int64
		if err := d.QueryRowContext(ctx, `INSERT INTO return_events (taxpayer_id, form, period_start, kind, at, actor_kind)
			VALUES (1, 'vat_small', '2026-01-01', 'reminded', 'x', 'system') RETURNING id`).Scan(&tid); err != nil {
			t.Fatal(err)
		}
	})
}
