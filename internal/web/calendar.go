package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/filingcal"
)

// The filing calendar (征期日历): the public year page, and the editor of
// the provincial bureau's administrators. Both show filingcal.Year, so the
// explanations are the service's, as in the API.

var (
	calendarView       = newView[calendarPage]("calendar.html")
	staffCalendarView  = newView[staffCalendarPage]("staff_calendar.html")
	calendarRemoveView = newView[calendarRemovePage]("staff_calendar_remove.html")
)

type calendarPage struct {
	basePage
	Year             *filingcal.Year
	Holidays         []holidayGroup
	PrevURL, NextURL string
}

type staffCalendarPage struct {
	basePage
	Year     *filingcal.Year
	Years    []Option
	Months   []Option
	Kinds    []Option
	YearText string // the year as the forms' hidden field
}

// calendarRemovePage confirms removing an entered day or official deadline.
type calendarRemovePage struct {
	basePage
	Heading string
	Facts   []Option // label and value of what is removed
	Action  string   // the POST URL
	Hidden  []Option // name and value of the hidden fields
	Warning string
	Button  string
	Back    string
}

// holidayGroup is one holiday of a year's notice: its rest days as ranges
// and its adjusted working days, as the notice itself words them.
type holidayGroup struct {
	Name string
	Rest []restRun
	Work []string // "2月14日（星期六）"
}

// restRun is a run of rest days: 2月15日（星期日）至2月23日（星期一），共9天.
type restRun struct {
	From, To string // To is "" for one day
	Days     int
}

// groupHolidays folds a year's days into the notice's sentences.
func groupHolidays(days []filingcal.Day) []holidayGroup {
	var out []holidayGroup
	idx := map[string]int{}
	var runFrom, runTo calendar.Date
	runName := ""
	flush := func() {
		if runName == "" {
			return
		}
		g := &out[idx[runName]]
		run := restRun{From: dayText(runFrom), Days: runFrom.DaysUntil(runTo) + 1}
		if run.Days > 1 {
			run.To = dayText(runTo)
		}
		g.Rest = append(g.Rest, run)
		runName = ""
	}
	for _, d := range days {
		if _, ok := idx[d.Name]; !ok {
			idx[d.Name] = len(out)
			out = append(out, holidayGroup{Name: d.Name})
		}
		if !d.Off {
			out[idx[d.Name]].Work = append(out[idx[d.Name]].Work, dayText(d.Date))
			continue
		}
		if runName == d.Name && runTo.AddDays(1) == d.Date {
			runTo = d.Date
			continue
		}
		flush()
		runName, runFrom, runTo = d.Name, d.Date, d.Date
	}
	flush()
	return out
}

// dayText is "2月15日（星期日）".
func dayText(d calendar.Date) string {
	return fmt.Sprintf("%d月%d日（%s）", int(d.M), d.D, filingcal.Weekday(d))
}

// yearParam reads ?year=, the current year when absent; a year that is not
// a number names no calendar.
func (s *Server) yearParam(r *http.Request, v string) (int, error) {
	if v == "" {
		return s.Calendar.Now().Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, apperr.New(apperr.NotFound, fmt.Sprintf("征期日历提供 %d 年至 %d 年", filingcal.FirstYear, s.Calendar.LastYear()))
	}
	return y, s.Calendar.CheckYear(y)
}

