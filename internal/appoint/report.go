package appoint

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// The monthly satisfaction report (满意度月报) of a hall, per window and
// per clerk. Definitions, as the page states them:
//   - 办理件数: numbers finished (办结) in the month; 过号 counted apart;
//   - 平均等候时间: over finished numbers, from check-in (预约签到) or taking
//     the number (现场取号) to the call;
//   - 平均评分: the mean of the taxpayers' ratings (1–5) of those numbers;
//   - 满意率: the share of ratings of 4 or 5 stars (满意、非常满意) among all
//     ratings; no ratings, no rate.

// SatisfiedFrom is the lowest rating that counts as satisfied.
const SatisfiedFrom = 4

// ReportRow is one window's or one clerk's figures of a month.
type ReportRow struct {
	Window    int    // by window
	ClerkName string // by clerk
	ClerkNo   string
	Handled   int
	Absent    int
	WaitSum   int64 // seconds, over handled numbers
	Rated     int
	RatingSum int
	Satisfied int
}

// Label is the row's name: 3号窗口, or the clerk's name.
func (r *ReportRow) Label() string {
	if r.ClerkNo != "" || r.ClerkName != "" {
		return r.ClerkName
	}
	return fmt.Sprintf("%d号窗口", r.Window)
}

// AvgWaitSeconds is the average waiting time in seconds (0 without items).
func (r *ReportRow) AvgWaitSeconds() float64 {
	if r.Handled == 0 {
		return 0
	}
	return float64(r.WaitSum) / float64(r.Handled)
}

// AvgWait is the average waiting time in words, "—" without items.
func (r *ReportRow) AvgWait() string {
	if r.Handled == 0 {
		return "—"
	}
	return Duration(r.AvgWaitSeconds())
}

// AvgWaitMinutes is the average waiting time in minutes with one decimal,
// for the exports.
func (r *ReportRow) AvgWaitMinutes() string {
	if r.Handled == 0 {
		return ""
	}
	return strconv.FormatFloat(r.AvgWaitSeconds()/60, 'f', 1, 64)
}

// AvgRating is the mean rating with two decimals, "—" without ratings.
func (r *ReportRow) AvgRating() string {
	if r.Rated == 0 {
		return "—"
	}
	return strconv.FormatFloat(float64(r.RatingSum)/float64(r.Rated), 'f', 2, 64)
}

// SatisfactionRate is the share of 4–5 star ratings, "—" without ratings.
func (r *ReportRow) SatisfactionRate() string {
	if r.Rated == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*float64(r.Satisfied)/float64(r.Rated), 'f', 1, 64) + "%"
}

func (r *ReportRow) add(o *ReportRow) {
	r.Handled += o.Handled
	r.Absent += o.Absent
	r.WaitSum += o.WaitSum
	r.Rated += o.Rated
	r.RatingSum += o.RatingSum
	r.Satisfied += o.Satisfied
}

// Report is a hall's month.
type Report struct {
	Hall     *Hall
	Month    string // YYYY-MM
	ByWindow []*ReportRow
	ByClerk  []*ReportRow
	Total    ReportRow
}

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01", s)
	return t, err == nil
}

var reportAgg = `SUM(CASE WHEN k.state = 'done' THEN 1 ELSE 0 END), SUM(CASE WHEN k.state = 'absent' THEN 1 ELSE 0 END),
	SUM(CASE WHEN k.state = 'done' THEN k.wait_s ELSE 0 END), COUNT(k.rating), COALESCE(SUM(k.rating), 0),
	SUM(CASE WHEN k.rating >= ` + strconv.Itoa(SatisfiedFrom) + ` THEN 1 ELSE 0 END)`

