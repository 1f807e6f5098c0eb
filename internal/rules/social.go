package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// Insurance is one of the social insurances (社会保险法 第二条).
type Insurance int

const (
	Pension      Insurance = iota + 1 // 基本养老保险
	Medical                           // 基本医疗保险（生育保险合并实施的，含生育保险）
	Unemployment                      // 失业保险
	WorkInjury                        // 工伤保险: employer only, rate by industry
	Maternity                         // 生育保险, where still separate
)

var insuranceNames = map[Insurance]string{
	Pension: "基本养老保险", Medical: "基本医疗保险", Unemployment: "失业保险", WorkInjury: "工伤保险", Maternity: "生育保险",
}

func (i Insurance) String() string { return insuranceNames[i] }

// InsuranceParams are one insurance's base limits (monthly, fen) and rates.
type InsuranceParams struct {
	Type               Insurance
	Floor, Ceiling     int64
	Employer, Employee Rate
}

// SocialParams are a region's parameters for a stretch of months. The work
// injury line gives the base limits; its employer rate is the employer's
// own (by industry class and floating), given in the input within
// [MinInjuryRate, MaxInjuryRate].
type SocialParams struct {
	Lines                        []InsuranceParams
	MinInjuryRate, MaxInjuryRate Rate
}

// SocialRegions are the regions whose social insurance parameters are
// entered.
var SocialRegions = []Region{{"xiamen", "厦门市"}}

// socialSourceXiamen names what is verified and what is not.
const socialSourceXiamen = "社会保险法 第十二条、第二十三条、第三十五条、第四十四条、第五十三条；" +
	"养老保险单位16%：国务院办公厅关于印发降低社会保险费率综合方案的通知（国办发〔2019〕13号）第一条；个人8%：国发〔2005〕38号；" +
	"缴费基数上下限为全口径城镇单位就业人员平均工资的60%至300%：国办发〔2019〕13号 第三条；" +
	"工伤保险行业基准费率0.2%至1.9%：人社部发〔2015〕71号；生育保险并入职工基本医疗保险：国办发〔2019〕10号。" +
	"厦门市的缴费基数上下限、医疗保险单位费率和失业保险费率分担为待核实的假设值（未能取得厦门市当年度公布的原文），正式使用前须按厦门市人力资源和社会保障局、税务局公布的标准替换"

// SocialInsuranceParams are, per region, the dated parameters. A region's
// base limits change every year (usually in July), so each year is an
// entry.
var SocialInsuranceParams = map[string]Schedule[SocialParams]{
	"xiamen": {Name: "厦门市社会保险费缴费基数和费率", Entries: []Param[SocialParams]{
		{From: d("2024-07-01"), To: d("2025-06-30"), V: xiamenSocial(4_313*yuan, 21_567*yuan), Source: socialSourceXiamen},
		{From: d("2025-07-01"), To: d("2026-06-30"), V: xiamenSocial(4_500*yuan, 22_500*yuan), Source: socialSourceXiamen},
		// The base for the year from July 2026 has not been entered from
		// its notice: the previous year's figures are carried over and
		// labelled as such, so that the months can be filed and the
		// difference corrected when the notice is entered as a new entry.
		{From: d("2026-07-01"), To: d("2027-06-30"), V: xiamenSocial(4_500*yuan, 22_500*yuan),
			Source: socialSourceXiamen + "（待核实：2026年7月起的缴费基数上下限尚未按当年通知录入，暂沿用2025年度数值）"},
	}},
}

func xiamenSocial(floor, ceiling int64) SocialParams {
	return SocialParams{
		Lines: []InsuranceParams{
			{Pension, floor, ceiling, 16 * Percent, 8 * Percent},
			{Medical, floor, ceiling, 800, 2 * Percent},
			{Unemployment, floor, ceiling, 50, 50},
			{WorkInjury, floor, ceiling, 0, 0},
		},
		MinInjuryRate: 20, MaxInjuryRate: 285, // 0.2% to 1.9% × 150% (floating)
	}
}

// SocialInput is one employee's month.
type SocialInput struct {
	Month  calendar.YearMonth
	Region string // a key of SocialInsuranceParams
	// Wage: the monthly contribution wage (缴费工资), usually last year's
	// monthly average, before clamping to the floor and the ceiling.
	Wage int64
	// InjuryRate: the employer's work injury rate.
	InjuryRate Rate
}

// SocialLine is one insurance's contributions.
type SocialLine struct {
	Type               Insurance
	Base               int64  // Wage clamped to [Floor, Ceiling]
	Clamped            string // "floor", "ceiling" or ""
	EmployerRate       Rate
	EmployeeRate       Rate
	Employer, Employee int64 // Base × rate, rounded half up to the fen
}

// SocialResult is an employee's month of contributions.
type SocialResult struct {
	Lines              []SocialLine
	Employer, Employee int64
	Source             string
}

// SocialInsurance computes one employee's social insurance contributions
// for a month: for each insurance, the wage clamped to the region's floor
// and ceiling (both inclusive) times the employer's and the employee's
// rates, each rounded half up to the fen.
func SocialInsurance(in SocialInput) (SocialResult, error) {
	if in.Wage < 0 {
		return SocialResult{}, errors.New("rules: the wage cannot be negative")
	}
	s, ok := SocialInsuranceParams[in.Region]
	if !ok {
		return SocialResult{}, fmt.Errorf("%w: no social insurance parameters for %q", ErrUnknownCode, in.Region)
	}
	e, err := s.At(in.Month.Day(1))
	if err != nil {
		return SocialResult{}, err
	}
	p := e.V
	if in.InjuryRate < p.MinInjuryRate || in.InjuryRate > p.MaxInjuryRate {
		return SocialResult{}, fmt.Errorf("rules: a work injury rate of %v is outside %v–%v", in.InjuryRate, p.MinInjuryRate, p.MaxInjuryRate)
	}
	r := SocialResult{Source: e.Source}
	for _, ip := range p.Lines {
		l := SocialLine{Type: ip.Type, Base: in.Wage, EmployerRate: ip.Employer, EmployeeRate: ip.Employee}
		switch {
		case in.Wage < ip.Floor:
			l.Base, l.Clamped = ip.Floor, "floor"
		case in.Wage > ip.Ceiling:
			l.Base, l.Clamped = ip.Ceiling, "ceiling"
		}
		if ip.Type == WorkInjury {
			l.EmployerRate = in.InjuryRate
		}
		l.Employer = mulRate(l.Base, l.EmployerRate)
		l.Employee = mulRate(l.Base, l.EmployeeRate)
		r.Employer += l.Employer
		r.Employee += l.Employee
		r.Lines = append(r.Lines, l)
	}
	return r, nil
}
