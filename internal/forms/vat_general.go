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

// VATGeneral is 增值税及附加税费申报表（一般纳税人适用）, 国家税务总局公告
// 2021年第20号: the main table (主表, lines 1–41 with the surcharges on
// 39–41) and 附列资料（一）（本期销售情况明细）, keyed by their official
// numbers: main-table cells "11.period", annex cells "a1.<row>.<column>"
// ("a1.9b.1" is 附列资料（一）第9b行第1列).
//
// Entered: the annex's sales by how they were invoiced (columns 1, 3, 5,
// 7) and the deductions of services (column 12); on the main table the
// split of line 1 into goods and labour (2, 3), the exempt split (9, 10),
// the input tax and its transfers out (12, 14, the totals of 附列资料（二）,
// which the hall does not split), the inspection tax (16, 22), the
// reduction (23, 附列资料（四）'s total) and the payments made (28, 30, 31,
// 37). Everything else is computed: lines 1, 4–8, 11 and 21 from the annex
// (填写说明 of the main table), 17–20, 24, 27, 32–34, 38, and the carried
// lines 13 (the previous period's 20), 25 (its 32) and 36 (its 38).
//
// Not handled, shown greyed out with the reason: the 即征即退 columns and
// rows (the immediate-refund regimes are filed at the service hall), lines
// 15 (免、抵、退应退税额, set by the refund approval), 26 and 29 (export
// receipts) and 35; annex rows 8 and 10 (6% and 4% levy rates) and 13a–13c
// (预征率 of consolidated filers).
//
// Returns filed before the annex (lines "1a"–"1c", "5a"–"5b") are shown
// with their own layout (vatGeneralV1); the next period carries from them
// too (see computeVATGeneral).
var VATGeneral = register(&Form{
	Code:               "vat_general",
	Name:               "增值税及附加税费申报表（一般纳税人适用）",
	Short:              "增值税及附加税费（一般纳税人）",
	Basis:              "国家税务总局公告2021年第20号",
	TaxType:            "vat_general",
	Periods:            []string{"month", "quarter"},
	Columns:            vatGeneralColumns,
	SmallLowProfitFact: true,
	Zero:               true,
	Lines:              vatGeneralLines,
	Tables:             []Table{vatSalesTable},
	PriorKeys:          ytdKeys(vatGeneralLines, "period", 1),
	// The carried balances, and lines 24 and 28 of a return in the earlier
	// layout, which had no line 32: its 32 was 24 − 28.
	CarryKeys: map[string]string{"20.period": "13.period", "32.period": "25.period", "38.period": "36.period",
		"24.period": priorTaxTotal, "28.period": priorPrepaid},
	Earlier: []*Form{vatGeneralV1},
	Compute: computeVATGeneral,
})

// The Prior keys of the previous period's lines 24 and 28.
const (
	priorTaxTotal = "prev.24"
	priorPrepaid  = "prev.28"
)

