package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// ImportLaws loads the regulation library folder dir (taxhall import-laws)
// and says what it did.
func (a *App) ImportLaws(ctx context.Context, dir string, out io.Writer) error {
	start := time.Now()
	st, err := a.Laws.Import(ctx, dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "法规库：共 %d 件，新增 %d，更新 %d，未变 %d，用时 %.1f 秒。\n", st.Files, st.Added, st.Updated, st.Unchanged, time.Since(start).Seconds())
	for _, k := range []string{"宪法", "法律", "行政法规", "部门规章", "司法解释", "地方性法规", "案例", "其他"} {
		if n := st.ByKind[k]; n > 0 {
			fmt.Fprintf(out, "  %-6s %d\n", k, n)
		}
	}
	return nil
}

// ImportLawsInBackground imports the library while the server already
// serves (serve --demo): the first import takes 25–60 seconds, and the
// library page says how far it is until it is done. Later starts find
// every file unchanged and finish in about a second. A missing folder is
// logged, not fatal: the hall works without its library.
func (a *App) ImportLawsInBackground(ctx context.Context, dir string) {
	if _, err := os.Stat(dir); err != nil {
		a.Log.Warn("regulation library not imported: folder not found (set --laws or TAXHALL_LAWS)", "dir", dir, "err", err)
		return
	}
	go func() {
		start := time.Now()
		st, err := a.Laws.Import(ctx, dir)
		if err != nil {
			a.Log.Error("regulation library import failed", "dir", dir, "err", err)
			return
		}
		a.Log.Info("regulation library imported", "files", st.Files, "added", st.Added, "updated", st.Updated,
			"unchanged", st.Unchanged, "seconds", time.Since(start).Seconds())
	}()
}
