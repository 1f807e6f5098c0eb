package rules

import "math"

// Bracket is one level of a progressive rate table: taxable income up to
// UpTo (inclusive, fen) is taxed at Rate less Quick (速算扣除数, fen).
type Bracket struct {
	UpTo  int64
	Rate  Rate
	Quick int64
}

// RateTable is a progressive table, brackets in ascending order, the last
// one open (UpTo = math.MaxInt64).
type RateTable []Bracket

// Tax returns taxable × rate − quick deduction for the bracket taxable falls
// in ("不超过" is inclusive), rounded half up to the fen, never negative.
func (t RateTable) Tax(taxable int64) (int64, Bracket) {
	if taxable <= 0 {
		return 0, t[0]
	}
	for _, b := range t {
		if taxable <= b.UpTo {
			return max(0, mulRate(taxable, b.Rate)-b.Quick), b
		}
	}
	panic("rules: rate table without an open last bracket")
}

const yuan = 100 // fen

// The comprehensive-income table (个人所得税法 Art. 3 and 税率表一), used as
// 预扣率表一 of the cumulative withholding method on cumulative income.
var comprehensiveTable = RateTable{
	{36_000 * yuan, 3 * Percent, 0},
	{144_000 * yuan, 10 * Percent, 2_520 * yuan},
	{300_000 * yuan, 20 * Percent, 16_920 * yuan},
	{420_000 * yuan, 25 * Percent, 31_920 * yuan},
	{660_000 * yuan, 30 * Percent, 52_920 * yuan},
	{960_000 * yuan, 35 * Percent, 85_920 * yuan},
	{math.MaxInt64, 45 * Percent, 181_920 * yuan},
}

// The labour-remuneration withholding table (预扣率表二).
var labourTable = RateTable{
	{20_000 * yuan, 20 * Percent, 0},
	{50_000 * yuan, 30 * Percent, 2_000 * yuan},
	{math.MaxInt64, 40 * Percent, 7_000 * yuan},
}

// WageParams are the parameters of the cumulative withholding on wages.
type WageParams struct {
	MonthlyBasic int64 // 5,000 a month (60,000 a year, 个人所得税法 Art. 6)
	Table        RateTable
}

var WageWithholding = Schedule[WageParams]{
	Name: "工资薪金累计预扣法",
	Entries: []Param[WageParams]{
		{From: d("2019-01-01"), To: Forever, V: WageParams{5_000 * yuan, comprehensiveTable},
			Source: "个人所得税法 第三条、第六条及税率表一；国家税务总局公告2018年第61号 第一条及预扣率表一"},
	},
}

// LabourParams are the parameters of withholding on labour remuneration.
type LabourParams struct {
	FixedUpTo  int64 // income up to this (inclusive) deducts Fixed
	Fixed      int64 // 800
	ShareAbove Rate  // above it, this share of the income is deducted (20%)
	Table      RateTable
}

var LabourWithholding = Schedule[LabourParams]{
	Name: "劳务报酬预扣预缴",
	Entries: []Param[LabourParams]{
		{From: d("2019-01-01"), To: Forever, V: LabourParams{4_000 * yuan, 800 * yuan, 20 * Percent, labourTable},
			Source: "个人所得税法 第六条；国家税务总局公告2018年第61号 第二条及预扣率表二"},
	},
}
