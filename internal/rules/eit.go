package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// EITRate is the enterprise income tax rate.
var EITRate = Schedule[Rate]{
	Name: "企业所得税税率",
	Entries: []Param[Rate]{
		{From: d("2008-01-01"), To: Forever, V: 25 * Percent, Source: "企业所得税法 第四条"},
	},
}

// SmallProfitTier is one band of the small low-profit enterprise relief:
// taxable income up to UpTo (fen, inclusive) is counted at Share and taxed
// at Rate.
type SmallProfitTier struct {
	UpTo  int64
	Share Rate // 减按 Share 计入应纳税所得额
	Rate  Rate // 按 Rate 的税率缴纳
}

// SmallProfitParams are the conditions and the relief of a year.
type SmallProfitParams struct {
	// The conditions, all inclusive ("不超过"): annual taxable income, the
	// average number of employees and the average total assets (fen).
	MaxIncome, MaxEmployees, MaxAssets int64
	// Tiers in ascending order; the last one's UpTo is MaxIncome.
	Tiers []SmallProfitTier
}

// SmallLowProfit is the history of the small low-profit enterprise relief
// (小型微利企业). Years before 2019 (other conditions) are ErrNoParam.
var SmallLowProfit = Schedule[SmallProfitParams]{
	Name: "小型微利企业所得税优惠",
	Entries: []Param[SmallProfitParams]{
		{From: d("2019-01-01"), To: d("2020-12-31"),
			V: SmallProfitParams{3_000_000 * yuan, 300, 50_000_000 * yuan, []SmallProfitTier{
				{1_000_000 * yuan, 25 * Percent, 20 * Percent}, {3_000_000 * yuan, 50 * Percent, 20 * Percent}}},
			Source: "企业所得税法 第二十八条；财政部 税务总局关于实施小微企业普惠性税收减免政策的通知（财税〔2019〕13号）第二条"},
		{From: d("2021-01-01"), To: d("2021-12-31"),
			V: SmallProfitParams{3_000_000 * yuan, 300, 50_000_000 * yuan, []SmallProfitTier{
				{1_000_000 * yuan, 1250, 20 * Percent}, {3_000_000 * yuan, 50 * Percent, 20 * Percent}}},
			Source: "财税〔2019〕13号 第二条；财政部 税务总局公告2021年第12号 第二条（100万元以下部分再减半）"},
		{From: d("2022-01-01"), To: d("2022-12-31"),
			V: SmallProfitParams{3_000_000 * yuan, 300, 50_000_000 * yuan, []SmallProfitTier{
				{1_000_000 * yuan, 1250, 20 * Percent}, {3_000_000 * yuan, 25 * Percent, 20 * Percent}}},
			Source: "财政部 税务总局公告2021年第12号 第二条；财政部 税务总局公告2022年第13号 第一条（100万元至300万元部分减按25%）"},
		{From: d("2023-01-01"), To: d("2027-12-31"),
			V: SmallProfitParams{3_000_000 * yuan, 300, 50_000_000 * yuan, []SmallProfitTier{
				{3_000_000 * yuan, 25 * Percent, 20 * Percent}}},
			Source: "财政部 税务总局公告2023年第6号 第一条；财政部 税务总局公告2023年第12号 第三条（减按25%计入应纳税所得额，按20%的税率，执行至2027年12月31日）"},
	},
}

// SizeAverage returns the average of quarterly figures the way the
// prepayment return asks (国家税务总局公告2022年第5号 / 2023年第6号 第三条):
// each quarter's average is (start + end) ÷ 2, the year's is the mean of the
// quarters so far. It is rounded half up to the hundredth: employees come
// back in hundredths of a person (30050 = 300.5), assets in fen.
func SizeAverage(quarters [][2]int64, hundredths bool) (int64, error) {
	if len(quarters) == 0 || len(quarters) > 4 {
		return 0, errors.New("rules: one to four quarters")
	}
	var sum int64
	for _, q := range quarters {
		if q[0] < 0 || q[1] < 0 {
			return 0, errors.New("rules: a negative headcount or asset total")
		}
		sum += q[0] + q[1]
	}
	scale := int64(1)
	if hundredths {
		scale = 100
	}
	return mulDiv(sum, scale, int64(2*len(quarters))), nil
}

// ErrReliefExceedsTax: the relief claimed is more than the tax it reduces.
var ErrReliefExceedsTax = errors.New("rules: the relief exceeds the tax")

