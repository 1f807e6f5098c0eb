package iitannual

import (
	"fmt"
	"strings"

	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/iitrecords"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// Steps are the reconciliation's computation in words, from a return's
// values (the form's lines): what the person sees under the result, on
// the form and on the reconciliation page after filing.
func Steps(year int, v forms.Values) []string {
	y := money.FormatYuan
	total := v[LineIncome] - v[LineTaxFree]
	ded := v[LineBasic] + v[LineSpecial] + v[LineAdditional] + v[LineOther] + v[LineIllness] + v[LineAddedAdditional] + v[LineAddedOther]
	steps := []string{
		fmt.Sprintf("收入额 = 收入合计 %s − 免税收入 %s = %s 元", y(v[LineIncome]), y(v[LineTaxFree]), y(total)),
		fmt.Sprintf("扣除合计 = 减除费用 %s + 专项扣除 %s + 专项附加扣除 %s + 其他扣除 %s + 大病医疗 %s + 补充专项附加扣除 %s + 补充其他扣除 %s = %s 元",
			y(v[LineBasic]), y(v[LineSpecial]), y(v[LineAdditional]), y(v[LineOther]), y(v[LineIllness]), y(v[LineAddedAdditional]),
			y(v[LineAddedOther]), y(ded)),
	}
	taxable := fmt.Sprintf("应纳税所得额 = %s − %s = %s 元", y(total), y(ded), y(v[LineTaxable]))
	if total < ded {
		taxable = fmt.Sprintf("应纳税所得额 = %s − %s，不足扣除，为 0 元", y(total), y(ded))
	}
	steps = append(steps, taxable,
		fmt.Sprintf("应纳税额 = %s × %s − 速算扣除数 %s = %s 元（综合所得税率表）", y(v[LineTaxable]), rules.Rate(v[LineRate]), y(v[LineQuick]), y(v[LineTax])))
	balance := v[LineTax] - v[LineWithheld]
	last := fmt.Sprintf("应纳税额 %s − 已预扣预缴 %s = %s 元", y(v[LineTax]), y(v[LineWithheld]), y(balance))
	switch due := v[LineDue]; {
	case due > 0:
		last += "：应补税 " + y(due) + " 元"
	case due < 0:
		last += "：应退税 " + y(-due) + " 元"
	case balance > 0:
		why := "需补税金额不超过400元"
		if e, err := rules.AnnualReconciliation.At(calendar.MakeDate(year, 12, 31)); err == nil {
			if total <= e.V.ExemptIncome {
				why = "年度综合所得收入不超过" + strings.TrimSuffix(y(e.V.ExemptIncome), ".00") + "元"
			} else {
				why = "需补税金额不超过" + strings.TrimSuffix(y(e.V.ExemptTax), ".00") + "元"
			}
		}
		last += "：" + why + "，免于补税，无需补退"
	default:
		last += "：无需补退"
	}
	return append(steps, last)
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
