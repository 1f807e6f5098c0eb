package ixtest

import (
	"os"
	"sync"
	"testing"
)

// Keeper is a testing.TB whose cleanups wait for Done: a benchmark run
// with -count N builds its large fixture (10,000 entries, 100,000
// questions) once per process instead of once per count. Every other call
// goes to the TB it was made from (only use it while that one runs).
type Keeper struct {
	testing.TB
	mu       sync.Mutex
	cleanups []func()
}

// Keep wraps tb.
func Keep(tb testing.TB) *Keeper { return &Keeper{TB: tb} }

// Cleanup defers f to Done.
func (k *Keeper) Cleanup(f func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cleanups = append(k.cleanups, f)
}

// Done runs the cleanups, last first (from TestMain after m.Run).
func (k *Keeper) Done() {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i := len(k.cleanups) - 1; i >= 0; i-- {
		k.cleanups[i]()
	}
	k.cleanups = nil
}

// TempDir is a directory removed by Done (not when the wrapped TB ends).
func (k *Keeper) TempDir() string {
	dir, err := os.MkdirTemp("", "taxhall-keep-")
	if err != nil {
		k.Fatal(err)
	}
	k.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}
