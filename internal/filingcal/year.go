package filingcal

import (
	"context"
	"fmt"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
)

// Year is one year of the filing calendar as the public page, the API and
// the administrator's page show it: the same explanations everywhere.
type Year struct {
	Year   int
	Notice bool // the State Council's holiday notice for the year is in
	Months [12]Month
	Days   []Day    // the holidays and adjusted working days of the year
	Annual []Period // the annual filing periods ending in the year
}

// Month is the filing deadline of the monthly (and, in January, April, July
// and October, quarterly) returns filed in a month.
type Month struct {
	calendar.Deadline                   // the effective deadline
	Computed          calendar.Deadline // what Art. 109 gives on the calendar
	Quarterly         bool              // quarterly returns are filed this month too
	Holiday           string            // the holiday that postponed the computed deadline
	Reason            string            // why the deadline is not the 15th, "" when it is
	Official          *Official         // the entered official deadline, nil if none
}

// Postponed reports whether the deadline is after the 15th.
func (m Month) Postponed() bool { return m.Date.D > 15 }

// Weekday is the deadline's day of the week in Chinese.
func (m Month) Weekday() string { return Weekday(m.Date) }

// Day is a day of a holiday notice, embedded or entered.
type Day struct {
	calendar.Day
	Entered *Entry // nil for a day of the embedded notice
}

// KindName is 放假 or 调休上班.
func (d Day) KindName() string {
	if d.Off {
		return "放假"
	}
	return "调休上班"
}

// Weekday is the day's day of the week in Chinese.
func (d Day) Weekday() string { return Weekday(d.Date) }

// Period is an annual filing period.
type Period struct {
	Name  string
	Basis string // the law that sets it
	From  calendar.Date
	To    calendar.Date // the last day, postponed when it falls on a rest day
	// Postponed names the original last day when To was moved by Art. 109
	// (a last day that is a rest day moves to the next working day).
	Postponed string
}

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// Weekday is the Chinese name of d's day of the week.
func Weekday(d calendar.Date) string { return weekdays[d.Weekday()] }

// CheckYear refuses a year the calendar does not show.
func (s *Service) CheckYear(year int) error {
	if year < FirstYear || year > s.LastYear() {
		return apperr.New(apperr.NotFound, fmt.Sprintf("征期日历提供 %d 年至 %d 年", FirstYear, s.LastYear()))
	}
	return nil
}

// Year returns the filing calendar of a year, for anyone.
func (s *Service) Year(ctx context.Context, year int) (*Year, error) {
	if err := s.CheckYear(year); err != nil {
		return nil, err
	}
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return st.year(year), nil
}

func (st *state) year(year int) *Year {
	cal := st.cal
	y := &Year{Year: year, Notice: cal.HasNotice(year)}
	for i := range 12 {
		ym := calendar.YearMonth{Y: year, M: time.Month(i + 1)}
		m := Month{Deadline: st.dl.FilingDeadline(year, ym.M), Computed: st.dl.Computed(ym)}
		m.Quarterly = ym.M == time.January || ym.M == time.April || ym.M == time.July || ym.M == time.October
		m.Holiday = holidayIn(cal, ym, m.Computed)
		if o, ok := st.officials[ym]; ok {
			o := o
			m.Official = &o
		}
		m.Reason = reason(m)
		y.Months[i] = m
	}
	for _, d := range cal.Days(year) {
		day := Day{Day: d}
		if e, ok := st.entries[d.Date]; ok {
			e := e
			day.Entered = &e
		}
		y.Days = append(y.Days, day)
	}
	y.Annual = []Period{
		annual(cal, "企业所得税年度汇算清缴（上一纳税年度）", "《企业所得税法》第五十四条：自年度终了之日起五个月内",
			calendar.MakeDate(year, time.January, 1), calendar.MakeDate(year, time.May, 31)),
		annual(cal, "个人所得税综合所得年度汇算（上一纳税年度）", "《个人所得税法》第十一条：取得所得的次年三月一日至六月三十日",
			calendar.MakeDate(year, time.March, 1), calendar.MakeDate(year, time.June, 30)),
	}
	return y
}

// holidayIn names the holiday that postponed the computed deadline: one
// whose rest days in 1–15 were counted, or the one whose rest period holds
// the 15th (春节 2026: 15–23 February, only the 15th in 1–15); "" if none.
func holidayIn(cal *calendar.Calendar, ym calendar.YearMonth, c calendar.Deadline) string {
	if c.HolidayDays > 0 {
		for day := 1; day <= 15; day++ {
			if d, ok := cal.Special(ym.Day(day)); ok && d.Off {
				return d.Name
			}
		}
	}
	if from, to, ok := cal.RestPeriod(ym.Day(15)); ok {
		for d := from; !d.After(to); d = d.AddDays(1) {
			if s, ok := cal.Special(d); ok && s.Off {
				return s.Name
			}
		}
	}
	return ""
}

// reason explains a deadline that is not the 15th, or an official one.
func reason(m Month) string {
	c := m.Computed
	var computed string
	switch {
	case c.HolidayDays > 0 && m.Holiday != "":
		computed = fmt.Sprintf("%s假期在1日至15日共 %d 天，顺延 %d 个工作日", m.Holiday, c.HolidayDays, c.HolidayDays)
	case c.HolidayDays > 0:
		computed = fmt.Sprintf("1日至15日有连续 %d 天法定休假日，顺延 %d 个工作日", c.HolidayDays, c.HolidayDays)
	case c.Date.D != 15 && m.Holiday != "":
		computed = "15日在" + m.Holiday + "假期中，顺延至假期后第一个工作日"
	case c.Date.D != 15:
		computed = "15日为休息日，顺延至下一个工作日"
	}
	if m.Official == nil {
		return computed
	}
	s := "按国家税务总局公布的期限（" + m.Official.Source + "）"
	if m.Official.Date != c.Date {
		s += fmt.Sprintf("；按节假日推算应为 %s", c.Date)
	}
	return s
}

// annual is a period whose last day moves to the next working day when it
// is a rest day (实施细则 Art. 109: 期限的最后一日是法定休假日的，以休假日
// 期满的次日为期限的最后一日).
func annual(cal *calendar.Calendar, name, basis string, from, to calendar.Date) Period {
	p := Period{Name: name, Basis: basis, From: from, To: to}
	if cal.IsRestDay(to) {
		p.To = cal.NextWorkday(to)
		p.Postponed = fmt.Sprintf("%d月%d日为休息日，顺延", int(to.M), to.D)
	}
	return p
}
