package rules

import (
	"errors"
	"fmt"
)

// LateFeeDailyRate: 万分之五 of the unpaid tax a day (税收征收管理法 Art. 32,
// since the 2001 revision; 千分之二 before it, not supported).
var LateFeeDailyRate = Schedule[Rate]{
	Name: "滞纳金日加收率",
	Entries: []Param[Rate]{
		{From: d("2001-05-01"), To: Forever, V: 5, Source: "税收征收管理法 第三十二条"},
	},
}

// LateFeeResult is a late fee's computation.
type LateFeeResult struct {
	Days   int   // from the day after the deadline to the day of payment, both included
	Rate   Rate  // the daily rate (the last one, if it changed inside the range)
	Fee    int64 // in fen
	Source string
}

// LateFee returns the late fee (滞纳金) on unpaid tax due on deadline and paid
// on paid: the daily rate for each day from the day after the deadline
// through the day of payment, both included (Art. 32: "从滞纳税款之日起"). The
// sum over the days is rounded once, half up to the fen; a payment on or
// before the deadline owes nothing.
func LateFee(unpaid int64, deadline, paid Date) (LateFeeResult, error) {
	if unpaid < 0 {
		return LateFeeResult{}, errors.New("rules: unpaid tax cannot be negative")
	}
	first := deadline.AddDays(1)
	if paid.Before(first) || unpaid == 0 {
		return LateFeeResult{}, nil
	}
	// Sum rate × days per entry so that a future change of the rate applies
	// from its own date; every day must be covered.
	var rateDays int64
	var r LateFeeResult
	covered := 0
	for _, e := range LateFeeDailyRate.Entries {
		from, to := maxDate(first, e.From), minDate(paid, e.To)
		if to.Before(from) {
			continue
		}
		n := from.DaysUntil(to) + 1
		covered += n
		rateDays += int64(e.V) * int64(n)
		r.Rate, r.Source = e.V, e.Source
	}
	r.Days = first.DaysUntil(paid) + 1
	if covered != r.Days {
		return LateFeeResult{}, fmt.Errorf("%w: %s for part of %v–%v", ErrNoParam, LateFeeDailyRate.Name, first, paid)
	}
	r.Fee = mulDiv(unpaid, rateDays, 10000)
	return r, nil
}

func maxDate(a, b Date) Date {
	if a.After(b) {
		return a
	}
	return b
}

func minDate(a, b Date) Date {
	if a.Before(b) {
		return a
	}
	return b
}
