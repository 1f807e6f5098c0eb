package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"reflect"
	"strings"
	"sync"
)

// The SQLite driver compiles every query it is given afresh: a submission
// of a return ran some fifteen statements and spent a third of its CPU in
// SQLite's parser. pgx keeps a statement cache per connection (its default
// exec mode); this gives SQLite the same: each connection keeps the
// statements it has run, prepared, and runs them again with new arguments.
//
// A cached statement serves one query at a time: while its rows are open
// (a loop that runs the same query inside its own iteration), the second
// query is prepared and finalised as before. Scripts of several statements
// (migrations) are never cached.

// stmtCacheSize bounds the statements kept per connection; the hall runs a
// few hundred distinct statements, and the cache starts over when full.
const stmtCacheSize = 512

// cachingConnector opens SQLite connections that cache their statements.
type cachingConnector struct {
	name string
	d    driver.Driver
}

func (c cachingConnector) Connect(context.Context) (driver.Conn, error) {
	inner, err := c.d.Open(c.name)
	if err != nil {
		return nil, err
	}
	ic, ok := inner.(sqliteConn)
	if !ok {
		return inner, nil // not the driver this was written for: no cache
	}
	return &cachingConn{sqliteConn: ic, stmts: map[string]*cachedStmt{}}, nil
}

func (c cachingConnector) Driver() driver.Driver { return c.d }

// openSQLite opens name (a file: DSN) with the statement cache.
func openSQLite(name string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", "")
	if err != nil {
		return nil, err
	}
	d := probe.Driver()
	_ = probe.Close() // never connected: it only named the driver
	return sql.OpenDB(cachingConnector{name: name, d: d}), nil
}

// sqliteConn is what modernc.org/sqlite's connection implements and
// database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type cachingConn struct {
	sqliteConn
	mu    sync.Mutex // database/sql uses a conn from one goroutine; rows close from another
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	st   driver.Stmt
	busy bool // its rows are open
}

type stmtRunner interface {
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cacheable: one statement (no ';' but a trailing one).
func cacheable(query string) bool {
	q := strings.TrimRight(strings.TrimSpace(query), ";")
	return !strings.Contains(q, ";")
}

// take returns the cached statement of query, marked busy, or nil when it
// is busy or cannot be prepared as one statement.
func (c *cachingConn) take(ctx context.Context, query string) *cachedStmt {
	if !cacheable(query) {
		return nil
	}
	c.mu.Lock()
	cs := c.stmts[query]
	if cs != nil {
		if cs.busy {
			c.mu.Unlock()
			return nil
		}
		cs.busy = true
		c.mu.Unlock()
		return cs
	}
	c.mu.Unlock()
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached path reports the error
	}
	if _, ok := st.(stmtRunner); !ok {
		_ = st.Close()
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.stmts) >= stmtCacheSize {
		for q, old := range c.stmts {
			if !old.busy {
				_ = old.st.Close()
				delete(c.stmts, q)
			}
		}
	}
	cs = &cachedStmt{st: st, busy: true}
	c.stmts[query] = cs
	return cs
}

func (c *cachingConn) release(cs *cachedStmt) {
	c.mu.Lock()
	cs.busy = false
	c.mu.Unlock()
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs := c.take(ctx, query)
	if cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	defer c.release(cs)
	return cs.st.(stmtRunner).ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs := c.take(ctx, query)
	if cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	r, err := cs.st.(stmtRunner).QueryContext(ctx, args)
	if err != nil {
		c.release(cs)
		return nil, err
	}
	return &cachedRows{Rows: r, c: c, cs: cs}, nil
}

func (c *cachingConn) Close() error {
	c.mu.Lock()
	for q, cs := range c.stmts {
		_ = cs.st.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.sqliteConn.Close()
}

// cachedRows releases its statement when closed, and passes on the column
// type methods of the driver's rows.
type cachedRows struct {
	driver.Rows
	c    *cachingConn
	cs   *cachedStmt
	once sync.Once
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close() // resets the statement for its next use
	r.once.Do(func() { r.c.release(r.cs) })
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(i int) (int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(i int) (bool, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(i int) (int64, int64, bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}

func (r *cachedRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