var vatGeneralLines = []Line{
	{No: "1", Name: "（一）按适用税率计税销售额", Kinds: "CC", Section: "销售额", Hint: "附列资料（一）第9列第1至5行之和"},
	{No: "2", Name: "其中：应税货物销售额", Kinds: "EC", Indent: 1},
	{No: "3", Name: "应税劳务销售额", Kinds: "EC", Indent: 1, Hint: "加工、修理修配劳务"},
	{No: "4", Name: "纳税检查调整的销售额", Kinds: "CC", Indent: 1, Hint: "附列资料（一）第7列第1至5行之和"},
	{No: "5", Name: "（二）按简易办法计税销售额", Kinds: "CC", Hint: "附列资料（一）第9列第8至13b行之和"},
	{No: "6", Name: "其中：纳税检查调整的销售额", Kinds: "CC", Indent: 1, Hint: "附列资料（一）第7列第8至13b行之和"},
	{No: "7", Name: "（三）免、抵、退办法出口销售额", Kinds: "CC", Hint: "附列资料（一）第9列第16、17行之和"},
	{No: "8", Name: "（四）免税销售额", Kinds: "CC", Hint: "附列资料（一）第9列第18、19行之和"},
	{No: "9", Name: "其中：免税货物销售额", Kinds: "EC", Indent: 1},
	{No: "10", Name: "免税劳务销售额", Kinds: "EC", Indent: 1},
	{No: "11", Name: "销项税额", Kinds: "CC", Section: "税款计算",
		Hint: "附列资料（一）第10列第1、3行之和 + 第14列第2、4、5行之和"},
	{No: "12", Name: "进项税额", Kinds: "EC", Hint: "本期申报抵扣的进项税额合计（附列资料（二）第12栏）"},
	{No: "13", Name: "上期留抵税额", Kinds: "C-", Hint: "按上一所属期已受理申报表第20栏“期末留抵税额”自动带出，不能修改"},
	{No: "14", Name: "进项税额转出", Kinds: "EC", Hint: "附列资料（二）第13栏"},
	{No: "15", Name: "免、抵、退应退税额", Kinds: "--", Hint: "按税务机关免抵退税审批结果填写；网上办税厅暂不办理免抵退税，本栏不填"},
	{No: "16", Name: "按适用税率计算的纳税检查应补缴税额", Kinds: "EC",
		Hint: "不能大于附列资料（一）第8列第1至5行之和与附列资料（二）第19栏之和"},
	{No: "17", Name: "应抵扣税额合计", Kinds: "C-", Hint: "17=12+13-14-15+16"},
	{No: "18", Name: "实际抵扣税额", Kinds: "CC", Hint: "第17栏小于第11栏时为第17栏，否则为第11栏"},
	{No: "19", Name: "应纳税额", Kinds: "CC", Hint: "19=11-18"},
	{No: "20", Name: "期末留抵税额", Kinds: "C-", Hint: "20=17-18，结转下期自动带入第13栏"},
	{No: "21", Name: "简易计税办法计算的应纳税额", Kinds: "CC",
		Hint: "附列资料（一）第10列第9a、11行之和 + 第14列第9b、12行之和"},
	{No: "22", Name: "按简易计税办法计算的纳税检查应补缴税额", Kinds: "EC", Hint: "不能大于附列资料（一）第8列第8至13b行之和"},
	{No: "23", Name: "应纳税额减征额", Kinds: "EC",
		Hint: "如税控系统专用设备费和技术维护费；超过第19栏与第21栏之和的，按两栏之和计入，其余结转下期"},
	{No: "24", Name: "应纳税额合计", Kinds: "CC", Hint: "24=19+21-23"},
	{No: "25", Name: "期初未缴税额（多缴为负数）", Kinds: "C-", Section: "税款缴纳", Signed: true,
		Hint: "按上一所属期已受理申报表第32栏“期末未缴税额”自动带出"},
	{No: "26", Name: "实收出口开具专用缴款书退税额", Kinds: "--", Hint: "网上办税厅暂不办理出口开具专用缴款书，本栏不填"},
	{No: "27", Name: "本期已缴税额", Kinds: "CC", Hint: "27=28+29+30+31"},
	{No: "28", Name: "①分次预缴税额", Kinds: "EC", Indent: 1,
		Hint: "跨地区建筑服务、出租或销售不动产等已预缴、可在本期抵减的税款，按本期实际可抵减数填写"},
	{No: "29", Name: "②出口开具专用缴款书预缴税额", Kinds: "--", Indent: 1, Hint: "网上办税厅暂不办理，本栏不填"},
	{No: "30", Name: "③本期缴纳上期应纳税额", Kinds: "EC", Indent: 1, Hint: "本期缴纳的上一所属期应缴未缴的增值税"},
	{No: "31", Name: "④本期缴纳欠缴税额", Kinds: "EC", Indent: 1, Hint: "本期实际缴纳和留抵税额抵减的增值税欠税，不含查补税款"},
	{No: "32", Name: "期末未缴税额（多缴为负数）", Kinds: "C-", Hint: "32=24+25+26-27"},
	{No: "33", Name: "其中：欠缴税额（≥0）", Kinds: "C-", Indent: 1, Hint: "33=25+26-27，小于 0 时为 0"},
	{No: "34", Name: "本期应补（退）税额", Kinds: "C-", Hint: "34=24-28-29"},
	{No: "35", Name: "即征即退实际退税额", Kinds: "--", Hint: "即征即退项目请到办税服务厅办理"},
	{No: "36", Name: "期初未缴查补税额", Kinds: "C-", Hint: "按上一所属期已受理申报表第38栏自动带出"},
	{No: "37", Name: "本期入库查补税额", Kinds: "EC", Hint: "本期缴纳入库的查补增值税"},
	{No: "38", Name: "期末未缴查补税额", Kinds: "C-", Hint: "38=16+22+36-37"},
	{No: "39", Name: "城市维护建设税本期应补（退）税额", Kinds: "CC", Section: "附加税费",
		Hint: "以第34栏为计税依据；小型微利企业、个体工商户按“六税两费”减半"},
	{No: "40", Name: "教育费附加本期应补（退）费额", Kinds: "CC"},
	{No: "41", Name: "地方教育附加本期应补（退）费额", Kinds: "CC"},
}

