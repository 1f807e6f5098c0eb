package iitw

import (
	"fmt"
	"strings"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// MaxChildren bounds the children one employee claims for (子女教育, 婴幼儿
// 照护): a guard against a typo such as 20,000 for 2,000, not a legal limit.
const MaxChildren = 10

// limits are the special additional deduction standards of one month
// (rules.AdditionalDeductions) as the checks of a line need them.
type limits struct {
	month   calendar.YearMonth
	lastDay time.Time
	a       rules.AdditionalAmounts
	source  string
}

// limitsFor reads the standards in force in the month; a month before the
// cumulative method (2019) has none.
func limitsFor(month calendar.YearMonth) (*limits, error) {
	e, err := rules.AdditionalDeductions.At(month.Day(1))
	if err != nil {
		return nil, err
	}
	if _, err := rules.WageWithholding.At(month.Day(1)); err != nil {
		return nil, err
	}
	return &limits{month: month, lastDay: lastDayOf(month).Time(), a: e.V, source: e.Source}, nil
}

func yuan(fen int64) string { return strings.TrimSuffix(money.FormatYuan(fen), ".00") + "元" }

// check tests each special additional deduction against the month's
// standard (国发〔2018〕41号 as amended by 国发〔2022〕8号 and 国发〔2023〕13号),
// then lets rules.AdditionalDeduction, the one definition of the amounts,
// confirm the whole claim.
func (lim *limits) check(l *Line, add func(key, msg string)) {
	a := lim.a
	var c rules.AdditionalClaims
	ok := true
	halves := func(key, what string, v, perChild int64) int {
		if v == 0 {
			return 0
		}
		half := perChild / 2
		if v%half != 0 || v/half > 2*MaxChildren {
			add(key, fmt.Sprintf("%s每个子女每月%s（父母分别扣除的各%s），请填写%s的整数倍", what, yuan(perChild), yuan(half), yuan(half)))
			ok = false
			return 0
		}
		return int(v / half)
	}
	if l.Child < 0 || l.Infant < 0 || l.Elderly < 0 || l.ContinuingEducation < 0 || l.HousingLoan < 0 || l.Rent < 0 {
		return // reported by checkLine
	}
	c.ChildHalves = halves("child", "子女教育", l.Child, a.Child)
	if l.Infant > 0 && a.Infant == 0 {
		add("infant", fmt.Sprintf("%s尚无3岁以下婴幼儿照护扣除（自2022年1月1日起施行）", lim.monthName()))
		ok = false
	} else if a.Infant > 0 {
		c.InfantHalves = halves("infant", "3岁以下婴幼儿照护", l.Infant, a.Infant)
	}
	switch {
	case l.Elderly == a.ElderlyOnlyChild:
		c.ElderlyOnlyChild = true
	case l.Elderly <= a.ElderlyShareCap:
		c.ElderlyShare = l.Elderly
	default:
		add("elderly", fmt.Sprintf("赡养老人：独生子女每月%s，非独生子女分摊每人每月不超过%s", yuan(a.ElderlyOnlyChild), yuan(a.ElderlyShareCap)))
		ok = false
	}
	switch l.ContinuingEducation {
	case 0:
	case a.ContinuingEducation:
		c.ContinuingEducation = true
	default:
		add("continuing_education", fmt.Sprintf("学历（学位）继续教育每月扣除%s，请填写%s或留空", yuan(a.ContinuingEducation), yuan(a.ContinuingEducation)))
		ok = false
	}
	switch l.HousingLoan {
	case 0:
	case a.HousingLoan:
		c.HousingLoan = true
	default:
		add("housing_loan", fmt.Sprintf("住房贷款利息每月扣除%s，请填写%s或留空", yuan(a.HousingLoan), yuan(a.HousingLoan)))
		ok = false
	}
	switch l.Rent {
	case 0:
	case a.RentTier1:
		c.Rent = rules.RentTier1
	case a.RentTier2:
		c.Rent = rules.RentTier2
	case a.RentTier3:
		c.Rent = rules.RentTier3
	default:
		add("rent", fmt.Sprintf("住房租金每月按城市扣除%s、%s或%s，请填写其中之一或留空", yuan(a.RentTier1), yuan(a.RentTier2), yuan(a.RentTier3)))
		ok = false
	}
	if !ok {
		return
	}
	if c.HousingLoan && c.Rent != rules.NoRent {
		add("rent", "住房贷款利息和住房租金不能同时扣除，请只填写其中一项")
		return
	}
	total, err := rules.AdditionalDeduction(lim.month, c)
	if err != nil || total != l.Additional() {
		// The checks above mirror the rules; a difference is a bug here.
		add("child", fmt.Sprintf("专项附加扣除合计与%s的扣除标准不符，请核对", lim.monthName()))
	}
}

func (lim *limits) monthName() string {
	return fmt.Sprintf("%d年%d月", lim.month.Y, int(lim.month.M))
}
