package forms

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// EIT is 中华人民共和国企业所得税月（季）度预缴纳税申报表（A类）, lines 1–16
// of 国家税务总局公告2021年第3号 (预缴税款计算) and the size figures of its
// header (优惠及附报事项有关信息), from which the small low-profit test runs.
//
// Every amount is cumulative: from 1 January to the end of the period
// (本年累计). Line 14, 本年实际已缴纳所得税额, is never typed: it is the sum
// of line 16 over this year's earlier accepted returns (PriorKeys). Line 16
// is never negative (填报说明: a prepayment beyond the tax is settled at the
// annual reconciliation), so that sum is what was actually made payable,
// also when the cumulative tax went down between two periods — carrying the
// previous period's 12 − 13 instead would understate it then.
//
// Lines 7, 8 and 13 are the sums of their item lines 7.x, 8.x and 13.x
// (公告2021年第3号: "7.1（填写优惠事项名称）…"): on the printed form the
// taxpayer names each item from 《企业所得税申报事项目录》 and numbers them
// in order; the hall lists the common items by name and gathers the rest
// in one "其他…" line per group (7.4, 8.3, 13.2) — 待核实: whether the tax
// office accepts such a line or requires each item named. Line 13.1 is
// computed (the small low-profit relief); 13.1 and 13.2 together may not
// exceed line 12.
//
// Not supported, shown greyed out or left out: line 15 (特定业务预缴), the
// consolidated-filing lines 17–22 and the ethnic autonomous areas' line
// 23–24. The header's 季初/季末 figures per quarter are entered as the
// year's quarterly average directly. Returns filed before the item lines
// are shown with their own layout (eitV1).
var EIT = register(&Form{
	Code:    "eit",
	Name:    "中华人民共和国企业所得税月（季）度预缴纳税申报表（A类）",
	Short:   "企业所得税预缴（A类）",
	Basis:   "国家税务总局公告2021年第3号",
	TaxType: "cit",
	Periods: []string{"month", "quarter"},
	Columns: []Column{{"", "本年累计"}},
	Zero:    true,
	Lines: rowNumbered([]Line{
		{No: "A1", Ref: "从业人数", Name: "从业人数（季度平均值，人）", Kinds: "E", Section: "优惠及附报事项有关信息",
			Hint: "各季度平均值 =（季初值 + 季末值）÷ 2，本年已过各季度平均值再求平均；可填两位小数"},
		{No: "A2", Ref: "资产总额", Name: "资产总额（季度平均值，万元）", Kinds: "E", Hint: "计算方法同从业人数；单位为万元"},
		{No: "A3", Ref: "国家限制或禁止行业", Name: "是否从事国家限制或禁止行业", Kinds: "E", Hint: "是填 1，否填 0 或不填"},
		{No: "A4", Ref: "小型微利企业", Name: "是否为小型微利企业", Kinds: "C", Unit: UnitFlag, Hint: "按本表填写的数字自动判断"},
		{No: "1", Name: "营业收入", Kinds: "E", Section: "预缴税款计算"},
		{No: "2", Name: "营业成本", Kinds: "E"},
		{No: "3", Name: "利润总额", Kinds: "E", Signed: true, Hint: "亏损填负数，如 -12000"},
		{No: "4", Name: "加：特定业务计算的应纳税所得额", Kinds: "E", Hint: "房地产开发企业销售未完工开发产品等"},
		{No: "5", Name: "减：不征税收入", Kinds: "E"},
		{No: "6", Name: "减：资产加速折旧、摊销（扣除）调减额", Kinds: "E"},
		{No: "7", Name: "减：免税收入、减计收入、加计扣除", Kinds: "C", Hint: "7=7.1+7.2+…"},
		{No: "7.1", Name: "国债利息收入免征企业所得税", Kinds: "E", Indent: 1},
		{No: "7.2", Name: "符合条件的居民企业之间的股息、红利等权益性投资收益免征企业所得税", Kinds: "E", Indent: 1},
		{No: "7.3", Name: "取得的地方政府债券利息收入免征企业所得税", Kinds: "E", Indent: 1},
		{No: "7.4", Name: "其他免税收入、减计收入、加计扣除事项", Kinds: "E", Indent: 1,
			Hint: "上列以外、《企业所得税申报事项目录》中可在预缴时享受的事项合计（正式表逐项列示，本厅合并为一行，待核实）"},
		{No: "8", Name: "减：所得减免", Kinds: "C", Hint: "8=8.1+8.2+…"},
		{No: "8.1", Name: "从事农、林、牧、渔业项目的所得减免征收企业所得税", Kinds: "E", Indent: 1},
		{No: "8.2", Name: "符合条件的技术转让所得减免征收企业所得税", Kinds: "E", Indent: 1},
		{No: "8.3", Name: "其他所得减免事项", Kinds: "E", Indent: 1, Hint: "上列以外的所得减免事项合计（正式表逐项列示，本厅合并为一行，待核实）"},
		{No: "9", Name: "减：弥补以前年度亏损", Kinds: "E", Hint: "不得超过第3+4-5-6-7-8行的值"},
		{No: "10", Name: "实际利润额", Kinds: "C", Hint: "10=3+4-5-6-7-8-9"},
		{No: "11", Name: "税率（25%）", Kinds: "C", Unit: UnitPercent},
		{No: "12", Name: "应纳所得税额", Kinds: "C", Hint: "12=10×11；实际利润额为负数时为 0"},
		{No: "13", Name: "减：减免所得税额", Kinds: "C", Hint: "13=13.1+13.2+…，不能大于第12行"},
		{No: "13.1", Name: "符合条件的小型微利企业减免企业所得税", Kinds: "C", Indent: 1, Hint: "按本表填写的数字自动判断"},
		{No: "13.2", Name: "其他减免所得税额事项", Kinds: "E", Indent: 1,
			Hint: "如国家需要重点扶持的高新技术企业减按15%税率征收（正式表逐项列示，本厅合并为一行，待核实）"},
		{No: "14", Name: "减：本年实际已缴纳所得税额", Kinds: "C", Hint: "本年度以前各期已受理申报的第16行之和，自动带出"},
		{No: "15", Name: "减：特定业务预缴（征）所得税额", Kinds: "-", Hint: "网上办税厅暂不办理，本行不填"},
		{No: "16", Name: "本期应补（退）所得税额", Kinds: "C", Hint: "16=12-13-14-15；小于 0 时填 0，多预缴的税款在汇算清缴时处理"},
	}),
	PriorKeys: []string{"16"},
	// Returns filed before the item lines: lines 7 and 8 entered as totals.
	Earlier: []*Form{eitV1},
	Compute: computeEIT,
})

