package calc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// VATSmallInput is what the small-scale VAT calculator takes, as typed:
// Period is "q1"–"q4" (a quarter) or "m1"–"m12" (a month); Location is
// "city", "county" or "elsewhere"; amounts are yuan.
type VATSmallInput struct {
	Year, Period    string
	Sales3, Sales5  string
	Location        string
	Individual      bool // 个体工商户或其他个人
	SixTaxesTwoFees bool // claims the 六税两费 half reduction
}

// Locations are the choices of where the taxpayer is (城市维护建设税法 第四条).
var Locations = []struct{ Code, Name string }{
	{"city", "市区（城建税 7%）"},
	{"county", "县城、镇（城建税 5%）"},
	{"elsewhere", "不在市区、县城或者镇（城建税 1%）"},
}

var locationOf = map[string]rules.Location{"city": rules.InCity, "county": rules.InCountyTown, "elsewhere": rules.Elsewhere}

// VATSmallResult is the answer: the rules' results and the steps shown.
type VATSmallResult struct {
	Period     rules.Period
	PeriodName string
	VAT        rules.SmallScaleResult
	Surcharges rules.SurchargeResult
	Total      int64 // VAT due + surcharges payable
	Steps      []Step
}

// ParsePeriod reads a year and "q1"–"q4" / "m1"–"m12".
func parsePeriod(f apperr.Fields, year int, s string) (rules.Period, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		f.Add("period", "请选择所属期")
		return rules.Period{}, ""
	}
	n, err := strconv.Atoi(s[1:])
	switch {
	case err == nil && s[0] == 'q' && n >= 1 && n <= 4:
		return rules.Quarter(year, n), fmt.Sprintf("%d年第%d季度", year, n)
	case err == nil && s[0] == 'm' && n >= 1 && n <= 12:
		return rules.Month(year, time.Month(n)), fmt.Sprintf("%d年%d月", year, n)
	}
	f.Add("period", "所属期应为某一季度或某一月份")
	return rules.Period{}, ""
}

// VATSmall computes small-scale VAT and its surcharges for a period with
// rules.SmallScaleVAT and rules.Surcharges (base: the VAT due, line 20).
func VATSmall(in VATSmallInput) (VATSmallResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r VATSmallResult
	if _, bad := f["year"]; !bad {
		r.Period, r.PeriodName = parsePeriod(f, year, in.Period)
	}
	sales3 := parseYuan(f, "sales3", in.Sales3, true)
	sales5 := parseYuan(f, "sales5", in.Sales5, true)
	loc, ok := locationOf[in.Location]
	if !ok {
		f.Add("location", "请选择纳税人所在地")
	}
	if err := f.Err(); err != nil {
		return VATSmallResult{}, err
	}
	var err error
	r.VAT, err = rules.SmallScaleVAT(rules.SmallScaleInput{Period: r.Period, Sales3: sales3, Sales5: sales5, Individual: in.Individual})
	if err != nil {
		return VATSmallResult{}, ruleErr(err, "period")
	}
	r.Surcharges, err = rules.Surcharges(rules.SurchargeInput{Period: r.Period, Location: loc, VAT: r.VAT.TaxDue,
		Status: rules.TaxpayerStatus{SmallScale: in.SixTaxesTwoFees}})
	if err != nil {
		return VATSmallResult{}, ruleErr(err, "period")
	}
	r.Total = r.VAT.TaxDue + r.Surcharges.Payable
	r.Steps = vatSteps(r, sales3, sales5)
	return r, nil
}

// ruleErr turns a rules error into a field error: a period without
// parameters is the visitor's choice of period, anything else is a bug.
func ruleErr(err error, field string) error {
	if errors.Is(err, rules.ErrNoParam) {
		return apperr.InvalidField(field, "本计算器暂无该期间的政策参数，请选择其他期间")
	}
	return err
}

func vatSteps(r VATSmallResult, sales3, sales5 int64) []Step {
	v, s := r.VAT, r.Surcharges
	exempt := v.ExemptSmallBusiness + v.ExemptBelowThreshold
	threshold := v.Params.MonthlyThreshold
	unit := "月"
	if months, _ := r.Period.Months(); months == 3 {
		threshold, unit = v.Params.QuarterlyThreshold, "季度"
	}
	cmp := "不超过"
	if !v.Params.Inclusive {
		cmp = "未达到"
	}
	steps := []Step{
		{Label: "免税标准", Formula: fmt.Sprintf("按%s销售额%s %s 的部分免征增值税", unit, cmp, amt(threshold)), Value: yuan(threshold), Basis: v.Source},
		{Label: "销售额合计", Formula: "3% 征收率销售额 + 5% 征收率销售额", Value: yuan(sales3 + sales5)},
		{Label: "免税销售额", Formula: exemptLine(v), Value: yuan(exempt), Basis: v.Source},
		{Label: "免税额", Formula: "免税销售额 × 征收率（3% 或 5%）", Value: yuan(v.ExemptTax)},
		{Label: "应征增值税不含税销售额（3%）", Value: yuan(v.TaxableSales3)},
		{Label: "应征增值税不含税销售额（5%）", Value: yuan(v.TaxableSales5)},
		{Label: "本期应纳税额", Formula: "3% 部分 × 3% + 5% 部分 × 5%", Value: yuan(v.TaxPayable)},
		{Label: "本期应纳税额减征额", Formula: "3% 部分 × (3% − " + v.Params.Rate3.String() + ")，适用 " + v.Params.Rate3.String() + " 征收率", Value: yuan(v.Reduction), Basis: v.Source},
		{Label: "应纳增值税", Formula: "应纳税额 − 减征额", Value: yuan(v.TaxDue), Total: true},
	}
	sur := func(name string, l rules.SurchargeLine) Step {
		formula := fmt.Sprintf("%s × %s = %s", amt(l.Base), l.Rate, amt(l.Tax))
		if l.Reduction > 0 {
			formula += fmt.Sprintf("，减征 %s", amt(l.Reduction))
		}
		return Step{Label: name, Formula: formula, Value: yuan(l.Payable), Basis: l.Source}
	}
	steps = append(steps,
		sur("城市维护建设税", s.CityMaintenance),
		sur("教育费附加", s.Education),
		sur("地方教育附加", s.LocalEducation))
	relief := "未申报享受"
	if s.ReliefSource != "" {
		relief = "附加税费按 50% 减征"
	}
	steps = append(steps,
		Step{Label: "“六税两费”减征", Formula: relief, Value: yuan(s.CityMaintenance.Reduction + s.Education.Reduction + s.LocalEducation.Reduction), Basis: s.ReliefSource},
		Step{Label: "附加税费合计", Value: yuan(s.Payable), Total: true},
		Step{Label: "增值税及附加税费合计", Formula: "应纳增值税 + 附加税费", Value: yuan(r.Total), Total: true})
	return steps
}

func exemptLine(v rules.SmallScaleResult) string {
	switch {
	case v.TaxableSales3 == 0 && v.TaxableSales5 == 0 && v.ExemptSmallBusiness == 0 && v.ExemptBelowThreshold == 0:
		return "本期无销售额"
	case v.ExemptSmallBusiness > 0 && v.TaxableSales5 > 0:
		return "3% 部分未超过免税标准免征；5% 的不动产销售额照常计税"
	case v.ExemptSmallBusiness > 0:
		return "未超过免税标准，填入“小微企业免税销售额”"
	case v.ExemptBelowThreshold > 0:
		return "未超过免税标准，填入“未达起征点销售额”"
	}
	return "超过免税标准，全额计税"
}
