package rules

import (
	"errors"
	"fmt"
)

// Region is a place with its own parameters (a province for the property
// tax deduction, a city for the land grades or social insurance).
type Region struct{ Code, Name string }

// PropertyRegions are the provinces whose property tax deduction is
// entered, in display order.
var PropertyRegions = []Region{{"fujian", "福建省（含厦门市）"}, {"beijing", "北京市"}}

// PropertyDeduction is, per province, the share of the original value
// deducted before the 1.2% rate (房产税暂行条例 第三条: 10%–30%, set by the
// province).
var PropertyDeduction = map[string]Schedule[Rate]{
	"fujian": {Name: "福建省房产税减除比例", Entries: []Param[Rate]{
		{From: d("1986-10-01"), To: Forever, V: 30 * Percent,
			Source: "房产税暂行条例 第三条；福建省施行细则规定的减除比例（30% 未能在本项目资料中核实原文，请以主管税务机关公布为准）"},
	}},
	"beijing": {Name: "北京市房产税减除比例", Entries: []Param[Rate]{
		{From: d("1986-10-01"), To: Forever, V: 30 * Percent,
			Source: "房产税暂行条例 第三条；北京市施行《中华人民共和国房产税暂行条例》的细则 第四条（减除30%；未能在本项目资料中核对原文）"},
	}},
}

// Property tax deduction bounds (房产税暂行条例 第三条).
const (
	MinPropertyDeduction Rate = 10 * Percent
	MaxPropertyDeduction Rate = 30 * Percent
)

// PropertyRates are the property tax rates: on the residual value a year,
// on rent, and on residential rent.
type PropertyRates struct{ Value, Rent, ResidentialRent Rate }

var PropertyTaxRates = Schedule[PropertyRates]{
	Name: "房产税税率",
	Entries: []Param[PropertyRates]{
		{From: d("2008-03-01"), To: Forever, V: PropertyRates{120, 12 * Percent, 4 * Percent},
			Source: "房产税暂行条例 第四条（从价1.2%、从租12%）；财政部 国家税务总局关于廉租住房 经济适用住房和住房租赁有关税收政策的通知（财税〔2008〕24号）第二条（个人出租住房，单位按市场价格向个人出租用于居住的住房，4%）；" +
				"财政部 税务总局 住房城乡建设部公告2021年第24号 第一条（2021年10月1日起含向专业化规模化住房租赁企业出租住房）"},
	},
}

// PropertyInput is a property tax return's figures for a period of whole
// months of one year (see WholeMonths), in fen. A taxpayer may have both
// kinds: property it uses (taxed on value) and property it lets (on rent).
type PropertyInput struct {
	Period Period
	// OriginalValue: 房产原值 of the property taxed on its value.
	OriginalValue int64
	// Region: a key of PropertyDeduction, or "" to give Deduction.
	Region    string
	Deduction Rate
	// Rent: rent income of the period, tax excluded (从租计征).
	Rent int64
	// ResidentialRent: housing let by an individual, or by a unit to an
	// individual for living (or, from 2021-10-01, to a professional housing
	// rental company): 4% instead of 12%.
	ResidentialRent bool
	Status          TaxpayerStatus
}

// PropertyValueLine is the tax on the value (从价计征).
type PropertyValueLine struct {
	Original  int64
	Deduction Rate  // share deducted (10%–30%)
	Residual  int64 // Original × (1 − Deduction), for display
	Rate      Rate  // 1.2% a year
	Months    int
	Tax       int64 // Original × (1 − Deduction) × 1.2% × Months ÷ 12, rounded once
	Reduction int64
	Source    string // of the deduction
}

// PropertyRentLine is the tax on rent (从租计征).
type PropertyRentLine struct {
	Rent      int64
	Rate      Rate
	Tax       int64
	Reduction int64
}

// PropertyResult is a property tax computation.
type PropertyResult struct {
	Value        PropertyValueLine
	Rent         PropertyRentLine
	Source       string // of the rates
	Tax          int64  // Value.Tax + Rent.Tax
	ReliefRate   Rate
	ReliefSource string
	Reduction    int64 // the "六税两费" reduction, per line, summed
	Payable      int64
}

// PropertyTax computes the property tax (房产税) of a period: on the value
// at 1.2% a year of the original value less the province's deduction,
// prorated by the months of the period, and on the rent received at 12%
// (4% for residential letting); less the "六税两费" reduction for an eligible
// taxpayer. Each line is rounded once, half up to the fen, and its reduction
// is computed on the rounded tax.
func PropertyTax(in PropertyInput) (PropertyResult, error) {
	months, err := WholeMonths(in.Period)
	if err != nil {
		return PropertyResult{}, err
	}
	if in.OriginalValue < 0 || in.Rent < 0 {
		return PropertyResult{}, errors.New("rules: the value and the rent cannot be negative")
	}
	rates, err := PropertyTaxRates.ForPeriod(in.Period)
	if err != nil {
		return PropertyResult{}, err
	}
	relief, reliefSource, err := SixTaxesRelief(in.Period, in.Status)
	if err != nil {
		return PropertyResult{}, err
	}
	r := PropertyResult{Source: rates.Source, ReliefRate: relief, ReliefSource: reliefSource}
	if in.OriginalValue > 0 {
		ded, src := in.Deduction, "纳税人填写的减除比例（房产税暂行条例 第三条：10%至30%，由省、自治区、直辖市人民政府规定）"
		if in.Region != "" {
			s, ok := PropertyDeduction[in.Region]
			if !ok {
				return PropertyResult{}, fmt.Errorf("%w: no property tax deduction for region %q", ErrUnknownCode, in.Region)
			}
			e, err := s.ForPeriod(in.Period)
			if err != nil {
				return PropertyResult{}, err
			}
			ded, src = e.V, e.Source
		}
		if ded < MinPropertyDeduction || ded > MaxPropertyDeduction {
			return PropertyResult{}, fmt.Errorf("rules: a deduction of %v is outside 10%%–30%%", ded)
		}
		v := PropertyValueLine{Original: in.OriginalValue, Deduction: ded, Rate: rates.V.Value, Months: months, Source: src}
		v.Residual = mulRate(in.OriginalValue, 10000-ded)
		v.Tax = mulDiv(in.OriginalValue, int64(10000-ded)*int64(v.Rate)*int64(months), 10000*10000*12)
		v.Reduction = mulRate(v.Tax, relief)
		r.Value = v
	}
	if in.Rent > 0 {
		l := PropertyRentLine{Rent: in.Rent, Rate: rates.V.Rent}
		if in.ResidentialRent {
			l.Rate = rates.V.ResidentialRent
		}
		l.Tax = mulRate(in.Rent, l.Rate)
		l.Reduction = mulRate(l.Tax, relief)
		r.Rent = l
	}
	r.Tax = r.Value.Tax + r.Rent.Tax
	r.Reduction = r.Value.Reduction + r.Rent.Reduction
	r.Payable = r.Tax - r.Reduction
	return r, nil
}

