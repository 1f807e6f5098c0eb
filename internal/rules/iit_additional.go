package rules

import (
	"errors"
	"fmt"

	"taxhall/internal/calendar"
)

// AdditionalAmounts are the monthly standard amounts of the special
// additional deductions (专项附加扣除), in fen.
type AdditionalAmounts struct {
	Child                int64 // 子女教育, per child
	Infant               int64 // 3岁以下婴幼儿照护, per child (0: not yet in force)
	ElderlyOnlyChild     int64 // 赡养老人, only child
	ElderlyShareCap      int64 // 赡养老人, the most one of several children may take
	ContinuingEducation  int64 // 继续教育 (学历、学位), per month
	HousingLoan          int64 // 住房贷款利息
	RentTier1, RentTier2 int64 // 住房租金: municipalities, capitals, …; cities over 1 million
	RentTier3            int64 // 住房租金: other cities
}

var AdditionalDeductions = Schedule[AdditionalAmounts]{
	Name: "个人所得税专项附加扣除标准",
	Entries: []Param[AdditionalAmounts]{
		{From: d("2019-01-01"), To: d("2021-12-31"),
			V:      AdditionalAmounts{1_000 * yuan, 0, 2_000 * yuan, 1_000 * yuan, 400 * yuan, 1_000 * yuan, 1_500 * yuan, 1_100 * yuan, 800 * yuan},
			Source: "个人所得税专项附加扣除暂行办法（国发〔2018〕41号）"},
		{From: d("2022-01-01"), To: d("2022-12-31"),
			V:      AdditionalAmounts{1_000 * yuan, 1_000 * yuan, 2_000 * yuan, 1_000 * yuan, 400 * yuan, 1_000 * yuan, 1_500 * yuan, 1_100 * yuan, 800 * yuan},
			Source: "国发〔2018〕41号；国务院关于设立3岁以下婴幼儿照护个人所得税专项附加扣除的通知（国发〔2022〕8号）"},
		{From: d("2023-01-01"), To: Forever,
			V:      AdditionalAmounts{2_000 * yuan, 2_000 * yuan, 3_000 * yuan, 1_500 * yuan, 400 * yuan, 1_000 * yuan, 1_500 * yuan, 1_100 * yuan, 800 * yuan},
			Source: "国务院关于提高个人所得税有关专项附加扣除标准的通知（国发〔2023〕13号）；国发〔2018〕41号"},
	},
}

// RentTier is the housing-rent city tier.
type RentTier int

const (
	NoRent    RentTier = iota
	RentTier1          // 直辖市、省会（首府）城市、计划单列市及国务院确定的其他城市: 1,500
	RentTier2          // 市辖区户籍人口超过100万的城市: 1,100
	RentTier3          // 其他城市: 800
)

// AdditionalClaims are what an employee claims for a month. Children and
// infants are counted in halves, because parents may each take 50% or one
// of them 100% of a child's amount.
type AdditionalClaims struct {
	ChildHalves         int   // 子女教育: 2 per child taken in full, 1 per child shared
	InfantHalves        int   // 婴幼儿照护: the same
	ElderlyOnlyChild    bool  // 独生子女: the full amount
	ElderlyShare        int64 // not an only child: the agreed monthly share, ≤ the cap
	ContinuingEducation bool  // 学历（学位）继续教育
	HousingLoan         bool
	Rent                RentTier
}

// AdditionalDeduction returns one month's special additional deduction for
// the claims, at the amounts in force in that month.
func AdditionalDeduction(month calendar.YearMonth, c AdditionalClaims) (int64, error) {
	e, err := AdditionalDeductions.At(month.Day(1))
	if err != nil {
		return 0, err
	}
	a := e.V
	if c.ChildHalves < 0 || c.InfantHalves < 0 || c.ElderlyShare < 0 {
		return 0, errors.New("rules: negative claim")
	}
	if c.InfantHalves > 0 && a.Infant == 0 {
		return 0, fmt.Errorf("rules: the infant-care deduction is not in force in %v (from 2022-01-01, 国发〔2022〕8号)", month)
	}
	if c.HousingLoan && c.Rent != NoRent {
		return 0, errors.New("rules: housing loan interest and housing rent cannot both be claimed (国发〔2018〕41号)")
	}
	if c.ElderlyOnlyChild && c.ElderlyShare > 0 {
		return 0, errors.New("rules: an only child takes the full elderly-support amount, not a share")
	}
	if c.ElderlyShare > a.ElderlyShareCap {
		return 0, fmt.Errorf("rules: an elderly-support share of %d fen exceeds the cap of %d", c.ElderlyShare, a.ElderlyShareCap)
	}
	total := a.Child*int64(c.ChildHalves)/2 + a.Infant*int64(c.InfantHalves)/2 + c.ElderlyShare
	if c.ElderlyOnlyChild {
		total += a.ElderlyOnlyChild
	}
	if c.ContinuingEducation {
		total += a.ContinuingEducation
	}
	if c.HousingLoan {
		total += a.HousingLoan
	}
	switch c.Rent {
	case NoRent:
	case RentTier1:
		total += a.RentTier1
	case RentTier2:
		total += a.RentTier2
	case RentTier3:
		total += a.RentTier3
	default:
		return 0, fmt.Errorf("rules: unknown rent tier %d", c.Rent)
	}
	return total, nil
}
