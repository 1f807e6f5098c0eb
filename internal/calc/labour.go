package calc

import (
	"math"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

// LabourInput is what the labour remuneration calculator takes, as typed:
// the date paid (年-月-日) and the income of that payment in yuan.
type LabourInput struct {
	Paid, Income string
}

// LabourResult is rules.WithholdLabour's answer with the steps shown.
type LabourResult struct {
	Paid   calendar.Date
	Labour rules.LabourResult
	Steps  []Step
}

// Labour computes the withholding on one payment of labour remuneration
// (劳务报酬) with rules.WithholdLabour (国家税务总局公告2018年第61号 第二条).
func Labour(in LabourInput) (LabourResult, error) {
	f := apperr.Fields{}
	paid := parseDate(f, "paid", in.Paid, "支付日期")
	income := parseYuan(f, "income", in.Income, false)
	if err := f.Err(); err != nil {
		return LabourResult{}, err
	}
	res, err := rules.WithholdLabour(paid, income)
	if err != nil {
		return LabourResult{}, ruleErr(err, "paid")
	}
	r := LabourResult{Paid: paid, Labour: res}
	deduction := "每次收入不超过 4,000 元的，减除费用 800 元（收入不足 800 元的，以收入为限）"
	if income > 4_000*100 {
		deduction = "每次收入 4,000 元以上的，减除费用按收入的 20% 计算"
	}
	b := res.Bracket
	upTo := "超过 50,000 元的部分"
	if b.UpTo != math.MaxInt64 {
		upTo = "不超过 " + amt(b.UpTo) + " 元"
	}
	r.Steps = []Step{
		{Label: "每次收入", Value: yuan(income)},
		{Label: "减除费用", Formula: deduction, Value: yuan(res.Deduction), Basis: res.Source},
		{Label: "预扣预缴应纳税所得额", Formula: "收入 − 减除费用", Value: yuan(res.Taxable)},
		{Label: "预扣率", Formula: "预扣率表二：应纳税所得额" + upTo, Value: b.Rate.String(), Basis: res.Source},
		{Label: "速算扣除数", Value: yuan(b.Quick)},
		{Label: "应预扣预缴税额", Formula: "应纳税所得额 × 预扣率 − 速算扣除数", Value: yuan(res.Tax), Total: true},
		{Label: "税后收入", Formula: "收入 − 应预扣预缴税额", Value: yuan(income - res.Tax)},
	}
	return r, nil
}

// LateFeeInput is what the late fee calculator takes, as typed: the tax
// unpaid in yuan, the last day to pay (缴款期限) and the day paid.
type LateFeeInput struct {
	Unpaid, Deadline, Paid string
}

// LateFeeResult is rules.LateFee's answer with the steps shown.
type LateFeeResult struct {
	Unpaid         int64
	Deadline, Paid calendar.Date
	Fee            rules.LateFeeResult
	Steps          []Step
}

// LateFee computes the late fee on unpaid tax with rules.LateFee (税收征收
// 管理法 第三十二条: 万分之五 a day from the day after the deadline through
// the day of payment).
func LateFee(in LateFeeInput) (LateFeeResult, error) {
	f := apperr.Fields{}
	unpaid := parseYuan(f, "unpaid", in.Unpaid, false)
	deadline := parseDate(f, "deadline", in.Deadline, "缴款期限")
	paid := parseDate(f, "paid", in.Paid, "实际缴纳日期")
	if err := f.Err(); err != nil {
		return LateFeeResult{}, err
	}
	res, err := rules.LateFee(unpaid, deadline, paid)
	if err != nil {
		return LateFeeResult{}, ruleErr(err, "deadline")
	}
	r := LateFeeResult{Unpaid: unpaid, Deadline: deadline, Paid: paid, Fee: res}
	if res.Days == 0 {
		r.Steps = []Step{
			{Label: "滞纳天数", Formula: "在缴款期限内（含当日）缴纳，或没有欠缴税款，不加收滞纳金", Value: "0 天", Basis: "税收征收管理法 第三十二条"},
			{Label: "滞纳金", Value: yuan(0), Total: true},
		}
		return r, nil
	}
	r.Steps = []Step{
		{Label: "欠缴税款", Value: yuan(unpaid)},
		{Label: "滞纳天数", Formula: "自缴款期限届满次日 " + deadline.AddDays(1).String() + " 起至缴纳之日 " + paid.String() + " 止，首尾均计入",
			Value: strconv.Itoa(res.Days) + " 天", Basis: res.Source},
		{Label: "日加收率", Formula: "按日加收滞纳税款万分之五", Value: res.Rate.String(), Basis: res.Source},
		{Label: "滞纳金", Formula: "欠缴税款 × 万分之五 × 滞纳天数，四舍五入到分", Value: yuan(res.Fee), Total: true},
		{Label: "税款与滞纳金合计", Value: yuan(unpaid + res.Fee)},
	}
	return r, nil
}
