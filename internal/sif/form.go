// Package sif is the social insurance contribution return (社会保险费申报):
// an employer's month, one detail line per insured employee with the
// monthly contribution wage (缴费工资). Each line is computed by
// rules.SocialInsurance (the wage clamped to the region's floor and
// ceiling, employer's and employee's rates per insurance), and the summary
// lines add up the employer's and the employee's contributions per
// insurance. The roster the lines come from is iitw's employees table; the
// loader (loader.go) gives the month's employees and the previous month's
// entered wages.
//
// The form's computation is pure: the employees come in Input.Extra.
package sif

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/ids"
	"taxhall/internal/input"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// FormCode is the code of the return in forms and returns.
const FormCode = "si"

// Region is the region whose parameters every employer uses: Xiamen is the
// only one entered (rules.SocialRegions). With more, the region would come
// from the taxpayer's registered division.
const Region = "xiamen"

// MaxEmployees bounds the lines of one return (and the roster the page
// lists); DetailMax bounds their JSON (about 150 bytes a line).
const (
	MaxEmployees = 2000
	DetailMax    = 1 << 20
)

// The columns: the employer's and the employee's contributions.
const (
	ColEmployer = "employer"
	ColEmployee = "employee"
)

// The summary lines. Social insurance returns differ by province and none
// numbers its summary, so the lines are numbered 1–7 here: one per
// insurance (单位缴费 and 个人缴费 columns), their total, and the total
// payable. The number of insured employees (参保人数) is not an amount: the
// notes give it.
const (
	LinePension      = "1" // 基本养老保险费
	LineMedical      = "2" // 基本医疗保险费（含生育保险）
	LineUnemployment = "3" // 失业保险费
	LineWorkInjury   = "4" // 工伤保险费 (employer only)
	LineMaternity    = "5" // 生育保险费, where still separate from medical
	LineTotal        = "6" // 合计
	LinePayable      = "7" // 应缴费额合计（单位＋个人）
)

var lineOf = map[rules.Insurance]string{
	rules.Pension: LinePension, rules.Medical: LineMedical, rules.Unemployment: LineUnemployment,
	rules.WorkInjury: LineWorkInjury, rules.Maternity: LineMaternity,
}

// Form is 社会保险费申报表 of an employer identified for social_insurance.
// The entered part is the detail (Detail as JSON under forms.DetailKey);
// every summary cell is computed from it, and the canonical document keeps
// each employee's Result under "detail".
var Form = forms.Register(&forms.Form{
	Code:      FormCode,
	Name:      "社会保险费申报表（单位职工）",
	Short:     "社会保险费",
	Basis:     "中华人民共和国社会保险法；社会保险费征缴暂行条例（国务院令第259号）",
	TaxType:   "social_insurance",
	Periods:   []string{"month"},
	Columns:   []forms.Column{{Code: ColEmployer, Name: "单位缴费"}, {Code: ColEmployee, Name: "个人缴费"}},
	DetailMax: DetailMax,
	Lines: []forms.Line{
		{No: LinePension, Name: "基本养老保险费", Kinds: "CC", Section: "本月应缴费额（全体参保职工合计）"},
		{No: LineMedical, Name: "基本医疗保险费", Kinds: "CC", Hint: "生育保险已并入职工基本医疗保险的，含生育保险"},
		{No: LineUnemployment, Name: "失业保险费", Kinds: "CC"},
		{No: LineWorkInjury, Name: "工伤保险费", Kinds: "C-", Hint: "由单位缴纳，职工个人不缴费"},
		{No: LineMaternity, Name: "生育保险费", Kinds: "C-", Hint: "生育保险单独实施的地区填写"},
		{No: LineTotal, Name: "合计", Kinds: "CC", Hint: "第1至5栏之和"},
		{No: LinePayable, Name: "应缴费额合计（单位缴费＋个人缴费）", Kinds: "C-", Merged: true},
	},
	Compute: computeForm,
})

// Detail is what the taxpayer enters: the employer's work injury rate and
// a line per employee, as typed (so that a draft keeps a wrong entry for
// its message).
type Detail struct {
	// InjuryRate is the employer's work injury rate in percent, as typed
	// ("0.2" is 0.2%).
	InjuryRate string `json:"injury_rate"`
	Lines      []Line `json:"lines"`
}

// Line is one employee's month as entered. A line with an empty Wage is an
// employee on the roster not declared this month.
type Line struct {
	EmployeeID int64  `json:"employee_id"` // the roster's id
	ResidentID string `json:"resident_id"` // 证件号码
	Name       string `json:"name"`
	Wage       string `json:"wage"` // 缴费工资, yuan as typed
}

// Employee is one person on the roster employed in the month (the loader's
// Extra lists them).
type Employee struct {
	ID         int64
	ResidentID string
	Name       string
}

// Extra is what the loader gives the form: the employees on the roster in
// the month (by id, at most MaxEmployees; More when there are others) and
// the entered detail of the previous month's accepted return, to prefill.
type Extra struct {
	Employees []Employee
	More      bool
	Previous  *Detail
}

