package calc

import (
	"fmt"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// EITInput is what the income tax prepayment calculator takes, as typed:
// the year's cumulative figures in yuan through the end of Period (a
// quarter or a month); Employees is the average headcount (two decimals at
// most), Assets the average total assets in yuan.
type EITInput struct {
	Year, Period          string
	Revenue, Cost, Profit string
	TaxFree, LossOffset   string
	Prepaid               string
	Employees, Assets     string
	Restricted            bool
}

// EITResult is rules.EITPrepay's answer with the steps shown.
type EITResult struct {
	Period     rules.Period
	PeriodName string
	EIT        rules.EITResult
	Steps      []Step
}

// EIT computes the quarterly (or monthly) enterprise income tax prepayment
// with rules.EITPrepay, including the small low-profit test.
func EIT(in EITInput) (EITResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r EITResult
	if _, bad := f["year"]; !bad {
		r.Period, r.PeriodName = parsePeriod(f, year, in.Period)
	}
	e := rules.EITInput{
		Revenue:      parseYuan(f, "revenue", in.Revenue, true),
		Cost:         parseYuan(f, "cost", in.Cost, true),
		Profit:       parseSignedYuan(f, "profit", in.Profit),
		TaxFree:      parseYuan(f, "tax_free", in.TaxFree, true),
		LossOffset:   parseYuan(f, "loss_offset", in.LossOffset, true),
		Prepaid:      parseYuan(f, "prepaid", in.Prepaid, true),
		AvgEmployees: parseHundredths(f, "employees", in.Employees, "从业人数", false),
		AvgAssets:    parseYuan(f, "assets", in.Assets, false),
		Restricted:   in.Restricted,
	}
	if err := f.Err(); err != nil {
		return EITResult{}, err
	}
	e.Period = r.Period
	res, err := rules.EITPrepay(e)
	if err != nil {
		return EITResult{}, ruleErr(err, "period")
	}
	r.EIT = res
	r.PeriodName = fmt.Sprintf("%d年1月1日至%d月%d日（%s）", year, int(r.Period.End.M), r.Period.End.D, r.PeriodName)
	r.Steps = eitSteps(res, e)
	return r, nil
}

// parseSignedYuan reads an amount that may be negative (a loss), "-" first.
func parseSignedYuan(f apperr.Fields, field, s string) int64 {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-") || strings.HasPrefix(t, "−")
	if neg {
		t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "−")
	}
	v := parseYuan(f, field, t, false)
	if neg {
		return -v
	}
	return v
}

func eitSteps(r rules.EITResult, in rules.EITInput) []Step {
	p := r.SmallParams
	yes := func(ok bool) string {
		if ok {
			return "符合"
		}
		return "不符合"
	}
	steps := []Step{
		{Label: "营业收入（第1行）", Value: yuan(in.Revenue)},
		{Label: "营业成本（第2行）", Value: yuan(in.Cost)},
		{Label: "利润总额（第3行）", Value: yuan(in.Profit)},
		{Label: "免税收入、减计收入、加计扣除（第7行）", Value: yuan(in.TaxFree)},
		{Label: "弥补以前年度亏损（第9行）", Value: yuan(in.LossOffset)},
		{Label: "实际利润额（第10行）", Formula: "利润总额 − 免税收入、减计收入、加计扣除 − 弥补以前年度亏损", Value: yuan(r.ActualProfit)},
		{Label: "税率（第11行）", Value: r.Rate.String(), Basis: r.RateSource},
		{Label: "应纳所得税额（第12行）", Formula: "实际利润额 × 税率（实际利润额为负数时为 0）", Value: yuan(r.Tax)},
		{Label: "小型微利企业：年度应纳税所得额", Formula: "累计实际利润额不超过 " + wholeYuan(p.MaxIncome) + " 元：" + yes(r.IncomeOK), Value: yuan(max(r.ActualProfit, 0)), Basis: r.SmallSource},
		{Label: "小型微利企业：从业人数", Formula: fmt.Sprintf("季度平均值不超过 %d 人：%s", p.MaxEmployees, yes(r.EmployeesOK)), Value: hundredths(in.AvgEmployees) + " 人"},
		{Label: "小型微利企业：资产总额", Formula: "季度平均值不超过 " + wholeYuan(p.MaxAssets) + " 元：" + yes(r.AssetsOK), Value: yuan(in.AvgAssets)},
		{Label: "小型微利企业：行业", Formula: "从事国家非限制和禁止行业：" + yes(!in.Restricted), Value: yes(!in.Restricted)},
	}
	conclusion := "不符合条件，按 " + r.Rate.String() + " 计算，无减免"
	if r.SmallLowProfit {
		var parts []string
		below := int64(0)
		for _, t := range p.Tiers {
			band := "不超过 " + wholeYuan(t.UpTo) + " 元的部分"
			if below > 0 {
				band = "超过 " + wholeYuan(below) + " 元至 " + wholeYuan(t.UpTo) + " 元的部分"
			}
			parts = append(parts, fmt.Sprintf("%s减按 %s 计入应纳税所得额，按 %s 的税率", band, t.Share, t.Rate))
			below = t.UpTo
		}
		conclusion = "符合条件：" + strings.Join(parts, "；") + fmt.Sprintf("，优惠后税额 %s 元", amt(r.PreferentialTax))
	}
	steps = append(steps,
		Step{Label: "是否为小型微利企业", Formula: conclusion, Value: yes(r.SmallLowProfit), Basis: r.SmallSource},
		Step{Label: "减免所得税额（第13行）", Formula: "应纳所得税额 − 优惠后税额", Value: yuan(r.Relief), Basis: r.SmallSource},
		Step{Label: "本年实际已缴纳所得税额（第14行）", Value: yuan(r.Prepaid)},
		Step{Label: "本期应补（退）所得税额（第16行）", Formula: "应纳所得税额 − 减免所得税额 − 已缴纳所得税额；小于 0 时为 0（预缴多缴的部分不在年度中间退还，汇算清缴时处理）", Value: yuan(r.Payable), Total: true})
	return steps
}

// wholeYuan formats fen without the fen when they are 0: "3,000,000".
func wholeYuan(fen int64) string { return strings.TrimSuffix(amt(fen), ".00") }

// hundredths formats hundredths as a decimal: 30050 → "300.50".
func hundredths(v int64) string { return amt(v) }