// eitV1 is the layout of the returns filed before the item lines 7.x, 8.x
// and 13.x: a document without line 7.1 is shown with it.
var eitV1 = &Form{
	Code: "eit", Name: "中华人民共和国企业所得税月（季）度预缴纳税申报表（A类）", Short: "企业所得税预缴（A类）",
	Basis: "国家税务总局公告2021年第3号", TaxType: "cit", Periods: []string{"month", "quarter"},
	Columns: []Column{{"", "本年累计"}}, Lacks: "7.1",
	Lines: rowNumbered([]Line{
		{No: "A1", Ref: "从业人数", Name: "从业人数（季度平均值，人）", Kinds: "E", Section: "优惠及附报事项有关信息"},
		{No: "A2", Ref: "资产总额", Name: "资产总额（季度平均值，万元）", Kinds: "E"},
		{No: "A3", Ref: "国家限制或禁止行业", Name: "是否从事国家限制或禁止行业", Kinds: "E"},
		{No: "A4", Ref: "小型微利企业", Name: "是否为小型微利企业", Kinds: "C", Unit: UnitFlag},
		{No: "1", Name: "营业收入", Kinds: "E", Section: "预缴税款计算"},
		{No: "2", Name: "营业成本", Kinds: "E"},
		{No: "3", Name: "利润总额", Kinds: "E", Signed: true},
		{No: "4", Name: "加：特定业务计算的应纳税所得额", Kinds: "E"},
		{No: "5", Name: "减：不征税收入", Kinds: "E"},
		{No: "6", Name: "减：资产加速折旧、摊销（扣除）调减额", Kinds: "E"},
		{No: "7", Name: "减：免税收入、减计收入、加计扣除", Kinds: "E"},
		{No: "8", Name: "减：所得减免", Kinds: "E"},
		{No: "9", Name: "减：弥补以前年度亏损", Kinds: "E"},
		{No: "10", Name: "实际利润额", Kinds: "C"},
		{No: "11", Name: "税率（25%）", Kinds: "C", Unit: UnitPercent},
		{No: "12", Name: "应纳所得税额", Kinds: "C"},
		{No: "13", Name: "减：减免所得税额", Kinds: "C"},
		{No: "14", Name: "减：本年实际已缴纳所得税额", Kinds: "C"},
		{No: "15", Name: "减：特定业务预缴（征）所得税额", Kinds: "-"},
		{No: "16", Name: "本期应补（退）所得税额", Kinds: "C"},
	}),
}

// wan is one 万元 in fen.
const wan = 10_000 * 100

// yes is how a yes/no cell holds "yes": 1, typed and shown as "1.00".
const yes = 100

// EITSmallLowProfit reads an accepted EIT return's cells: whether it found
// the enterprise a small low-profit enterprise (line A4), the fact that the
// other returns of the year need for the "六税两费" relief (Facts).
func EITSmallLowProfit(v Values) bool { return v["A4"] == yes }

