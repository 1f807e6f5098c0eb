package rules

import (
	"errors"
	"fmt"
)

// ExemptLine is the line of the small-scale return where exempt sales go.
type ExemptLine int

const (
	// SmallBusinessLine: 第10栏 小微企业免税销售额 (units).
	SmallBusinessLine ExemptLine = iota + 1
	// BelowThresholdLine: 第11栏 未达起征点销售额 (individual businesses
	// and other individuals; all taxpayers when the legal basis is 起征点).
	BelowThresholdLine
)

// SmallScaleParams are the small-scale VAT relief parameters of a period.
type SmallScaleParams struct {
	// Thresholds per month and per quarter, in fen.
	MonthlyThreshold, QuarterlyThreshold int64
	// Inclusive: sales equal to the threshold are exempt ("未超过", ≤).
	// Otherwise sales that reach it are taxed in full ("未达到起征点", <).
	Inclusive bool
	// ExcludeRealEstate: when the total exceeds the threshold but the sales
	// other than real estate do not, those other sales stay exempt.
	ExcludeRealEstate bool
	// Rate3 is the levy rate of the sales at 3% (100 = reduced to 1%;
	// 300 = no reduction). Real estate always stays at 5%.
	Rate3 Rate
	// UnitsExemptOn is the line on which units report their exempt sales;
	// individuals always use BelowThresholdLine.
	UnitsExemptOn ExemptLine
}

// The levy rates of the simplified method: 3% (增值税法 Art. 11; 增值税暂行
// 条例 Art. 12 before 2026) and 5% for selling and leasing real estate.
const (
	levyRate3 Rate = 3 * Percent
	levyRate5 Rate = 5 * Percent
)

// SmallScaleRelief is the history of the small-scale relief. Periods before
// 2023 are not supported (no entry: ErrNoParam).
var SmallScaleRelief = Schedule[SmallScaleParams]{
	Name: "小规模纳税人增值税减免",
	Entries: []Param[SmallScaleParams]{
		{
			From: d("2023-01-01"), To: d("2023-07-31"),
			V:      SmallScaleParams{10_000_000, 30_000_000, true, true, 1 * Percent, SmallBusinessLine},
			Source: "财政部 税务总局公告2023年第1号 第一条、第二条；国家税务总局公告2023年第1号 第一条、第五条",
		},
		{
			// 2023年第19号 ran to 2027-12-31; the VAT Law replaced it on 2026-01-01.
			From: d("2023-08-01"), To: d("2025-12-31"),
			V:      SmallScaleParams{10_000_000, 30_000_000, true, true, 1 * Percent, SmallBusinessLine},
			Source: "财政部 税务总局公告2023年第19号 第一条、第二条；国家税务总局公告2023年第1号 第一条、第五条",
		},
		{
			// The threshold is the VAT Law's 起征点: reaching it means taxable.
			// Assumptions to check against the announcement's text, which we
			// could not obtain: the threshold applies to the total sales
			// (no real-estate exclusion) and all exempt sales are 未达起征点.
			From: d("2026-01-01"), To: d("2027-12-31"),
			V:      SmallScaleParams{10_000_000, 30_000_000, false, false, 1 * Percent, BelowThresholdLine},
			Source: "增值税法 第二十三条；财政部 税务总局公告2026年第10号 (per issue 8)",
		},
	},
}

// SmallScaleInput is a small-scale taxpayer's sales of one period, tax
// excluded, in fen.
type SmallScaleInput struct {
	Period Period
	// Sales3: goods, services, intangibles at the 3% levy rate.
	Sales3 int64
	// Sales5: selling or leasing real estate, at 5%.
	Sales5 int64
	// Individual: an individual business (个体工商户) or other individual,
	// who report exempt sales as 未达起征点 (line 11).
	Individual bool
	// Prepaid: tax prepaid in the period (line 21).
	Prepaid int64
}

// SmallScaleResult is the computation, by the lines of the return
// (增值税及附加税费申报表（小规模纳税人适用）, 国家税务总局公告2021年第20号).
type SmallScaleResult struct {
	Params SmallScaleParams
	Source string

	TaxableSales3        int64 // line 1: sales at 3% that are taxed
	TaxableSales5        int64 // line 4: sales at 5% that are taxed
	ExemptSmallBusiness  int64 // line 10
	ExemptBelowThreshold int64 // line 11
	TaxPayable           int64 // line 15: at the levy rates 3% and 5%
	Reduction            int64 // line 16: 3% → reduced rate
	ExemptTax            int64 // line 17 = 18 + 19
	ExemptTaxSmall       int64 // line 18
	ExemptTaxBelow       int64 // line 19
	TaxDue               int64 // line 20 = 15 − 16
	Prepaid              int64 // line 21
	Balance              int64 // line 22 = 20 − 21 (negative: refundable)
}

// SmallScaleVAT computes a small-scale taxpayer's VAT for a month or quarter.
// The parameters are those of the period itself (a 2025Q4 return filed in
// January 2026 uses 2025's); the filing date plays no part.
//
// The reduction to 1% lands on line 16 as 国家税务总局公告2023年第1号 Art. 5
// instructs: line 15 is the sales at 3%, line 16 the sales at the difference
// (2%), each rounded half up to the fen, so line 20 can differ by one fen from
// the sales at 1% rounded directly.
func SmallScaleVAT(in SmallScaleInput) (SmallScaleResult, error) {
	months, err := in.Period.Months()
	if err != nil {
		return SmallScaleResult{}, err
	}
	if in.Sales3 < 0 || in.Sales5 < 0 || in.Prepaid < 0 {
		return SmallScaleResult{}, errors.New("rules: sales and prepaid tax cannot be negative")
	}
	e, err := SmallScaleRelief.ForPeriod(in.Period)
	if err != nil {
		return SmallScaleResult{}, err
	}
	p := e.V
	threshold := p.MonthlyThreshold
	if months == 3 {
		threshold = p.QuarterlyThreshold
	}
	below := func(sales int64) bool {
		if p.Inclusive {
			return sales <= threshold
		}
		return sales < threshold
	}

	r := SmallScaleResult{Params: p, Source: e.Source, Prepaid: in.Prepaid}
	var exempt3, exempt5 int64
	switch {
	case below(in.Sales3 + in.Sales5):
		exempt3, exempt5 = in.Sales3, in.Sales5
	case p.ExcludeRealEstate && below(in.Sales3):
		exempt3, r.TaxableSales5 = in.Sales3, in.Sales5
	default:
		r.TaxableSales3, r.TaxableSales5 = in.Sales3, in.Sales5
	}

	exemptTax := mulRate(exempt3, levyRate3) + mulRate(exempt5, levyRate5)
	line := p.UnitsExemptOn
	if in.Individual {
		line = BelowThresholdLine
	}
	switch line {
	case SmallBusinessLine:
		r.ExemptSmallBusiness, r.ExemptTaxSmall = exempt3+exempt5, exemptTax
	case BelowThresholdLine:
		r.ExemptBelowThreshold, r.ExemptTaxBelow = exempt3+exempt5, exemptTax
	default:
		return SmallScaleResult{}, fmt.Errorf("rules: unknown exempt line %d", line)
	}
	r.ExemptTax = exemptTax

	r.TaxPayable = mulRate(r.TaxableSales3, levyRate3) + mulRate(r.TaxableSales5, levyRate5)
	r.Reduction = mulRate(r.TaxableSales3, levyRate3-p.Rate3)
	r.TaxDue = r.TaxPayable - r.Reduction
	r.Balance = r.TaxDue - r.Prepaid
	return r, nil
}
