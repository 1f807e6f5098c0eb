package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// Date is a civil date (re-exported so callers of rules need one import).
type Date = calendar.Date

// Forever closes the entry of a schedule that is in force with no end date.
var Forever = calendar.Date{Y: 9999, M: 12, D: 31}

// ErrNoParam: no entry of a schedule covers the date asked for. Callers show
// it as "no rule for this period", never as a zero tax.
var ErrNoParam = errors.New("rules: no parameter in force")

// ErrStraddle: a period's first and last days fall under different entries
// of a schedule, so it has no single set of parameters.
var ErrStraddle = errors.New("rules: period straddles a parameter change")

// Param is a value in force from From to To, both included, with the legal
// source it comes from (shown next to the computation).
type Param[T any] struct {
	From, To Date
	V        T
	Source   string
}

// Schedule is the history of one parameter: entries in date order, without
// overlaps. Gaps are allowed and are errors at lookup time.
type Schedule[T any] struct {
	Name    string
	Entries []Param[T]
}

// At returns the entry in force on d.
func (s Schedule[T]) At(d Date) (Param[T], error) {
	for _, e := range s.Entries {
		if !d.Before(e.From) && !d.After(e.To) {
			return e, nil
		}
	}
	return Param[T]{}, fmt.Errorf("%w: %s on %v", ErrNoParam, s.Name, d)
}

// ForPeriod returns the entry in force over the whole period. A period is
// assigned by its own dates, never by the date it is filed on.
func (s Schedule[T]) ForPeriod(p Period) (Param[T], error) {
	e, err := s.At(p.Start)
	if err != nil {
		return e, err
	}
	if p.End.After(e.To) {
		return Param[T]{}, fmt.Errorf("%w: %s changes on %v, inside %v", ErrStraddle, s.Name, e.To.AddDays(1), p)
	}
	return e, nil
}

// Check reports entries that are empty, out of order or overlapping.
func (s Schedule[T]) Check() error {
	for i, e := range s.Entries {
		if !e.From.Valid() || !e.To.Valid() || e.To.Before(e.From) {
			return fmt.Errorf("rules: %s entry %d: bad range %v–%v", s.Name, i, e.From, e.To)
		}
		if e.Source == "" {
			return fmt.Errorf("rules: %s entry %d has no source", s.Name, i)
		}
		if i > 0 && !e.From.After(s.Entries[i-1].To) {
			return fmt.Errorf("rules: %s entry %d overlaps or precedes entry %d", s.Name, i, i-1)
		}
	}
	return nil
}

func d(s string) Date { return calendar.MustDate(s) }
