// Package db opens the embedded SQLite database or a PostgreSQL database,
// applies the one set of migrations to either, and runs transactions.
//
// SQL in this project is written once with $1…$N placeholders: both
// modernc.org/sqlite and pgx accept them. The few differences in DDL are
// template words in the migration files, expanded by Dialect.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Dialect names the database engine.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a connection pool with its dialect.
type DB struct {
	*sql.DB
	Dialect Dialect
	dsn     string // what Open was given, so that tests can open a second pool
	// writer admits one SQLite transaction of this pool at a time (see
	// TxWith); nil on PostgreSQL.
	writer chan struct{}
}

// DSN is what Open was given (it may hold a password: never log it).
func (d *DB) DSN() string { return d.dsn }

// IsPostgres reports whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens dsn: a postgres:// URL selects PostgreSQL, anything else is the
// path of an SQLite file (created if absent).
func Open(ctx context.Context, dsn string) (*DB, error) {
	var d *DB
	if IsPostgres(dsn) {
		sdb, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// Every connection stays open: pgx caches the statements it has
		// prepared on its connection, and a closed idle connection takes
		// its cache (and a PostgreSQL backend) with it.
		sdb.SetMaxOpenConns(20)
		sdb.SetMaxIdleConns(20)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
		d = &DB{DB: sdb, Dialect: Postgres, dsn: dsn}
	} else {
		q := url.Values{}
		for _, p := range []string{"journal_mode(WAL)", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()), "foreign_keys(1)", "synchronous(NORMAL)"} {
			q.Add("_pragma", p)
		}
		q.Set("_txlock", "immediate")
		sdb, err := openSQLite("file:" + dsn + "?" + q.Encode())
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		// Connections stay open with their prepared statements (the
		// default keeps two idle and closes the rest after each use).
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
		d = &DB{DB: sdb, Dialect: SQLite, dsn: dsn, writer: make(chan struct{}, 1)}
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.PingContext(pctx); err != nil {
		_ = d.Close() // the ping's error is the one to report
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return d, nil
}

// sqliteBusyTimeout is how long an SQLite statement waits for the write
// lock.
const sqliteBusyTimeout = 10 * time.Second

// Tx runs fn in a transaction, committing when fn returns nil.
func (d *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return d.TxWith(ctx, TxOpts{}, fn)
}

// TxOpts chooses how a transaction runs.
type TxOpts struct {
	// Serializable runs the transaction at SERIALIZABLE isolation on
	// PostgreSQL, for code that reads rows and decides a write on what it
	// read (no two admins may disable each other, one open identification
	// per tax). SQLite transactions here are already serial: they begin
	// IMMEDIATE and so hold the write lock from the first statement.
	Serializable bool
}

// Serializable is the option for a read-decide-write transaction.
var Serializable = TxOpts{Serializable: true}

// maxAttempts bounds how often TxWith runs fn when PostgreSQL reports a
// serialization failure or a deadlock.
const maxAttempts = 8

// TxWith runs fn in a transaction with options, committing when fn returns
// nil. When PostgreSQL aborts the transaction with a serialization failure
// (40001) or a deadlock (40P01), fn runs again in a new transaction, at
// most maxAttempts times, after a short random pause that grows with each
// attempt; fn must therefore set its results afresh on each run.
func (d *DB) TxWith(ctx context.Context, opts TxOpts, fn func(tx *sql.Tx) error) error {
	var txo *sql.TxOptions
	if opts.Serializable && d.Dialect == Postgres {
		txo = &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	if d.writer != nil {
		// SQLite has one writer at a time, and every transaction here
		// begins IMMEDIATE (takes the write lock). Left to SQLite, the
		// transactions of one pool that find the lock taken sleep in its
		// busy handler (1, 2, 5 … 100 ms) and wake long after it is free;
		// queued here they start the moment the previous one ends. Other
		// processes on the same file still wait in busy_timeout. The wait
		// is bounded like busy_timeout, so a transaction that (wrongly)
		// opened another inside itself fails as it did before instead of
		// hanging.
		wait := time.NewTimer(sqliteBusyTimeout)
		select {
		case d.writer <- struct{}{}:
			wait.Stop()
			defer func() { <-d.writer }()
		case <-wait.C:
			return errors.New("database is locked (SQLITE_BUSY): another transaction of this process held the write lock for 10 s")
		case <-ctx.Done():
			wait.Stop()
			return ctx.Err()
		}
	}
	for attempt := 1; ; attempt++ {
		err := d.tx(ctx, txo, fn)
		if err == nil || !IsRetryable(err) || attempt == maxAttempts {
			return err
		}
		// Full jitter: a random pause up to 2^attempt ms, so that the
		// transactions that collided do not collide again in lockstep.
		pause := time.Duration(rand.Int64N(int64(time.Millisecond) << attempt)) // #nosec G404 -- retry jitter, not a secret
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

func (d *DB) tx(ctx context.Context, txo *sql.TxOptions, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.BeginTx(ctx, txo)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		// A rollback after a failure or a panic has nothing to add: the
		// original error (or panic) is what the caller must see.
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsRetryable reports whether err is a PostgreSQL serialization failure
// or deadlock: the transaction did nothing and may simply run again.
func IsRetryable(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "40001" || pg.Code == "40P01")
}

// Wrap prefixes *errp, when it is not nil, with what was being done, so
// that a 500 in the log names its operation (pkgsite's derrors.Wrap):
//
//	defer db.Wrap(&err, "taxpayer.Identify(%d)", id)
//
// The cause stays in the chain: errors.As still finds an *apperr.Error
// and its code, and errors.Is still finds sql.ErrNoRows.
func Wrap(errp *error, format string, args ...any) {
	if *errp != nil {
		*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
	}
}

// Querier is what *sql.DB and *sql.Tx share, so store helpers take either.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either database.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// TimeLayout is how timestamps are stored: UTC, fixed width, so that text
// order is time order on both databases.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// TS formats t for storage.
func TS(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTS parses a stored timestamp; the zero time for "".
func ParseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// DateLayout is how calendar dates are stored.
const DateLayout = "2006-01-02"

// Like escapes s for use inside a LIKE pattern with ESCAPE '\'.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// Scanner is a *sql.Row or *sql.Rows: what a row-scanning function reads.
type Scanner interface{ Scan(dest ...any) error }

// Query runs a query and scans every row with scan.
func Query[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
