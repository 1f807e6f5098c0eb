package iitw

import (
	"fmt"

	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

// Prior is one employee's sums with this employer over the earlier months
// of the year (January up to the month before the one computed), in fen:
// what the employer's accepted returns of those months say.
type Prior struct {
	Months     int   // months employed by this employer this year before this month
	Income     int64 // 累计收入
	TaxFree    int64 // 累计免税收入
	Special    int64 // 累计专项扣除
	Additional int64 // 累计专项附加扣除
	Other      int64 // 累计其他扣除
	Withheld   int64 // 累计已预扣预缴税额
}

// Result is one line of the return: the month's line with the cumulative
// columns of the cumulative method.
type Result struct {
	Line
	Months        int        `json:"months"`         // 累计任职受雇月份数, this month included
	CumIncome     int64      `json:"cum_income"`     // 累计收入额
	CumTaxFree    int64      `json:"cum_tax_free"`   // 累计免税收入
	CumBasic      int64      `json:"cum_basic"`      // 累计减除费用
	CumSpecial    int64      `json:"cum_special"`    // 累计专项扣除
	CumAdditional int64      `json:"cum_additional"` // 累计专项附加扣除
	CumOther      int64      `json:"cum_other"`      // 累计其他扣除
	CumTaxable    int64      `json:"cum_taxable"`    // 累计应纳税所得额
	Rate          rules.Rate `json:"rate"`           // 税率（预扣率）, basis points
	Quick         int64      `json:"quick"`          // 速算扣除数
	CumTax        int64      `json:"cum_tax"`        // 累计应纳税额
	CumWithheld   int64      `json:"cum_withheld"`   // 累计已预扣预缴税额 (earlier months)
	Tax           int64      `json:"tax"`            // 本期应预扣预缴税额 (应补（退）税额)
}

// Next is the employee's Prior for the following month of the same year.
func (r *Result) Next() Prior {
	return Prior{Months: r.Months, Income: r.CumIncome, TaxFree: r.CumTaxFree, Special: r.CumSpecial,
		Additional: r.CumAdditional, Other: r.CumOther, Withheld: r.CumWithheld + r.Tax}
}

// Totals are the return's summary, derived from its lines only.
type Totals struct {
	People       int   `json:"people"`       // 申报人数
	Income       int64 `json:"income"`       // 本期收入合计
	TaxFree      int64 `json:"tax_free"`     // 本期免税收入合计
	Pension      int64 `json:"pension"`      // 基本养老保险费合计
	Medical      int64 `json:"medical"`      // 基本医疗保险费合计
	Unemployment int64 `json:"unemployment"` // 失业保险费合计
	HousingFund  int64 `json:"housing_fund"` // 住房公积金合计
	Special      int64 `json:"special"`      // 本期专项扣除合计
	Additional   int64 `json:"additional"`   // 本期专项附加扣除合计
	Other        int64 `json:"other"`        // 本期其他扣除合计
	Tax          int64 `json:"tax"`          // 应扣缴税额合计 (本期应预扣预缴税额)
}

// Compute runs the cumulative method (国家税务总局公告2018年第61号 第一条) for
// each line of the month: the line's amounts are added to the employee's
// Prior (keyed by resident ID; absent for an employee's first month with
// the employer this year), the cumulative tax comes from
// rules.WithholdWages, and the month's tax is what it exceeds the tax
// already withheld by (never negative: a surplus waits for the annual
// reconciliation). The lines are checked as Parse checks them; a bad line
// makes an *ImportError, rows being the lines' Row.
func Compute(month calendar.YearMonth, lines []Line, prior map[string]Prior) ([]Result, Totals, error) {
	ps := newProblems()
	lim, err := limitsFor(month)
	if err != nil {
		ps.file(fmt.Sprintf("%d年%d月不在累计预扣法的适用期间，无法申报", month.Y, int(month.M)))
		return nil, Totals{}, ps.err()
	}
	if len(lines) == 0 {
		ps.file("申报表至少应有一名员工")
		return nil, Totals{}, ps.err()
	}
	if len(lines) > MaxRows {
		ps.file(fmt.Sprintf("一份申报表最多 %d 名员工", MaxRows))
		return nil, Totals{}, ps.err()
	}
	out := make([]Result, 0, len(lines))
	var t Totals
	first := map[string]int{}
	for i := range lines {
		l := lines[i]
		if l.Row == 0 {
			l.Row = i + 1
		}
		bad := false
		add := func(key, msg string) { ps.cell(l.Row, key, msg); bad = true }
		checkLine(&l, lim, add, nil)
		if row, dup := first[l.ResidentID]; dup && l.ResidentID != "" {
			add("resident_id", fmt.Sprintf("与第%d行的证件号码重复，每名员工只能有一行", row))
		} else {
			first[l.ResidentID] = l.Row
		}
		p := prior[l.ResidentID]
		if p.Months < 0 || p.Months >= int(month.M) {
			add("resident_id", fmt.Sprintf("此前任职受雇月份数为%d，%d月不可能", p.Months, int(month.M)))
		}
		if bad {
			continue
		}
		r := Result{Line: l, Months: p.Months + 1,
			CumIncome: p.Income + l.Income, CumTaxFree: p.TaxFree + l.TaxFree, CumSpecial: p.Special + l.Special(),
			CumAdditional: p.Additional + l.Additional(), CumOther: p.Other + l.Other, CumWithheld: p.Withheld}
		w, err := rules.WithholdWages(rules.WageInput{Month: month, MonthsEmployed: r.Months,
			Income: r.CumIncome, TaxFree: r.CumTaxFree, Special: r.CumSpecial, Additional: r.CumAdditional,
			Other: r.CumOther, Withheld: r.CumWithheld})
		if err != nil {
			// Prior sums that are negative: the earlier returns are corrupt.
			return nil, Totals{}, fmt.Errorf("iitw: line %d: %w", l.Row, err)
		}
		r.CumBasic, r.CumTaxable, r.Rate, r.Quick, r.CumTax, r.Tax = w.Basic, w.Taxable, w.Bracket.Rate, w.Bracket.Quick, w.Cumulative, w.ThisMonth
		out = append(out, r)
		t.add(&r)
	}
	if err := ps.err(); err != nil {
		return nil, Totals{}, err
	}
	return out, t, nil
}

func (t *Totals) add(r *Result) {
	t.People++
	t.Income += r.Income
	t.TaxFree += r.TaxFree
	t.Pension += r.Pension
	t.Medical += r.Medical
	t.Unemployment += r.Unemployment
	t.HousingFund += r.HousingFund
	t.Special += r.Special()
	t.Additional += r.Additional()
	t.Other += r.Other
	t.Tax += r.Tax
}

// TotalsOf sums results (a stored return's lines), so a summary is always
// derived, never typed.
func TotalsOf(results []Result) Totals {
	var t Totals
	for i := range results {
		t.add(&results[i])
	}
	return t
}

// MonthsBefore counts the months of the year before month in which someone
// hired on hired was employed (任职受雇月份数, 61号: the basic deduction is
// 5,000 a month of employment with this employer this year): from January,
// or from the month of hiring when that is later.
func MonthsBefore(month calendar.YearMonth, hired calendar.Date) int {
	if hired.IsZero() || hired.Y < month.Y {
		return int(month.M) - 1
	}
	if hired.Y > month.Y || hired.M >= month.M {
		return 0
	}
	return int(month.M - hired.M)
}
