package dbtest

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/db"
)

// ServerCPU is the CPU time (user + system) so far of the PostgreSQL
// backends serving d's pool (NewPostgres names them by the test's schema),
// and false when it cannot read them (another machine's server, SQLite): a
// benchmark reads it before and after to report what the database server
// spent per operation beside its own CPU time, which the wall clock on a
// shared machine does not show. Other clients of the same server are not
// counted; the server's background writers are not either.
func ServerCPU(ctx context.Context, d *db.DB) (time.Duration, bool) {
	if d.Dialect != db.Postgres {
		return 0, false
	}
	pids, err := db.Query(ctx, d, func(sc db.Scanner) (int, error) {
		var pid int
		return pid, sc.Scan(&pid)
	}, `SELECT pid FROM pg_stat_activity WHERE application_name = current_setting('application_name') AND application_name <> ''`)
	if err != nil || len(pids) == 0 {
		return 0, false
	}
	var ticks int64
	found := false
	for _, pid := range pids {
		p := fmt.Sprintf("/proc/%d/stat", pid)
		b, err := os.ReadFile(p) // #nosec G304 -- /proc/<pid>/stat of a backend
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
