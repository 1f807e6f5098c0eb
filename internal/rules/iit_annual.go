package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// AnnualParams are the parameters of the annual reconciliation of
// comprehensive income (综合所得年度汇算).
type AnnualParams struct {
	Basic int64     // 减除费用: 60,000 a year
	Table RateTable // 综合所得税率表 (annual)
	// 大病医疗: the part of a year's medical costs borne by the person
	// (医保目录范围内的自付部分) above IllnessFloor is deducted, up to
	// IllnessCap, and only at the reconciliation.
	IllnessFloor, IllnessCap int64
	// No tax to pay is collected when the year's comprehensive income is
	// at most ExemptIncome or the tax to pay at most ExemptTax (a refund
	// is always paid).
	ExemptIncome, ExemptTax int64
	// OtherCap bounds the other deductions a person adds at the
	// reconciliation (补充其他扣除) in a year: 商业健康保险 2,400 a year
	// (财税〔2017〕39号), and from 2022 also 个人养老金 12,000 a year
	// (财政部 税务总局公告2022年第34号).
	OtherCap int64
}

var AnnualReconciliation = Schedule[AnnualParams]{
	Name: "综合所得年度汇算",
	Entries: []Param[AnnualParams]{
		{From: d("2019-01-01"), To: d("2021-12-31"),
			V: AnnualParams{Basic: 60_000 * yuan, Table: comprehensiveTable, IllnessFloor: 15_000 * yuan, IllnessCap: 80_000 * yuan,
				ExemptIncome: 120_000 * yuan, ExemptTax: 400 * yuan, OtherCap: 2_400 * yuan},
			Source: "个人所得税法 第三条、第六条、第十一条及税率表一；个人所得税法实施条例 第十三条、第二十五条；" +
				"个人所得税专项附加扣除暂行办法（国发〔2018〕41号）第十一条（大病医疗）；" +
				"财政部 税务总局公告2019年第94号（年度汇算补税免于办理的情形）；财税〔2017〕39号（商业健康保险每年2400元）"},
		{From: d("2022-01-01"), To: Forever,
			V: AnnualParams{Basic: 60_000 * yuan, Table: comprehensiveTable, IllnessFloor: 15_000 * yuan, IllnessCap: 80_000 * yuan,
				ExemptIncome: 120_000 * yuan, ExemptTax: 400 * yuan, OtherCap: 14_400 * yuan},
			Source: "个人所得税法 第三条、第六条、第十一条及税率表一；个人所得税法实施条例 第十三条、第二十五条；" +
				"个人所得税专项附加扣除暂行办法（国发〔2018〕41号）第十一条（大病医疗）；" +
				"财政部 税务总局公告2019年第94号、2023年第32号（年度汇算补税免于办理的情形，延续至2027年12月31日）；" +
				"财税〔2017〕39号（商业健康保险每年2400元）、财政部 税务总局公告2022年第34号（个人养老金每年12000元）"},
	},
}

// AnnualInput is one person's year of comprehensive income (wages here),
// in fen: the sums of what every withholding agent reported, and what the
// person adds at the reconciliation.
type AnnualInput struct {
	Year       int
	Income     int64 // 收入合计
	TaxFree    int64 // 免税收入
	Special    int64 // 专项扣除 (three insurances and the housing fund)
	Additional int64 // 专项附加扣除 claimed with the employers
	Other      int64 // 依法确定的其他扣除
	Withheld   int64 // 已预缴税额

	// At the reconciliation.
	MedicalPaid     int64 // 大病医疗: the year's self-paid medical costs within the insurance list
	AddedAdditional int64 // 专项附加扣除 not claimed with an employer (补充扣除)
	AddedOther      int64 // 其他扣除 not claimed with an employer
}