func computeEIT(f *Form, in Input) (Output, error) {
	e := maps.Clone(in.Entered)
	errs := apperr.Fields{}
	if r := e["A3"]; r != 0 && r != yes {
		errs.Add("A3", fmt.Sprintf("是否从事国家限制或禁止行业：是填 1，否填 0，不能填 %s", Plain(r)))
	}
	// Lines 7 and 8 are the sums of their items (7=7.1+7.2+…, 8=8.1+8.2+…).
	e["7"] = e["7.1"] + e["7.2"] + e["7.3"] + e["7.4"]
	e["8"] = e["8.1"] + e["8.2"] + e["8.3"]
	// 填报说明 第9行: not more than lines 3+4−5−6−7−8, 0 when those are ≤ 0.
	before := e["3"] + e["4"] - e["5"] - e["6"] - e["7"] - e["8"]
	if e["9"] > max(before, 0) {
		errs.Add("9", fmt.Sprintf("%s 弥补以前年度亏损 %s 不能大于第3+4-5-6-7-8行的值 %s（为负数或 0 时本行填 0）",
			f.Label("9"), money.FormatYuan(e["9"]), money.FormatYuan(before)))
	}
	if len(errs) > 0 {
		return Output{Fields: errs}, nil
	}
	r, err := rules.EITPrepay(rules.EITInput{Period: in.Period,
		Revenue: e["1"], Cost: e["2"], Profit: e["3"], Specific: e["4"], NonTaxable: e["5"], Accelerated: e["6"],
		TaxFree: e["7"], IncomeRelief: e["8"], LossOffset: e["9"], OtherRelief: e["13.2"], Prepaid: in.Prior["16"],
		// Two decimals typed are hundredths of a person, as the rules count.
		AvgEmployees: e["A1"], AvgAssets: e["A2"] * wan / 100, Restricted: e["A3"] == yes})
	v := Values{}
	for _, k := range f.EnteredCells() {
		v[k] = e[k]
	}
	v["7"], v["8"] = e["7"], e["8"]
	if errors.Is(err, rules.ErrReliefExceedsTax) {
		// 填报说明 第13行: the relief is part of the tax of line 12.
		errs.Add("13.2", fmt.Sprintf("%s 与小型微利企业减免（第13.1行）合计不能大于第12行应纳所得税额", f.Label("13.2")))
		return Output{Values: v, Fields: errs}, nil
	}
	if err != nil {
		return Output{}, err
	}
	v["10"], v["11"], v["12"], v["13"], v["14"], v["16"] = r.ActualProfit, int64(r.Rate), r.Tax, r.Relief, r.Prepaid, r.Payable
	v["13.1"] = r.SmallRelief
	if r.SmallLowProfit {
		v["A4"] = yes
	}
	out := Output{Values: v, TaxDue: r.Payable, Basis: []string{r.RateSource}}

	p := r.SmallParams
	if r.SmallLowProfit {
		out.Basis = append(out.Basis, r.SmallSource)
		out.Notes = append(out.Notes, fmt.Sprintf("符合小型微利企业条件（年度应纳税所得额不超过 %s 万元、从业人数不超过 %d 人、资产总额不超过 %s 万元、非限制或禁止行业），减免所得税额 %s 元填入第13行。",
			wanOf(p.MaxIncome), p.MaxEmployees, wanOf(p.MaxAssets), money.FormatYuan(r.SmallRelief)))
	} else {
		var why []string
		if !r.IncomeOK {
			why = append(why, fmt.Sprintf("累计实际利润额 %s 元超过 %s 万元", money.FormatYuan(r.ActualProfit), wanOf(p.MaxIncome)))
		}
		if !r.EmployeesOK {
			why = append(why, fmt.Sprintf("从业人数 %s 人超过 %d 人", Plain(e["A1"]), p.MaxEmployees))
		}
		if !r.AssetsOK {
			why = append(why, fmt.Sprintf("资产总额 %s 万元超过 %s 万元", Plain(e["A2"]), wanOf(p.MaxAssets)))
		}
		if e["A3"] == yes {
			why = append(why, "从事国家限制或禁止行业")
		}
		out.Notes = append(out.Notes, "不符合小型微利企业条件（"+strings.Join(why, "；")+"），按 "+r.Rate.String()+" 计算，无小型微利企业减免。")
	}
	if due := r.Tax - r.Relief; r.Prepaid > due {
		out.Notes = append(out.Notes, fmt.Sprintf("本年已缴纳 %s 元多于累计应纳所得税额 %s 元，本期应补（退）所得税额为 0，多缴部分在年度汇算清缴时处理。",
			money.FormatYuan(r.Prepaid), money.FormatYuan(due)))
	}
	return out, nil
}

// rowNumbered names the lines "第N行" in messages: the A-class return
// numbers its rows (行次), not columns of cells (栏次).
func rowNumbered(lines []Line) []Line {
	for i := range lines {
		if lines[i].Ref == "" {
			lines[i].Ref = "第" + lines[i].No + "行"
		}
	}
	return lines
}

// wanOf formats fen as a whole number of 万元: 300000000 → "300".
func wanOf(fen int64) string { return fmt.Sprint(fen / wan) }
