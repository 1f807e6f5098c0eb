package calendar

import (
	"fmt"
	"slices"
	"time"
)

// Day is one day that differs from the normal week in a State Council holiday
// notice: Off is a holiday rest day (holiday-cn also lists the weekend days
// of some rest periods), !Off an adjusted working day (调休上班), normally a
// weekend day.
type Day struct {
	Date Date
	Name string // the holiday it belongs to: 春节, 国庆节, ...
	Off  bool
}

// Calendar answers whether a day is worked. Every day not listed follows the
// week: Monday–Friday work, Saturday and Sunday rest. A Calendar is immutable
// and safe for concurrent use; an administrator's edit builds a new one with
// New.
type Calendar struct {
	days    map[Date]Day
	notices map[int]bool // years whose notice is loaded
}

// New builds a calendar from the listed days and the years whose State
// Council notice they cover (a year without a notice is computed from the
// week alone, and deadlines in it are provisional). A date listed twice with
// different meanings is an error.
func New(days []Day, noticeYears []int) (*Calendar, error) {
	c := &Calendar{days: make(map[Date]Day, len(days)), notices: map[int]bool{}}
	for _, d := range days {
		if !d.Date.Valid() {
			return nil, fmt.Errorf("calendar: invalid date %v", d.Date)
		}
		if prev, ok := c.days[d.Date]; ok && prev.Off != d.Off {
			return nil, fmt.Errorf("calendar: %v listed both as rest day and as working day", d.Date)
		}
		c.days[d.Date] = d
	}
	for _, y := range noticeYears {
		c.notices[y] = true
	}
	return c, nil
}

// HasNotice reports whether the State Council's notice for the year is loaded.
// Until it is (it is published in November or December), the year's deadlines
// are computed from weekends only and marked provisional.
func (c *Calendar) HasNotice(year int) bool { return c.notices[year] }

// IsWorkday reports whether d is a working day: a weekday that is not a
// holiday, or an adjusted working day.
func (c *Calendar) IsWorkday(d Date) bool {
	if s, ok := c.days[d]; ok {
		return !s.Off
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// IsRestDay is the opposite of IsWorkday.
func (c *Calendar) IsRestDay(d Date) bool { return !c.IsWorkday(d) }

// IsHoliday reports whether d is a rest day named by a holiday notice (not an
// ordinary weekend). Weekend days that a notice joins to a holiday ("与周末连
// 休") are not always listed; RestPeriod finds them.
func (c *Calendar) IsHoliday(d Date) bool {
	s, ok := c.days[d]
	return ok && s.Off
}

// Special returns the notice's entry for d, if any.
func (c *Calendar) Special(d Date) (Day, bool) {
	s, ok := c.days[d]
	return s, ok
}

// Days returns the listed days of a year in date order (for the public
// calendar and the administrator's editor).
func (c *Calendar) Days(year int) []Day {
	var out []Day
	for d, s := range c.days {
		if d.Y == year {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out
}

// NextWorkday returns the first working day strictly after d.
func (c *Calendar) NextWorkday(d Date) Date {
	return c.AddWorkdays(d, 1)
}

// AddWorkdays returns the n-th working day after d (before d if n < 0); d
// itself is never counted, and AddWorkdays(d, 0) is d. Time limits ("within
// 5 working days") and Art. 109 postponements count this way.
func (c *Calendar) AddWorkdays(d Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// RestPeriod returns the holiday rest period containing d: the longest run of
// consecutive rest days around d that contains at least one holiday of a
// notice, weekend days inside it included (the notice's "放假调休，共N天").
// ok is false when d is a working day or an ordinary weekend.
func (c *Calendar) RestPeriod(d Date) (from, to Date, ok bool) {
	if c.IsWorkday(d) {
		return Date{}, Date{}, false
	}
	from, to = d, d
	for c.IsRestDay(from.AddDays(-1)) {
		from = from.AddDays(-1)
	}
	for c.IsRestDay(to.AddDays(1)) {
		to = to.AddDays(1)
	}
	for x := from; !x.After(to); x = x.AddDays(1) {
		if c.IsHoliday(x) {
			return from, to, true
		}
	}
	return Date{}, Date{}, false
}