// LandGrade is one land grade of a city and its yearly tax per m², in fen.
type LandGrade struct {
	Code, Name string
	PerM2      int64
}

// LandRegions are the cities whose land grades are entered.
var LandRegions = []Region{{"xiamen", "厦门市"}}

// LandGrades are, per city, the grades' yearly amounts (城镇土地使用税暂行
// 条例 第四条、第五条: the city sets them within the province's range).
var LandGrades = map[string]Schedule[[]LandGrade]{
	"xiamen": {Name: "厦门市城镇土地使用税等级税额", Entries: []Param[[]LandGrade]{
		{From: d("2008-01-01"), To: Forever, V: []LandGrade{
			{"1", "一级土地", 24 * yuan}, {"2", "二级土地", 18 * yuan}, {"3", "三级土地", 12 * yuan},
			{"4", "四级土地", 8 * yuan}, {"5", "五级土地", 4 * yuan}, {"6", "六级土地", 2 * yuan},
		}, Source: "城镇土地使用税暂行条例 第四条、第五条；厦门市土地等级税额为待核实的假设值（未能取得厦门市公布的原文），请以主管税务机关公布的土地等级和税额标准为准"},
	}},
}

// The statutory range of the yearly amount per m² (城镇土地使用税暂行条例
// 第四条: 0.6 to 30 yuan; 第五条: backward areas may go 30% below the
// lowest, developed ones above the highest with the Ministry's approval).
const (
	MinLandPerM2 int64 = 42        // 0.6 × 70%, in fen
	MaxLandPerM2 int64 = 30 * yuan // without the Ministry of Finance's approval
)

const LandTaxSource = "城镇土地使用税暂行条例 第三条、第四条、第八条（按年计算、分期缴纳）"

// LandInput is the urban land use tax of a piece of land for a period of
// whole months of one year.
type LandInput struct {
	Period Period
	// Area occupied, in hundredths of a square metre (12345 = 123.45 m²).
	Area int64
	// City and Grade: keys of LandGrades and a grade's Code; or City ""
	// and PerM2, the yearly amount per m² in fen.
	City, Grade string
	PerM2       int64
	Status      TaxpayerStatus
}

// LandResult is the land use tax computation.
type LandResult struct {
	Grade        LandGrade // Name is empty for an amount typed in
	GradeSource  string
	Months       int
	Tax          int64 // Area × PerM2 × Months ÷ 12, rounded once
	ReliefRate   Rate
	ReliefSource string
	Reduction    int64
	Payable      int64
	Source       string
}

// LandUseTax computes the urban land use tax (城镇土地使用税) of a period:
// the area times the grade's yearly amount, prorated by months, less the
// "六税两费" reduction for an eligible taxpayer.
func LandUseTax(in LandInput) (LandResult, error) {
	months, err := WholeMonths(in.Period)
	if err != nil {
		return LandResult{}, err
	}
	if in.Area < 0 {
		return LandResult{}, errors.New("rules: the area cannot be negative")
	}
	r := LandResult{Months: months, Source: LandTaxSource}
	if in.City == "" {
		if in.PerM2 < MinLandPerM2 {
			return LandResult{}, fmt.Errorf("rules: %d fen per m² is below the statutory minimum", in.PerM2)
		}
		r.Grade = LandGrade{PerM2: in.PerM2}
		r.GradeSource = "纳税人填写的适用税额（城镇土地使用税暂行条例 第五条：由市、县人民政府按土地等级制定）"
	} else {
		s, ok := LandGrades[in.City]
		if !ok {
			return LandResult{}, fmt.Errorf("%w: no land grades for %q", ErrUnknownCode, in.City)
		}
		e, err := s.ForPeriod(in.Period)
		if err != nil {
			return LandResult{}, err
		}
		found := false
		for _, g := range e.V {
			if g.Code == in.Grade {
				r.Grade, found = g, true
			}
		}
		if !found {
			return LandResult{}, fmt.Errorf("%w: no grade %q in %s", ErrUnknownCode, in.Grade, in.City)
		}
		r.GradeSource = e.Source
	}
	r.ReliefRate, r.ReliefSource, err = SixTaxesRelief(in.Period, in.Status)
	if err != nil {
		return LandResult{}, err
	}
	r.Tax = mulDiv(in.Area, r.Grade.PerM2*int64(months), 100*12)
	r.Reduction = mulRate(r.Tax, r.ReliefRate)
	r.Payable = r.Tax - r.Reduction
	return r, nil
}
