package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// WageInput is one employee's year to date with one employer, in fen, all
// amounts cumulative from January (or the month employment began) through
// the month being withheld.
type WageInput struct {
	Month calendar.YearMonth // the month withheld
	// MonthsEmployed: months with this employer this year through Month.
	MonthsEmployed int
	Income         int64 // 累计收入
	TaxFree        int64 // 累计免税收入
	Special        int64 // 累计专项扣除: social insurance, housing fund
	Additional     int64 // 累计专项附加扣除 (see AdditionalDeduction)
	Other          int64 // 累计依法确定的其他扣除
	Withheld       int64 // 累计已预扣预缴税额: earlier months
}

// WageResult is the cumulative computation (个人所得税扣缴申报表 columns).
type WageResult struct {
	Basic      int64 // 累计减除费用 = 5,000 × months
	Taxable    int64 // 累计预扣预缴应纳税所得额, never negative
	Bracket    Bracket
	Cumulative int64 // 累计应纳税额 = taxable × rate − quick
	ThisMonth  int64 // 本期应预扣预缴税额 = cumulative − withheld, never negative
	Source     string
}

// WithholdWages computes the month's withholding on wages by the cumulative
// method (累计预扣法, 国家税务总局公告2018年第61号 Art. 1). When the cumulative
// tax is below what was already withheld, the month's tax is 0: the excess is
// refunded only at the annual reconciliation.
func WithholdWages(in WageInput) (WageResult, error) {
	if in.MonthsEmployed < 1 || in.MonthsEmployed > int(in.Month.M) {
		return WageResult{}, fmt.Errorf("rules: %d months employed is impossible in %v", in.MonthsEmployed, in.Month)
	}
	if in.Income < 0 || in.TaxFree < 0 || in.Special < 0 || in.Additional < 0 || in.Other < 0 || in.Withheld < 0 {
		return WageResult{}, errors.New("rules: cumulative amounts cannot be negative")
	}
	e, err := WageWithholding.At(in.Month.Day(1))
	if err != nil {
		return WageResult{}, err
	}
	r := WageResult{Basic: e.V.MonthlyBasic * int64(in.MonthsEmployed), Source: e.Source}
	r.Taxable = max(0, in.Income-in.TaxFree-r.Basic-in.Special-in.Additional-in.Other)
	r.Cumulative, r.Bracket = e.V.Table.Tax(r.Taxable)
	r.ThisMonth = max(0, r.Cumulative-in.Withheld)
	return r, nil
}

// LabourResult is the withholding on one payment of labour remuneration.
type LabourResult struct {
	Deduction int64 // 800 or 20% of the income
	Taxable   int64 // 预扣预缴应纳税所得额, rounded half up to the fen
	Bracket   Bracket
	Tax       int64
	Source    string
}

// WithholdLabour computes the withholding on one payment of labour
// remuneration (劳务报酬, 国家税务总局公告2018年第61号 Art. 2): income up to
// 4,000 deducts 800, above it 20%; the rest is taxed at 20/30/40% less
// 0/2,000/7,000. The taxable amount is rounded to the fen before the table
// is applied, as the return shows it.
func WithholdLabour(paid Date, income int64) (LabourResult, error) {
	if income < 0 {
		return LabourResult{}, errors.New("rules: income cannot be negative")
	}
	e, err := LabourWithholding.At(paid)
	if err != nil {
		return LabourResult{}, err
	}
	p := e.V
	r := LabourResult{Source: e.Source}
	if income <= p.FixedUpTo {
		r.Deduction = min(income, p.Fixed)
	} else {
		r.Deduction = mulRate(income, p.ShareAbove)
	}
	r.Taxable = income - r.Deduction
	r.Tax, r.Bracket = p.Table.Tax(r.Taxable)
	return r, nil
}
