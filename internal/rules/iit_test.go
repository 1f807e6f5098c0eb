package rules

import (
	"errors"
	"testing"
	"time"

	"taxhall/internal/calendar"
)

// The two worked examples of the official explanation of 国家税务总局公告
// 2018年第61号 (累计预扣法), month by month, carrying the tax withheld.
func TestWithholdWagesOfficialExamples(t *testing.T) {
	for _, ex := range []struct {
		name                      string
		wage, special, additional int64 // per month, fen
		want                      []int64
	}{
		{"wage 10,000, 三险一金 1,500, child education 1,000", 10_000 * yuan, 1_500 * yuan, 1_000 * yuan,
			[]int64{75 * yuan, 75 * yuan, 75 * yuan}},
		{"wage 30,000, 三险一金 4,500, child education 2,000: the rate steps to 10% in February", 30_000 * yuan, 4_500 * yuan, 2_000 * yuan,
			[]int64{555 * yuan, 625 * yuan, 1_850 * yuan}},
	} {
		t.Run(ex.name, func(t *testing.T) {
			var withheld int64
			for i, want := range ex.want {
				m := int64(i + 1)
				r, err := WithholdWages(WageInput{
					Month: calendar.YearMonth{Y: 2019, M: time.Month(m)}, MonthsEmployed: int(m),
					Income: ex.wage * m, Special: ex.special * m, Additional: ex.additional * m, Withheld: withheld,
				})
				if err != nil {
					t.Fatal(err)
				}
				if r.ThisMonth != want {
					t.Errorf("month %d: %d fen, want %d (61号解读)", m, r.ThisMonth, want)
				}
				withheld += r.ThisMonth
			}
		})
	}
}

// Every edge of 预扣率表一 / 税率表一: the tax is continuous across it, and the
// bracket changes only above the edge ("不超过" is inclusive).
func TestComprehensiveTableEdges(t *testing.T) {
	for _, c := range []struct {
		taxable, tax int64
		rate         Rate
	}{
		{36_000 * yuan, 1_080 * yuan, 3 * Percent},
		{36_000*yuan + 1, 1_080 * yuan, 10 * Percent}, // 3,600.001 − 2,520 → 1,080.00
		{144_000 * yuan, 11_880 * yuan, 10 * Percent},
		{144_000*yuan + 1, 11_880 * yuan, 20 * Percent},
		{300_000 * yuan, 43_080 * yuan, 20 * Percent},
		{300_000*yuan + 1, 43_080 * yuan, 25 * Percent},
		{420_000 * yuan, 73_080 * yuan, 25 * Percent},
		{420_000*yuan + 1, 73_080 * yuan, 30 * Percent},
		{660_000 * yuan, 145_080 * yuan, 30 * Percent},
		{660_000*yuan + 1, 145_080 * yuan, 35 * Percent},
		{960_000 * yuan, 250_080 * yuan, 35 * Percent},
		{960_000*yuan + 1, 250_080 * yuan, 45 * Percent},
		{0, 0, 3 * Percent},
	} {
		tax, b := comprehensiveTable.Tax(c.taxable)
		if tax != c.tax || b.Rate != c.rate {
			t.Errorf("taxable %d: tax %d at %v, want %d at %v (个人所得税法 税率表一)", c.taxable, tax, b.Rate, c.tax, c.rate)
		}
	}
}

func TestWithholdWagesRules(t *testing.T) {
	// The cumulative tax (150) is below what was withheld (300): the month
	// owes 0, not a refund (61号 第一条: 余额为负值时，暂不退税).
	r, err := WithholdWages(WageInput{Month: calendar.YearMonth{Y: 2026, M: 4}, MonthsEmployed: 4,
		Income: 25_000 * yuan, Withheld: 300 * yuan})
	if err != nil {
		t.Fatal(err)
	}
	if r.Taxable != 5_000*yuan || r.Cumulative != 150*yuan || r.ThisMonth != 0 {
		t.Errorf("got %+v, want taxable 5,000, cumulative 150, this month 0", r)
	}
	// Joined in July: three months of 5,000 by September.
	r, _ = WithholdWages(WageInput{Month: calendar.YearMonth{Y: 2026, M: 9}, MonthsEmployed: 3, Income: 14_000 * yuan})
	if r.Basic != 15_000*yuan || r.Taxable != 0 || r.ThisMonth != 0 {
		t.Errorf("joined in July: %+v", r)
	}
	if _, err := WithholdWages(WageInput{Month: calendar.YearMonth{Y: 2026, M: 2}, MonthsEmployed: 3}); err == nil {
		t.Error("3 months employed by February accepted")
	}
	if _, err := WithholdWages(WageInput{Month: calendar.YearMonth{Y: 2018, M: 12}, MonthsEmployed: 1}); !errors.Is(err, ErrNoParam) {
		t.Errorf("2018 (before the cumulative method): %v", err)
	}
}