func (s *Server) publicCalendar(w http.ResponseWriter, r *http.Request) error {
	year, err := s.yearParam(r, r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	y, err := s.Calendar.Year(r.Context(), year)
	if err != nil {
		return err
	}
	p := &calendarPage{basePage: basePage{Title: fmt.Sprintf("%d年征期日历", year)}, Year: y, Holidays: groupHolidays(y.Days)}
	if year > filingcal.FirstYear {
		p.PrevURL = fmt.Sprintf("/calendar?year=%d", year-1)
	}
	if year < s.Calendar.LastYear() {
		p.NextURL = fmt.Sprintf("/calendar?year=%d", year+1)
	}
	return calendarView.ok(s, w, r, p)
}

// requireCalendarEditor refuses the editor's pages to staff other than the
// provincial bureau's administrators, as the service refuses the saves.
func requireCalendarEditor(r *http.Request) error {
	_, err := filingcal.RequireEditor(r.Context())
	return err
}

func (s *Server) staffCalendarPage(r *http.Request, year int) (*staffCalendarPage, error) {
	y, err := s.Calendar.Year(r.Context(), year)
	if err != nil {
		return nil, err
	}
	p := &staffCalendarPage{basePage: basePage{Title: "征期日历维护"}, Year: y, YearText: strconv.Itoa(year),
		Kinds: []Option{{filingcal.KindRest, "放假"}, {filingcal.KindWork, "调休上班"}}}
	for v := s.Calendar.LastYear(); v >= filingcal.FirstYear; v-- {
		p.Years = append(p.Years, Option{strconv.Itoa(v), strconv.Itoa(v) + "年"})
	}
	for m := 1; m <= 12; m++ {
		p.Months = append(p.Months, Option{strconv.Itoa(m), strconv.Itoa(m) + "月"})
	}
	return p, nil
}

func (s *Server) staffCalendar(w http.ResponseWriter, r *http.Request) error {
	if err := requireCalendarEditor(r); err != nil {
		return err
	}
	year, err := s.yearParam(r, r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	p, err := s.staffCalendarPage(r, year)
	if err != nil {
		return err
	}
	p.Form = url.Values{"year": {p.YearText}}
	return staffCalendarView.ok(s, w, r, p)
}

// calendarBack is the editor's page of a year.
func calendarBack(year int) string { return "/staff/calendar?year=" + strconv.Itoa(year) }

// postedYear is the year a form of the editor was for.
func (s *Server) postedYear(r *http.Request) (int, error) {
	if err := requireCalendarEditor(r); err != nil {
		return 0, err
	}
	return s.yearParam(r, r.PostForm.Get("year"))
}

func (s *Server) staffCalendarDays(w http.ResponseWriter, r *http.Request) error {
	year, err := s.postedYear(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	n, err := s.Calendar.SetDays(r.Context(), filingcal.DaysInput{Year: year, Kind: f.Get("day_kind"), From: f.Get("day_from"), To: f.Get("day_to"), Name: f.Get("day_name")})
	if err != nil {
		p, perr := s.staffCalendarPage(r, year)
		if perr != nil {
			return perr
		}
		return staffCalendarView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, calendarBack(year), fmt.Sprintf("已录入 %d 天“%s”安排，相关申报期限已按新安排推算。", n, strings.TrimSpace(f.Get("day_name"))))
}

func (s *Server) staffCalendarDeadline(w http.ResponseWriter, r *http.Request) error {
	year, err := s.postedYear(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	err = s.Calendar.SetDeadline(r.Context(), filingcal.DeadlineInput{Year: year, Month: f.Get("dl_month"), Date: f.Get("dl_date"), Source: f.Get("dl_source")})
	if err != nil {
		p, perr := s.staffCalendarPage(r, year)
		if perr != nil {
			return perr
		}
		return staffCalendarView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, calendarBack(year), fmt.Sprintf("已录入 %d年%s月的申报期限 %s。", year, f.Get("dl_month"), strings.TrimSpace(f.Get("dl_date"))))
}

// enteredDay finds the entered day a removal names, NotFound otherwise.
func (s *Server) enteredDay(r *http.Request, date string) (filingcal.Day, error) {
	d, err := calendar.ParseDate(date)
	if err == nil {
		var y *filingcal.Year
		if y, err = s.Calendar.Year(r.Context(), d.Y); err == nil {
			for _, day := range y.Days {
				if day.Date == d && day.Entered != nil {
					return day, nil
				}
			}
		}
	}
	return filingcal.Day{}, apperr.New(apperr.NotFound, "没有录入该日期，可能已被删除")
}

func (s *Server) staffCalendarDayRemoveForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireCalendarEditor(r); err != nil {
		return err
	}
	date := r.URL.Query().Get("date")
	if date == "" {
		return s.redirect(w, r, "/staff/calendar", "")
	}
	day, err := s.enteredDay(r, date)
	if err != nil {
		return err
	}
	return calendarRemoveView.ok(s, w, r, &calendarRemovePage{basePage: basePage{Title: "确认删除节假日安排"},
		Heading: "确认删除节假日安排",
		Facts: []Option{{"日期", dayText(day.Date)}, {"安排", day.KindName()}, {"节日", day.Name},
			{"录入人", day.Entered.EnteredBy + "（" + day.Entered.EnteredAt.In(cst).Format("2006-01-02 15:04") + "）"}},
		Action:  "/staff/calendar/days/remove",
		Hidden:  []Option{{"date", day.Date.String()}},
		Warning: "删除后，该日按国务院通知（内置数据）或正常的周末、工作日计算，相关月份的申报期限随之重新推算。",
		Button:  "确认删除",
		Back:    calendarBack(day.Date.Y)})
}

func (s *Server) staffCalendarDayRemove(w http.ResponseWriter, r *http.Request) error {
	if err := requireCalendarEditor(r); err != nil {
		return err
	}
	date := r.PostForm.Get("date")
	d, err := calendar.ParseDate(date)
	if err != nil {
		return apperr.New(apperr.NotFound, "没有录入该日期，可能已被删除")
	}
	if err := s.Calendar.RemoveDay(r.Context(), d.String()); err != nil {
		return err
	}
	return s.redirect(w, r, calendarBack(d.Y), "已删除 "+d.String()+" 的录入。")
}

// officialOf finds the entered official deadline a removal names.
func (s *Server) officialOf(r *http.Request, yearText, monthText string) (*filingcal.Month, int, int, error) {
	year, err1 := strconv.Atoi(yearText)
	month, err2 := strconv.Atoi(monthText)
	if err1 == nil && err2 == nil && month >= 1 && month <= 12 {
		if y, err := s.Calendar.Year(r.Context(), year); err == nil && y.Months[month-1].Official != nil {
			return &y.Months[month-1], year, month, nil
		}
	}
	return nil, 0, 0, apperr.New(apperr.NotFound, "该月没有录入官方申报期限，可能已被删除")
}

func (s *Server) staffCalendarDeadlineRemoveForm(w http.ResponseWriter, r *http.Request) error {
	if err := requireCalendarEditor(r); err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("month") == "" {
		return s.redirect(w, r, "/staff/calendar", "")
	}
	m, year, month, err := s.officialOf(r, q.Get("year"), q.Get("month"))
	if err != nil {
		return err
	}
	return calendarRemoveView.ok(s, w, r, &calendarRemovePage{basePage: basePage{Title: "确认删除申报期限"},
		Heading: "确认删除官方申报期限",
		Facts: []Option{{"月份", fmt.Sprintf("%d年%d月", year, month)}, {"申报期限", dayText(m.Date)}, {"依据", m.Official.Source},
			{"录入人", m.Official.EnteredBy + "（" + m.Official.EnteredAt.In(cst).Format("2006-01-02 15:04") + "）"}},
		Action:  "/staff/calendar/deadlines/remove",
		Hidden:  []Option{{"year", strconv.Itoa(year)}, {"month", strconv.Itoa(month)}},
		Warning: fmt.Sprintf("删除后，该月申报期限按节假日推算为 %s。", dayText(m.Computed.Date)),
		Button:  "确认删除",
		Back:    calendarBack(year)})
}

func (s *Server) staffCalendarDeadlineRemove(w http.ResponseWriter, r *http.Request) error {
	if err := requireCalendarEditor(r); err != nil {
		return err
	}
	_, year, month, err := s.officialOf(r, r.PostForm.Get("year"), r.PostForm.Get("month"))
	if err != nil {
		return err
	}
	if err := s.Calendar.RemoveDeadline(r.Context(), year, month); err != nil {
		return err
	}
	return s.redirect(w, r, calendarBack(year), fmt.Sprintf("已删除 %d年%d月的官方申报期限。", year, month))
}
