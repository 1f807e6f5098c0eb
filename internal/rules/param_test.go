package rules

import (
	"errors"
	"math"
	"testing"
	"time"
)

type checker interface{ Check() error }

// Every schedule is ordered, without overlaps, and names its source.
func TestSchedulesAreWellFormed(t *testing.T) {
	for _, s := range []checker{SmallScaleRelief, CityMaintenanceRates, EducationSurchargeRate,
		LocalEducationSurchargeRate, SixTaxesTwoFees, WageWithholding, LabourWithholding,
		AdditionalDeductions, LateFeeDailyRate} {
		if err := s.Check(); err != nil {
			t.Error(err)
		}
	}
	for _, tb := range []RateTable{comprehensiveTable, labourTable} {
		if tb[len(tb)-1].UpTo != math.MaxInt64 {
			t.Error("a rate table's last bracket is not open")
		}
	}
}

func TestScheduleLookup(t *testing.T) {
	s := Schedule[int]{Name: "test", Entries: []Param[int]{
		{From: d("2025-01-01"), To: d("2025-12-31"), V: 1, Source: "a"},
		{From: d("2026-01-01"), To: d("2026-12-31"), V: 2, Source: "b"},
	}}
	for _, c := range []struct {
		date string
		want int
	}{{"2025-12-31", 1}, {"2026-01-01", 2}, {"2026-12-31", 2}} {
		if e, err := s.At(d(c.date)); err != nil || e.V != c.want {
			t.Errorf("At(%s) = %v %v, want %d", c.date, e.V, err, c.want)
		}
	}
	for _, date := range []string{"2024-12-31", "2027-01-01"} {
		if _, err := s.At(d(date)); !errors.Is(err, ErrNoParam) {
			t.Errorf("At(%s): %v, want ErrNoParam", date, err)
		}
	}
	if e, err := s.ForPeriod(Quarter(2025, 4)); err != nil || e.V != 1 {
		t.Errorf("2025Q4: %v %v", e.V, err)
	}
	if _, err := s.ForPeriod(Period{d("2025-12-01"), d("2026-01-31")}); !errors.Is(err, ErrStraddle) {
		t.Errorf("straddle: %v", err)
	}
	bad := Schedule[int]{Name: "bad", Entries: []Param[int]{
		{From: d("2025-01-01"), To: d("2025-12-31"), Source: "a"},
		{From: d("2025-12-31"), To: d("2026-12-31"), Source: "b"},
	}}
	if bad.Check() == nil {
		t.Error("overlapping entries pass Check")
	}
}

func TestPeriod(t *testing.T) {
	if p := Quarter(2025, 4); p.Start != d("2025-10-01") || p.End != d("2025-12-31") {
		t.Errorf("Quarter(2025, 4) = %v", p)
	}
	if p := Month(2024, time.February); p.End != d("2024-02-29") {
		t.Errorf("Month(2024, 2) = %v", p)
	}
	for _, c := range []struct {
		p    Period
		want int
	}{{Month(2026, 3), 1}, {Quarter(2026, 1), 3}, {Period{d("2026-02-01"), d("2026-04-30")}, 0}, {Period{d("2026-01-02"), d("2026-01-31")}, 0}} {
		n, err := c.p.Months()
		if n != c.want || (c.want == 0) != (err != nil) {
			t.Errorf("%v.Months() = %d %v, want %d", c.p, n, err, c.want)
		}
	}
}

func TestMulDiv(t *testing.T) {
	for _, c := range []struct{ a, num, den, want int64 }{
		{175, 300, 10000, 5},    // 5.25
		{350, 300, 10000, 11},   // 10.5 → 11 (half up)
		{-350, 300, 10000, -11}, // symmetric
		{1_000_000_000_000_00, 4500, 10000, 45_000_000_000_000}, // 1 trillion yuan at 45%: no overflow
	} {
		if got := mulDiv(c.a, c.num, c.den); got != c.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", c.a, c.num, c.den, got, c.want)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("an overflowing mulDiv did not panic")
			}
		}()
		mulDiv(math.MaxInt64, 20000, 10000)
	}()
	if s := Rate(5).String(); s != "0.05%" {
		t.Errorf("Rate(5) = %s", s)
	}
}