// AnnualResult is the reconciliation.
type AnnualResult struct {
	Basic       int64 // 减除费用
	Illness     int64 // 大病医疗扣除额
	Deductions  int64 // 专项扣除 + 专项附加扣除 (all) + 其他扣除
	Taxable     int64 // 应纳税所得额, never negative
	Bracket     Bracket
	Tax         int64 // 应纳税额
	Balance     int64 // 应纳税额 − 已预缴税额: > 0 to pay, < 0 to refund
	Exempt      bool  // a balance to pay that is waived (收入 ≤ 12万 or ≤ 400元)
	Due         int64 // 应补（退）税额: Balance, or 0 when Exempt
	ExemptWhy   string
	Source      string
	Withheld    int64
	TotalIncome int64 // 收入 − 免税收入
	Params      AnnualParams
}

// IllnessDeduction is the 大病医疗 deduction for a year's self-paid costs:
// the part above the floor, up to the cap (国发〔2018〕41号 第十一条).
func (p AnnualParams) IllnessDeduction(paid int64) int64 {
	return min(max(0, paid-p.IllnessFloor), p.IllnessCap)
}

// ReconcileAnnual computes the annual reconciliation: the year's income
// less 60,000, the special and special additional deductions (大病医疗
// only here) and the other deductions, taxed by the annual table, less
// the tax withheld (个人所得税法 第六条、第十一条).
func ReconcileAnnual(in AnnualInput) (AnnualResult, error) {
	for _, v := range []int64{in.Income, in.TaxFree, in.Special, in.Additional, in.Other, in.Withheld, in.MedicalPaid, in.AddedAdditional, in.AddedOther} {
		if v < 0 {
			return AnnualResult{}, errors.New("rules: annual amounts cannot be negative")
		}
	}
	if in.TaxFree > in.Income {
		return AnnualResult{}, fmt.Errorf("rules: tax-free income %d above income %d", in.TaxFree, in.Income)
	}
	e, err := AnnualReconciliation.At(calendar.MakeDate(in.Year, 12, 31))
	if err != nil {
		return AnnualResult{}, err
	}
	p := e.V
	r := AnnualResult{Basic: p.Basic, Illness: p.IllnessDeduction(in.MedicalPaid), Source: e.Source, Withheld: in.Withheld, Params: p,
		TotalIncome: in.Income - in.TaxFree}
	r.Deductions = in.Special + in.Additional + in.AddedAdditional + r.Illness + in.Other + in.AddedOther
	r.Taxable = max(0, r.TotalIncome-r.Basic-r.Deductions)
	r.Tax, r.Bracket = p.Table.Tax(r.Taxable)
	r.Balance = r.Tax - in.Withheld
	r.Due = r.Balance
	if r.Balance > 0 {
		switch {
		case r.TotalIncome <= p.ExemptIncome:
			r.Exempt, r.ExemptWhy = true, "年度综合所得收入不超过12万元，需补税的免于办理"
		case r.Balance <= p.ExemptTax:
			r.Exempt, r.ExemptWhy = true, "年度汇算需补税金额不超过400元，免于办理"
		}
		if r.Exempt {
			r.Due = 0
		}
	}
	return r, nil
}

// AnnualWindow is the filing window of the reconciliation of year y: 1
// March to 30 June of y+1 (个人所得税法 第十一条). Filing after it is still
// accepted as late (逾期办理; a tax to pay then bears the late fee).
func AnnualWindow(y int) (open, deadline calendar.Date) {
	return calendar.MakeDate(y+1, 3, 1), calendar.MakeDate(y+1, 6, 30)
}

// AnnualFilable says whether the reconciliation of year y may be filed on
// today: not before the window opens. It returns the reason in Chinese.
func AnnualFilable(y int, today calendar.Date) error {
	open, _ := AnnualWindow(y)
	if today.Before(open) {
		return fmt.Errorf("%d年度综合所得年度汇算自%d年3月1日起办理（个人所得税法第十一条），尚未开始", y, y+1)
	}
	return nil
}
