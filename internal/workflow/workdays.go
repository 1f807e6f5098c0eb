package workflow

import "taxhall/internal/calendar"

// Working-day arithmetic of time limits, on the hall's holiday calendar
// (filingcal): weekends and State Council holidays are not counted,
// adjusted working days (调休上班) are.

// DueDate is the last day of a limit of n working days that starts on
// start: the n-th working day after it (the day of receipt is not
// counted, as in "5个工作日内"); with n = 0, the day itself (即办).
func DueDate(c *calendar.Calendar, start calendar.Date, n int) calendar.Date {
	return c.AddWorkdays(start, n)
}

// WarnDate is the day from which a task is near its limit: when 60% of
// the working days are used (rounded up). A task of 0 days warns at once.
func WarnDate(c *calendar.Calendar, start calendar.Date, n int) calendar.Date {
	return c.AddWorkdays(start, (n*60+99)/100)
}

// WorkdaysUsed counts the working days after start up to and including
// end: a task decided on the day it started used 0.
func WorkdaysUsed(c *calendar.Calendar, start, end calendar.Date) int {
	n := 0
	for d := start.AddDays(1); !d.After(end); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return n
}

// Timing says where a live task stands against its limit on a day.
type Timing string

const (
	TimingOK      Timing = "ok"      // within the first 60%
	TimingNear    Timing = "near"    // 60% or more of the limit used
	TimingOverdue Timing = "overdue" // past the last day
)

// TimingOn is the task's timing on day today.
func TimingOn(today, warn, due calendar.Date) Timing {
	switch {
	case today.After(due):
		return TimingOverdue
	case !today.Before(warn):
		return TimingNear
	}
	return TimingOK
}