func TestAdditionalDeduction(t *testing.T) {
	for _, c := range []struct {
		name  string
		month calendar.YearMonth
		in    AdditionalClaims
		want  int64
		src   string
	}{
		{"2023: two children, only child, tier-1 rent", calendar.YearMonth{Y: 2023, M: 1},
			AdditionalClaims{ChildHalves: 4, ElderlyOnlyChild: true, Rent: RentTier1}, 8_500 * yuan, "国发〔2023〕13号 (2,000/3,000); 国发〔2018〕41号 (1,500)"},
		{"2022-12, the old amounts' last month", calendar.YearMonth{Y: 2022, M: 12},
			AdditionalClaims{ChildHalves: 4, ElderlyOnlyChild: true, Rent: RentTier1}, 5_500 * yuan, "国发〔2018〕41号 (1,000/2,000)"},
		{"2026: infant shared, elderly share at the cap, continuing education, housing loan", calendar.YearMonth{Y: 2026, M: 5},
			AdditionalClaims{InfantHalves: 1, ElderlyShare: 1_500 * yuan, ContinuingEducation: true, HousingLoan: true},
			1_000*yuan + 1_500*yuan + 400*yuan + 1_000*yuan, "国发〔2023〕13号; 国发〔2018〕41号 (400, 1,000)"},
		{"2026: tier 2 and tier 3 rent", calendar.YearMonth{Y: 2026, M: 5},
			AdditionalClaims{Rent: RentTier2}, 1_100 * yuan, "国发〔2018〕41号 (住房租金)"},
		{"2022: infant care's first year", calendar.YearMonth{Y: 2022, M: 1},
			AdditionalClaims{InfantHalves: 2}, 1_000 * yuan, "国发〔2022〕8号"},
	} {
		got, err := AdditionalDeduction(c.month, c.in)
		if err != nil || got != c.want {
			t.Errorf("%s: %d %v, want %d (%s)", c.name, got, err, c.want, c.src)
		}
	}
	for _, c := range []struct {
		name  string
		month calendar.YearMonth
		in    AdditionalClaims
	}{
		{"infant care before 2022", calendar.YearMonth{Y: 2021, M: 12}, AdditionalClaims{InfantHalves: 2}},
		{"loan and rent together", calendar.YearMonth{Y: 2026, M: 1}, AdditionalClaims{HousingLoan: true, Rent: RentTier3}},
		{"elderly share over the 2023 cap", calendar.YearMonth{Y: 2026, M: 1}, AdditionalClaims{ElderlyShare: 1_500*yuan + 1}},
		{"elderly share over the 2022 cap", calendar.YearMonth{Y: 2022, M: 6}, AdditionalClaims{ElderlyShare: 1_500 * yuan}},
	} {
		if _, err := AdditionalDeduction(c.month, c.in); err == nil {
			t.Errorf("%s: accepted", c.name)
		}
	}
}

func TestWithholdLabour(t *testing.T) {
	paid := d("2026-06-30")
	for _, c := range []struct {
		income, deduction, taxable, tax int64
		src                             string
	}{
		{2_000 * yuan, 800 * yuan, 1_200 * yuan, 240 * yuan, "61号解读 example: (2,000 − 800) × 20%"},
		{4_000 * yuan, 800 * yuan, 3_200 * yuan, 640 * yuan, "61号 第二条: 不超过4,000元 → 800"},
		{4_000*yuan + 1, 800 * yuan, 3_200*yuan + 1, 640 * yuan, "61号 第二条: 4,000元以上 → 20% (800.002 → 800.00)"},
		{500 * yuan, 500 * yuan, 0, 0, "income under 800: nothing taxable"},
		{25_000 * yuan, 5_000 * yuan, 20_000 * yuan, 4_000 * yuan, "预扣率表二: 不超过20,000 at 20%"},
		{25_000*yuan + 2, 5_000 * yuan, 20_000*yuan + 2, 4_000*yuan + 1, "预扣率表二: over 20,000 at 30% − 2,000 (6,000.006 − 2,000 → 4,000.01)"},
		{62_500 * yuan, 12_500 * yuan, 50_000 * yuan, 13_000 * yuan, "预扣率表二: 不超过50,000 at 30% − 2,000"},
		{100_000 * yuan, 20_000 * yuan, 80_000 * yuan, 25_000 * yuan, "预扣率表二: over 50,000 at 40% − 7,000"},
	} {
		r, err := WithholdLabour(paid, c.income)
		if err != nil {
			t.Fatal(err)
		}
		if r.Deduction != c.deduction || r.Taxable != c.taxable || r.Tax != c.tax {
			t.Errorf("income %d: deduction %d taxable %d tax %d, want %d %d %d (%s)",
				c.income, r.Deduction, r.Taxable, r.Tax, c.deduction, c.taxable, c.tax, c.src)
		}
	}
}
