package rules

import (
	"errors"
	"testing"
	"time"

	"taxhall/internal/calendar"
)

type ymT = calendar.YearMonth

func ym(y, m int) ymT { return calendar.YearMonth{Y: y, M: time.Month(m)} }

func TestPropertyTax(t *testing.T) {
	smallScale := TaxpayerStatus{SmallScale: true}
	for _, c := range []struct {
		name                               string
		in                                 PropertyInput
		valueTax, rentTax, reduction, paid int64
		src                                string
	}{
		{"Fujian, a year on value: 1,000,000 × 70% × 1.2%",
			PropertyInput{Period: Year(2026), OriginalValue: 1_000_000 * yuan, Region: "fujian"},
			8_400 * yuan, 0, 0, 8_400 * yuan,
			"房产税暂行条例 第三条 (减除10%至30%)、第四条 (1.2%)"},
		{"Fujian, a quarter, small-scale: prorated and halved",
			PropertyInput{Period: Quarter(2026, 1), OriginalValue: 1_000_000 * yuan, Region: "fujian", Status: smallScale},
			2_100 * yuan, 0, 1_050 * yuan, 1_050 * yuan,
			"房产税暂行条例 第七条 (按年征收、分期缴纳); 财政部 税务总局公告2023年第12号 第二条 (房产税减半)"},
		{"a deduction typed in: 10%",
			PropertyInput{Period: Year(2025), OriginalValue: 1_000_000 * yuan, Deduction: 10 * Percent},
			10_800 * yuan, 0, 0, 10_800 * yuan,
			"房产税暂行条例 第三条 (减除10%)"},
		{"rounded once: 1,234,567.89 × 70% × 1.2% × 5/12",
			PropertyInput{Period: Months(2026, 3, 7), OriginalValue: 123_456_789, Region: "beijing"},
			432_099, 0, 0, 432_099,
			"123,456,789 fen × 0.0035 = 432,098.7615 → 432,099"},
		{"rent at 12%, value and rent together, individual business halved",
			PropertyInput{Period: Quarter(2026, 2), OriginalValue: 1_000_000 * yuan, Region: "fujian", Rent: 100_000 * yuan,
				Status: TaxpayerStatus{IndividualBusiness: true}},
			2_100 * yuan, 12_000 * yuan, 7_050 * yuan, 7_050 * yuan,
			"房产税暂行条例 第三条、第四条 (从租12%); 2023年第12号 第二条"},
		{"residential rent at 4%",
			PropertyInput{Period: Quarter(2026, 2), Rent: 100_000 * yuan, ResidentialRent: true},
			0, 4_000 * yuan, 0, 4_000 * yuan,
			"财税〔2008〕24号 第二条 (个人出租住房 4%); 2021年第24号"},
		{"2022: a small low-profit enterprise is eligible",
			PropertyInput{Period: Year(2022), Rent: 10_000 * yuan, Status: TaxpayerStatus{SmallLowProfit: true}},
			0, 1_200 * yuan, 600 * yuan, 600 * yuan,
			"财政部 税务总局公告2022年第10号 第二条"},
		{"2021: a small low-profit enterprise is not",
			PropertyInput{Period: Year(2021), Rent: 10_000 * yuan, Status: TaxpayerStatus{SmallLowProfit: true}},
			0, 1_200 * yuan, 0, 1_200 * yuan,
			"财税〔2019〕13号 第三条 (增值税小规模纳税人)"},
		{"half-fen reduction rounds up",
			PropertyInput{Period: Month(2026, 1), Rent: 25, Status: smallScale},
			0, 3, 2, 1,
			"0.25 × 12% = 0.03; 0.03 × 50% = 0.015 → 0.02"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := PropertyTax(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Value.Tax != c.valueTax || r.Rent.Tax != c.rentTax || r.Reduction != c.reduction || r.Payable != c.paid {
				t.Errorf("value %d rent %d reduction %d payable %d, want %d %d %d %d\nsource: %s",
					r.Value.Tax, r.Rent.Tax, r.Reduction, r.Payable, c.valueTax, c.rentTax, c.reduction, c.paid, c.src)
			}
			if r.Payable != r.Tax-r.Reduction || r.Tax != r.Value.Tax+r.Rent.Tax || r.Source == "" {
				t.Errorf("totals do not add up: %+v", r)
			}
			if c.in.OriginalValue > 0 && r.Value.Source == "" {
				t.Error("no source for the deduction")
			}
		})
	}
}

func TestPropertyTaxErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		in   PropertyInput
		is   error
	}{
		{"deduction 9%", PropertyInput{Period: Year(2026), OriginalValue: 100, Deduction: 9 * Percent}, nil},
		{"deduction 31%", PropertyInput{Period: Year(2026), OriginalValue: 100, Deduction: 31 * Percent}, nil},
		{"unknown province", PropertyInput{Period: Year(2026), OriginalValue: 100, Region: "atlantis"}, nil},
		{"across two years", PropertyInput{Period: Period{d("2025-12-01"), d("2026-01-31")}, Rent: 100}, nil},
		{"not from the first of a month", PropertyInput{Period: Period{d("2026-01-02"), d("2026-01-31")}, Rent: 100}, nil},
		{"eligible in 2018, before the relief", PropertyInput{Period: Year(2018), Rent: 100, Status: TaxpayerStatus{SmallScale: true}}, ErrNoParam},
		{"eligible in 2028, after it", PropertyInput{Period: Year(2028), Rent: 100, Status: TaxpayerStatus{SmallScale: true}}, ErrNoParam},
		{"negative rent", PropertyInput{Period: Year(2026), Rent: -1}, nil},
	} {
		if _, err := PropertyTax(c.in); err == nil || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.is)
		}
	}
	// The relief's schedule changes on 2022-01-01 and 2023-01-01: a period
	// across one has no single relief.
	if _, _, err := SixTaxesRelief(Period{d("2021-12-01"), d("2022-01-31")}, TaxpayerStatus{SmallScale: true}); !errors.Is(err, ErrStraddle) {
		t.Errorf("straddling the 2022 change: %v, want ErrStraddle", err)
	}
}

