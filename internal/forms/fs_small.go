package forms

import (
	"fmt"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
)

// The financial statements of the Accounting Standards for Small
// Enterprises (小企业会计准则, 财会〔2011〕17号, appendix: 会小企01表 资产负债表,
// 会小企02表 利润表), filed with the quarterly enterprise income tax
// prepayment by taxpayers keeping that standard. Line numbers are the
// statements' own 行次. Subtotals are computed, never typed; the
// statements' arithmetic is checked (资产总计 = 负债和所有者权益总计), and the
// income statement is checked against the EIT return of the same period.

// Companion forms are filed with another form of the same tax type.
// (Form.Companion, see forms.go.)

var BalanceSheet = register(&Form{
	Code:      "fs_bs",
	Name:      "资产负债表（适用执行小企业会计准则的企业，会小企01表）",
	Short:     "财务报表·资产负债表",
	Basis:     "小企业会计准则（财会〔2011〕17号）附录",
	TaxType:   "cit",
	Companion: true,
	Standard:  "sbas",
	Periods:   []string{"quarter", "month"},
	Columns:   []Column{{"end", "期末余额"}, {"begin", "年初余额"}},
	Lines: []Line{
		{No: "1", Name: "货币资金", Kinds: "EE", Section: "流动资产"},
		{No: "2", Name: "短期投资", Kinds: "EE"},
		{No: "3", Name: "应收票据", Kinds: "EE"},
		{No: "4", Name: "应收账款", Kinds: "EE"},
		{No: "5", Name: "预付账款", Kinds: "EE"},
		{No: "6", Name: "应收股利", Kinds: "EE"},
		{No: "7", Name: "应收利息", Kinds: "EE"},
		{No: "8", Name: "其他应收款", Kinds: "EE"},
		{No: "9", Name: "存货", Kinds: "EE"},
		{No: "10", Name: "其中：原材料", Kinds: "EE", Indent: 1},
		{No: "11", Name: "在产品", Kinds: "EE", Indent: 1},
		{No: "12", Name: "库存商品", Kinds: "EE", Indent: 1},
		{No: "13", Name: "周转材料", Kinds: "EE", Indent: 1},
		{No: "14", Name: "其他流动资产", Kinds: "EE"},
		{No: "15", Name: "流动资产合计", Kinds: "CC", Hint: "15=1+2+…+9+14"},
		{No: "16", Name: "长期债券投资", Kinds: "EE", Section: "非流动资产"},
		{No: "17", Name: "长期股权投资", Kinds: "EE"},
		{No: "18", Name: "固定资产原价", Kinds: "EE"},
		{No: "19", Name: "减：累计折旧", Kinds: "EE"},
		{No: "20", Name: "固定资产账面价值", Kinds: "CC", Hint: "20=18-19"},
		{No: "21", Name: "在建工程", Kinds: "EE"},
		{No: "22", Name: "工程物资", Kinds: "EE"},
		{No: "23", Name: "固定资产清理", Kinds: "EE"},
		{No: "24", Name: "生产性生物资产", Kinds: "EE"},
		{No: "25", Name: "无形资产", Kinds: "EE"},
		{No: "26", Name: "开发支出", Kinds: "EE"},
		{No: "27", Name: "长期待摊费用", Kinds: "EE"},
		{No: "28", Name: "其他非流动资产", Kinds: "EE"},
		{No: "29", Name: "非流动资产合计", Kinds: "CC", Hint: "29=16+17+20+21+…+28"},
		{No: "30", Name: "资产总计", Kinds: "CC", Hint: "30=15+29"},
		{No: "31", Name: "短期借款", Kinds: "EE", Section: "流动负债"},
		{No: "32", Name: "应付票据", Kinds: "EE"},
		{No: "33", Name: "应付账款", Kinds: "EE"},
		{No: "34", Name: "预收账款", Kinds: "EE"},
		{No: "35", Name: "应付职工薪酬", Kinds: "EE"},
		{No: "36", Name: "应交税费", Kinds: "EE"},
		{No: "37", Name: "应付利息", Kinds: "EE"},
		{No: "38", Name: "应付利润", Kinds: "EE"},
		{No: "39", Name: "其他应付款", Kinds: "EE"},
		{No: "40", Name: "其他流动负债", Kinds: "EE"},
		{No: "41", Name: "流动负债合计", Kinds: "CC", Hint: "41=31+…+40"},
		{No: "42", Name: "长期借款", Kinds: "EE", Section: "非流动负债"},
		{No: "43", Name: "长期应付款", Kinds: "EE"},
		{No: "44", Name: "递延收益", Kinds: "EE"},
		{No: "45", Name: "其他非流动负债", Kinds: "EE"},
		{No: "46", Name: "非流动负债合计", Kinds: "CC", Hint: "46=42+…+45"},
		{No: "47", Name: "负债合计", Kinds: "CC", Hint: "47=41+46"},
		{No: "48", Name: "实收资本（或股本）", Kinds: "EE", Section: "所有者权益（或股东权益）"},
		{No: "49", Name: "资本公积", Kinds: "EE"},
		{No: "50", Name: "盈余公积", Kinds: "EE"},
		{No: "51", Name: "未分配利润", Kinds: "EE", Hint: "亏损以负数填列时请在“其他”中说明；本系统不接受负数，未弥补亏损请联系主管税务机关"},
		{No: "52", Name: "所有者权益（或股东权益）合计", Kinds: "CC", Hint: "52=48+49+50+51"},
		{No: "53", Name: "负债和所有者权益（或股东权益）总计", Kinds: "CC", Hint: "53=47+52，应等于第30行"},
	},
	Compute: computeBalanceSheet,
})

