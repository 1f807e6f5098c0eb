// Package gctune sets the Go garbage collector for a serving hall.
//
// A hall's live heap is small (tens of megabytes) while every request
// allocates: with the default GOGC=100 the collector runs after every few
// hundred requests and took a quarter of the process's CPU in the
// submission benchmark (internal/returns BenchmarkSubmit). Letting the heap
// grow to five times the live data before collecting (GOGC=400) cuts that
// by about three quarters; the soft memory limit makes the collector work
// harder again before the process grows past it, so a large live heap
// does not mean five times the memory.
//
// An operator's GOGC or GOMEMLIMIT environment variable wins: Apply leaves
// whichever of the two is set alone.
package gctune

import (
	"os"
	"runtime/debug"
)

const (
	// Percent is the GOGC a hall runs with.
	Percent = 400
	// MemoryLimit is the soft limit (bytes) of the process's memory.
	MemoryLimit = 1 << 30
)

// Apply sets Percent and MemoryLimit unless the environment sets them.
// It returns a function that restores the previous settings (for tests).
func Apply() (restore func()) {
	prevGC, prevLimit := -2, int64(-1)
	if os.Getenv("GOGC") == "" {
		prevGC = debug.SetGCPercent(Percent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		prevLimit = debug.SetMemoryLimit(MemoryLimit)
	}
	return func() {
		if prevGC != -2 {
			debug.SetGCPercent(prevGC)
		}
		if prevLimit >= 0 {
			debug.SetMemoryLimit(prevLimit)
		}
	}
}
