package db_test

import (
	"context"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"testing"
	"time"
)

func TestMigrateIsIdempotentAndUniqueDetected(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		n, err := d.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate applied %d, err %v", n, err)
		}
		now := db.TS(time.Now())
		ins := `INSERT INTO orgs (code, name, level, division_code, created_at) VALUES ($1, $2, 'province', '35', $3)`
		if _, err := d.ExecContext(ctx, ins, "13500000000", "福建省税务局", now); err != nil {
			t.Fatal(err)
		}
		_, err = d.ExecContext(ctx, ins, "13500000000", "重复", now)
		if !db.IsUniqueViolation(err) {
			t.Fatalf("want unique violation, got %v", err)
		}
		var id int64
		if err := d.QueryRowContext(ctx, `INSERT INTO orgs (code, name, level, division_code, created_at) VALUES ($1, $1, 'city', '3502', $2) RETURNING id`, "13502000000", now).Scan(&id); err != nil || id == 0 {
			t.Fatalf("returning id: %d %v", id, err)
		}
		var name string
		if err := d.QueryRowContext(ctx, `SELECT name FROM orgs WHERE name LIKE $1 ESCAPE '\'`, db.Like("福建")).Scan(&name); err != nil || name != "福建省税务局" {
			t.Fatalf("like: %q %v", name, err)
		}
	})
}

func TestTimestampsRoundTrip(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 1, 2, 345678000, time.FixedZone("CST", 8*3600))
	if got := db.ParseTS(db.TS(now)); !got.Equal(now) {
		t.Fatalf("round trip %v != %v", got, now)
	}
}