func sum(v Values, col string, lines ...string) int64 {
	var t int64
	for _, l := range lines {
		t += v[Key(l, col)]
	}
	return t
}

func computeBalanceSheet(f *Form, in Input) (Output, error) {
	e := in.Entered
	v := Values{}
	for k, x := range e {
		v[k] = x
	}
	errs := apperr.Fields{}
	for _, col := range []string{"end", "begin"} {
		k := func(no string) string { return Key(no, col) }
		if parts := sum(e, col, "10", "11", "12", "13"); parts > e[k("9")] {
			errs.Add(k("13"), fmt.Sprintf("%s：原材料、在产品、库存商品、周转材料合计 %s 不能大于存货 %s",
				f.Label(k("9")), money.FormatYuan(parts), money.FormatYuan(e[k("9")])))
		}
		if e[k("19")] > e[k("18")] {
			errs.Add(k("19"), fmt.Sprintf("%s 累计折旧 %s 不能大于%s 固定资产原价 %s", f.Label(k("19")), money.FormatYuan(e[k("19")]),
				f.Label(k("18")), money.FormatYuan(e[k("18")])))
		}
		v[k("15")] = sum(e, col, "1", "2", "3", "4", "5", "6", "7", "8", "9", "14")
		v[k("20")] = e[k("18")] - e[k("19")]
		v[k("29")] = sum(e, col, "16", "17", "21", "22", "23", "24", "25", "26", "27", "28") + v[k("20")]
		v[k("30")] = v[k("15")] + v[k("29")]
		v[k("41")] = sum(e, col, "31", "32", "33", "34", "35", "36", "37", "38", "39", "40")
		v[k("46")] = sum(e, col, "42", "43", "44", "45")
		v[k("47")] = v[k("41")] + v[k("46")]
		v[k("52")] = sum(e, col, "48", "49", "50", "51")
		v[k("53")] = v[k("47")] + v[k("52")]
		if v[k("30")] != v[k("53")] {
			errs.Add(k("51"), fmt.Sprintf("资产总计（第30行%s）%s 与负债和所有者权益总计（第53行）%s 不相等，相差 %s；请核对各项目",
				map[string]string{"end": "期末", "begin": "年初"}[col], money.FormatYuan(v[k("30")]), money.FormatYuan(v[k("53")]),
				money.FormatYuan(abs(v[k("30")]-v[k("53")]))))
		}
	}
	return Output{Values: v, Fields: errs, Basis: []string{f.Basis}}, nil
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

var IncomeStatement = register(&Form{
	Code:      "fs_is",
	Name:      "利润表（适用执行小企业会计准则的企业，会小企02表）",
	Short:     "财务报表·利润表",
	Basis:     "小企业会计准则（财会〔2011〕17号）附录",
	TaxType:   "cit",
	Companion: true,
	Standard:  "sbas",
	Periods:   []string{"quarter", "month"},
	Columns:   []Column{{"ytd", "本年累计金额"}, {"period", "本期金额"}},
	Lines: []Line{
		{No: "1", Name: "一、营业收入", Kinds: "EE"},
		{No: "2", Name: "减：营业成本", Kinds: "EE"},
		{No: "3", Name: "税金及附加", Kinds: "EE", Indent: 1},
		{No: "11", Name: "销售费用", Kinds: "EE", Indent: 1},
		{No: "14", Name: "管理费用", Kinds: "EE", Indent: 1},
		{No: "16", Name: "其中：业务招待费", Kinds: "EE", Indent: 1},
		{No: "18", Name: "财务费用", Kinds: "EE", Indent: 1},
		{No: "19", Name: "其中：利息费用（收入以负数填列的，请填0并在营业外收入中反映）", Kinds: "EE", Indent: 1},
		{No: "20", Name: "加：投资收益", Kinds: "EE"},
		{No: "21", Name: "二、营业利润", Kinds: "CC", Hint: "21=1-2-3-11-14-18+20（亏损为负数）"},
		{No: "22", Name: "加：营业外收入", Kinds: "EE"},
		{No: "23", Name: "其中：政府补助", Kinds: "EE", Indent: 1},
		{No: "24", Name: "减：营业外支出", Kinds: "EE"},
		{No: "29", Name: "其中：税收滞纳金", Kinds: "EE", Indent: 1},
		{No: "30", Name: "三、利润总额", Kinds: "CC", Hint: "30=21+22-24（亏损为负数）"},
		{No: "31", Name: "减：所得税费用", Kinds: "EE"},
		{No: "32", Name: "四、净利润", Kinds: "CC", Hint: "32=30-31（亏损为负数）"},
	},
	Compute: computeIncomeStatement,
})

// EITFigures are the EIT return's figures of the same period that the
// income statement must agree with (the store's loader gives them).
type EITFigures struct {
	AckNo           string
	Revenue, Profit int64 // 营业收入, 利润总额 (本年累计)
}

func computeIncomeStatement(f *Form, in Input) (Output, error) {
	e := in.Entered
	v := Values{}
	for k, x := range e {
		v[k] = x
	}
	errs := apperr.Fields{}
	for _, col := range []string{"ytd", "period"} {
		k := func(no string) string { return Key(no, col) }
		notLarger(f, errs, e, k("16"), k("14"))
		notLarger(f, errs, e, k("19"), k("18"))
		notLarger(f, errs, e, k("23"), k("22"))
		notLarger(f, errs, e, k("29"), k("24"))
		v[k("21")] = e[k("1")] - e[k("2")] - e[k("3")] - e[k("11")] - e[k("14")] - e[k("18")] + e[k("20")]
		v[k("30")] = v[k("21")] + e[k("22")] - e[k("24")]
		v[k("32")] = v[k("30")] - e[k("31")]
	}
	if e["1.period"] > e["1.ytd"] {
		errs.Add("1.period", fmt.Sprintf("%s 本期营业收入 %s 不能大于本年累计 %s", f.Label("1.period"), money.FormatYuan(e["1.period"]), money.FormatYuan(e["1.ytd"])))
	}
	out := Output{Values: v, Fields: errs, Basis: []string{f.Basis}}
	// Cross-form: the EIT prepayment of the period reports the same
	// cumulative revenue and profit.
	if eit, ok := in.Extra.(*EITFigures); ok && eit != nil {
		if eit.Revenue != e["1.ytd"] {
			errs.Add("1.ytd", fmt.Sprintf("利润表第1行 营业收入（本年累计）%s 与企业所得税预缴申报表（回执号 %s）营业收入 %s 不一致",
				money.FormatYuan(e["1.ytd"]), eit.AckNo, money.FormatYuan(eit.Revenue)))
		}
		if eit.Profit != v["30.ytd"] {
			errs.Add("31.ytd", fmt.Sprintf("利润表第30行 利润总额（本年累计）%s 与企业所得税预缴申报表（回执号 %s）利润总额 %s 不一致",
				money.FormatYuan(v["30.ytd"]), eit.AckNo, money.FormatYuan(eit.Profit)))
		}
	} else {
		out.Notes = append(out.Notes, "本期企业所得税预缴申报尚未提交：提交后将核对利润表与预缴申报表的营业收入、利润总额是否一致。建议先申报企业所得税。")
	}
	return out, nil
}
