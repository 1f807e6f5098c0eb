package calc

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

// IITWagesInput is what the wage withholding calculator takes, as typed:
// cumulative amounts of this year with this employer, in yuan, up to and
// including month Month.
type IITWagesInput struct {
	Year, Month    string
	MonthsEmployed string // months with this employer this year, this month included
	Income         string // 累计收入
	Special        string // 累计专项扣除（三险一金）
	Additional     string // 累计专项附加扣除
	Withheld       string // 累计已预扣预缴税额（以前月份）
}

// IITWagesResult is rules.WithholdWages's answer with the steps shown.
type IITWagesResult struct {
	Month calendar.YearMonth
	Wages rules.WageResult
	Steps []Step
}

// IITWages computes this month's withholding by the cumulative method with
// rules.WithholdWages (国家税务总局公告2018年第61号).
func IITWages(in IITWagesInput) (IITWagesResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	month, err := strconv.Atoi(strings.TrimSpace(in.Month))
	if err != nil || month < 1 || month > 12 {
		f.Add("month", "请选择月份")
	}
	employed, err := strconv.Atoi(strings.TrimSpace(in.MonthsEmployed))
	switch {
	case strings.TrimSpace(in.MonthsEmployed) == "":
		f.Add("months_employed", "请填写本年在本单位任职的月份数")
	case err != nil || employed < 1 || employed > 12:
		f.Add("months_employed", "任职月份数应为 1 至 12 的整数")
	case month >= 1 && month <= 12 && employed > month:
		f.Add("months_employed", fmt.Sprintf("任职月份数不能超过 %d（截至 %d 月）", month, month))
	}
	w := rules.WageInput{
		MonthsEmployed: employed,
		Income:         parseYuan(f, "income", in.Income, false),
		Special:        parseYuan(f, "special", in.Special, true),
		Additional:     parseYuan(f, "additional", in.Additional, true),
		Withheld:       parseYuan(f, "withheld", in.Withheld, true),
	}
	if err := f.Err(); err != nil {
		return IITWagesResult{}, err
	}
	w.Month = calendar.YearMonth{Y: year, M: time.Month(month)}
	res, err := rules.WithholdWages(w)
	if err != nil {
		return IITWagesResult{}, ruleErr(err, "year")
	}
	r := IITWagesResult{Month: w.Month, Wages: res}
	b := res.Bracket
	upTo := "以上"
	if b.UpTo != math.MaxInt64 {
		upTo = "不超过 " + amt(b.UpTo) + " 元"
	}
	r.Steps = []Step{
		{Label: "累计收入", Value: yuan(w.Income)},
		{Label: "累计减除费用", Formula: fmt.Sprintf("5,000 元 × %d 个月", employed), Value: yuan(res.Basic), Basis: res.Source},
		{Label: "累计专项扣除", Formula: "基本养老保险、基本医疗保险、失业保险、住房公积金个人缴付部分", Value: yuan(w.Special)},
		{Label: "累计专项附加扣除", Formula: AdditionalHint(w.Month), Value: yuan(w.Additional)},
		{Label: "累计预扣预缴应纳税所得额", Formula: "累计收入 − 累计减除费用 − 累计专项扣除 − 累计专项附加扣除", Value: yuan(res.Taxable)},
		{Label: "预扣率", Formula: "预扣率表一：" + upTo, Value: b.Rate.String(), Basis: res.Source},
		{Label: "速算扣除数", Value: yuan(b.Quick)},
		{Label: "累计应预扣预缴税额", Formula: "应纳税所得额 × 预扣率 − 速算扣除数", Value: yuan(res.Cumulative)},
		{Label: "累计已预扣预缴税额", Value: yuan(w.Withheld)},
		{Label: "本月应预扣预缴税额", Formula: "累计应预扣预缴税额 − 累计已预扣预缴税额（为负数时本月不预扣）", Value: yuan(res.ThisMonth), Total: true},
	}
	return r, nil
}

// AdditionalHint lists the monthly standard amounts of the special
// additional deductions in force in month m, from rules.AdditionalDeductions.
func AdditionalHint(m calendar.YearMonth) string {
	e, err := rules.AdditionalDeductions.At(m.Day(1))
	if err != nil {
		return ""
	}
	a := e.V
	parts := []string{
		"子女教育每个子女 " + amt0(a.Child),
	}
	if a.Infant > 0 {
		parts = append(parts, "3岁以下婴幼儿照护每个婴幼儿 "+amt0(a.Infant))
	}
	parts = append(parts,
		"赡养老人（独生子女）"+amt0(a.ElderlyOnlyChild)+"，非独生子女分摊每人不超过 "+amt0(a.ElderlyShareCap),
		"继续教育（学历）"+amt0(a.ContinuingEducation),
		"住房贷款利息 "+amt0(a.HousingLoan),
		"住房租金 "+amt0(a.RentTier1)+" / "+amt0(a.RentTier2)+" / "+amt0(a.RentTier3)+"（按城市，与住房贷款利息二选一）")
	return fmt.Sprintf("%d年%d月起每月标准：%s（%s）", e.From.Y, int(e.From.M), strings.Join(parts, "；"), e.Source)
}

func amt0(fen int64) string { return strconv.FormatInt(fen/100, 10) + " 元" }
