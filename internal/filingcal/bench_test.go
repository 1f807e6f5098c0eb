package filingcal_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/db/dbtest"
	"taxhall/internal/filingcal"
)

// BenchmarkYear is the public 征期日历 of a year as a page asks for it: the
// cached calendar (entries and official deadlines from the database,
// reloaded when their version moves) and the year's twelve deadlines,
// holidays and annual periods.
//
//	go test -run '^$' -bench Year -count 5 ./internal/filingcal
func BenchmarkYear(b *testing.B) {
	d := dbtest.NewSQLite(b)
	s := &filingcal.Service{DB: d, Now: func() time.Time { return time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	if _, err := s.Year(ctx, 2026); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		y, err := s.Year(ctx, 2025+i%3)
		if err != nil || len(y.Days) == 0 && y.Year != 2027 {
			b.Fatalf("%v %+v", err, y)
		}
	}
}
