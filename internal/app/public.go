package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/demo"
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

// SeedCMSDemo writes the demo bureau sites (columns and two years of
// articles) and the data of the public lists (individual businesses with
// quotas, taxpayers marked 非正常户, deregistered, suspended) into a demo
// database that has none yet.
func SeedCMSDemo(ctx context.Context, d *db.DB, out io.Writer) error {
	start := time.Now()
	seeded, err := demo.SeedCMS(ctx, d, Now())
	if err != nil {
		return err
	}
	if _, err := demo.SeedLists(ctx, d, Now()); err != nil {
		return err
	}
	if _, err := demo.SeedTopics(ctx, d, Now()); err != nil {
		return err
	}
	if _, err := demo.SeedDownloads(ctx, d, Now()); err != nil {
		return err
	}
	if seeded {
		fmt.Fprintf(out, "已生成演示网站内容（省局和各市局网站的栏目与文章），用时 %.1f 秒。省局内容编辑 35000004、内容审核 35000005；厦门市局 35020004、35020005。\n", time.Since(start).Seconds())
	}
	return nil
}

// contentJobEvery is how often each node publishes scheduled articles
// (idempotent: every node may run it). Reminders of overdue columns are
// sent by the daily job (notify/daily).
const contentJobEvery = time.Minute

// StartContentJobs runs the site content jobs until ctx ends: scheduled
// publishing and overdue reminders every minute, the page cache's content
// watch every 2 seconds, the statistics flush every 5.
func (a *App) StartContentJobs(ctx context.Context) {
	run := func() {
		if n, err := a.CMS.PublishDue(ctx); err != nil {
			a.Log.Error("publishing scheduled articles", "err", err)
		} else if n > 0 {
			a.Log.Info("scheduled articles published", "count", n)
		}
	}
	go a.Site.WatchContent(ctx, 2*time.Second)
	go a.Site.Stats.Run(ctx, 5*time.Second, func(err error) { a.Log.Error("flushing visit statistics", "err", err) })
	go func() {
		run()
		t := time.NewTicker(contentJobEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				run()
			}
		}
	}()
}
