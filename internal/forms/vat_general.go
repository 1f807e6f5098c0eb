package forms

import (
	"fmt"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// The columns of the general taxpayer's main table that the hall files:
// the 一般项目 columns, this period (本期数: the printed form.s 本月数, a
// quarter for a quarterly filer) and year to date. The 即征即退项目 columns are left out:
// the hall does not handle the immediate-refund regimes (software, resource
// recycling …), whose taxpayers file at the service hall.
var vatGeneralColumns = []Column{
	{"period", "本期数"},
	{"ytd", "本年累计"},
}

// VATGeneral is the main table (主表) of 增值税及附加税费申报表（一般纳税人
// 适用）, 国家税务总局公告2021年第20号, with the surcharges on lines 39–41.
//
// The line numbers and names are the official ones. What the main table
// takes from its annexes, which the hall does not implement yet, is
// entered here instead:
//   - lines 1a–1c and 5a–5b split lines 1 and 5 by rate (附列资料（一）
//     第1–5行 and 第8–12行): they are not 栏次 of the main table, the
//     output tax of line 11 and the tax of line 21 are computed from them;
//   - line 12 (进项税额, 附列资料（二）第12栏) and line 23 (应纳税额减征额,
//     附列资料（四）) are entered as totals.
//
// Lines the rules do not support are shown greyed out with a hint (15, 16,
// 22: export refunds and tax inspection adjustments) or left out (25–27,
// 29–33, 35–38: the payment reconciliation, which comes from the tax
// ledger, not from the taxpayer). Line 13 is never typed: it is line 20 of
// the previous period's accepted return (CarryKeys).
var VATGeneral = register(&Form{
	Code:      "vat_general",
	Name:      "增值税及附加税费申报表（一般纳税人适用）",
	Short:     "增值税及附加税费（一般纳税人）",
	Basis:     "国家税务总局公告2021年第20号",
	TaxType:   "vat_general",
	Periods:   []string{"month", "quarter"},
	Columns:   vatGeneralColumns,
	Zero:      true,
	Lines:     vatGeneralLines,
	PriorKeys: ytdKeys(vatGeneralLines, "period", 1),
	CarryKeys: map[string]string{"20.period": "13.period"},
	Compute:   computeVATGeneral,
})

var vatGeneralLines = []Line{
	{No: "1", Name: "（一）按适用税率计税销售额", Kinds: "CC", Section: "销售额", Hint: "1=1a+1b+1c"},
	{No: "1a", Name: "适用13%税率的销售额", Kinds: "EC", Indent: 1,
		Hint: "按税率填写（附列资料（一）第1、2行）：13%税率的货物、加工修理修配劳务和有形动产租赁服务"},
	{No: "1b", Name: "适用9%税率的销售额", Kinds: "EC", Indent: 1,
		Hint: "附列资料（一）第3、4行：农产品等货物，交通运输、建筑、不动产租赁和销售等"},
	{No: "1c", Name: "适用6%税率的销售额", Kinds: "EC", Indent: 1, Hint: "附列资料（一）第5行：现代服务、金融服务、生活服务等"},
	{No: "2", Name: "其中：应税货物销售额", Kinds: "EC", Indent: 1},
	{No: "3", Name: "应税劳务销售额", Kinds: "EC", Indent: 1, Hint: "加工、修理修配劳务"},
	{No: "4", Name: "纳税检查调整的销售额", Kinds: "EC", Indent: 1},
	{No: "5", Name: "（二）按简易办法计税销售额", Kinds: "CC", Hint: "5=5a+5b"},
	{No: "5a", Name: "适用3%征收率的销售额", Kinds: "EC", Indent: 1, Hint: "附列资料（一）第11、12行"},
	{No: "5b", Name: "适用5%征收率的销售额", Kinds: "EC", Indent: 1, Hint: "附列资料（一）第9a、9b行：销售、出租营改增前取得的不动产等"},
	{No: "6", Name: "其中：纳税检查调整的销售额", Kinds: "EC", Indent: 1},
	{No: "7", Name: "（三）免、抵、退办法出口销售额", Kinds: "EC", Hint: "适用零税率，不计销项税额"},
	{No: "8", Name: "（四）免税销售额", Kinds: "EC"},
	{No: "9", Name: "其中：免税货物销售额", Kinds: "EC", Indent: 1},
	{No: "10", Name: "免税劳务销售额", Kinds: "EC", Indent: 1},
	{No: "11", Name: "销项税额", Kinds: "CC", Section: "税款计算", Hint: "按第1a、1b、1c栏分别乘以税率，各自四舍五入到分后相加"},
	{No: "12", Name: "进项税额", Kinds: "EC", Hint: "本期申报抵扣的进项税额合计（附列资料（二）第12栏）"},
	{No: "13", Name: "上期留抵税额", Kinds: "C-", Hint: "按上一所属期已受理申报表第20栏“期末留抵税额”自动带出，不能修改"},
	{No: "14", Name: "进项税额转出", Kinds: "EC"},
	{No: "15", Name: "免、抵、退应退税额", Kinds: "--", Hint: "网上办税厅暂不办理免抵退税，本栏不填"},
	{No: "16", Name: "按适用税率计算的纳税检查应补缴税额", Kinds: "--", Hint: "纳税检查补税请到办税服务厅办理，本栏不填"},
	{No: "17", Name: "应抵扣税额合计", Kinds: "C-", Hint: "17=12+13-14-15+16"},
	{No: "18", Name: "实际抵扣税额", Kinds: "CC", Hint: "第17栏小于第11栏时为第17栏，否则为第11栏"},
	{No: "19", Name: "应纳税额", Kinds: "CC", Hint: "19=11-18"},
	{No: "20", Name: "期末留抵税额", Kinds: "C-", Hint: "20=17-18，结转下期自动带入第13栏"},
	{No: "21", Name: "简易计税办法计算的应纳税额", Kinds: "CC", Hint: "按第5a、5b栏分别乘以征收率"},
	{No: "22", Name: "按简易计税办法计算的纳税检查应补缴税额", Kinds: "--", Hint: "纳税检查补税请到办税服务厅办理，本栏不填"},
	{No: "23", Name: "应纳税额减征额", Kinds: "EC",
		Hint: "如税控系统专用设备费和技术维护费；超过第19栏与第21栏之和的，按两栏之和计入，其余结转下期"},
	{No: "24", Name: "应纳税额合计", Kinds: "CC", Hint: "24=19+21-23"},
	{No: "28", Name: "①分次预缴税额", Kinds: "EC", Section: "税款缴纳",
		Hint: "跨地区建筑服务、出租或销售不动产等已预缴、可在本期抵减的税款，按本期实际可抵减数填写"},
	{No: "34", Name: "本期应补（退）税额", Kinds: "C-", Hint: "34=24-28-29（第29栏出口开具专用缴款书预缴税额本厅不办理）"},
	{No: "39", Name: "城市维护建设税本期应补（退）税额", Kinds: "CC", Section: "附加税费",
		Hint: "以第34栏为计税依据；小型微利企业、个体工商户按“六税两费”减半"},
	{No: "40", Name: "教育费附加本期应补（退）费额", Kinds: "CC"},
	{No: "41", Name: "地方教育附加本期应补（退）费额", Kinds: "CC"},
}

// ytdKeys lists the cells in column col of the lines whose column ytd is
// not absent: the cells summed into the year to date.
func ytdKeys(lines []Line, col string, ytd int) []string {
	var keys []string
	for _, l := range lines {
		if l.Kinds[ytd] != Absent {
			keys = append(keys, Key(l.No, col))
		}
	}
	return keys
}

func computeVATGeneral(f *Form, in Input) (Output, error) {
	e := in.Entered
	k := func(no string) string { return Key(no, "period") }
	// The totals the 其中 lines are checked against.
	v := Values{}
	for _, no := range []string{"1a", "1b", "1c", "2", "3", "4", "5a", "5b", "6", "7", "8", "9", "10", "12", "14", "23", "28"} {
		v[k(no)] = e[k(no)]
	}
	v[k("1")] = e[k("1a")] + e[k("1b")] + e[k("1c")]
	v[k("5")] = e[k("5a")] + e[k("5b")]
	v[k("13")] = in.Prior[k("13")]

	errs := apperr.Fields{}
	for _, part := range []string{"2", "3", "4"} {
		notLarger(f, errs, v, k(part), k("1"))
	}
	if _, bad := errs[k("3")]; !bad && v[k("2")]+v[k("3")] > v[k("1")] {
		errs.Add(k("3"), fmt.Sprintf("第2栏与第3栏合计 %s 不能大于%s %s（货物和劳务都是按适用税率计税销售额的一部分）",
			money.FormatYuan(v[k("2")]+v[k("3")]), f.Label(k("1")), money.FormatYuan(v[k("1")])))
	}
	notLarger(f, errs, v, k("6"), k("5"))
	notLarger(f, errs, v, k("9"), k("8"))
	notLarger(f, errs, v, k("10"), k("8"))
	if _, bad := errs[k("10")]; !bad && v[k("9")]+v[k("10")] > v[k("8")] {
		errs.Add(k("10"), fmt.Sprintf("第9栏与第10栏合计 %s 不能大于%s %s",
			money.FormatYuan(v[k("9")]+v[k("10")]), f.Label(k("8")), money.FormatYuan(v[k("8")])))
	}
	if v[k("14")] > v[k("12")]+v[k("13")] {
		errs.Add(k("14"), fmt.Sprintf("%s 进项税额转出 %s 不能大于第12栏进项税额 %s 与第13栏上期留抵税额 %s 之和 %s",
			f.Label(k("14")), money.FormatYuan(v[k("14")]), money.FormatYuan(v[k("12")]), money.FormatYuan(v[k("13")]),
			money.FormatYuan(v[k("12")]+v[k("13")])))
	}
	if len(errs) > 0 {
		return Output{Values: v, Fields: errs}, nil
	}

	r, err := rules.GeneralVAT(rules.GeneralVATInput{Period: in.Period,
		Sales13: v[k("1a")], Sales9: v[k("1b")], Sales6: v[k("1c")], Sales0: v[k("7")],
		Simplified3: v[k("5a")], Simplified5: v[k("5b")], Exempt: v[k("8")],
		InputTax: v[k("12")], CarriedCredit: v[k("13")], TransferredOut: v[k("14")],
		Reductions: v[k("23")], Prepaid: v[k("28")]})
	if err != nil {
		return Output{}, err
	}
	out := Output{Values: v, Basis: []string{r.Source}}
	if r.SimplifiedSales > 0 {
		out.Basis = append(out.Basis, r.SimplifiedSource)
	}
	v[k("11")] = r.OutputTax
	v[k("17")] = r.Deductible
	v[k("18")] = r.Deducted
	v[k("19")] = r.GeneralTax
	v[k("20")] = r.CreditForward
	v[k("21")] = r.SimplifiedTax
	v[k("23")] = r.Reductions
	v[k("24")] = r.TaxTotal
	// 分次预缴税额 is filled with what can be set off this period
	// (填报说明 第28栏); more is carried forward on the prepayment annex.
	if r.Prepaid > r.TaxTotal {
		errs.Add(k("28"), fmt.Sprintf("%s 分次预缴税额 %s 不能大于第24栏应纳税额合计 %s（按本期实际可抵减数填写，不足抵减部分结转下期继续抵减）",
			f.Label(k("28")), money.FormatYuan(r.Prepaid), money.FormatYuan(r.TaxTotal)))
		out.Fields = errs
		return out, nil
	}
	v[k("34")] = r.Balance

	if r.ReductionsForward > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("本期减征额 %s 元超过第19栏与第21栏之和，第23栏按 %s 元计入，其余 %s 元结转下期继续抵减。",
			money.FormatYuan(r.Reductions+r.ReductionsForward), money.FormatYuan(r.Reductions), money.FormatYuan(r.ReductionsForward)))
	}
	if r.CreditForward > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("期末留抵税额 %s 元结转下期，下一所属期申报时自动带入第13栏。", money.FormatYuan(r.CreditForward)))
	}

	// The surcharges' base is the VAT actually payable here (城市维护建设税法
	// 第二条): line 34. VAT prepaid elsewhere (line 28) bore its surcharges
	// where it was prepaid (财税〔2016〕74号).
	s, err := rules.Surcharges(rules.SurchargeInput{Period: in.Period, Location: in.Facts.Location, VAT: max(r.Balance, 0),
		Status: rules.TaxpayerStatus{SmallLowProfit: in.Facts.SmallLowProfit, IndividualBusiness: in.Facts.IndividualBusiness}})
	if err != nil {
		return Output{}, err
	}
	v[k("39")], v[k("40")], v[k("41")] = s.CityMaintenance.Payable, s.Education.Payable, s.LocalEducation.Payable
	out.Basis = append(out.Basis, s.CityMaintenance.Source, s.Education.Source, s.LocalEducation.Source)
	if s.ReliefSource != "" {
		out.Basis = append(out.Basis, s.ReliefSource)
		out.Notes = append(out.Notes, "附加税费按“六税两费”减半征收。")
	}
	for _, pk := range f.PriorKeys {
		no, _, _ := cutKey(pk)
		v[Key(no, "ytd")] = in.Prior[pk] + v[pk]
	}
	out.TaxDue = v[k("34")] + s.Payable
	return out, nil
}
