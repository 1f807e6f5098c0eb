// Package iitw is the withholding of individual income tax on wages
// (个人所得税扣缴申报表，全员全额明细): one line per employee and month,
// imported from a CSV or Excel file whose columns Columns describes,
// checked against the special additional deduction standards of the month,
// and computed by the cumulative method (累计预扣法, 国家税务总局公告2018年
// 第61号) over the employee's earlier months with the same employer. The
// employee roster (花名册) of each employer lives here too (roster.go).
//
// Parsing, checking and computing are pure functions of their arguments;
// only the roster touches the database.
package iitw

import (
	"unicode/utf8"

	"taxhall/internal/calendar"
	"taxhall/internal/ids"
	"taxhall/internal/input"
	"taxhall/internal/money"
)

// Line is one employee's wages for one month, in fen. The special
// additional deductions are the month's amounts of each kind, as the
// employee claimed them with the employer.
type Line struct {
	// Row is the line's row in the imported file (the header is row 1), or
	// its position from 1 when the lines did not come from a file.
	Row int `json:"row"`

	ResidentID string `json:"resident_id"` // 证件号码 (居民身份证, GB 11643)
	Name       string `json:"name"`        // 姓名
	Income     int64  `json:"income"`      // 本期收入
	TaxFree    int64  `json:"tax_free"`    // 本期免税收入

	// 专项扣除: the employee's own contributions.
	Pension      int64 `json:"pension"`      // 基本养老保险费
	Medical      int64 `json:"medical"`      // 基本医疗保险费
	Unemployment int64 `json:"unemployment"` // 失业保险费
	HousingFund  int64 `json:"housing_fund"` // 住房公积金

	// 专项附加扣除 for the month.
	Child               int64 `json:"child"`                // 子女教育
	Infant              int64 `json:"infant"`               // 3岁以下婴幼儿照护
	Elderly             int64 `json:"elderly"`              // 赡养老人
	ContinuingEducation int64 `json:"continuing_education"` // 继续教育
	HousingLoan         int64 `json:"housing_loan"`         // 住房贷款利息
	Rent                int64 `json:"rent"`                 // 住房租金

	Other int64 `json:"other"` // 依法确定的其他扣除
}

// Special is the month's 专项扣除 (three insurances and the housing fund).
func (l *Line) Special() int64 { return l.Pension + l.Medical + l.Unemployment + l.HousingFund }

// Additional is the month's 专项附加扣除.
func (l *Line) Additional() int64 {
	return l.Child + l.Infant + l.Elderly + l.ContinuingEducation + l.HousingLoan + l.Rent
}

// amounts lists the line's amounts with their column keys, in column order.
func (l *Line) amounts() []struct {
	key string
	v   *int64
} {
	return []struct {
		key string
		v   *int64
	}{
		{"income", &l.Income}, {"tax_free", &l.TaxFree},
		{"pension", &l.Pension}, {"medical", &l.Medical}, {"unemployment", &l.Unemployment}, {"housing_fund", &l.HousingFund},
		{"child", &l.Child}, {"infant", &l.Infant}, {"elderly", &l.Elderly},
		{"continuing_education", &l.ContinuingEducation}, {"housing_loan", &l.HousingLoan}, {"rent", &l.Rent},
		{"other", &l.Other},
	}
}

// MaxNameLength bounds an employee's name in characters.
const MaxNameLength = 50

// checkLine checks one line for the month: identity, amounts in range, and
// the special additional deductions against the standards in force. It
// normalises the ID and the name in place and reports problems by column
// key. Cells that could not be read (failed) are not compared with others.
func checkLine(l *Line, lim *limits, add func(key, msg string), failed map[string]bool) {
	l.ResidentID = ids.NormalizeResidentID(l.ResidentID)
	if msg := input.Check(l.ResidentID, 30); msg != "" {
		add("resident_id", msg)
	} else if err := ids.ValidateResidentID(l.ResidentID, lim.lastDay); err != nil {
		add("resident_id", err.Error())
	}
	l.Name = trimSpace(l.Name)
	switch n := utf8.RuneCountInString(l.Name); {
	case input.Check(l.Name, MaxNameLength) != "":
		add("name", input.Check(l.Name, MaxNameLength))
	case n == 0:
		add("name", "请填写姓名")
	case n < 2:
		add("name", "姓名至少 2 个字")
	}
	for _, a := range l.amounts() {
		switch {
		case *a.v < 0:
			add(a.key, "金额不能为负数")
		case *a.v > money.MaxFen:
			add(a.key, "金额过大")
		}
	}
	if !failed["income"] && !failed["tax_free"] && l.Income >= 0 && l.TaxFree > l.Income {
		add("tax_free", "免税收入不能大于本期收入")
	}
	lim.check(l, add)
}

// lastDayOf is the last day of the month, as a time for ID checks (a person
// born after the month cannot be paid in it).
func lastDayOf(m calendar.YearMonth) calendar.Date { return m.Next().Day(1).AddDays(-1) }
