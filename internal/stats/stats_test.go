package stats_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/stats"
)

func TestCountFlushRead(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
		r := stats.New(d, func() time.Time { return now })
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 100 {
					r.Visit("law", "12")
				}
				r.Search("laws", "滞纳金", false)
				r.Search("site", "火星", true)
				r.Visit("download", "irregular.csv")
			}()
		}
		wg.Wait()
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		// A second node adds to the same rows.
		r2 := stats.New(dbtest.SecondPool(t, d), func() time.Time { return now })
		r2.Visit("law", "12")
		if err := r2.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		rep, err := stats.Read(ctx, d, now, 7)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Visits) != 7 || rep.Visits[6].N != 801 || rep.Visits[0].N != 0 {
			t.Errorf("visits per day %+v", rep.Visits)
		}
		if len(rep.TopObjects) != 1 || rep.TopObjects[0].N != 801 {
			t.Errorf("top %+v", rep.TopObjects)
		}
		if len(rep.TopEmpty) != 1 || rep.TopEmpty[0].Ref != "火星" || rep.TopEmpty[0].N != 8 {
			t.Errorf("empty searches %+v", rep.TopEmpty)
		}
		if len(rep.Downloads) != 1 || rep.Downloads[0].N != 8 {
			t.Errorf("downloads %+v", rep.Downloads)
		}
	})
}
