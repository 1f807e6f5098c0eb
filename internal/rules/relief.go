package rules

import (
	"errors"
	"fmt"
	"time"

	"taxhall/internal/calendar"
)

// ErrUnknownCode: a region, grade or item code that no table has.
var ErrUnknownCode = errors.New("rules: unknown code")

// SixTaxesRelief returns the "六税两费" reduction rate that applies to a
// taxpayer with status s over period p, and its source; 0 and "" when the
// taxpayer is in none of the eligible groups of the period. An eligible
// taxpayer in a period the schedule does not cover gets ErrNoParam, so a
// new policy has to be entered rather than assumed (see SixTaxesTwoFees).
//
// It covers resource tax, city maintenance and construction tax, property
// tax, urban land use tax, stamp duty (not on securities transactions),
// farmland occupation tax, the education surcharge and the local education
// surcharge (财政部 税务总局公告2022年第10号 第一条、2023年第12号 第二条).
func SixTaxesRelief(p Period, s TaxpayerStatus) (Rate, string, error) {
	if !s.SmallScale && !s.SmallLowProfit && !s.IndividualBusiness {
		return 0, "", nil
	}
	h, err := SixTaxesTwoFees.ForPeriod(p)
	if err != nil {
		return 0, "", err
	}
	if (s.SmallScale && h.V.SmallScale) || (s.SmallLowProfit && h.V.SmallLowProfit) ||
		(s.IndividualBusiness && h.V.Individual) {
		return h.V.Rate, h.Source, nil
	}
	return 0, "", nil
}

// WholeMonths returns the number of calendar months of a period that runs
// from the first day of a month to the last day of a month of the same
// year (a month, a quarter, a half year, a year, or the months a property
// was held): the proration of the taxes levied by the year.
func WholeMonths(p Period) (int, error) {
	if !p.Start.Valid() || !p.End.Valid() || p.Start.D != 1 ||
		p.End != calendar.MakeDate(p.End.Y, p.End.M+1, 0) || p.Start.Y != p.End.Y || p.End.Before(p.Start) {
		return 0, fmt.Errorf("rules: %v is not whole months of one year", p)
	}
	return int(p.End.M-p.Start.M) + 1, nil
}

// Months returns the period from the first day of month from to the last
// day of month to of year y.
func Months(y int, from, to time.Month) Period {
	return Period{calendar.MakeDate(y, from, 1), calendar.MakeDate(y, to+1, 0)}
}

// Year returns the calendar year y as a period.
func Year(y int) Period { return Months(y, time.January, time.December) }
