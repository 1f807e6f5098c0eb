// Package iitannual is the annual reconciliation of an individual's
// comprehensive income (综合所得年度汇算): a natural person files it for a
// year from 1 March to 30 June of the next (later as 逾期办理), prefilled
// from every line the employers in the hall withheld for them
// (iitrecords), adding the deductions claimed only at the year end
// (大病医疗) or not claimed with an employer. It is a form definition
// filed through package returns, so the acceptance, history, correction
// and the liability (a tax to pay is an ordinary unpaid liability that the
// payment capability settles) come with it; a refund is recorded as a
// refund request (iit_refund_requests) for the approval workflow.
package iitannual

import (
	"context"
	"fmt"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/iitrecords"
	"taxhall/internal/money"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// FormCode is the reconciliation's form code.
const FormCode = "iit_annual"

// TaxType is the tax type its returns and liabilities carry.
const TaxType = "iit_annual"

// Lines of the form (个人所得税年度自行纳税申报表（A表）, simplified to
// wages: the official form numbers its lines 1–40 over every kind of
// comprehensive income; these follow its order).
const (
	LineIncome          = "1"  // 收入合计
	LineTaxFree         = "2"  // 免税收入
	LineBasic           = "3"  // 减除费用
	LineSpecial         = "4"  // 专项扣除
	LineAdditional      = "5"  // 专项附加扣除（扣缴时已扣除）
	LineOther           = "6"  // 其他扣除（扣缴时已扣除）
	LineMedicalPaid     = "7"  // 大病医疗支出（自付）
	LineIllness         = "8"  // 大病医疗扣除额
	LineAddedAdditional = "9"  // 补充专项附加扣除
	LineAddedOther      = "10" // 补充其他扣除
	LineTaxable         = "11" // 应纳税所得额
	LineRate            = "12" // 税率
	LineQuick           = "13" // 速算扣除数
	LineTax             = "14" // 应纳税额
	LineWithheld        = "15" // 已缴税额
	LineDue             = "16" // 应补（退）税额
)

// Form is the reconciliation form.
var Form = forms.Register(&forms.Form{
	Code:    FormCode,
	Name:    "个人所得税年度自行纳税申报表（A表）（综合所得年度汇算）",
	Short:   "个人所得税综合所得年度汇算",
	Basis:   "国家税务总局公告2019年第46号",
	TaxType: TaxType,
	Periods: []string{"year"},
	Columns: []forms.Column{{Code: "", Name: "金额"}},
	Lines: []forms.Line{
		{No: LineIncome, Name: "收入合计（工资、薪金）", Kinds: "C", Section: "一、收入和扣除（根据扣缴义务人申报的数据预填）"},
		{No: LineTaxFree, Name: "免税收入", Kinds: "C"},
		{No: LineBasic, Name: "减除费用", Kinds: "C", Hint: "每年6万元"},
		{No: LineSpecial, Name: "专项扣除", Kinds: "C", Hint: "基本养老保险费、基本医疗保险费、失业保险费、住房公积金"},
		{No: LineAdditional, Name: "专项附加扣除（预扣时已扣除）", Kinds: "C"},
		{No: LineOther, Name: "其他扣除（预扣时已扣除）", Kinds: "C"},
		{No: LineMedicalPaid, Name: "大病医疗支出（医保目录范围内个人自付部分）", Kinds: "E", Section: "二、年度汇算时补充的扣除",
			Hint: "全年累计自付金额；超过1.5万元的部分在8万元限额内扣除，只能在年度汇算时扣除"},
		{No: LineIllness, Name: "大病医疗扣除额", Kinds: "C"},
		{No: LineAddedAdditional, Name: "补充专项附加扣除", Kinds: "E", Hint: "在单位预扣时未享受的子女教育、赡养老人、住房租金等，按全年标准填写"},
		{No: LineAddedOther, Name: "补充其他扣除", Kinds: "E", Hint: "如商业健康保险、个人养老金等，按规定的限额填写"},
		{No: LineTaxable, Name: "应纳税所得额", Kinds: "C", Section: "三、税款计算"},
		{No: LineRate, Name: "税率", Kinds: "C", Unit: forms.UnitPercent},
		{No: LineQuick, Name: "速算扣除数", Kinds: "C"},
		{No: LineTax, Name: "应纳税额", Kinds: "C"},
		{No: LineWithheld, Name: "已缴税额（扣缴义务人预扣预缴）", Kinds: "C"},
		{No: LineDue, Name: "应补（退）税额", Kinds: "C", Signed: true, Hint: "正数为应补税额，负数为应退税额"},
	},
	Compute: compute,
})

// Prefill is what the loader gives the form: the person's year from the
// withholding records.
type Prefill struct {
	Totals    iitrecords.Totals
	Employers []iitrecords.EmployerSum
}

func init() {
	returns.RegisterLoader(FormCode, load)
	returns.RegisterGate(FormCode, gate)
	returns.RegisterAcceptHook(FormCode, recordRefund)
}

// load totals the person's withheld lines of the year.
func load(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (any, error) {
	id, err := iitrecords.ResidentIDOf(ctx, q, taxpayerID)
	if err != nil {
		return nil, err
	}
	lines, err := iitrecords.YearLines(ctx, q, id, p.Start.Y)
	if err != nil {
		return nil, err
	}
	return Prefill{Totals: iitrecords.Sum(lines), Employers: iitrecords.ByEmployer(lines)}, nil
}

// gate lets a natural person file a whole past year from 1 March of the
// next year on; the deadline is 30 June.
func gate(t *taxpayer.Taxpayer, p rules.Period, today calendar.Date) (calendar.Deadline, error) {
	if t.Kind != taxpayer.Individual {
		return calendar.Deadline{}, apperr.New(apperr.Invalid, "综合所得年度汇算由自然人本人办理")
	}
	if p != rules.Year(p.Start.Y) {
		return calendar.Deadline{}, apperr.New(apperr.Invalid, "年度汇算按纳税年度办理")
	}
	if err := rules.AnnualFilable(p.Start.Y, today); err != nil {
		return calendar.Deadline{}, apperr.New(apperr.Invalid, err.Error())
	}
	_, dl := rules.AnnualWindow(p.Start.Y)
	return calendar.Deadline{Month: calendar.MonthOf(dl), Date: dl, Source: calendar.Official}, nil
}

func compute(_ *forms.Form, in forms.Input) (forms.Output, error) {
	pre, _ := in.Extra.(Prefill)
	t := pre.Totals
	e := in.Entered
	r, err := rules.ReconcileAnnual(rules.AnnualInput{Year: in.Period.Start.Y, Income: t.Income, TaxFree: t.TaxFree, Special: t.Special,
		Additional: t.Additional, Other: t.Other, Withheld: t.Tax,
		MedicalPaid: e[LineMedicalPaid], AddedAdditional: e[LineAddedAdditional], AddedOther: e[LineAddedOther]})
	if err != nil {
		return forms.Output{}, err
	}
	out := forms.Output{Values: forms.Values{
		LineIncome: t.Income, LineTaxFree: t.TaxFree, LineBasic: r.Basic, LineSpecial: t.Special, LineAdditional: t.Additional,
		LineOther: t.Other, LineMedicalPaid: e[LineMedicalPaid], LineIllness: r.Illness, LineAddedAdditional: e[LineAddedAdditional],
		LineAddedOther: e[LineAddedOther], LineTaxable: r.Taxable, LineRate: int64(r.Bracket.Rate), LineQuick: r.Bracket.Quick,
		LineTax: r.Tax, LineWithheld: t.Tax, LineDue: r.Due},
		TaxDue: r.Due, Basis: []string{r.Source}}
	out.Notes = append(out.Notes, fmt.Sprintf("预填数据：%d 个扣缴义务人、%d 个月的工资薪金扣缴申报。", t.Employers, t.Months))
	out.Notes = append(out.Notes, sourceNotes(pre.Employers)...)
	if m := e[LineMedicalPaid]; m > 0 && r.Illness == 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("大病医疗自付金额 %s 元未超过 %s 元，不能扣除（超过部分才可扣除）。",
			money.FormatYuan(m), money.FormatYuan(r.Params.IllnessFloor)))
	} else if m > r.Params.IllnessFloor+r.Params.IllnessCap {
		out.Notes = append(out.Notes, fmt.Sprintf("大病医疗扣除额以 %s 元为限。", money.FormatYuan(r.Params.IllnessCap)))
	}
	for i, s := range Steps(in.Period.Start.Y, out.Values) {
		out.Notes = append(out.Notes, fmt.Sprintf("计算第%d步：%s", i+1, StepText(s)))
	}
	switch {
	case r.Exempt:
		out.Notes = append(out.Notes, fmt.Sprintf("结果：按规定应补税 %s 元，%s，无需补缴。", money.FormatYuan(r.Balance), r.ExemptWhy))
	case r.Due > 0:
		out.Notes = append(out.Notes, fmt.Sprintf("结果：应补税 %s 元，申报后请在6月30日前缴纳（可在“我的办税”的应缴未缴税款中查看）。", money.FormatYuan(r.Due)))
	case r.Due < 0:
		out.Notes = append(out.Notes, fmt.Sprintf("结果：应退税 %s 元，申报后将生成退税申请，由税务机关审核后退还。", money.FormatYuan(-r.Due)))
	default:
		out.Notes = append(out.Notes, "结果：无需补税，也无税可退。")
	}
	f := apperr.Fields{}
	if e[LineAddedOther] > r.Params.OtherCap {
		f[LineAddedOther] = fmt.Sprintf("补充其他扣除每年最多 %s 元（商业健康保险每年2400元%s），请按实际缴纳且不超过限额填写",
			money.FormatYuan(r.Params.OtherCap), map[bool]string{true: "、个人养老金每年12000元", false: ""}[r.Params.OtherCap > 2_400_00])
	}
	if t.Months == 0 {
		f[LineIncome] = "本年度没有扣缴义务人为您申报的工资薪金记录，无需办理年度汇算"
	}
	if len(f) > 0 {
		out.Fields = f
	}
	return out, nil
}