// EITInput is an enterprise's year to date for the monthly or quarterly
// prepayment (企业所得税月（季）度预缴纳税申报表（A类）, lines 1–16), in fen,
// every amount cumulative from 1 January through the end of Period.
type EITInput struct {
	// Period is the month or quarter being prepaid; the figures run from
	// the first day of its year.
	Period       Period
	Revenue      int64 // line 1 营业收入
	Cost         int64 // line 2 营业成本
	Profit       int64 // line 3 利润总额 (negative: a loss)
	Specific     int64 // line 4 特定业务计算的应纳税所得额
	NonTaxable   int64 // line 5 不征税收入
	Accelerated  int64 // line 6 资产加速折旧、摊销（扣除）调减额
	TaxFree      int64 // line 7 免税收入、减计收入、加计扣除
	IncomeRelief int64 // line 8 所得减免
	LossOffset   int64 // line 9 弥补以前年度亏损
	// OtherRelief: 减免所得税额 other than the small low-profit relief,
	// e.g. a high-tech enterprise's 15% (part of line 13).
	OtherRelief int64
	Prepaid     int64 // line 14 本年实际已缴纳所得税额
	// The small low-profit test: average employees in hundredths of a
	// person and average total assets in fen (see SizeAverage), and
	// whether the business is in a restricted or prohibited industry.
	AvgEmployees int64
	AvgAssets    int64
	Restricted   bool
}

// EITResult is the computation by the lines of the A-class return.
type EITResult struct {
	Year           int
	Rate           Rate
	RateSource     string
	ActualProfit   int64 // line 10 = 3 + 4 − 5 − 6 − 7 − 8 − 9 (may be negative)
	Tax            int64 // line 12 = 10 × 11, 0 when line 10 ≤ 0
	SmallLowProfit bool  // all the conditions hold
	// Why the enterprise is or is not small low-profit, by condition.
	IncomeOK, EmployeesOK, AssetsOK bool
	SmallParams                     SmallProfitParams
	SmallSource                     string
	PreferentialTax                 int64 // the tax at the relief's rates
	SmallRelief                     int64 // line 13.1 = Tax − PreferentialTax
	Relief                          int64 // line 13 = SmallRelief + OtherRelief, at most Tax (else an error)
	Prepaid                         int64 // line 14
	Payable                         int64 // line 16 = 12 − 13 − 14, never below 0
}

// EITPrepay computes an enterprise's income tax prepayment (A class) from
// the cumulative figures of the year. The small low-profit relief is
// applied when the cumulative actual profit, the average employees and the
// average assets are all within the year's limits and the industry is not
// restricted; its reduction is the tax at 25% less the tax at the relief's
// rates, each rounded half up to the fen. When the prepayments already made
// exceed the tax, this period's payable is 0: the excess is not refunded
// before the annual reconciliation (填报说明 第16行).
func EITPrepay(in EITInput) (EITResult, error) {
	if _, err := in.Period.Months(); err != nil {
		return EITResult{}, err
	}
	for _, v := range []int64{in.Revenue, in.Cost, in.Specific, in.NonTaxable, in.Accelerated, in.TaxFree,
		in.IncomeRelief, in.LossOffset, in.OtherRelief, in.Prepaid, in.AvgEmployees, in.AvgAssets} {
		if v < 0 {
			return EITResult{}, errors.New("rules: only the profit may be negative")
		}
	}
	// The year to date decides: a quarter's parameters are the year's.
	ytd := Period{calendar.MakeDate(in.Period.Start.Y, 1, 1), in.Period.End}
	rate, err := EITRate.ForPeriod(ytd)
	if err != nil {
		return EITResult{}, err
	}
	r := EITResult{Year: in.Period.Start.Y, Rate: rate.V, RateSource: rate.Source, Prepaid: in.Prepaid}
	r.ActualProfit = in.Profit + in.Specific - in.NonTaxable - in.Accelerated - in.TaxFree - in.IncomeRelief - in.LossOffset
	taxable := max(r.ActualProfit, 0)
	r.Tax = mulRate(taxable, r.Rate)

	// A year the relief's schedule does not cover is an error, not "no
	// relief": the next year's policy has to be entered.
	small, err := SmallLowProfit.ForPeriod(ytd)
	if err != nil {
		return EITResult{}, err
	}
	p := small.V
	r.SmallParams, r.SmallSource = p, small.Source
	r.IncomeOK = taxable <= p.MaxIncome
	r.EmployeesOK = in.AvgEmployees <= p.MaxEmployees*100
	r.AssetsOK = in.AvgAssets <= p.MaxAssets
	r.SmallLowProfit = r.IncomeOK && r.EmployeesOK && r.AssetsOK && !in.Restricted
	if r.SmallLowProfit {
		var below int64
		for _, t := range p.Tiers {
			part := min(taxable, t.UpTo) - below
			if part <= 0 {
				break
			}
			r.PreferentialTax += mulDiv(part, int64(t.Share)*int64(t.Rate), 10000*10000)
			below = t.UpTo
		}
		r.SmallRelief = r.Tax - r.PreferentialTax
	}
	r.Relief = r.SmallRelief + in.OtherRelief
	if r.Relief > r.Tax {
		return EITResult{}, fmt.Errorf("%w: %d of relief on %d of tax", ErrReliefExceedsTax, r.Relief, r.Tax)
	}
	r.Payable = max(r.Tax-r.Relief-r.Prepaid, 0)
	return r, nil
}
