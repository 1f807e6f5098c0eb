package rules

import (
	"testing"

	"taxhall/internal/calendar"
)

// Worked examples of the annual reconciliation (个人所得税法 第六条、第十一条
// and 税率表一; 国发〔2018〕41号 第十一条 for 大病医疗; 财政部 税务总局公告
// 2023年第32号 for the exemptions).
func TestReconcileAnnual(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       AnnualInput
		taxable  int64
		tax, due int64
		exempt   bool
	}{
		{
			// One employer all year, 15,000 a month, 10.5% insurance and
			// fund, 3,000 a month for an only child's parents: the
			// cumulative method withheld exactly the annual tax.
			// 180,000 − 60,000 − 18,900 − 36,000 = 65,100; ×10% − 2,520 = 3,990.
			"one employer, nothing to settle",
			AnnualInput{Year: 2025, Income: 180_000_00, Special: 18_900_00, Additional: 36_000_00, Withheld: 3_990_00},
			65_100_00, 3_990_00, 0, false,
		},
		{
			// The same year with 45,000 of self-paid serious-illness costs:
			// 30,000 deducted at year end; 35,100 × 3% = 1,053; refund 2,937.
			"serious illness refund",
			AnnualInput{Year: 2025, Income: 180_000_00, Special: 18_900_00, Additional: 36_000_00, Withheld: 3_990_00, MedicalPaid: 45_000_00},
			35_100_00, 1_053_00, -2_937_00, false,
		},
		{
			// Two employers, 12,500 a month each, each deducting 5,000 a
			// month: each withheld 90,000 × 10% − 2,520 = 6,480. Annual:
			// 300,000 − 60,000 = 240,000 × 20% − 16,920 = 31,080; to pay
			// 31,080 − 12,960 = 18,120.
			"two employers, tax to pay",
			AnnualInput{Year: 2025, Income: 300_000_00, Withheld: 12_960_00},
			240_000_00, 31_080_00, 18_120_00, false,
		},
		{
			// Income 100,000 from two employers, 0 withheld by each (each
			// below 60,000 a year): annual tax 40,000 × 10% − 2,520 = 1,480,
			// but income ≤ 120,000: exempt.
			"income up to 120,000 exempt",
			AnnualInput{Year: 2025, Income: 100_000_00},
			40_000_00, 1_480_00, 0, true,
		},
		{
			// 70,000 × 10% − 2,520 = 4,480 less 4,180 withheld: 300 (≤ 400) on an income above 120,000.
			"balance up to 400 exempt",
			AnnualInput{Year: 2025, Income: 130_000_00, Withheld: 4_180_00},
			70_000_00, 4_480_00, 0, true,
		},
		{
			// Serious illness capped at 80,000: 200,000 paid − 15,000 =
			// 185,000 → 80,000. 180,000 − 60,000 − 80,000 = 40,000; 1,480.
			"illness cap",
			AnnualInput{Year: 2025, Income: 180_000_00, Withheld: 5_000_00, MedicalPaid: 200_000_00},
			40_000_00, 1_480_00, -3_520_00, false,
		},
		{
			// Deductions above income: taxable 0, everything withheld back.
			"deductions above income",
			AnnualInput{Year: 2025, Income: 50_000_00, Withheld: 300_00, AddedAdditional: 12_000_00},
			0, 0, -300_00, false,
		},
	} {
		r, err := ReconcileAnnual(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if r.Taxable != c.taxable || r.Tax != c.tax || r.Due != c.due || r.Exempt != c.exempt {
			t.Errorf("%s: taxable %d tax %d due %d exempt %v; want %d %d %d %v", c.name, r.Taxable, r.Tax, r.Due, r.Exempt, c.taxable, c.tax, c.due, c.exempt)
		}
	}
	if _, err := ReconcileAnnual(AnnualInput{Year: 2025, Income: -1}); err == nil {
		t.Error("negative income accepted")
	}
}

func TestAnnualWindow(t *testing.T) {
	if err := AnnualFilable(2025, calendar.MakeDate(2026, 2, 28)); err == nil {
		t.Error("filed before 1 March")
	}
	for _, d := range []calendar.Date{calendar.MakeDate(2026, 3, 1), calendar.MakeDate(2026, 6, 30), calendar.MakeDate(2026, 12, 6)} {
		if err := AnnualFilable(2025, d); err != nil {
			t.Errorf("%v: %v", d, err)
		}
	}
	if _, dl := AnnualWindow(2025); dl != calendar.MakeDate(2026, 6, 30) {
		t.Errorf("deadline %v", dl)
	}
}