// vatSalesTable is 附列资料（一）（本期销售情况明细）, columns 1–14 and
// rows 1–19 as published with 国家税务总局公告2021年第20号. Which cells of
// rows 16–19 are open follows the layout of the filing software (rows 16
// and 17: columns 3, 5, 9; row 17 also 11–13; row 19 as row 17) — 待核实
// against the printed form: row 18 is also open in columns 1 and 2 there
// (exempt goods on a special invoice); the hall takes column 1 and leaves
// column 2 out, since exempt sales carry no tax.
//
// The tax columns 2, 4, 6 and 8 are computed here as the sales times the
// rate, rounded to the fen; on paper the taxpayer copies them from the
// invoices, whose per-invoice rounding may differ by a few fen — 待核实
// whether the tax office accepts the computed figure or requires the
// invoices' sum.
var vatSalesTable = Table{
	Code: "a1", Name: "附列资料（一）（本期销售情况明细）", Basis: "国家税务总局公告2021年第20号 附件1",
	Columns: []Column{
		{"1", "开具增值税专用发票 销售额"}, {"2", "开具增值税专用发票 销项（应纳）税额"},
		{"3", "开具其他发票 销售额"}, {"4", "开具其他发票 销项（应纳）税额"},
		{"5", "未开具发票 销售额"}, {"6", "未开具发票 销项（应纳）税额"},
		{"7", "纳税检查调整 销售额"}, {"8", "纳税检查调整 销项（应纳）税额"},
		{"9", "合计 销售额"}, {"10", "合计 销项（应纳）税额"}, {"11", "合计 价税合计"},
		{"12", "服务、不动产和无形资产扣除项目本期实际扣除金额"},
		{"13", "扣除后 含税（免税）销售额"}, {"14", "扣除后 销项（应纳）税额"},
	},
	Lines: []Line{
		{No: "1", Name: "13%税率的货物及加工修理修配劳务", Kinds: salesGoods, Section: "一、一般计税方法计税（全部征税项目）"},
		{No: "2", Name: "13%税率的服务、不动产和无形资产", Kinds: salesServices},
		{No: "3", Name: "9%税率的货物及加工修理修配劳务", Kinds: salesGoods},
		{No: "4", Name: "9%税率的服务、不动产和无形资产", Kinds: salesServices},
		{No: "5", Name: "6%税率", Kinds: salesServices},
		{No: "6", Name: "即征即退货物及加工修理修配劳务", Kinds: salesNone, Section: "其中：即征即退项目", Hint: "即征即退项目请到办税服务厅办理"},
		{No: "7", Name: "即征即退服务、不动产和无形资产", Kinds: salesNone},
		{No: "8", Name: "6%征收率", Kinds: salesNone, Section: "二、简易计税方法计税（全部征税项目）", Hint: "网上办税厅暂不办理"},
		{No: "9a", Name: "5%征收率的货物及加工修理修配劳务", Kinds: salesGoods},
		{No: "9b", Name: "5%征收率的服务、不动产和无形资产", Kinds: salesServices},
		{No: "10", Name: "4%征收率", Kinds: salesNone, Hint: "网上办税厅暂不办理"},
		{No: "11", Name: "3%征收率的货物及加工修理修配劳务", Kinds: salesGoods},
		{No: "12", Name: "3%征收率的服务、不动产和无形资产", Kinds: salesServices},
		{No: "13a", Name: "预征率", Kinds: salesNone, Hint: "汇总纳税的预征率项目请到办税服务厅办理"},
		{No: "13b", Name: "预征率", Kinds: salesNone},
		{No: "13c", Name: "预征率", Kinds: salesNone},
		{No: "14", Name: "即征即退货物及加工修理修配劳务", Kinds: salesNone, Section: "其中：即征即退项目"},
		{No: "15", Name: "即征即退服务、不动产和无形资产", Kinds: salesNone},
		{No: "16", Name: "货物及加工修理修配劳务", Kinds: "--E-E---C-----", Section: "三、免抵退税", Hint: "出口销售额，不计销项税额"},
		{No: "17", Name: "服务、不动产和无形资产", Kinds: "--E-E---C-CEC-"},
		{No: "18", Name: "货物及加工修理修配劳务", Kinds: "E-E-E---C-----", Section: "四、免税"},
		{No: "19", Name: "服务、不动产和无形资产", Kinds: "--E-E---C-CEC-"},
	},
}