// Result is an employee's computed month, as the canonical document keeps
// it.
type Result struct {
	EmployeeID int64              `json:"employee_id"`
	ResidentID string             `json:"resident_id"`
	Name       string             `json:"name"`
	Wage       int64              `json:"wage"`
	Lines      []rules.SocialLine `json:"lines"`
	Employer   int64              `json:"employer"`
	Employee   int64              `json:"employee"`
}

// WageKey is the field of an employee's wage in messages and on the page.
func WageKey(employeeID int64) string { return "wage." + strconv.FormatInt(employeeID, 10) }

// InjuryRateKey is the field of the work injury rate.
const InjuryRateKey = "injury_rate"

// computeForm reads the detail, checks it against the roster of the month
// (Extra), computes each declared employee and sums the lines.
func computeForm(f *forms.Form, in forms.Input) (forms.Output, error) {
	out := forms.Output{Values: forms.Values{}}
	for _, k := range f.Cells() {
		out.Values[k] = 0
	}
	month := calendar.YearMonth{Y: in.Period.Start.Y, M: in.Period.Start.M}
	sched := rules.SocialInsuranceParams[Region]
	param, err := sched.At(month.Day(1))
	if err != nil {
		out.Fields = apperr.Fields{forms.DetailKey: fmt.Sprintf("%d年%d月的%s尚未录入，暂不能在线申报本月社会保险费，请联系主管税务机关。",
			month.Y, month.M, sched.Name)}
		return out, nil
	}
	out.Basis = []string{param.Source}
	if len(bytes.TrimSpace(in.Detail)) == 0 {
		out.Fields = apperr.Fields{forms.DetailKey: "请填写本月参保职工的缴费工资"}
		return out, nil
	}
	d, err := DecodeDetail(in.Detail)
	if err != nil {
		return forms.Output{}, apperr.InvalidField(forms.DetailKey, "社会保险费明细数据格式不正确，请重新填写")
	}
	errs := apperr.Fields{}
	p := param.V
	rate := parseRate(d.InjuryRate, p, errs)

	var roster map[int64]Employee
	var onRoster int
	if x, ok := in.Extra.(*Extra); ok && x != nil {
		roster = make(map[int64]Employee, len(x.Employees))
		for _, e := range x.Employees {
			roster[e.ID] = e
		}
		onRoster = len(x.Employees)
	}
	if len(d.Lines) > MaxEmployees {
		errs.Add(forms.DetailKey, fmt.Sprintf("一份申报最多 %d 名职工", MaxEmployees))
		out.Fields = errs
		return out, nil
	}
	seen := map[int64]bool{}
	var res []Result
	var sum [2]map[rules.Insurance]int64
	sum[0], sum[1] = map[rules.Insurance]int64{}, map[rules.Insurance]int64{}
	for i, l := range d.Lines {
		key := WageKey(l.EmployeeID)
		who := strings.TrimSpace(l.Name)
		if seen[l.EmployeeID] {
			errs.Add(key, fmt.Sprintf("第%d行：%s重复申报", i+1, who))
			continue
		}
		seen[l.EmployeeID] = true
		if roster != nil {
			e, ok := roster[l.EmployeeID]
			if !ok || e.ResidentID != l.ResidentID {
				errs.Add(key, fmt.Sprintf("第%d行：%s不在本月的员工花名册中（入职晚于本月或此前已离职），请先核对花名册", i+1, who))
				continue
			}
			who, l.Name = e.Name, e.Name
		}
		if msg := checkPerson(&l, month); msg != "" {
			errs.Add(key, fmt.Sprintf("第%d行：%s", i+1, msg))
			continue
		}
		ws := strings.TrimSpace(l.Wage)
		if ws == "" {
			continue // not declared this month
		}
		wage, err := money.ParseYuan(ws)
		switch {
		case err != nil:
			errs.Add(key, who+"的缴费工资："+err.Error())
			continue
		case wage == 0:
			errs.Add(key, who+"的缴费工资应大于 0；本月不为其缴费的，请清空此栏")
			continue
		}
		if rate < 0 {
			continue // the rate's message says why nothing is computed
		}
		r, err := rules.SocialInsurance(rules.SocialInput{Month: month, Region: Region, Wage: wage, InjuryRate: rate})
		if err != nil {
			return forms.Output{}, err
		}
		res = append(res, Result{EmployeeID: l.EmployeeID, ResidentID: l.ResidentID, Name: l.Name, Wage: wage,
			Lines: r.Lines, Employer: r.Employer, Employee: r.Employee})
		for _, sl := range r.Lines {
			sum[0][sl.Type] += sl.Employer
			sum[1][sl.Type] += sl.Employee
		}
		if n := clampNote(l.Name, wage, r.Lines); n != "" {
			out.Notes = append(out.Notes, n)
		}
	}
	if len(res) == 0 && len(errs) == 0 && rate >= 0 {
		errs.Add(forms.DetailKey, "请至少填写一名职工的缴费工资")
	}
	var employer, employee int64
	for t, line := range lineOf {
		out.Values[forms.Key(line, ColEmployer)] = sum[0][t]
		if sum[1][t] != 0 {
			if t == rules.WorkInjury || t == rules.Maternity {
				return forms.Output{}, fmt.Errorf("sif: %v has an employee's contribution the form has no cell for", t)
			}
			out.Values[forms.Key(line, ColEmployee)] = sum[1][t]
		}
		employer += sum[0][t]
		employee += sum[1][t]
	}
	out.Values[forms.Key(LineTotal, ColEmployer)] = employer
	out.Values[forms.Key(LineTotal, ColEmployee)] = employee
	out.Values[LinePayable] = employer + employee
	out.TaxDue = employer + employee
	out.Detail = res
	head := fmt.Sprintf("参保人数 %d 人，本月应缴社会保险费 %s 元（单位 %s 元，个人 %s 元）。",
		len(res), money.FormatYuan(employer+employee), money.FormatYuan(employer), money.FormatYuan(employee))
	if roster != nil && onRoster > len(res) && len(errs) == 0 {
		head += fmt.Sprintf("花名册中本月在职 %d 人，未填写缴费工资的 %d 人本月不申报。", onRoster, onRoster-len(res))
	}
	out.Notes = append([]string{head}, out.Notes...)
	out.Fields = errs
	return out, nil
}