// MonthReport computes a hall's month per window and per clerk, for the
// hall's supervisors. Two grouped queries over the hall's finished
// numbers of the month (index hall_tickets_month).
func (s *Service) MonthReport(ctx context.Context, hallID int64, month string) (_ *Report, err error) {
	defer db.Wrap(&err, "appoint.MonthReport(%d, %s)", hallID, month)
	a, h, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	if !CanPlan(a) { // the clerks' own figures are for their supervisor
		return nil, apperr.New(apperr.Forbidden, "只有办税服务厅主管可以查看窗口服务月报")
	}
	m, ok := ParseMonth(month)
	if !ok {
		return nil, apperr.InvalidField("month", "请选择月份，如 2026-12")
	}
	from, to := m.Format("2006-01-02"), m.AddDate(0, 1, 0).Format("2006-01-02")
	rep := &Report{Hall: h, Month: m.Format("2006-01")}
	where := ` FROM hall_tickets k WHERE k.hall_id = $1 AND k.state IN ('done', 'absent') AND k.day >= $2 AND k.day < $3`
	rep.ByWindow, err = db.Query(ctx, s.DB, func(sc db.Scanner) (*ReportRow, error) {
		var r ReportRow
		err := sc.Scan(&r.Window, &r.Handled, &r.Absent, &r.WaitSum, &r.Rated, &r.RatingSum, &r.Satisfied)
		return &r, err
	}, `SELECT k.window_no, `+reportAgg+where+` GROUP BY k.window_no ORDER BY k.window_no`, hallID, from, to)
	if err != nil {
		return nil, err
	}
	rep.ByClerk, err = db.Query(ctx, s.DB, func(sc db.Scanner) (*ReportRow, error) {
		var r ReportRow
		err := sc.Scan(&r.ClerkName, &r.ClerkNo, &r.Handled, &r.Absent, &r.WaitSum, &r.Rated, &r.RatingSum, &r.Satisfied)
		return &r, err
	}, `SELECT c.name, c.staff_no, `+reportAgg+` FROM hall_tickets k JOIN staff c ON c.id = k.clerk_id
		WHERE k.hall_id = $1 AND k.state IN ('done', 'absent') AND k.day >= $2 AND k.day < $3
		GROUP BY c.id, c.name, c.staff_no ORDER BY c.staff_no`, hallID, from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range rep.ByWindow {
		rep.Total.add(r)
	}
	return rep, nil
}

var reportHeader = []string{"统计口径", "窗口/工作人员", "工号", "办理件数", "过号", "平均等候时间（分钟）", "评价次数", "平均评分", "满意率"}

func (rep *Report) rows() [][]string {
	var out [][]string
	row := func(kind string, r *ReportRow) {
		avg, rate := r.AvgRating(), r.SatisfactionRate()
		if r.Rated == 0 {
			avg, rate = "", ""
		}
		out = append(out, []string{kind, r.Label(), r.ClerkNo, strconv.Itoa(r.Handled), strconv.Itoa(r.Absent), r.AvgWaitMinutes(),
			strconv.Itoa(r.Rated), avg, rate})
	}
	for _, r := range rep.ByWindow {
		row("窗口", r)
	}
	for _, r := range rep.ByClerk {
		row("工作人员", r)
	}
	total := rep.Total
	total.Window = 0
	out = append(out, nil)
	row("合计", &total)
	out[len(out)-1][1] = rep.Hall.Name
	return out
}

// WriteCSV writes the report as CSV (UTF-8 with a BOM so that Excel opens
// the Chinese headers; cells that a spreadsheet would read as formulas are
// kept as text).
func (rep *Report) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(reportHeader); err != nil {
		return err
	}
	for _, r := range rep.rows() {
		if r == nil {
			continue
		}
		for i, v := range r {
			if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
				r[i] = "'" + v
			}
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the report as an Excel workbook, one sheet.
func (rep *Report) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "满意度" + rep.Month
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := []any{rep.Hall.Name + " " + rep.Month + " 窗口服务月报（满意率 = 4星、5星评价 ÷ 全部评价）"}
	if err := f.SetSheetRow(sheet, "A1", &title); err != nil {
		return err
	}
	rows := append([][]string{reportHeader}, rep.rows()...)
	n := 2
	for _, r := range rows {
		if r == nil {
			continue
		}
		vals := make([]any, len(r))
		for j, v := range r {
			// numbers as numbers, so that the sheet sums them
			if j >= 3 && j <= 7 && v != "" {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					vals[j] = x
					continue
				}
			}
			vals[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
		n++
	}
	return f.Write(w)
}
