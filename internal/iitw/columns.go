package iitw

import (
	"fmt"
	"strings"

	"taxhall/internal/calendar"
)

// Column is one column of the import file and of its template.
type Column struct {
	Key      string // the field key of errors and of the JSON line
	Header   string // the heading in row 1
	Required bool   // the cell may not be blank (a blank amount is 0)
	// Aliases are other headings accepted for the column (the names the
	// tax bureau's own withholding client uses).
	Aliases []string
	// rule says what the cell holds, for the template's instructions; it
	// may name the month's amounts.
	rule func(a *limits) string
}

// columns is the layout of the file, in the template's order. The reader
// finds columns by heading, so their order in a file does not matter.
var columns = []Column{
	{Key: "resident_id", Header: "证件号码", Required: true, Aliases: []string{"身份证号码", "身份证号", "居民身份证号码"},
		rule: func(*limits) string {
			return "居民身份证号码，18位，最后一位可为X；请将本列设为文本格式，以免Excel改写长数字"
		}},
	{Key: "name", Header: "姓名", Required: true,
		rule: func(*limits) string { return "与身份证一致的姓名" }},
	{Key: "income", Header: "本期收入", Required: true, Aliases: []string{"本期收入额"},
		rule: func(*limits) string { return "本月工资、薪金收入，单位元，最多两位小数" }},
	{Key: "tax_free", Header: "免税收入", Aliases: []string{"本期免税收入"},
		rule: func(*limits) string {
			return "本期收入中的免税收入，不能大于本期收入；无则留空"
		}},
	{Key: "pension", Header: "基本养老保险费", rule: personal},
	{Key: "medical", Header: "基本医疗保险费", rule: personal},
	{Key: "unemployment", Header: "失业保险费", rule: personal},
	{Key: "housing_fund", Header: "住房公积金", rule: personal},
	{Key: "child", Header: "子女教育", rule: func(a *limits) string {
		return fmt.Sprintf("每个子女每月%s，父母分别扣除的各%s；填写本月合计", yuan(a.a.Child), yuan(a.a.Child/2))
	}},
	{Key: "infant", Header: "婴幼儿照护", Aliases: []string{"3岁以下婴幼儿照护"}, rule: func(a *limits) string {
		if a.a.Infant == 0 {
			return "本月尚无此项扣除（自2022年1月1日起），请留空"
		}
		return fmt.Sprintf("3岁以下婴幼儿每人每月%s，父母分别扣除的各%s；填写本月合计", yuan(a.a.Infant), yuan(a.a.Infant/2))
	}},
	{Key: "elderly", Header: "赡养老人", rule: func(a *limits) string {
		return fmt.Sprintf("独生子女每月%s；非独生子女填写分摊额，每人每月不超过%s", yuan(a.a.ElderlyOnlyChild), yuan(a.a.ElderlyShareCap))
	}},
	{Key: "continuing_education", Header: "继续教育", rule: func(a *limits) string {
		return fmt.Sprintf("学历（学位）继续教育期间每月%s", yuan(a.a.ContinuingEducation))
	}},
	{Key: "housing_loan", Header: "住房贷款利息", rule: func(a *limits) string {
		return fmt.Sprintf("首套住房贷款利息每月%s；不能与住房租金同时扣除", yuan(a.a.HousingLoan))
	}},
	{Key: "rent", Header: "住房租金", rule: func(a *limits) string {
		return fmt.Sprintf("按工作城市每月%s、%s或%s；不能与住房贷款利息同时扣除", yuan(a.a.RentTier1), yuan(a.a.RentTier2), yuan(a.a.RentTier3))
	}},
	{Key: "other", Header: "其他扣除", Aliases: []string{"其他"},
		rule: func(*limits) string {
			return "依法确定的其他扣除（企业年金、职业年金、商业健康保险、税收递延型商业养老保险等）的本月合计"
		}},
}

func personal(*limits) string { return "个人缴付部分，单位元；无则留空" }

// ignoredHeaders are columns a payroll sheet often has that the return does
// not need; the reader skips them instead of refusing the file.
var ignoredHeaders = []string{"序号", "工号", "证件类型", "部门", "备注"}

// Columns is the documented layout of the import file.
func Columns() []Column { return columns }

// Rules describes each column for the month: the template's instructions
// and the help page say the same as the checks.
func Rules(month calendar.YearMonth) ([]string, error) {
	lim, err := limitsFor(month)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.rule(lim)
	}
	return out, nil
}

// headerOf returns the column a heading names: exact heading or alias,
// ignoring spaces, a trailing "*" and a unit "（元）".
func headerOf(h string) (col int, ignored bool, ok bool) {
	h = strings.TrimPrefix(h, "\ufeff")
	h = strings.Join(strings.Fields(h), "")
	h = strings.TrimSuffix(h, "*")
	for _, unit := range []string{"（元）", "(元)"} {
		h = strings.TrimSuffix(h, unit)
	}
	for i, c := range columns {
		if h == c.Header {
			return i, false, true
		}
		for _, a := range c.Aliases {
			if h == a {
				return i, false, true
			}
		}
	}
	for _, x := range ignoredHeaders {
		if h == x {
			return -1, true, true
		}
	}
	return -1, false, false
}

func trimSpace(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\u3000", " ")) }