// parseRate reads the work injury rate in percent into basis points
// within the region's range; -1 when it is missing or wrong (with the
// message in errs).
func parseRate(s string, p rules.SocialParams, errs apperr.Fields) rules.Rate {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	rng := fmt.Sprintf("%s%%–%s%%", forms.Plain(int64(p.MinInjuryRate)), forms.Plain(int64(p.MaxInjuryRate)))
	if s == "" {
		errs.Add(InjuryRateKey, "请填写本单位的工伤保险费率（社会保险经办机构核定的费率，"+rng+"）")
		return -1
	}
	bp, err := money.ParseYuan(s) // a percent with two decimals is basis points
	if err != nil {
		errs.Add(InjuryRateKey, "工伤保险费率应为百分数，最多两位小数，如 0.2")
		return -1
	}
	if bp < int64(p.MinInjuryRate) || bp > int64(p.MaxInjuryRate) {
		errs.Add(InjuryRateKey, "工伤保险费率应在 "+rng+" 之间（行业基准费率及浮动）")
		return -1
	}
	return rules.Rate(bp)
}

// checkPerson checks a line's identity (as it came from the roster, or from
// the API) and normalises it; the message when it is wrong.
func checkPerson(l *Line, month calendar.YearMonth) string {
	l.ResidentID = ids.NormalizeResidentID(l.ResidentID)
	if msg := input.Check(l.ResidentID, 30); msg != "" {
		return "证件号码" + msg
	}
	if err := ids.ValidateResidentID(l.ResidentID, month.Next().Day(1).AddDays(-1).Time()); err != nil {
		return err.Error()
	}
	l.Name = strings.TrimSpace(l.Name)
	if msg := input.Check(l.Name, 50); msg != "" {
		return "姓名" + msg
	}
	if utf8.RuneCountInString(l.Name) < 2 {
		return "姓名至少 2 个字"
	}
	return ""
}

// clampNote says when an employee's base is not the wage: raised to the
// floor or lowered to the ceiling ("" when no insurance's base was).
func clampNote(name string, wage int64, lines []rules.SocialLine) string {
	var parts []string
	same := true
	for _, sl := range lines {
		if sl.Clamped != lines[0].Clamped || sl.Base != lines[0].Base {
			same = false
		}
	}
	for _, sl := range lines {
		var s string
		switch sl.Clamped {
		case "floor":
			s = "缴费基数按下限 " + money.FormatYuan(sl.Base) + " 元计算"
		case "ceiling":
			s = "缴费基数按上限 " + money.FormatYuan(sl.Base) + " 元计算"
		default:
			continue
		}
		if same {
			parts = []string{s}
			break
		}
		parts = append(parts, sl.Type.String()+s)
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s（缴费工资 %s 元）：%s。", name, money.FormatYuan(wage), strings.Join(parts, "；"))
}

// DecodeDetail reads an entered detail: no unknown fields, nothing after it.
func DecodeDetail(b []byte) (*Detail, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var d Detail
	if err := dec.Decode(&d); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("sif: data after the detail")
	}
	return &d, nil
}

// EncodeDetail is the detail as a draft and a submission carry it under
// forms.DetailKey.
func EncodeDetail(d *Detail) string {
	if d.Lines == nil {
		d.Lines = []Line{}
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // plain structs always marshal
	}
	return string(b)
}

// DetailOf reads the per-employee results an accepted return's canonical
// document keeps under "detail".
func DetailOf(detail json.RawMessage) ([]Result, error) {
	if len(detail) == 0 {
		return nil, nil
	}
	var res []Result
	if err := json.Unmarshal(detail, &res); err != nil {
		return nil, fmt.Errorf("sif: detail: %w", err)
	}
	return res, nil
}
