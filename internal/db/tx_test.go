package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// db.TestTxWithRetriesSerializationFailures: a transaction that PostgreSQL
// aborts with 40001 runs again; other errors and the bound end it.
func TestTxWithRetriesSerializationFailures(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		runs := 0
		err := d.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
			runs++
			if runs < 3 {
				return fmt.Errorf("insert: %w", &pgconn.PgError{Code: "40001"})
			}
			return nil
		})
		if err != nil || runs != 3 {
			t.Errorf("runs %d, err %v", runs, err)
		}
		runs = 0
		err = d.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error { runs++; return &pgconn.PgError{Code: "40P01"} })
		if !db.IsRetryable(err) || runs != db.MaxAttempts {
			t.Errorf("bound: runs %d, err %v", runs, err)
		}
		runs = 0
		err = d.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error { runs++; return apperr.New(apperr.Invalid, "x") })
		if apperr.CodeOf(err) != apperr.Invalid || runs != 1 {
			t.Errorf("plain error: runs %d, err %v", runs, err)
		}
	})
}

// db.TestTxWithSerializableHoldsWriteSkew: two serializable transactions that
// each read a count and then write on PostgreSQL: with the retry, the
// second sees the first's row and decides on it.
func TestTxWithSerializableHoldsWriteSkew(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		d2 := dbtest.SecondPool(t, d)
		insertIfNone := func(d *db.DB, code string) error {
			return d.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs WHERE level = 'province'`).Scan(&n); err != nil {
					return err
				}
				if n > 0 {
					return errors.New("exists")
				}
				_, err := tx.ExecContext(ctx, `INSERT INTO orgs (code, name, level, division_code, created_at) VALUES ($1, $1, 'province', $1, '')`, code)
				return err
			})
		}
		errs := make(chan error, 2)
		start := make(chan struct{})
		for i, pool := range []*db.DB{d, d2} {
			go func() { <-start; errs <- insertIfNone(pool, fmt.Sprint(i)) }()
		}
		close(start)
		e1, e2 := <-errs, <-errs
		var n int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n)
		if n != 1 || (e1 == nil) == (e2 == nil) {
			t.Errorf("%d provinces; errors %v, %v", n, e1, e2)
		}
	})
}

// db.TestWrapKeepsTheCode: a wrapped apperr error keeps its code and message;
// a wrapped driver error names the operation.
func TestWrapKeepsTheCode(t *testing.T) {
	f := func() (err error) {
		defer db.Wrap(&err, "taxpayer.Identify(%d)", 7)
		return apperr.InvalidField("tax_type", "已有认定")
	}
	err := f()
	if apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Fields["tax_type"] != "已有认定" || err.Error()[:22] != "taxpayer.Identify(7): " {
		t.Errorf("wrapped: %v", err)
	}
	g := func() (err error) {
		defer db.Wrap(&err, "org.Get(%d)", 1)
		return sql.ErrNoRows
	}
	if err := g(); !errors.Is(err, sql.ErrNoRows) || apperr.CodeOf(err) != apperr.Internal || err.Error() != "org.Get(1): sql: no rows in result set" {
		t.Errorf("wrapped driver error: %v", err)
	}
	var none error
	db.Wrap(&none, "x")
	if none != nil {
		t.Error("nil wrapped")
	}
}