func TestLandUseTax(t *testing.T) {
	for _, c := range []struct {
		name                    string
		in                      LandInput
		tax, reduction, payable int64
		src                     string
	}{
		{"Xiamen grade 1, 1,000.50 m², a year",
			LandInput{Period: Year(2026), Area: 1_000_50, City: "xiamen", Grade: "1"},
			24_012 * yuan, 0, 24_012 * yuan,
			"城镇土地使用税暂行条例 第三条 (实际占用的土地面积)、第四条; 厦门等级税额 (假设值, see LandGrades)"},
		{"a quarter, small-scale: a quarter of the year, halved",
			LandInput{Period: Quarter(2026, 1), Area: 1_000_50, City: "xiamen", Grade: "1", Status: TaxpayerStatus{SmallScale: true}},
			6_003 * yuan, 3_001*yuan + 50, 3_001*yuan + 50,
			"城镇土地使用税暂行条例 第八条 (按年计算、分期缴纳); 2023年第12号 第二条"},
		{"an amount typed in at the statutory minimum 0.42",
			LandInput{Period: Year(2026), Area: 100_00, PerM2: 42},
			42 * yuan, 0, 42 * yuan,
			"城镇土地使用税暂行条例 第四条 (0.6元), 第五条 (降低额不得超过最低税额的30%)"},
		{"rounded once: 0.01 m² × 1.50 × 1/12",
			LandInput{Period: Month(2026, 5), Area: 1, PerM2: 150},
			0, 0, 0,
			"0.125 fen → 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := LandUseTax(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Tax != c.tax || r.Reduction != c.reduction || r.Payable != c.payable {
				t.Errorf("tax %d reduction %d payable %d, want %d %d %d\nsource: %s", r.Tax, r.Reduction, r.Payable, c.tax, c.reduction, c.payable, c.src)
			}
			if r.GradeSource == "" || r.Source == "" {
				t.Error("no source")
			}
		})
	}
	for name, in := range map[string]LandInput{
		"below the minimum": {Period: Year(2026), Area: 100, PerM2: 41},
		"unknown grade":     {Period: Year(2026), Area: 100, City: "xiamen", Grade: "9"},
		"unknown city":      {Period: Year(2026), Area: 100, City: "atlantis", Grade: "1"},
		"negative area":     {Period: Year(2026), Area: -1, PerM2: 100},
	} {
		if _, err := LandUseTax(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestStampDuty(t *testing.T) {
	r, err := StampDuty(StampInput{Period: Quarter(2026, 1), Status: TaxpayerStatus{SmallScale: true}, Lines: []StampLine{
		{"sale", 1_000_000 * yuan}, {"loan", 1_000_000 * yuan}, {"ledger", 5_000_000 * yuan}, {"lease", 1_234_567}, {"securities", 100_000 * yuan},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// 印花税法 税目税率表: 买卖合同 万分之三, 借款合同 万分之零点五, 营业账簿
	// 万分之二点五, 租赁合同 千分之一 (12,345.67 → 12.34567 → 12.35); 证券交易
	// 千分之一 halved (2023年第39号). The half reduction (2023年第12号 第二条)
	// skips securities (2022年第10号 第一条: 不含证券交易印花税).
	want := []struct{ tax, reduction int64 }{
		{300 * yuan, 150 * yuan}, {50 * yuan, 25 * yuan}, {1_250 * yuan, 625 * yuan}, {1_235, 618}, {50 * yuan, 0},
	}
	for i, w := range want {
		l := r.Lines[i]
		if l.Tax != w.tax || l.Reduction != w.reduction || l.Payable != l.Tax-l.Reduction {
			t.Errorf("%s: tax %d reduction %d, want %d %d", l.Item.Name, l.Tax, l.Reduction, w.tax, w.reduction)
		}
	}
	if r.Tax != 166_235 || r.Reduction != 80_618 || r.Payable != 85_617 {
		t.Errorf("totals %d %d %d", r.Tax, r.Reduction, r.Payable)
	}

	day := func(s string) Period { return Period{d(s), d(s)} }
	for _, c := range []struct {
		day  string
		want int64
	}{{"2023-08-27", 1_000 * yuan}, {"2023-08-28", 500 * yuan}} {
		r, err := StampDuty(StampInput{Period: day(c.day), Lines: []StampLine{{"securities", 1_000_000 * yuan}}})
		if err != nil || r.Tax != c.want {
			t.Errorf("securities on %s: %d %v, want %d (2023年第39号: 自2023年8月28日起减半)", c.day, r.Tax, err, c.want)
		}
	}
	if _, err := StampDuty(StampInput{Period: Quarter(2023, 3), Lines: []StampLine{{"securities", 100}}}); !errors.Is(err, ErrStraddle) {
		t.Errorf("securities over 2023Q3: %v, want ErrStraddle", err)
	}
	if _, err := StampDuty(StampInput{Period: Quarter(2023, 3), Lines: []StampLine{{"sale", 100}}}); err != nil {
		t.Errorf("contracts over 2023Q3 do not straddle anything: %v", err)
	}
	if _, err := StampDuty(StampInput{Period: day("2022-06-30"), Lines: []StampLine{{"sale", 100}}}); !errors.Is(err, ErrNoParam) {
		t.Errorf("before the Stamp Duty Law: %v, want ErrNoParam", err)
	}
	if r, err := StampDuty(StampInput{Period: day("2022-07-01"), Lines: []StampLine{{"loan", 9_999}}}); err != nil || r.Tax != 0 {
		t.Errorf("the law's first day, 99.99 × 万分之零点五 = 0.0049995 → 0: %d %v", r.Tax, err)
	}
	for name, l := range map[string]StampLine{"unknown item": {"lottery", 100}, "negative base": {"sale", -1}} {
		if _, err := StampDuty(StampInput{Period: Quarter(2026, 1), Lines: []StampLine{l}}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSocialInsurance(t *testing.T) {
	r, err := SocialInsurance(SocialInput{Month: ym(2025, 7), Region: "xiamen", Wage: 10_000 * yuan, InjuryRate: 20})
	if err != nil {
		t.Fatal(err)
	}
	// 养老 16% / 8% (国办发〔2019〕13号; 国发〔2005〕38号); 医疗 8% / 2% and 失业
	// 0.5% / 0.5% are the assumed Xiamen split (see socialSourceXiamen);
	// 工伤 0.2% (人社部发〔2015〕71号 一类行业).
	want := map[Insurance][2]int64{Pension: {1_600 * yuan, 800 * yuan}, Medical: {800 * yuan, 200 * yuan},
		Unemployment: {50 * yuan, 50 * yuan}, WorkInjury: {20 * yuan, 0}}
	for _, l := range r.Lines {
		if w := want[l.Type]; l.Employer != w[0] || l.Employee != w[1] || l.Clamped != "" {
			t.Errorf("%v: %d %d %q, want %v", l.Type, l.Employer, l.Employee, l.Clamped, w)
		}
	}
	if r.Employer != 2_470*yuan || r.Employee != 1_050*yuan || len(r.Lines) != 4 {
		t.Errorf("totals %d %d", r.Employer, r.Employee)
	}

	for _, c := range []struct {
		month   ymT
		wage    int64
		base    int64
		clamped string
	}{
		{ym(2025, 7), 4_500 * yuan, 4_500 * yuan, ""},            // the floor itself
		{ym(2025, 7), 4_500*yuan - 1, 4_500 * yuan, "floor"},     // a fen below
		{ym(2025, 7), 22_500 * yuan, 22_500 * yuan, ""},          // the ceiling itself
		{ym(2025, 7), 22_500*yuan + 1, 22_500 * yuan, "ceiling"}, // a fen above
		{ym(2025, 6), 4_400 * yuan, 4_400 * yuan, ""},            // June: the previous year's floor (4,313)
		{ym(2026, 6), 0, 4_500 * yuan, "floor"},                  // the entry's last month
	} {
		r, err := SocialInsurance(SocialInput{Month: c.month, Region: "xiamen", Wage: c.wage, InjuryRate: 20})
		if err != nil {
			t.Fatal(err)
		}
		if l := r.Lines[0]; l.Base != c.base || l.Clamped != c.clamped {
			t.Errorf("%v wage %d: base %d %q, want %d %q (国办发〔2019〕13号 第三条: 60%%–300%%)", c.month, c.wage, l.Base, l.Clamped, c.base, c.clamped)
		}
	}
	for name, in := range map[string]SocialInput{
		"before the first entry": {Month: ym(2024, 6), Region: "xiamen", InjuryRate: 20},
		"after the last":         {Month: ym(2027, 7), Region: "xiamen", InjuryRate: 20},
		"injury rate too low":    {Month: ym(2025, 7), Region: "xiamen", InjuryRate: 19},
		"injury rate too high":   {Month: ym(2025, 7), Region: "xiamen", InjuryRate: 286},
		"unknown region":         {Month: ym(2025, 7), Region: "atlantis", InjuryRate: 20},
		"negative wage":          {Month: ym(2025, 7), Region: "xiamen", Wage: -1, InjuryRate: 20},
	} {
		if _, err := SocialInsurance(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Every schedule added here is ordered, without overlaps, and names its
// source.
func TestNewSchedulesAreWellFormed(t *testing.T) {
	all := []checker{GeneralVATRates, SimplifiedRates, EITRate, SmallLowProfit, PropertyTaxRates, StampItems, SecuritiesStampRate}
	for _, s := range PropertyDeduction {
		all = append(all, s)
	}
	for _, s := range LandGrades {
		all = append(all, s)
	}
	for _, s := range SocialInsuranceParams {
		all = append(all, s)
	}
	for _, s := range all {
		if err := s.Check(); err != nil {
			t.Error(err)
		}
	}
	for _, r := range PropertyRegions {
		if _, ok := PropertyDeduction[r.Code]; !ok {
			t.Errorf("region %s has no deduction", r.Code)
		}
	}
	for _, r := range LandRegions {
		if _, ok := LandGrades[r.Code]; !ok {
			t.Errorf("city %s has no grades", r.Code)
		}
	}
}
