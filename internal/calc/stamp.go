package calc

import (
	"fmt"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

// StampInput is what the stamp duty calculator takes, as typed: Period
// "q1"–"q4" or "y" (按季、按年); Bases maps an item code of StampItems to
// its base in yuan (empty: none); Status a code of Statuses. Securities
// transactions are not offered: the clearing house withholds that duty
// (印花税法 第十四条).
type StampInput struct {
	Year, Period string
	Bases        map[string]string
	Status       string
}

// StampResult is rules.StampDuty's answer with the steps shown.
type StampResult struct {
	Period     rules.Period
	PeriodName string
	Duty       rules.StampResult
	Steps      []Step
}

// StampItems are the items the calculator offers: the Stamp Duty Law's
// table (in force from 2022-07-01, the only one entered) without
// securities transactions.
func StampItems() []rules.StampItem {
	items, _ := rules.StampItemsAt(calendar.MakeDate(2022, 7, 1))
	var out []rules.StampItem
	for _, it := range items {
		if !it.Securities {
			out = append(out, it)
		}
	}
	return out
}

// Stamp computes the stamp duty of a quarter or a year with
// rules.StampDuty.
func Stamp(in StampInput) (StampResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r StampResult
	if _, bad := f["year"]; !bad {
		switch p := strings.TrimSpace(in.Period); {
		case p == "y" || (len(p) == 2 && p[0] == 'q'):
			r.Period, r.PeriodName = parseSpan(f, year, p)
		case p == "":
			f.Add("period", "请选择所属期")
		default:
			f.Add("period", "印花税按季或按年申报，请选择季度或全年")
		}
	}
	s := rules.StampInput{Status: parseStatus(f, "status", in.Status)}
	for _, it := range StampItems() {
		item := apperr.Fields{}
		v := parseYuan(item, "x", in.Bases[it.Code], true)
		if msg := item["x"]; msg != "" {
			f.Add("b_"+it.Code, it.Name+"："+msg)
		}
		if v > 0 {
			s.Lines = append(s.Lines, rules.StampLine{Item: it.Code, Base: v})
		}
	}
	if len(s.Lines) == 0 && len(f) == 0 {
		f.Add("b_"+StampItems()[0].Code, "请至少填写一个税目的计税金额")
	}
	if err := f.Err(); err != nil {
		return StampResult{}, err
	}
	s.Period = r.Period
	res, err := rules.StampDuty(s)
	if err != nil {
		return StampResult{}, ruleErr(err, "period")
	}
	r.Duty = res
	for _, l := range res.Lines {
		formula := fmt.Sprintf("%s %s × %s", l.Item.Base, amt(l.Base), l.Item.RateText)
		if l.Reduction > 0 {
			formula += fmt.Sprintf(" = %s，减征 %s", amt(l.Tax), amt(l.Reduction))
		}
		r.Steps = append(r.Steps, Step{Label: l.Item.Name, Formula: formula, Value: yuan(l.Payable), Basis: l.Source})
	}
	r.Steps = append(r.Steps,
		Step{Label: "应纳税额合计", Formula: "各税目计税依据 × 适用税率，分别四舍五入到分后相加", Value: yuan(res.Tax), Basis: res.Source},
		reliefStep(res.Reduction, res.ReliefRate, res.ReliefSource),
		Step{Label: "本期应缴印花税", Formula: "应纳税额 − 减征额", Value: yuan(res.Payable), Total: true})
	return r, nil
}
