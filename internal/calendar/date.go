// Package calendar is taxhall's working-day calendar: civil dates, the State
// Council's holidays and adjusted working days (调休上班), and the filing
// deadlines that Art. 109 of the Implementing Rules of the Tax Collection
// Administration Law derives from them.
//
// It has no clock and no I/O beyond the embedded holiday data: every function
// takes the date it is asked about, so a deadline or a time limit is the same
// on a server in any time zone and in a test.
package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date — a day in the calendar, not an instant. Tax law counts
// days ("the 15th of the next month", "from the day after the deadline"), and
// a time.Time would carry a zone that can move a day across midnight.
//
// The zero Date is not a valid day; use MakeDate or ParseDate.
type Date struct {
	Y int
	M time.Month
	D int
}

// MakeDate returns the date, normalising overflow as time.Date does
// (MakeDate(2024, 13, 1) is 2025-01-01).
func MakeDate(y int, m time.Month, d int) Date {
	return FromTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

// FromTime returns the civil date of t in t's own location. Callers that hold
// an instant decide the zone (Asia/Shanghai for the hall) before converting.
func FromTime(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("calendar: bad date %q: %w", s, err)
	}
	return FromTime(t), nil
}

// MustDate parses "2006-01-02" and panics on error; for tables of constants.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time returns midnight UTC of the date, the only instant a Date maps to.
func (d Date) Time() time.Time { return time.Date(d.Y, d.M, d.D, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (2023-02-29 does not).
func (d Date) Valid() bool { return !d.IsZero() && FromTime(d.Time()) == d }

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Y, int(d.M), d.D) }

// MarshalText and UnmarshalText make Date a "2006-01-02" string in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

// Weekday returns the day of the week.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// AddDays returns the date n calendar days later (earlier if n < 0).
func (d Date) AddDays(n int) Date { return MakeDate(d.Y, d.M, d.D+n) }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Y != e.Y:
		return cmpInt(d.Y, e.Y)
	case d.M != e.M:
		return cmpInt(int(d.M), int(e.M))
	default:
		return cmpInt(d.D, e.D)
	}
}

func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }
func (d Date) After(e Date) bool  { return d.Compare(e) > 0 }

// DaysUntil returns the number of calendar days from d to e (negative if e is
// earlier): 2024-12-31 → 2025-01-01 is 1.
func (d Date) DaysUntil(e Date) int {
	return int(e.Time().Sub(d.Time()).Hours() / 24)
}

// YearMonth names a calendar month.
type YearMonth struct {
	Y int
	M time.Month
}

func (ym YearMonth) String() string { return fmt.Sprintf("%04d-%02d", ym.Y, int(ym.M)) }

// Next returns the following month.
func (ym YearMonth) Next() YearMonth {
	if ym.M == time.December {
		return YearMonth{ym.Y + 1, time.January}
	}
	return YearMonth{ym.Y, ym.M + 1}
}

// Day returns the date of day d in the month.
func (ym YearMonth) Day(d int) Date { return MakeDate(ym.Y, ym.M, d) }

// MonthOf returns the month the date lies in.
func MonthOf(d Date) YearMonth { return YearMonth{d.Y, d.M} }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
