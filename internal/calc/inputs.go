package calc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

// Choice is a value of a select and its label.
type Choice struct{ Code, Name string }

// Statuses are the "六税两费" groups a visitor may say they belong to;
// "" is none of them.
var Statuses = []Choice{
	{"none", "以上都不是（如一般纳税人且非小型微利企业）"},
	{"small_scale", "增值税小规模纳税人"},
	{"small_low_profit", "小型微利企业"},
	{"individual", "个体工商户"},
}

var statusOf = map[string]rules.TaxpayerStatus{
	"none":             {},
	"small_scale":      {SmallScale: true},
	"small_low_profit": {SmallLowProfit: true},
	"individual":       {IndividualBusiness: true},
}

func parseStatus(f apperr.Fields, field, s string) rules.TaxpayerStatus {
	st, ok := statusOf[strings.TrimSpace(s)]
	if !ok {
		f.Add(field, "请选择纳税人类型")
	}
	return st
}

// parseSpan reads a year's period for the taxes levied by the year: "y"
// the whole year, "h1"/"h2" a half, "q1"–"q4" a quarter, "m1"–"m12" a
// month.
func parseSpan(f apperr.Fields, year int, s string) (rules.Period, string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		f.Add("period", "请选择所属期")
		return rules.Period{}, ""
	case s == "y":
		return rules.Year(year), fmt.Sprintf("%d年全年", year)
	case s == "h1":
		return rules.Months(year, time.January, time.June), fmt.Sprintf("%d年上半年", year)
	case s == "h2":
		return rules.Months(year, time.July, time.December), fmt.Sprintf("%d年下半年", year)
	}
	return parsePeriod(f, year, s)
}

// parseDate reads a date typed as 2026-05-31 (or 2026/5/31).
func parseDate(f apperr.Fields, field, s, what string) calendar.Date {
	s = strings.TrimSpace(strings.ReplaceAll(s, "/", "-"))
	if s == "" {
		f.Add(field, "请填写"+what)
		return calendar.Date{}
	}
	parts := strings.Split(s, "-")
	if len(parts) == 3 {
		y, e1 := strconv.Atoi(parts[0])
		m, e2 := strconv.Atoi(parts[1])
		d, e3 := strconv.Atoi(parts[2])
		if e1 == nil && e2 == nil && e3 == nil {
			if day := calendar.MakeDate(y, time.Month(m), d); day.Y == y && int(day.M) == m && day.D == d && y >= 1900 && y <= 2100 {
				return day
			}
		}
	}
	f.Add(field, what+"格式应为 年-月-日，如 2026-05-31")
	return calendar.Date{}
}

// parseRate reads a percentage typed as "30" or "30%" (two decimals at
// most) into a rules.Rate.
func parseRate(f apperr.Fields, field, s string) rules.Rate {
	s = strings.TrimSuffix(strings.TrimSpace(s), "%")
	if s == "" {
		f.Add(field, "请填写比例")
		return 0
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 || len(frac) > 2 || w > 100 {
		f.Add(field, "比例应为 0 至 100 之间的数，最多两位小数，如 30 或 1.25")
		return 0
	}
	for len(frac) < 2 {
		frac += "0"
	}
	fr, err := strconv.Atoi(frac)
	if err != nil || fr < 0 {
		f.Add(field, "比例应为 0 至 100 之间的数，最多两位小数，如 30 或 1.25")
		return 0
	}
	return rules.Rate(w*100 + fr)
}

// parseHundredths reads a non-negative number with at most two decimals
// (an area in m², a headcount) into hundredths.
func parseHundredths(f apperr.Fields, field, s, unit string, optional bool) int64 {
	if optional && strings.TrimSpace(s) == "" {
		return 0
	}
	v, err := parseYuanLike(s)
	if err != nil {
		f.Add(field, "请填写"+unit+"，最多两位小数")
	}
	return v
}

// parseYuanLike is money.ParseYuan for quantities that are not money.
func parseYuanLike(s string) (int64, error) {
	f := apperr.Fields{}
	v := parseYuan(f, "x", s, false)
	return v, f.Err()
}

// reliefStep shows the "六税两费" relief of a result.
func reliefStep(reduction int64, rate rules.Rate, source string) Step {
	formula := "未选择可享受减征的纳税人类型"
	if source != "" {
		formula = "应纳税额 × " + rate.String() + "，四舍五入到分"
	}
	return Step{Label: "“六税两费”减征额", Formula: formula, Value: yuan(reduction), Basis: source}
}