// The kinds of the annex's rows: goods (no columns 11–14), services (all
// fourteen), rows the hall does not handle.
const (
	salesGoods    = "ECECECECCC----"
	salesServices = "ECECECECCCCECC"
	salesNone     = "--------------"
)

// vatGeneralV1 is the layout of the returns filed before the annex: lines
// 1 and 5 split by rate on the invented lines 1a–1c and 5a–5b, no lines
// 15–16, 22, 25–27, 29–33, 35–38. Shown, never filed again.
var vatGeneralV1 = &Form{
	Code: "vat_general", Name: "增值税及附加税费申报表（一般纳税人适用）", Short: "增值税及附加税费（一般纳税人）",
	Basis: "国家税务总局公告2021年第20号（按税率拆分的第1a–1c、5a–5b栏为本厅早期版本，非官方栏次）", TaxType: "vat_general",
	Periods: []string{"month", "quarter"}, Columns: vatGeneralColumns, Lines: vatGeneralLinesV1, Marker: "1a.period",
}

var vatGeneralLinesV1 = []Line{
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

// salesRows reads the annex's entered cells into the rules' rows.
func salesRows(e Values) map[string]rules.SalesRow {
	rows := map[string]rules.SalesRow{}
	for _, l := range vatSalesTable.Lines {
		if l.Kinds == salesNone {
			continue
		}
		c := func(col string) int64 { return e[Key("a1."+l.No, col)] }
		rows[l.No] = rules.SalesRow{Special: c("1"), Other: c("3"), Uninvoiced: c("5"), Inspection: c("7"), Deduction: c("12")}
	}
	return rows
}

// salesValues writes the annex's computed columns, on the cells the table
// defines.
func salesValues(v Values, d rules.SalesDetailResult) {
	for _, l := range vatSalesTable.Lines {
		x, ok := d.Rows[l.No]
		if !ok {
			continue
		}
		all := map[string]int64{"1": x.Special, "2": x.SpecialTax, "3": x.Other, "4": x.OtherTax, "5": x.Uninvoiced, "6": x.UninvoicedTax,
			"7": x.Inspection, "8": x.InspectionTax, "9": x.Sales, "10": x.Tax, "11": x.Gross, "12": x.Deduction, "13": x.Net, "14": x.NetTax}
		for i, k := range l.Kinds {
			if k != Absent {
				col := vatSalesTable.Columns[i].Code
				v[vatSalesTable.Key(l, i)] = all[col]
			}
		}
	}
}

func computeVATGeneral(f *Form, in Input) (Output, error) {
	e := in.Entered
	k := func(no string) string { return Key(no, "period") }
	v := Values{}
	for _, key := range f.EnteredCells() {
		v[key] = e[key]
	}
	errs := apperr.Fields{}
	// 附列资料（一）: column 12 is deducted from column 11 (13 = 11 − 12).
	rows := salesRows(e)
	for _, l := range vatSalesTable.Lines {
		if r, ok := rows[l.No]; ok && r.Deduction > 0 {
			one, _ := rules.SalesDetail(in.Period, map[string]rules.SalesRow{l.No: {Special: r.Special, Other: r.Other, Uninvoiced: r.Uninvoiced, Inspection: r.Inspection}})
			if gross := one.Rows[l.No].Gross; r.Deduction > gross {
				key := Key("a1."+l.No, "12")
				errs.Add(key, fmt.Sprintf("%s %s 不能大于本行第11列价税合计 %s", f.Label(key), money.FormatYuan(r.Deduction), money.FormatYuan(gross)))
			}
		}
	}
	if len(errs) > 0 {
		return Output{Values: v, Fields: errs}, nil
	}
	d, err := rules.SalesDetail(in.Period, rows)
	if err != nil {
		return Output{}, err
	}
	salesValues(v, d)
	v[k("1")], v[k("4")], v[k("5")], v[k("6")] = d.TaxableSales, d.TaxableInspection, d.SimplifiedSales, d.SimplifiedInspection
	v[k("7")], v[k("8")] = d.ExportSales, d.ExemptSales
	v[k("13")] = in.Prior[k("13")]

	for _, part := range []string{"2", "3"} {
		notLarger(f, errs, v, k(part), k("1"))
	}
	if _, bad := errs[k("3")]; !bad && v[k("2")]+v[k("3")] > v[k("1")] {
		errs.Add(k("3"), fmt.Sprintf("第2栏与第3栏合计 %s 不能大于%s %s（货物和劳务都是按适用税率计税销售额的一部分）",
			money.FormatYuan(v[k("2")]+v[k("3")]), f.Label(k("1")), money.FormatYuan(v[k("1")])))
	}
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
	// 填写说明 第16栏: not more than 附列资料（一）第8列第1至5行之和 plus
	// 附列资料（二）第19栏 (纳税检查调减进项税额). The hall takes 附列资料（二）
	// as the total on line 14, of which 第19栏 is a part, so line 14 bounds it.
	if most := d.TaxableInspectionTax + v[k("14")]; v[k("16")] > most {
		errs.Add(k("16"), fmt.Sprintf("%s %s 不能大于附列资料（一）第8列第1至5行之和 %s 与纳税检查调减的进项税额（含在第14栏 %s 中）之和",
			f.Label(k("16")), money.FormatYuan(v[k("16")]), money.FormatYuan(d.TaxableInspectionTax), money.FormatYuan(v[k("14")])))
	}
	// 第22栏: 待核实 — the bound is taken as 附列资料（一）第8列 of the
	// simplified rows, as 第16栏's is of the general ones.
	if v[k("22")] > d.SimplifiedInspectionTax {
		errs.Add(k("22"), fmt.Sprintf("%s %s 不能大于附列资料（一）第8列第8至13b行之和 %s",
			f.Label(k("22")), money.FormatYuan(v[k("22")]), money.FormatYuan(d.SimplifiedInspectionTax)))
	}
	if len(errs) > 0 {
		return Output{Values: v, Fields: errs}, nil
	}

	r, err := rules.GeneralVAT(rules.GeneralVATInput{Period: in.Period, Detail: &d,
		InputTax: v[k("12")], CarriedCredit: v[k("13")], TransferredOut: v[k("14")], InspectionDue: v[k("16")],
		Reductions: v[k("23")], Prepaid: v[k("28")]})
	if err != nil {
		return Output{}, err
	}
	out := Output{Values: v, Basis: []string{r.Source}}
	if r.SimplifiedSales > 0 {
		out.Basis = append(out.Basis, d.SimplifiedSource)
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

	// Lines 25 and 36 carry the previous return's 32 and 38. A return of
	// the earlier layout had neither: its 32 is 24 + 25 + 26 − 27 with no
	// opening balance or payments recorded, 24 − 28; its 38 is 0 (no
	// inspection lines). The store leaves out a key the previous return
	// does not hold, which tells the two apart.
	open, ok := in.Prior[k("25")]
	if !ok {
		open = in.Prior[priorTaxTotal] - in.Prior[priorPrepaid]
	}
	v[k("25")], v[k("36")] = open, in.Prior[k("36")]
	b, err := rules.VATBalances(r.TaxTotal, r.Prepaid, rules.VATPayments{OpeningUnpaid: open,
		PaidPrevious: v[k("30")], PaidArrears: v[k("31")], Inspection: v[k("16")] + v[k("22")],
		OpeningInspectionUnpaid: v[k("36")], InspectionPaid: v[k("37")]})
	if err != nil {
		return Output{}, err
	}
	v[k("27")], v[k("32")], v[k("33")], v[k("38")] = b.Paid, b.ClosingUnpaid, b.Arrears, b.ClosingInspectionDue

	if r.ReductionsForward > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("本期减征额 %s 元超过第19栏与第21栏之和，第23栏按 %s 元计入，其余 %s 元结转下期继续抵减。",
			money.FormatYuan(r.Reductions+r.ReductionsForward), money.FormatYuan(r.Reductions), money.FormatYuan(r.ReductionsForward)))
	}
	if r.CreditForward > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("期末留抵税额 %s 元结转下期，下一所属期申报时自动带入第13栏。", money.FormatYuan(r.CreditForward)))
	}
	if b.ClosingUnpaid < 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("第32栏期末未缴税额为 %s 元（多缴），结转下期第25栏。", money.FormatYuan(b.ClosingUnpaid)))
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
