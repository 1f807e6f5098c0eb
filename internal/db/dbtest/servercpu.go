package dbtest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ServerCPU is the CPU time (user + system) so far of every process named
// postgres on this machine, and false when there are none it can read: a
// benchmark reads it before and after to report what the database server
// spent per operation beside its own CPU time, which the wall clock on a
// shared machine does not show. It only means something when the server
// runs on the same machine and nothing else uses it meanwhile.
func ServerCPU() (time.Duration, bool) {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var ticks int64
	found := false
	for _, p := range stats {
		b, err := os.ReadFile(p) // #nosec G304 -- a /proc path from Glob
		if err != nil {
			continue
		}
		s := string(b)
		open, shut := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || shut < open || s[open+1:shut] != "postgres" {
			continue
		}
		// Fields after the command: state is field 3, utime 14, stime 15.
		f := strings.Fields(s[shut+1:])
		if len(f) < 13 {
			continue
		}
		u, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		ticks += u + st
		found = true
	}
	// USER_HZ is 100 on Linux.
	return time.Duration(ticks) * 10 * time.Millisecond, found
}
