package calc

import (
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

const yuanFen = 100

// The calculator's figures are exactly the rules functions' on the same
// inputs, and the worked examples give the published answers.
func TestVATSmallAgreesWithRules(t *testing.T) {
	for _, c := range []struct {
		name       string
		in         VATSmallInput
		period     rules.Period
		loc        rules.Location
		due, total int64
	}{
		// 2025 Q4, 400,000 at 3% (above 300,000 a quarter): 1% rate
		// (财政部 税务总局公告2023年第19号): 4,000 VAT; surcharges 12%
		// of it, halved (公告2023年第12号): 240.
		{"2025 Q4 over the threshold, city, relief", VATSmallInput{"2025", "q4", "400,000", "", "city", false, true},
			rules.Quarter(2025, 4), rules.InCity, 4_000 * yuanFen, 4_240 * yuanFen},
		// 300,000 a quarter is exempt in 2025 (不超过) …
		{"2025 Q1 at the threshold", VATSmallInput{"2025", "q1", "300000", "0", "county", false, true},
			rules.Quarter(2025, 1), rules.InCountyTown, 0, 0},
		// … and taxed in full in 2026 (增值税法: 未达到).
		{"2026 Q1 at the threshold", VATSmallInput{"2026", "q1", "300000", "", "county", false, true},
			rules.Quarter(2026, 1), rules.InCountyTown, 3_000 * yuanFen, 3_000*yuanFen + (150+90+60)*yuanFen/2},
		{"2026 March, 5% real estate, no relief, elsewhere", VATSmallInput{"2026", "m3", "50,000.50", "200000", "elsewhere", true, false},
			rules.Month(2026, 3), rules.Elsewhere, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := VATSmall(c.in)
			if err != nil {
				t.Fatal(err)
			}
			s3, _ := parseMoney(c.in.Sales3)
			s5, _ := parseMoney(c.in.Sales5)
			want, err := rules.SmallScaleVAT(rules.SmallScaleInput{Period: c.period, Sales3: s3, Sales5: s5, Individual: c.in.Individual})
			if err != nil {
				t.Fatal(err)
			}
			if got.VAT != want {
				t.Errorf("VAT %+v, rules say %+v", got.VAT, want)
			}
			sur, _ := rules.Surcharges(rules.SurchargeInput{Period: c.period, Location: c.loc, VAT: want.TaxDue,
				Status: rules.TaxpayerStatus{SmallScale: c.in.SixTaxesTwoFees}})
			if got.Surcharges != sur {
				t.Errorf("surcharges %+v, rules say %+v", got.Surcharges, sur)
			}
			if c.due != 0 || c.total != 0 {
				if got.VAT.TaxDue != c.due || got.Total != c.total {
					t.Errorf("due %d total %d, want %d %d", got.VAT.TaxDue, got.Total, c.due, c.total)
				}
			}
			if got.Total != want.TaxDue+sur.Payable {
				t.Errorf("total %d", got.Total)
			}
			if len(got.Steps) == 0 || !strings.Contains(stepsText(got.Steps), want.Source) {
				t.Errorf("steps do not cite %q", want.Source)
			}
		})
	}
}

func TestIITWagesAgreesWithRules(t *testing.T) {
	// 国家税务总局公告2018年第61号 解读, example 2: wage 30,000 a month,
	// 三险一金 4,500, child education 2,000 (then 1,000; here the 2023
	// standard): March withholds 1,850 after 555 + 625.
	in := IITWagesInput{Year: "2026", Month: "3", MonthsEmployed: "3", Income: "90000", Special: "13,500", Additional: "6000", Withheld: "1180"}
	got, err := IITWages(in)
	if err != nil {
		t.Fatal(err)
	}
	want, err := rules.WithholdWages(rules.WageInput{Month: calendar.YearMonth{Y: 2026, M: 3}, MonthsEmployed: 3,
		Income: 90_000 * yuanFen, Special: 13_500 * yuanFen, Additional: 6_000 * yuanFen, Withheld: 1_180 * yuanFen})
	if err != nil {
		t.Fatal(err)
	}
	if got.Wages != want {
		t.Errorf("got %+v, rules say %+v", got.Wages, want)
	}
	if got.Wages.ThisMonth != 1_850*yuanFen || got.Wages.Bracket.Rate != 10*rules.Percent {
		t.Errorf("this month %d at %v, want 1,850 at 10%% (61号)", got.Wages.ThisMonth, got.Wages.Bracket.Rate)
	}
	if !strings.Contains(stepsText(got.Steps), "61号") || !strings.Contains(stepsText(got.Steps), "1,850.00") {
		t.Errorf("steps: %s", stepsText(got.Steps))
	}
}

func TestAdditionalHintFollowsTheYear(t *testing.T) {
	if h := AdditionalHint(calendar.YearMonth{Y: 2021, M: 5}); !strings.Contains(h, "子女教育每个子女 1000 元") || strings.Contains(h, "婴幼儿") {
		t.Errorf("2021: %s", h)
	}
	if h := AdditionalHint(calendar.YearMonth{Y: 2026, M: 5}); !strings.Contains(h, "子女教育每个子女 2000 元") || !strings.Contains(h, "国发〔2023〕13号") {
		t.Errorf("2026: %s", h)
	}
}

func TestBadInputIsFieldErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		fields []string
	}{
		{"vat: nothing", second(VATSmall(VATSmallInput{})), []string{"year", "location"}},
		{"vat: bad amounts and period", second(VATSmall(VATSmallInput{Year: "2026", Period: "q5", Sales3: "-1", Sales5: "1.234", Location: "city"})), []string{"period", "sales3", "sales5"}},
		{"vat: no rules for 2019", second(VATSmall(VATSmallInput{Year: "2020", Period: "q1", Location: "city"})), []string{"period"}},
		{"vat: year out of range", second(VATSmall(VATSmallInput{Year: "1999", Period: "q1", Location: "city"})), []string{"year"}},
		{"iit: nothing", second(IITWages(IITWagesInput{})), []string{"year", "month", "months_employed", "income"}},
		{"iit: employed longer than the year so far", second(IITWages(IITWagesInput{Year: "2026", Month: "3", MonthsEmployed: "4", Income: "1", Withheld: "x"})), []string{"months_employed", "withheld"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := apperr.As(c.err)
			if e.Code != apperr.Invalid {
				t.Fatalf("got %v, want Invalid", c.err)
			}
			for _, f := range c.fields {
				if e.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, e.Fields)
				}
			}
			if len(e.Fields) != len(c.fields) {
				t.Errorf("fields %v, want exactly %v", e.Fields, c.fields)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

func stepsText(ss []Step) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Label + " " + s.Formula + " " + s.Value + " " + s.Basis + "\n")
	}
	return b.String()
}

func parseMoney(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	f := apperr.Fields{}
	v := parseYuan(f, "x", s, false)
	return v, f.Err()
}
