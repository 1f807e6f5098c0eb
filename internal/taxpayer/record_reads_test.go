package taxpayer_test

import (
	"context"
	"reflect"
	"testing"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// RecordReads, queued in a batch with other reads, reads what MyRecord does: the same
// taxpayer and the same identifications in the same order, for a taxpayer
// with several identifications (one of them ended) and for one with none.
func TestRecordReadsIsMyRecord(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		var many int64
		if err := d.QueryRowContext(ctx, `SELECT taxpayer_id FROM tax_identifications GROUP BY taxpayer_id HAVING COUNT(*) >= 3 ORDER BY taxpayer_id LIMIT 1`).Scan(&many); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE tax_identifications SET end_date = '2026-06-30' WHERE id = (SELECT MIN(id) FROM tax_identifications WHERE taxpayer_id = $1)`, many); err != nil {
			t.Fatal(err)
		}
		reg, err := e.tp.RegisterEnterprise(ctx, e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			id    int64
			count int
		}{{"several identifications", many, 3}, {"none", reg.Taxpayer.ID, 0}} {
			a := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, TaxpayerID: c.id, UserID: 1, Name: "测试"})
			wantT, wantI, err := e.tp.MyRecord(a)
			if err != nil {
				t.Fatal(err)
			}
			var b db.Batch
			rec, err := e.tp.RecordReads(a, &b)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Run(a, &b); err != nil {
				t.Fatal(err)
			}
			gotT, gotI, err := rec.Record()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotT, wantT) {
				t.Errorf("%s: taxpayer %+v, want %+v", c.name, gotT, wantT)
			}
			if len(gotI) < c.count || !reflect.DeepEqual(gotI, wantI) {
				t.Errorf("%s: identifications %d %+v, want %d %+v", c.name, len(gotI), gotI, len(wantI), wantI)
			}
		}
		// A taxpayer that does not exist: NotFound, as MyRecord.
		a := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, TaxpayerID: 1 << 40, UserID: 1, Name: "测试"})
		var b db.Batch
		rec, _ := e.tp.RecordReads(a, &b)
		if err := d.Run(a, &b); err != nil {
			t.Fatal(err)
		}
		if _, _, err := rec.Record(); err == nil {
			t.Error("a missing taxpayer was found")
		}
	})
}
