package calendar

import (
	"fmt"
	"time"
)

// filingDay is the last day of the filing period of monthly and quarterly
// returns ("自期满之日起15日内申报纳税", e.g. 增值税法 Art. 31 and the
// provisional regulations before it).
const filingDay = 15

// minStretch is the length from which a run of holidays postpones the
// deadline: "在期限内有连续3日以上法定休假日的，按休假日天数顺延"
// (税收征收管理法实施细则 Art. 109).
const minStretch = 3

// Source says where a deadline comes from.
type Source string

const (
	// Computed by Art. 109 from the holiday notice.
	Computed Source = "computed"
	// Official: entered by an administrator from the State Taxation
	// Administration's published table; wins over Computed.
	Official Source = "official"
)

// Deadline is the last day for filing the monthly and quarterly returns in a
// month.
type Deadline struct {
	Month YearMonth // the month in which filing happens
	Date  Date      // the last day, inclusive
	// HolidayDays is the number of holiday days in days 1–15 that postponed
	// the deadline by as many working days (0 if none did).
	HolidayDays int
	Source      Source
	// Provisional: computed for a year whose holiday notice is not loaded,
	// so the result may still move.
	Provisional bool
}

// Deadlines computes filing deadlines on a calendar, letting official
// deadlines entered by an administrator win. It is immutable; a store that
// keeps the overrides builds a new one when they change.
type Deadlines struct {
	cal       *Calendar
	overrides map[YearMonth]Date
}

// NewDeadlines returns the deadlines of cal with the given official
// overrides (filing month → last day). An override outside its own month is
// refused: it is certainly a typing error.
func NewDeadlines(cal *Calendar, overrides map[YearMonth]Date) (*Deadlines, error) {
	ov := make(map[YearMonth]Date, len(overrides))
	for ym, d := range overrides {
		if !d.Valid() || MonthOf(d) != ym {
			return nil, fmt.Errorf("calendar: official deadline %v is not a day of %v", d, ym)
		}
		ov[ym] = d
	}
	return &Deadlines{cal: cal, overrides: ov}, nil
}

// FilingDeadline returns the deadline of the monthly and quarterly returns
// filed in the given month (the month after the period ends): the official
// one if entered, else the computed one.
func (ds *Deadlines) FilingDeadline(year int, month time.Month) Deadline {
	ym := YearMonth{year, month}
	if d, ok := ds.overrides[ym]; ok {
		return Deadline{Month: ym, Date: d, Source: Official}
	}
	return ds.Computed(ym)
}

// ForPeriodEnd returns the deadline of a return for a period (month or
// quarter) that ends on end: it is filed in the following month.
func (ds *Deadlines) ForPeriodEnd(end Date) Deadline {
	ym := MonthOf(end).Next()
	return ds.FilingDeadline(ym.Y, ym.M)
}

// Year returns the twelve filing deadlines of a year.
func (ds *Deadlines) Year(year int) [12]Deadline {
	var out [12]Deadline
	for m := time.January; m <= time.December; m++ {
		out[m-1] = ds.FilingDeadline(year, m)
	}
	return out
}

// Computed applies Art. 109 as the State Taxation Administration's published
// calendars do (e.g. 税总办征科函〔2025〕64号 for 2026): count the days 1–15
// that belong to a holiday rest period of the State Council's notice, weekend
// days inside that period included, taking only stretches that lie in days
// 1–15 for 3 or more consecutive days. If there are any, the deadline is that
// many working days after the 15th (adjusted working days count as working
// days); otherwise, if the 15th is a rest day, the next working day.
func (ds *Deadlines) Computed(ym YearMonth) Deadline {
	cal := ds.cal
	fifteenth := ym.Day(filingDay)
	dl := Deadline{Month: ym, Date: fifteenth, Source: Computed, Provisional: !cal.HasNotice(ym.Y)}
	for day := 1; day <= filingDay; {
		d := ym.Day(day)
		_, to, ok := cal.RestPeriod(d)
		if !ok {
			day++
			continue
		}
		// Clip the rest period to days 1–15 of this month.
		first, last := day, filingDay
		if MonthOf(to) == ym && to.D < last {
			last = to.D
		}
		if n := last - first + 1; n >= minStretch {
			dl.HolidayDays += n
		}
		day = last + 1
	}
	switch {
	case dl.HolidayDays > 0:
		dl.Date = cal.AddWorkdays(fifteenth, dl.HolidayDays)
	case cal.IsRestDay(fifteenth):
		dl.Date = cal.NextWorkday(fifteenth)
	}
	return dl
}
