package calc

import (
	"fmt"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// VATGeneralInput is what the general taxpayer VAT calculator takes, as
// typed: Period as for VATSmall, amounts in yuan (sales tax excluded).
type VATGeneralInput struct {
	Year, Period                   string
	Sales13, Sales9, Sales6        string
	Sales0, Exempt                 string
	Simplified3, Simplified5       string
	InputTax, Carried, Transferred string
	Reductions, Prepaid            string
	Location                       string
}

// VATGeneralResult is the answer: the rules' results and the steps shown.
type VATGeneralResult struct {
	Period     rules.Period
	PeriodName string
	VAT        rules.GeneralVATResult
	Surcharges rules.SurchargeResult
	Total      int64 // VAT payable (line 24) + surcharges
	Steps      []Step
}

// VATGeneral computes a general taxpayer's VAT with rules.GeneralVAT and
// its surcharges with rules.Surcharges on line 24 (a general taxpayer is
// not small-scale; the "六税两费" relief is not offered here).
func VATGeneral(in VATGeneralInput) (VATGeneralResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r VATGeneralResult
	if _, bad := f["year"]; !bad {
		r.Period, r.PeriodName = parsePeriod(f, year, in.Period)
	}
	g := rules.GeneralVATInput{
		Sales13:        parseYuan(f, "sales13", in.Sales13, true),
		Sales9:         parseYuan(f, "sales9", in.Sales9, true),
		Sales6:         parseYuan(f, "sales6", in.Sales6, true),
		Sales0:         parseYuan(f, "sales0", in.Sales0, true),
		Exempt:         parseYuan(f, "exempt", in.Exempt, true),
		Simplified3:    parseYuan(f, "simplified3", in.Simplified3, true),
		Simplified5:    parseYuan(f, "simplified5", in.Simplified5, true),
		InputTax:       parseYuan(f, "input_tax", in.InputTax, true),
		CarriedCredit:  parseYuan(f, "carried", in.Carried, true),
		TransferredOut: parseYuan(f, "transferred", in.Transferred, true),
		Reductions:     parseYuan(f, "reductions", in.Reductions, true),
		Prepaid:        parseYuan(f, "prepaid", in.Prepaid, true),
	}
	loc, ok := locationOf[in.Location]
	if !ok {
		f.Add("location", "请选择纳税人所在地")
	}
	if _, bad := f["transferred"]; !bad && g.TransferredOut > g.InputTax+g.CarriedCredit {
		f.Add("transferred", "进项税额转出不能超过本期进项税额与上期留抵税额之和")
	}
	if err := f.Err(); err != nil {
		return VATGeneralResult{}, err
	}
	g.Period = r.Period
	var err error
	r.VAT, err = rules.GeneralVAT(g)
	if err != nil {
		return VATGeneralResult{}, ruleErr(err, "period")
	}
	r.Surcharges, err = rules.Surcharges(rules.SurchargeInput{Period: r.Period, Location: loc, VAT: max(r.VAT.TaxTotal, 0)})
	if err != nil {
		return VATGeneralResult{}, ruleErr(err, "period")
	}
	r.Total = r.VAT.TaxTotal + r.Surcharges.Payable
	r.Steps = vatGeneralSteps(r)
	return r, nil
}

func vatGeneralSteps(r VATGeneralResult) []Step {
	v, s := r.VAT, r.Surcharges
	out := func(label string, l rules.OutputLine) Step {
		return Step{Label: label, Formula: fmt.Sprintf("%s × %s", amt(l.Sales), l.Rate), Value: yuan(l.Tax), Basis: v.Source}
	}
	steps := []Step{
		out("销项税额（"+v.Rates.Basic.String()+"）", v.Out13),
		out("销项税额（"+v.Rates.Lower.String()+"）", v.Out9),
		out("销项税额（"+v.Rates.Services.String()+"）", v.Out6),
		{Label: "免、抵、退办法出口销售额", Formula: "出口货物、跨境应税行为适用零税率，不计销项税额", Value: yuan(v.ExportSales)},
		{Label: "免税销售额", Formula: "免征增值税，不计销项税额", Value: yuan(v.ExemptSales)},
		{Label: "销项税额合计（第11栏）", Formula: "按税率分别计算、各自四舍五入到分后相加", Value: yuan(v.OutputTax)},
		{Label: "进项税额（第12栏）", Value: yuan(v.InputTax)},
		{Label: "上期留抵税额（第13栏）", Value: yuan(v.CarriedCredit)},
		{Label: "进项税额转出（第14栏）", Value: yuan(v.TransferredOut)},
		{Label: "应抵扣税额合计（第17栏）", Formula: "进项税额 + 上期留抵税额 − 进项税额转出", Value: yuan(v.Deductible)},
		{Label: "实际抵扣税额（第18栏）", Formula: "应抵扣税额合计与销项税额合计中较小者", Value: yuan(v.Deducted)},
		{Label: "一般计税应纳税额（第19栏）", Formula: "销项税额 − 实际抵扣税额", Value: yuan(v.GeneralTax), Basis: v.Source},
		{Label: "期末留抵税额（第20栏）", Formula: "应抵扣税额合计 − 实际抵扣税额，结转下期继续抵扣", Value: yuan(v.CreditForward)},
		{Label: "简易计税办法计算的应纳税额（第21栏）",
			Formula: fmt.Sprintf("%s × %s + %s × %s", amt(v.Simplified3.Sales), v.Simplified3.Rate, amt(v.Simplified5.Sales), v.Simplified5.Rate),
			Value:   yuan(v.SimplifiedTax), Basis: v.SimplifiedSource},
	}
	red := Step{Label: "应纳税额减征额（第23栏）", Value: yuan(v.Reductions)}
	if v.ReductionsForward > 0 {
		red.Formula = "超过第19栏与第21栏之和的部分 " + amt(v.ReductionsForward) + " 元结转下期继续抵减"
	}
	steps = append(steps, red,
		Step{Label: "应纳税额合计（第24栏）", Formula: "第19栏 + 第21栏 − 第23栏", Value: yuan(v.TaxTotal), Total: true},
		Step{Label: "分次预缴税额（第28栏）", Value: yuan(v.Prepaid)},
		Step{Label: "本期应补（退）税额（第34栏）", Formula: "应纳税额合计 − 分次预缴税额", Value: yuan(v.Balance), Total: true})
	sur := func(name string, l rules.SurchargeLine) Step {
		return Step{Label: name, Formula: fmt.Sprintf("%s × %s", amt(l.Base), l.Rate), Value: yuan(l.Payable), Basis: l.Source}
	}
	steps = append(steps,
		sur("城市维护建设税", s.CityMaintenance),
		sur("教育费附加", s.Education),
		sur("地方教育附加", s.LocalEducation),
		Step{Label: "附加税费合计", Formula: "计税依据为应纳税额合计（第24栏）", Value: yuan(s.Payable), Total: true},
		Step{Label: "增值税及附加税费合计", Formula: "应纳税额合计 + 附加税费", Value: yuan(r.Total), Total: true})
	return steps
}
