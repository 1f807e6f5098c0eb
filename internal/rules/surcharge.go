package rules

import (
	"errors"
	"fmt"
)

// Location is where the taxpayer is, for the city maintenance and
// construction tax rate (城市维护建设税法 Art. 4).
type Location int

const (
	InCity       Location = iota + 1 // 市区: 7%
	InCountyTown                     // 县城、镇: 5%
	Elsewhere                        // 不在市区、县城或者镇: 1%
)

// CityTaxRates are the city maintenance and construction tax rates by
// location.
type CityTaxRates struct{ City, CountyTown, Elsewhere Rate }

var CityMaintenanceRates = Schedule[CityTaxRates]{
	Name: "城市维护建设税税率",
	Entries: []Param[CityTaxRates]{
		{From: d("1985-01-01"), To: d("2021-08-31"), V: CityTaxRates{7 * Percent, 5 * Percent, 1 * Percent},
			Source: "城市维护建设税暂行条例 第四条"},
		{From: d("2021-09-01"), To: Forever, V: CityTaxRates{7 * Percent, 5 * Percent, 1 * Percent},
			Source: "城市维护建设税法 第四条"},
	},
}

var EducationSurchargeRate = Schedule[Rate]{
	Name: "教育费附加征收率",
	Entries: []Param[Rate]{
		{From: d("2005-10-01"), To: Forever, V: 3 * Percent,
			Source: "征收教育费附加的暂行规定 第三条（国务院令第448号修订）"},
	},
}

var LocalEducationSurchargeRate = Schedule[Rate]{
	Name: "地方教育附加征收率",
	Entries: []Param[Rate]{
		{From: d("2011-01-01"), To: Forever, V: 2 * Percent,
			Source: "财政部关于统一地方教育附加政策有关问题的通知（财综〔2010〕98号）"},
	},
}

// HalfReduction is the "六税两费" relief: who may take it and at what rate.
type HalfReduction struct {
	Rate                                   Rate // share of the tax taken off
	SmallScale, SmallLowProfit, Individual bool // who is eligible
}

// SixTaxesTwoFees is the history of the "六税两费" relief. Dates outside it
// (before 2019, after 2027) are ErrNoParam for an eligible taxpayer, so a
// new year's policy has to be entered, not assumed.
var SixTaxesTwoFees = Schedule[HalfReduction]{
	Name: "六税两费减征",
	Entries: []Param[HalfReduction]{
		{From: d("2019-01-01"), To: d("2021-12-31"), V: HalfReduction{50 * Percent, true, false, false},
			Source: "财政部 税务总局关于实施小微企业普惠性税收减免政策的通知（财税〔2019〕13号）第三条（幅度内由省级政府确定，最高50%；此处取50%）"},
		{From: d("2022-01-01"), To: d("2022-12-31"), V: HalfReduction{50 * Percent, true, true, true},
			Source: "财政部 税务总局公告2022年第10号 第一条、第二条"},
		{From: d("2023-01-01"), To: d("2027-12-31"), V: HalfReduction{50 * Percent, true, true, true},
			Source: "财政部 税务总局公告2023年第12号 第二条"},
	},
}

// TaxpayerStatus says which of the "六税两费" groups a taxpayer belongs to in
// the period.
type TaxpayerStatus struct {
	SmallScale         bool // 增值税小规模纳税人
	SmallLowProfit     bool // 小型微利企业
	IndividualBusiness bool // 个体工商户
}

// SurchargeInput is the base of the three surcharges of one period.
type SurchargeInput struct {
	Period   Period
	Location Location
	// VAT and ConsumptionTax actually payable in the period, in fen
	// (城市维护建设税法 Art. 2; net of any VAT credit refund deducted).
	VAT, ConsumptionTax int64
	Status              TaxpayerStatus
}

// SurchargeLine is one surcharge's computation.
type SurchargeLine struct {
	Base      int64
	Rate      Rate
	Tax       int64 // Base × Rate
	Reduction int64 // "六税两费" reduction: Tax × the relief rate
	Payable   int64 // Tax − Reduction
	Source    string
}

// SurchargeResult: lines 23–25 of the small-scale return and the surcharge
// annex of both VAT returns.
type SurchargeResult struct {
	CityMaintenance, Education, LocalEducation SurchargeLine
	ReliefSource                               string // empty when no relief applies
	Payable                                    int64
}

// Surcharges computes the city maintenance and construction tax, the
// education surcharge and the local education surcharge of a period, with the
// "六税两费" half reduction when the taxpayer is eligible. Each line is rounded
// half up to the fen, and the reduction is computed on the rounded tax.
func Surcharges(in SurchargeInput) (SurchargeResult, error) {
	if _, err := in.Period.Months(); err != nil {
		return SurchargeResult{}, err
	}
	if in.VAT < 0 || in.ConsumptionTax < 0 {
		return SurchargeResult{}, errors.New("rules: the surcharge base cannot be negative")
	}
	base := in.VAT + in.ConsumptionTax

	city, err := CityMaintenanceRates.ForPeriod(in.Period)
	if err != nil {
		return SurchargeResult{}, err
	}
	var cityRate Rate
	switch in.Location {
	case InCity:
		cityRate = city.V.City
	case InCountyTown:
		cityRate = city.V.CountyTown
	case Elsewhere:
		cityRate = city.V.Elsewhere
	default:
		return SurchargeResult{}, fmt.Errorf("rules: unknown location %d", in.Location)
	}
	edu, err := EducationSurchargeRate.ForPeriod(in.Period)
	if err != nil {
		return SurchargeResult{}, err
	}
	local, err := LocalEducationSurchargeRate.ForPeriod(in.Period)
	if err != nil {
		return SurchargeResult{}, err
	}

	var relief Rate
	var r SurchargeResult
	if s := in.Status; s.SmallScale || s.SmallLowProfit || s.IndividualBusiness {
		h, err := SixTaxesTwoFees.ForPeriod(in.Period)
		if err != nil {
			return SurchargeResult{}, err
		}
		if (s.SmallScale && h.V.SmallScale) || (s.SmallLowProfit && h.V.SmallLowProfit) ||
			(s.IndividualBusiness && h.V.Individual) {
			relief, r.ReliefSource = h.V.Rate, h.Source
		}
	}
	line := func(rate Rate, source string) SurchargeLine {
		l := SurchargeLine{Base: base, Rate: rate, Tax: mulRate(base, rate), Source: source}
		l.Reduction = mulRate(l.Tax, relief)
		l.Payable = l.Tax - l.Reduction
		return l
	}
	r.CityMaintenance = line(cityRate, city.Source)
	r.Education = line(edu.V, edu.Source)
	r.LocalEducation = line(local.V, local.Source)
	r.Payable = r.CityMaintenance.Payable + r.Education.Payable + r.LocalEducation.Payable
	return r, nil
}
