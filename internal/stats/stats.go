// Package stats counts visits of the public pages (per column, article,
// guide, library document, list), searches and searches that found
// nothing, and downloads — in memory, flushed to the database every few
// seconds as additions, so that counting never slows a page — and reads
// them back for the site administrator's dashboard.
package stats

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"taxhall/internal/db"
)

// Recorder buffers counts until Flush.
type Recorder struct {
	DB  *db.DB
	Now func() time.Time

	mu       sync.Mutex
	visits   map[visitKey]int64
	searches map[searchKey]int64
}

type visitKey struct{ day, kind, ref string }
type searchKey struct {
	day, scope, q string
	empty         bool
}

// New returns a recorder of d.
func New(d *db.DB, now func() time.Time) *Recorder {
	return &Recorder{DB: d, Now: now, visits: map[visitKey]int64{}, searches: map[searchKey]int64{}}
}

// maxKeys bounds the buffer between flushes: a flood of distinct URLs or
// queries costs memory only up to here; beyond it, new keys are dropped
// until the next flush.
const maxKeys = 20_000

func (r *Recorder) day() string { return r.Now().Format(db.DateLayout) }

// Visit counts one view of an object of a kind ("law", "guide",
// "article", "column", "list", "download", "page").
func (r *Recorder) Visit(kind, ref string) {
	if r == nil {
		return
	}
	k := visitKey{r.day(), kind, clip(ref, 100)}
	r.mu.Lock()
	if _, ok := r.visits[k]; ok || len(r.visits) < maxKeys {
		r.visits[k]++
	}
	r.mu.Unlock()
}

// Search counts one search of a scope ("site", "laws") and whether it
// found nothing.
func (r *Recorder) Search(scope, q string, empty bool) {
	if r == nil {
		return
	}
	q = strings.Join(strings.Fields(q), " ")
	if q == "" || !utf8.ValidString(q) {
		return
	}
	k := searchKey{r.day(), scope, clip(q, 50), empty}
	r.mu.Lock()
	if _, ok := r.searches[k]; ok || len(r.searches) < maxKeys {
		r.searches[k]++
	}
	r.mu.Unlock()
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Flush writes the buffered counts as additions (one upsert per key, in
// one transaction); on failure the counts go back into the buffer.
func (r *Recorder) Flush(ctx context.Context) (err error) {
	defer db.Wrap(&err, "stats.Flush")
	r.mu.Lock()
	visits, searches := r.visits, r.searches
	r.visits, r.searches = map[visitKey]int64{}, map[searchKey]int64{}
	r.mu.Unlock()
	if len(visits)+len(searches) == 0 {
		return nil
	}
	err = r.DB.Tx(ctx, func(tx *sql.Tx) error {
		for k, n := range visits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_counts (day, kind, ref, n) VALUES ($1, $2, $3, $4)
				ON CONFLICT (day, kind, ref) DO UPDATE SET n = visit_counts.n + excluded.n`, k.day, k.kind, k.ref, n); err != nil {
				return err
			}
		}
		for k, n := range searches {
			empty := 0
			if k.empty {
				empty = 1
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO search_counts (day, scope, q, empty, n) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (day, scope, q, empty) DO UPDATE SET n = search_counts.n + excluded.n`, k.day, k.scope, k.q, empty, n); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		r.mu.Lock()
		for k, n := range visits {
			r.visits[k] += n
		}
		for k, n := range searches {
			r.searches[k] += n
		}
		r.mu.Unlock()
	}
	return err
}

// Run flushes every interval until ctx ends, and once more then.
func (r *Recorder) Run(ctx context.Context, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := r.Flush(fctx); err != nil && onErr != nil {
				onErr(err)
			}
			cancel()
			return
		case <-t.C:
			if err := r.Flush(ctx); err != nil && onErr != nil {
				onErr(err)
			}
		}
	}
}
