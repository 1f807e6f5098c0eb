package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/filingcal"
)

const tagCalendar = "征期日历"

// calendarRoutes are the public filing calendar: the same filingcal.Year as
// the page /calendar.
func (a *API) calendarRoutes() []route {
	return []route{
		{Pattern: "GET /calendar", Tag: tagCalendar, Access: Public,
			Errors:  []apperr.Code{apperr.NotFound},
			Summary: "某年征期日历",
			Doc:     "每月申报截止日（国家税务总局公布的优先，否则按国务院节假日安排和《税收征收管理法实施细则》第一百零九条推算）、年度汇算期间和节假日安排。年份范围 2007 年至下一年，不填为当年；超出范围返回 404。",
			Handler: handle(a.calendarYear)},
	}
}

type calendarQuery struct {
	Year int `query:"year" min:"1900" max:"9999" doc:"年份，不填为当年"`
}

type calendarMonth struct {
	Month        int    `json:"month" doc:"申报月份 1–12"`
	Deadline     string `json:"deadline" doc:"申报截止日 YYYY-MM-DD（含当日）"`
	Weekday      string `json:"weekday" doc:"星期"`
	Quarterly    bool   `json:"quarterly" doc:"当月同时办理季度申报（1、4、7、10 月）"`
	Source       string `json:"source" doc:"official 国家税务总局公布，computed 按节假日推算"`
	OfficialNote string `json:"official_source,omitempty" doc:"公布期限的文件"`
	Computed     string `json:"computed" doc:"按节假日推算的截止日"`
	HolidayDays  int    `json:"holiday_days" doc:"推算时 1 日至 15 日计入顺延的法定休假日天数"`
	Holiday      string `json:"holiday,omitempty" doc:"导致顺延的节日"`
	Postponed    bool   `json:"postponed" doc:"截止日晚于 15 日"`
	Provisional  bool   `json:"provisional" doc:"该年节假日安排尚未发布，按周末推算，可能调整"`
	Reason       string `json:"reason,omitempty" doc:"顺延或采用公布期限的说明"`
}

type calendarDay struct {
	Date    string `json:"date" doc:"YYYY-MM-DD"`
	Weekday string `json:"weekday"`
	Rest    bool   `json:"rest" doc:"true 放假，false 调休上班"`
	Name    string `json:"name" doc:"节日"`
}

type calendarPeriod struct {
	Name      string `json:"name"`
	From      string `json:"from" doc:"起始日 YYYY-MM-DD"`
	To        string `json:"to" doc:"截止日 YYYY-MM-DD（遇休息日已顺延）"`
	Basis     string `json:"basis" doc:"法律依据"`
	Postponed string `json:"postponed,omitempty" doc:"顺延说明"`
}

type calendarYearView struct {
	Year   int              `json:"year"`
	Notice bool             `json:"notice" doc:"该年国务院节假日安排已发布并录入"`
	Months []calendarMonth  `json:"months"`
	Annual []calendarPeriod `json:"annual" doc:"年度汇算期间"`
	Days   []calendarDay    `json:"days" doc:"放假和调休上班的日期"`
}

func (a *API) calendarYear(ctx context.Context, _ *http.Request, q calendarQuery) (calendarYearView, error) {
	year := q.Year
	if year == 0 {
		year = a.Calendar.Now().Year()
	}
	y, err := a.Calendar.Year(ctx, year)
	if err != nil {
		return calendarYearView{}, err
	}
	v := calendarYearView{Year: y.Year, Notice: y.Notice, Months: []calendarMonth{}, Annual: []calendarPeriod{}, Days: []calendarDay{}}
	for _, m := range y.Months {
		cm := calendarMonth{Month: int(m.Month.M), Deadline: m.Date.String(), Weekday: m.Weekday(), Quarterly: m.Quarterly,
			Source: string(m.Source), Computed: m.Computed.Date.String(), HolidayDays: m.Computed.HolidayDays, Holiday: m.Holiday,
			Postponed: m.Postponed(), Provisional: m.Provisional, Reason: m.Reason}
		if m.Official != nil {
			cm.OfficialNote = m.Official.Source
		}
		v.Months = append(v.Months, cm)
	}
	for _, p := range y.Annual {
		v.Annual = append(v.Annual, calendarPeriod{Name: p.Name, From: p.From.String(), To: p.To.String(), Basis: p.Basis, Postponed: p.Postponed})
	}
	for _, d := range y.Days {
		v.Days = append(v.Days, calendarDay{Date: d.Date.String(), Weekday: filingcal.Weekday(d.Date), Rest: d.Off, Name: d.Name})
	}
	return v, nil
}
