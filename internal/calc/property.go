package calc

import (
	"errors"
	"fmt"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// PropertyInput is what the property tax calculator takes, as typed:
// Period "y", "h1"/"h2", "q1"–"q4" or "m1"–"m12"; Region a province code
// of rules.PropertyRegions or "other" with Deduction a percentage (10–30);
// amounts in yuan; Status a code of Statuses.
type PropertyInput struct {
	Year, Period    string
	Original        string // 房产原值 (从价)
	Region          string
	Deduction       string
	Rent            string // 本期租金收入 (从租)
	ResidentialRent bool
	Status          string
}

// PropertyResult is rules.PropertyTax's answer with the steps shown.
type PropertyResult struct {
	Period     rules.Period
	PeriodName string
	Tax        rules.PropertyResult
	Steps      []Step
}

// Property computes the property tax of a period with rules.PropertyTax.
func Property(in PropertyInput) (PropertyResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r PropertyResult
	if _, bad := f["year"]; !bad {
		r.Period, r.PeriodName = parseSpan(f, year, in.Period)
	}
	p := rules.PropertyInput{
		OriginalValue:   parseYuan(f, "original", in.Original, true),
		Rent:            parseYuan(f, "rent", in.Rent, true),
		ResidentialRent: in.ResidentialRent,
		Status:          parseStatus(f, "status", in.Status),
	}
	if _, bad := f["original"]; !bad && p.OriginalValue > 0 {
		switch in.Region {
		case "other":
			if p.Deduction = parseRate(f, "deduction", in.Deduction); f["deduction"] == "" &&
				(p.Deduction < rules.MinPropertyDeduction || p.Deduction > rules.MaxPropertyDeduction) {
				f.Add("deduction", "减除比例应在 10% 至 30% 之间（房产税暂行条例 第三条）")
			}
		default:
			if _, ok := rules.PropertyDeduction[in.Region]; !ok {
				f.Add("region", "请选择房产所在省份")
			}
			p.Region = in.Region
		}
	}
	_, badO := f["original"]
	_, badR := f["rent"]
	if !badO && !badR && p.OriginalValue == 0 && p.Rent == 0 {
		f.Add("original", "请填写房产原值或租金收入（至少一项）")
	}
	if err := f.Err(); err != nil {
		return PropertyResult{}, err
	}
	p.Period = r.Period
	res, err := rules.PropertyTax(p)
	if err != nil {
		return PropertyResult{}, ruleErr(err, "period")
	}
	r.Tax = res
	v, l := res.Value, res.Rent
	if p.OriginalValue > 0 {
		r.Steps = append(r.Steps,
			Step{Label: "房产原值", Value: yuan(v.Original)},
			Step{Label: "减除比例", Formula: "房产原值一次减除 10% 至 30%，具体比例由省级人民政府规定", Value: v.Deduction.String(), Basis: v.Source},
			Step{Label: "房产余值", Formula: "房产原值 × (1 − 减除比例)", Value: yuan(v.Residual)},
			Step{Label: "从价计征应纳税额", Formula: fmt.Sprintf("房产余值 × %s（年税率）× %d ÷ 12 个月，一次四舍五入到分", v.Rate, v.Months), Value: yuan(v.Tax), Basis: res.Source})
	}
	if p.Rent > 0 {
		kind := "出租房产按租金收入的 12%"
		if p.ResidentialRent {
			kind = "出租住房（个人出租住房，或单位按市场价格向个人、住房租赁企业出租住房）按 4%"
		}
		r.Steps = append(r.Steps,
			Step{Label: "本期租金收入（不含增值税）", Value: yuan(l.Rent)},
			Step{Label: "从租计征应纳税额", Formula: kind + "：" + amt(l.Rent) + " × " + l.Rate.String(), Value: yuan(l.Tax), Basis: res.Source})
	}
	r.Steps = append(r.Steps,
		Step{Label: "本期应纳税额", Value: yuan(res.Tax)},
		reliefStep(res.Reduction, res.ReliefRate, res.ReliefSource),
		Step{Label: "本期应缴房产税", Formula: "应纳税额 − 减征额", Value: yuan(res.Payable), Total: true})
	return r, nil
}

// LandInput is what the urban land use tax calculator takes, as typed:
// Area in m² (two decimals at most); City a code of rules.LandRegions with
// Grade, or "other" with PerM2 the yearly amount per m² in yuan.
type LandInput struct {
	Year, Period string
	Area         string
	City, Grade  string
	PerM2        string
	Status       string
}

// LandResult is rules.LandUseTax's answer with the steps shown.
type LandResult struct {
	Period     rules.Period
	PeriodName string
	Tax        rules.LandResult
	Steps      []Step
}

// LandGrades returns the grades of a city in force in year y, for the
// form's choices: "city:grade" codes and names with the amount.
func LandGrades(y int) []Choice {
	var out []Choice
	for _, c := range rules.LandRegions {
		s := rules.LandGrades[c.Code]
		e, err := s.ForPeriod(rules.Year(y))
		if err != nil {
			continue
		}
		for _, g := range e.V {
			out = append(out, Choice{c.Code + ":" + g.Code, fmt.Sprintf("%s %s（每平方米年税额 %s 元）", c.Name, g.Name, amt(g.PerM2))})
		}
	}
	return out
}

// Land computes the urban land use tax of a period with rules.LandUseTax.
// Grade is "city:grade" (see LandGrades) or "other" with PerM2.
func Land(in LandInput) (LandResult, error) {
	f := apperr.Fields{}
	year := parseYear(f, "year", in.Year)
	var r LandResult
	if _, bad := f["year"]; !bad {
		r.Period, r.PeriodName = parseSpan(f, year, in.Period)
	}
	l := rules.LandInput{
		Area:   parseHundredths(f, "area", in.Area, "占用土地面积（平方米）", false),
		Status: parseStatus(f, "status", in.Status),
	}
	switch g := strings.TrimSpace(in.Grade); {
	case g == "other":
		l.PerM2 = parseYuan(f, "per_m2", in.PerM2, false)
		if _, bad := f["per_m2"]; !bad && (l.PerM2 < rules.MinLandPerM2 || l.PerM2 > rules.MaxLandPerM2) {
			f.Add("per_m2", "每平方米年税额应在 0.42 元至 30 元之间（城镇土地使用税暂行条例 第四条、第五条）")
		}
	case g == "":
		f.Add("grade", "请选择土地等级，或选择“其他地区”并填写税额")
	default:
		city, grade, _ := strings.Cut(g, ":")
		l.City, l.Grade = city, grade
		if _, ok := rules.LandGrades[city]; !ok {
			f.Add("grade", "请选择土地等级")
		}
	}
	if err := f.Err(); err != nil {
		return LandResult{}, err
	}
	l.Period = r.Period
	res, err := rules.LandUseTax(l)
	if err != nil {
		if errors.Is(err, rules.ErrUnknownCode) {
			return LandResult{}, apperr.InvalidField("grade", "所选土地等级不存在，请重新选择")
		}
		return LandResult{}, ruleErr(err, "period")
	}
	r.Tax = res
	grade := "纳税人填写的税额"
	if res.Grade.Name != "" {
		grade = res.Grade.Name
	}
	r.Steps = []Step{
		{Label: "实际占用土地面积", Value: hundredths(l.Area) + " 平方米", Basis: res.Source},
		{Label: "适用税额", Formula: grade + "，每平方米年税额", Value: yuan(res.Grade.PerM2), Basis: res.GradeSource},
		{Label: "本期应纳税额", Formula: fmt.Sprintf("面积 × 年税额 × %d ÷ 12 个月，一次四舍五入到分", res.Months), Value: yuan(res.Tax)},
		reliefStep(res.Reduction, res.ReliefRate, res.ReliefSource),
		{Label: "本期应缴城镇土地使用税", Formula: "应纳税额 − 减征额", Value: yuan(res.Payable), Total: true},
	}
	return r, nil
}
