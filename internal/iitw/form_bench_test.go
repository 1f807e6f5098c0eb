package iitw_test

import (
	"fmt"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
)

// BenchmarkSubmitIIT100 validates and submits the March return of an
// employer of 100 employees whose January and February returns are on
// file (the loader reads them), on SQLite and on PostgreSQL. Each
// iteration is a new employer, prepared outside the timer.
func BenchmarkSubmitIIT100(b *testing.B) {
	who := validIDs(100, 100)
	lines := make([]iitw.Line, len(who))
	for i, id := range who {
		wage := int64(8_000+i*300) * yuan
		lines[i] = iitw.Line{Row: i + 2, ResidentID: id, Name: fmt.Sprintf("员工%03d", i), Income: wage,
			Pension: wage * 8 / 100, Medical: wage * 2 / 100, HousingFund: wage * 7 / 100, Child: int64(i%3) * 1_000 * yuan}
	}
	detail := map[string]string{forms.DetailKey: iitw.EncodeLines(lines)}
	for _, c := range []struct {
		name string
		open func(testing.TB) *db.DB
	}{{"sqlite", dbtest.NewSQLite}, {"postgres", dbtest.NewPostgres}} {
		b.Run(c.name, func(b *testing.B) {
			d := c.open(b)
			seedBureaus(b, d)
			n := 0
			for b.Loop() {
				b.StopTimer()
				n++
				e := newEmployer(b, d, 1000+n)
				e.file(b, 1, lines)
				e.file(b, 2, lines)
				*e.clock = time.Date(2026, 4, 10, 10, 0, 0, 0, now.Location())
				b.StartTimer()
				sub, err := e.rs.Submit(e.ctx, iitw.FormCode, "2026-03", detail, returns.NewKey(), 0, false)
				if err != nil || !sub.Created {
					b.Fatalf("submit: %v", err)
				}
			}
		})
	}
}
