package iitannual

import (
	"fmt"
	"strings"

	"taxhall/internal/calc"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/iitrecords"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// Steps are the reconciliation's computation, from a return's values (the
// form's lines), in the calculators' shape: the form notes them, and the
// reconciliation page shows them under the result after filing.
func Steps(year int, v forms.Values) []calc.Step {
	y := func(f int64) string { return money.FormatYuan(f) + " 元" }
	n := money.FormatYuan
	total := v[LineIncome] - v[LineTaxFree]
	ded := v[LineBasic] + v[LineSpecial] + v[LineAdditional] + v[LineOther] + v[LineIllness] + v[LineAddedAdditional] + v[LineAddedOther]
	taxable := fmt.Sprintf("%s − %s", n(total), n(ded))
	if total < ded {
		taxable += "，不足扣除为 0"
	}
	steps := []calc.Step{
		{Label: "收入额", Formula: fmt.Sprintf("收入合计 %s − 免税收入 %s", n(v[LineIncome]), n(v[LineTaxFree])), Value: y(total)},
		{Label: "扣除合计", Formula: fmt.Sprintf("减除费用 %s + 专项扣除 %s + 专项附加扣除 %s + 其他扣除 %s + 大病医疗 %s + 补充专项附加扣除 %s + 补充其他扣除 %s",
			n(v[LineBasic]), n(v[LineSpecial]), n(v[LineAdditional]), n(v[LineOther]), n(v[LineIllness]), n(v[LineAddedAdditional]), n(v[LineAddedOther])),
			Value: y(ded)},
		{Label: "应纳税所得额", Formula: taxable, Value: y(v[LineTaxable])},
		{Label: "应纳税额", Formula: fmt.Sprintf("%s × %s − 速算扣除数 %s（综合所得税率表）", n(v[LineTaxable]), rules.Rate(v[LineRate]), n(v[LineQuick])),
			Value: y(v[LineTax])},
	}
	balance := v[LineTax] - v[LineWithheld]
	last := calc.Step{Formula: fmt.Sprintf("应纳税额 %s − 已预扣预缴 %s", n(v[LineTax]), n(v[LineWithheld])), Total: true}
	switch due := v[LineDue]; {
	case due > 0:
		last.Label, last.Value = "应补税额", y(due)
	case due < 0:
		last.Label, last.Value = "应退税额", y(-due)
		last.Formula = fmt.Sprintf("已预扣预缴 %s − 应纳税额 %s", n(v[LineWithheld]), n(v[LineTax]))
	case balance > 0:
		last.Label, last.Value = "无需补退", "0.00 元"
		last.Formula += " = " + n(balance)
		if e, err := rules.AnnualReconciliation.At(calendar.MakeDate(year, 12, 31)); err == nil {
			if total <= e.V.ExemptIncome {
				last.Formula += "；年度综合所得收入不超过" + strings.TrimSuffix(n(e.V.ExemptIncome), ".00") + "元，免于补税"
			} else {
				last.Formula += "；需补税金额不超过" + strings.TrimSuffix(n(e.V.ExemptTax), ".00") + "元，免于补税"
			}
		}
	default:
		last.Label, last.Value = "无需补退", "0.00 元"
	}
	return append(steps, last)
}

// StepText is a step in one line, for the form's notes.
func StepText(s calc.Step) string {
	return s.Label + " = " + s.Formula + " = " + s.Value
}

// sourceNotes say where the prefilled figures come from: each employer's
// months, income and tax withheld.
func sourceNotes(emp []iitrecords.EmployerSum) []string {
	var out []string
	for _, e := range emp {
		months := e.First
		if e.Last != e.First {
			months += " 至 " + e.Last
		}
		out = append(out, fmt.Sprintf("预填来源：%s（%s），%s 共 %d 个月，收入 %s 元，专项扣除 %s 元，专项附加扣除 %s 元，已预扣预缴 %s 元。",
			e.Name, e.Code, months, e.Months, money.FormatYuan(e.Income), money.FormatYuan(e.Special), money.FormatYuan(e.Additional), money.FormatYuan(e.Tax)))
	}
	return out
}
