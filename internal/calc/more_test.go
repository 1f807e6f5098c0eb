package calc

import (
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// Each calculator's figures are the rules function's on the same inputs,
// and its steps cite the rules' sources.
func TestMoreCalculatorsAgreeWithRules(t *testing.T) {
	t.Run("labour", func(t *testing.T) {
		got, err := Labour(LabourInput{Paid: "2026-06-30", Income: "25,000.02"})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := rules.WithholdLabour(rules.Date{Y: 2026, M: 6, D: 30}, 25_000*yuanFen+2)
		// 61号 预扣率表二: 20,000.016 → 20,000.02 at 30% − 2,000 = 4,000.01.
		if got.Labour != want || want.Tax != 4_000*yuanFen+1 {
			t.Errorf("got %+v, rules %+v", got.Labour, want)
		}
		mustCite(t, got.Steps, want.Source, "4,000.01")
	})
	t.Run("late fee", func(t *testing.T) {
		// 税收征收管理法 第三十二条: 10,000 × 0.05% × 10 days = 50.
		got, err := LateFee(LateFeeInput{Unpaid: "10000", Deadline: "2026-05-15", Paid: "2026/5/25"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Fee.Days != 10 || got.Fee.Fee != 50*yuanFen {
			t.Errorf("%+v", got.Fee)
		}
		mustCite(t, got.Steps, "税收征收管理法 第三十二条", "10 天", "50.00")
		got, err = LateFee(LateFeeInput{Unpaid: "10000", Deadline: "2026-05-15", Paid: "2026-05-15"})
		if err != nil || got.Fee.Fee != 0 {
			t.Errorf("paid on the deadline: %+v %v", got.Fee, err)
		}
	})
	t.Run("general VAT", func(t *testing.T) {
		got, err := VATGeneral(VATGeneralInput{Year: "2026", Period: "m3", Sales13: "1,000,000", Sales9: "200000", Sales6: "100000",
			Simplified3: "50000", InputTax: "100000", Carried: "20000", Transferred: "5000", Reductions: "280", Location: "city"})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := rules.GeneralVAT(rules.GeneralVATInput{Period: rules.Month(2026, time.March), Sales13: 1_000_000 * yuanFen,
			Sales9: 200_000 * yuanFen, Sales6: 100_000 * yuanFen, Simplified3: 50_000 * yuanFen, InputTax: 100_000 * yuanFen,
			CarriedCredit: 20_000 * yuanFen, TransferredOut: 5_000 * yuanFen, Reductions: 280 * yuanFen})
		if got.VAT != want || want.TaxTotal != 40_220*yuanFen {
			t.Errorf("got %+v\nrules %+v", got.VAT, want)
		}
		// Surcharges 12% of 40,220 in a city, no relief: 4,826.40.
		if got.Surcharges.Payable != 4_826_40 || got.Total != 45_046_40 {
			t.Errorf("surcharges %d total %d", got.Surcharges.Payable, got.Total)
		}
		mustCite(t, got.Steps, "增值税法 第十条", "40,220.00", "45,046.40")
	})
	t.Run("EIT small low-profit at exactly 3,000,000", func(t *testing.T) {
		got, err := EIT(EITInput{Year: "2025", Period: "q2", Revenue: "20,000,000", Cost: "15,000,000", Profit: "3,000,000",
			Prepaid: "100000", Employees: "300", Assets: "50,000,000"})
		if err != nil {
			t.Fatal(err)
		}
		if !got.EIT.SmallLowProfit || got.EIT.Relief != 600_000*yuanFen || got.EIT.Payable != 50_000*yuanFen {
			t.Errorf("%+v", got.EIT)
		}
		mustCite(t, got.Steps, "2023年第12号", "企业所得税法 第四条", "600,000.00", "符合")
		got, err = EIT(EITInput{Year: "2025", Period: "q2", Profit: "3,000,000.01", Employees: "300", Assets: "1"})
		if err != nil || got.EIT.SmallLowProfit || got.EIT.Payable != 750_000*yuanFen {
			t.Errorf("over 3,000,000: %+v %v", got.EIT, err)
		}
		got, err = EIT(EITInput{Year: "2026", Period: "q1", Profit: "-5000", Employees: "3.5", Assets: "100"})
		if err != nil || got.EIT.ActualProfit != -5_000*yuanFen || got.EIT.Payable != 0 {
			t.Errorf("a loss: %+v %v", got.EIT, err)
		}
	})
	t.Run("property", func(t *testing.T) {
		got, err := Property(PropertyInput{Year: "2026", Period: "q1", Original: "1,000,000", Region: "fujian", Rent: "100000", Status: "small_scale"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Tax.Value.Tax != 2_100*yuanFen || got.Tax.Rent.Tax != 12_000*yuanFen || got.Tax.Payable != 7_050*yuanFen {
			t.Errorf("%+v", got.Tax)
		}
		mustCite(t, got.Steps, "房产税暂行条例 第四条", "2023年第12号", "7,050.00", "30%")
		got, err = Property(PropertyInput{Year: "2025", Period: "y", Original: "1000000", Region: "other", Deduction: "20", Status: "none"})
		if err != nil || got.Tax.Payable != 9_600*yuanFen {
			t.Errorf("20%% typed: %+v %v", got.Tax, err)
		}
	})
	t.Run("land", func(t *testing.T) {
		got, err := Land(LandInput{Year: "2026", Period: "h1", Area: "1,000.50", Grade: "xiamen:1", Status: "individual"})
		if err != nil {
			t.Fatal(err)
		}
		// 1,000.50 × 24 × 6/12 = 12,006; halved.
		if got.Tax.Tax != 12_006*yuanFen || got.Tax.Payable != 6_003*yuanFen {
			t.Errorf("%+v", got.Tax)
		}
		mustCite(t, got.Steps, "城镇土地使用税暂行条例", "待核实", "6,003.00")
		got, err = Land(LandInput{Year: "2026", Period: "y", Area: "100", Grade: "other", PerM2: "1.5", Status: "none"})
		if err != nil || got.Tax.Payable != 150*yuanFen {
			t.Errorf("typed amount: %+v %v", got.Tax, err)
		}
	})
	t.Run("stamp", func(t *testing.T) {
		got, err := Stamp(StampInput{Year: "2026", Period: "q1", Status: "small_low_profit",
			Bases: map[string]string{"sale": "1,000,000", "ledger": "5000000", "loan": ""}})
		if err != nil {
			t.Fatal(err)
		}
		// 万分之三 300 + 万分之二点五 1,250, halved: 775.
		if got.Duty.Tax != 1_550*yuanFen || got.Duty.Payable != 775*yuanFen || len(got.Duty.Lines) != 2 {
			t.Errorf("%+v", got.Duty)
		}
		mustCite(t, got.Steps, "印花税法", "万分之三", "775.00")
		for _, it := range StampItems() {
			if it.Securities {
				t.Error("securities offered")
			}
		}
	})
}

func TestMoreBadInputIsFieldErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		err    error
		fields []string
	}{
		{"labour: nothing", second(Labour(LabourInput{})), []string{"paid", "income"}},
		{"labour: bad date", second(Labour(LabourInput{Paid: "2026-02-30", Income: "1"})), []string{"paid"}},
		{"labour: before 2019", second(Labour(LabourInput{Paid: "2018-12-31", Income: "1"})), []string{"paid"}},
		{"late fee: nothing", second(LateFee(LateFeeInput{})), []string{"unpaid", "deadline", "paid"}},
		{"late fee: before 2001", second(LateFee(LateFeeInput{Unpaid: "1", Deadline: "2000-01-01", Paid: "2000-02-01"})), []string{"deadline"}},
		{"general VAT: nothing", second(VATGeneral(VATGeneralInput{})), []string{"year", "location"}},
		{"general VAT: transfer out too big", second(VATGeneral(VATGeneralInput{Year: "2026", Period: "q1", InputTax: "10", Transferred: "10.01", Location: "city"})), []string{"transferred"}},
		{"general VAT: 2019 Q1 at 16%", second(VATGeneral(VATGeneralInput{Year: "2019", Period: "q1", Location: "city"})), []string{"period"}},
		{"EIT: nothing", second(EIT(EITInput{})), []string{"year", "profit", "employees", "assets"}},
		{"EIT: half year", second(EIT(EITInput{Year: "2026", Period: "h1", Profit: "1", Employees: "1", Assets: "1"})), []string{"period"}},
		{"EIT: employees 3 decimals", second(EIT(EITInput{Year: "2026", Period: "q1", Profit: "1", Employees: "1.234", Assets: "1"})), []string{"employees"}},
		{"property: nothing typed", second(Property(PropertyInput{Year: "2026", Period: "y", Status: "none"})), []string{"original"}},
		{"property: deduction 35%", second(Property(PropertyInput{Year: "2026", Period: "y", Original: "1", Region: "other", Deduction: "35", Status: "none"})), []string{"deduction"}},
		{"property: no province, no status", second(Property(PropertyInput{Year: "2026", Period: "y", Original: "1"})), []string{"region", "status"}},
		{"land: grade missing", second(Land(LandInput{Year: "2026", Period: "y", Area: "1", Status: "none"})), []string{"grade"}},
		{"land: unknown grade", second(Land(LandInput{Year: "2026", Period: "y", Area: "1", Grade: "xiamen:9", Status: "none"})), []string{"grade"}},
		{"land: amount over 30", second(Land(LandInput{Year: "2026", Period: "y", Area: "1", Grade: "other", PerM2: "30.01", Status: "none"})), []string{"per_m2"}},
		{"land: unknown taxpayer type", second(Land(LandInput{Year: "2027", Period: "y", Area: "1", Grade: "xiamen:1", Status: "bogus"})), []string{"status"}},
		{"stamp: nothing", second(Stamp(StampInput{Year: "2026", Period: "q1", Status: "none"})), []string{"b_loan"}},
		{"stamp: a month", second(Stamp(StampInput{Year: "2026", Period: "m1", Status: "none", Bases: map[string]string{"sale": "1"}})), []string{"period"}},
		{"stamp: before the law", second(Stamp(StampInput{Year: "2022", Period: "q2", Status: "none", Bases: map[string]string{"sale": "1"}})), []string{"period"}},
		{"stamp: bad amount", second(Stamp(StampInput{Year: "2026", Period: "q1", Status: "none", Bases: map[string]string{"sale": "1.001"}})), []string{"b_sale"}},
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

func mustCite(t *testing.T, steps []Step, want ...string) {
	t.Helper()
	text := stepsText(steps)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("steps do not say %q:\n%s", w, text)
		}
	}
}
