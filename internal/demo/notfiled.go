package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/returns"
)

// notFiledSet builds the clerks' not-filed set (returns.BuildNotFiled,
// set-based) for the periods that have ended, after the bulk rows and their
// indexes are in: the list reads it from the first page view instead of
// walking the register until the daily job has built each period.
func notFiledSet(ctx context.Context, d *db.DB, now time.Time, out io.Writer, start time.Time) error {
	t0 := time.Now()
	n, err := returns.BuildNotFiled(ctx, d, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "  %7.0fs  未申报清册 %d 行 %.1fs\n", time.Since(start).Seconds(), n, time.Since(t0).Seconds())
	return nil
}
