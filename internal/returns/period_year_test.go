package returns_test

import (
	"testing"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// A year period ("2025") for the taxes filed by the year (property and land
// use tax): it parses, round-trips, is named, and its return is due in the
// January filing period of the next year (税收征收管理法实施细则 第一百零九条
// applies as to any deadline of the 15th).
func TestYearPeriod(t *testing.T) {
	p, kind, err := returns.ParsePeriod("2025")
	if err != nil || kind != taxpayer.Annual || p != rules.Year(2025) {
		t.Fatalf(`ParsePeriod("2025") = %v %q %v`, p, kind, err)
	}
	if k := returns.PeriodKey(p); k != "2025" {
		t.Errorf("PeriodKey = %q", k)
	}
	if n := returns.PeriodName(p); n != "2025年度" {
		t.Errorf("PeriodName = %q", n)
	}
	for _, bad := range []string{"1999", "20x5", "2101", "025"} {
		if _, _, err := returns.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
	// The month and quarter keys are unchanged.
	for key, want := range map[string]rules.Period{"2025Q4": rules.Quarter(2025, 4), "2025-12": rules.Month(2025, time.December)} {
		if p, _, err := returns.ParsePeriod(key); err != nil || p != want || returns.PeriodKey(p) != key {
			t.Errorf("ParsePeriod(%q) = %v %v", key, p, err)
		}
	}
	// rules.Period.Months still refuses a year: the VAT and EIT rules use it
	// as their guard.
	if _, err := rules.Year(2025).Months(); err == nil {
		t.Error("a year passed Period.Months")
	}
	dl := returns.DefaultDeadlines().D.ForPeriodEnd(p.End)
	if dl.Date.Y != 2026 || dl.Date.M != time.January || dl.Date.Before(calendar.MakeDate(2026, 1, 15)) {
		t.Errorf("deadline of 2025 = %v, want 15 January 2026 or the working day it moves to", dl.Date)
	}
}
