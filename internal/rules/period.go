package rules

import (
	"fmt"
	"time"

	"taxhall/internal/calendar"
)

// Period is a tax period: a calendar month or quarter, first and last day
// included.
type Period struct {
	Start, End Date
}

// Month returns the period of a calendar month.
func Month(y int, m time.Month) Period {
	start := calendar.MakeDate(y, m, 1)
	return Period{start, calendar.MakeDate(y, m+1, 0)}
}

// Quarter returns the period of quarter q (1–4) of year y.
func Quarter(y, q int) Period {
	m := time.Month(3*(q-1) + 1)
	return Period{calendar.MakeDate(y, m, 1), calendar.MakeDate(y, m+3, 0)}
}

func (p Period) String() string { return fmt.Sprintf("%v–%v", p.Start, p.End) }

// Months returns 1 for a calendar month, 3 for a calendar quarter, and an
// error for anything else.
func (p Period) Months() (int, error) {
	if p == Month(p.Start.Y, p.Start.M) {
		return 1, nil
	}
	if p.Start.M%3 == 1 && p == Quarter(p.Start.Y, int(p.Start.M+2)/3) {
		return 3, nil
	}
	return 0, fmt.Errorf("rules: %v is neither a calendar month nor a quarter", p)
}
