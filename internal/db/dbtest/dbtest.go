// Package dbtest gives tests real databases: a fresh SQLite file, a fresh
// PostgreSQL schema (when TAXHALL_TEST_PG holds a DSN), or both in turn. It
// lives apart from package db so that the hall's binary does not link the
// testing package.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"taxhall/internal/db"
)

// PGEnv names the environment variable with a PostgreSQL DSN for tests.
const PGEnv = "TAXHALL_TEST_PG"

// ForEach runs fn as a subtest on a fresh migrated SQLite database and, when
// TAXHALL_TEST_PG holds a DSN, on a fresh schema of that PostgreSQL database.
// Each call gets its own database or schema, so tests may run in parallel.
// Under CI (CI=true) a missing TAXHALL_TEST_PG fails the test rather than
// skipping PostgreSQL silently.
func ForEach(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, NewSQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, NewPostgres(t))
	})
}

// NewSQLite returns a migrated SQLite database in a temporary folder.
func NewSQLite(t testing.TB) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// NewPostgres returns a migrated PostgreSQL database confined to a new
// schema, dropped when the test ends. It skips when TAXHALL_TEST_PG is unset
// outside CI.
func NewPostgres(t testing.TB) *db.DB {
	t.Helper()
	dsn := os.Getenv(PGEnv)
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set under CI: PostgreSQL tests must run", PGEnv)
		}
		t.Skipf("%s not set", PGEnv)
	}
	ctx := context.Background()
	admin, err := db.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		_ = admin.Close()
		t.Fatal(err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	// Its backends can be told apart from other tests' (ServerCPU).
	q.Set("application_name", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	d.SetMaxOpenConns(4)
	t.Cleanup(func() {
		_ = d.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Logf("test schema %s left behind: %v", schema, err)
		}
		_ = admin.Close()
	})
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// SecondPool opens another connection pool on the database d uses (the same
// SQLite file, the same PostgreSQL schema), as a second node of the hall
// would, closed when the test ends. Concurrency tests use two pools so that
// nothing inside one *sql.DB serialises what the database must.
func SecondPool(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	// For PostgreSQL the DSN carries the test schema as its search_path.
	d2, err := db.Open(context.Background(), d.DSN())
	if err != nil {
		t.Fatal(err)
	}
	d2.SetMaxOpenConns(4)
	t.Cleanup(func() { _ = d2.Close() })
	return d2
}
