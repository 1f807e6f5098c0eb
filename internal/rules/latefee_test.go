package rules

import (
	"errors"
	"testing"
)

func TestLateFee(t *testing.T) {
	for _, c := range []struct {
		name           string
		unpaid         int64
		deadline, paid string
		days           int
		fee            int64
		src            string
	}{
		{"paid on the deadline", 1_000_000, "2026-01-20", "2026-01-20", 0, 0, "征管法 第三十二条: from the day after"},
		{"paid before the deadline", 1_000_000, "2026-01-20", "2026-01-05", 0, 0, "征管法 第三十二条"},
		{"one day late", 1_000_000, "2026-01-20", "2026-01-21", 1, 500, "10,000 × 0.05% × 1 = 5.00"},
		{"thirty days late", 1_000_000, "2026-01-20", "2026-02-19", 30, 15_000, "10,000 × 0.05% × 30 = 150.00"},
		{"rounding half up once, on the total", 33_333, "2026-01-20", "2026-01-21", 1, 17, "333.33 × 0.05% = 0.166665 → 0.17"},
		{"rounding: not per day", 33_333, "2026-01-20", "2026-01-23", 3, 50, "333.33 × 0.05% × 3 = 0.499995 → 0.50 (per day would give 0.51)"},
		{"across the year end", 1_000_000, "2025-12-15", "2026-01-05", 21, 10_500, "12-16 … 01-05 both included: 21 days"},
		{"a leap day counts", 1_000_000, "2024-02-27", "2024-03-01", 3, 1_500, "02-28, 02-29, 03-01"},
		{"nothing unpaid", 0, "2026-01-20", "2026-03-01", 0, 0, "no tax, no fee"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := LateFee(c.unpaid, d(c.deadline), d(c.paid))
			if err != nil {
				t.Fatal(err)
			}
			if r.Days != c.days || r.Fee != c.fee {
				t.Errorf("got %d days, fee %d; want %d, %d (%s)", r.Days, r.Fee, c.days, c.fee, c.src)
			}
		})
	}
	if _, err := LateFee(100, d("2001-04-20"), d("2001-05-10")); !errors.Is(err, ErrNoParam) {
		t.Errorf("days before the 2001 revision: %v, want ErrNoParam", err)
	}
}
