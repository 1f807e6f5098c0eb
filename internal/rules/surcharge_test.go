package rules

import (
	"errors"
	"testing"
	"time"
)

func TestSurcharges(t *testing.T) {
	smallScale := TaxpayerStatus{SmallScale: true}
	for _, c := range []struct {
		name                      string
		in                        SurchargeInput
		city, edu, local, payable int64 // payable per line and in total
		src                       string
	}{
		{"small-scale in a city, half reduction",
			SurchargeInput{Period: Quarter(2026, 1), Location: InCity, VAT: 300_000, Status: smallScale},
			10_500, 4_500, 3_000, 18_000,
			"城市维护建设税法 第二条、第四条 (7%); 教育费附加 3%; 地方教育附加 2%; 财政部 税务总局公告2023年第12号 第二条 (减半)"},
		{"general taxpayer in a county town, VAT and consumption tax, no reduction",
			SurchargeInput{Period: Month(2026, time.March), Location: InCountyTown, VAT: 1_000_000, ConsumptionTax: 200_000},
			60_000, 36_000, 24_000, 120_000,
			"城市维护建设税法 第二条 (增值税、消费税税额为计税依据)、第四条 (5%)"},
		{"elsewhere, 1%, rounding half up then halving",
			SurchargeInput{Period: Month(2026, time.March), Location: Elsewhere, VAT: 1_234_567, Status: smallScale},
			6_173, 18_518, 12_345, 37_036,
			"城市维护建设税法 第四条 (1%): 12,345.67 × 1% = 123.4567 → 123.46, reduction 61.73, payable 61.73; " +
				"3% = 370.3701 → 370.37, reduction 185.185 → 185.19 (减征额 = 应纳税额 × 减征比例, half up), payable 185.18; " +
				"2% = 246.9134 → 246.91, reduction 123.455 → 123.46, payable 123.45"},
		{"the relief's last quarter (ends 2027-12-31)",
			SurchargeInput{Period: Quarter(2027, 4), Location: InCity, VAT: 100_000, Status: TaxpayerStatus{IndividualBusiness: true}},
			3_500, 1_500, 1_000, 6_000,
			"2023年第12号 第二条、第五条 (执行至2027年12月31日)"},
		{"2021: a small low-profit enterprise that is not small-scale gets no relief yet",
			SurchargeInput{Period: Quarter(2021, 4), Location: InCity, VAT: 100_000, Status: TaxpayerStatus{SmallLowProfit: true}},
			7_000, 3_000, 2_000, 12_000,
			"财税〔2019〕13号 第三条 (only 增值税小规模纳税人)"},
		{"2022: small low-profit enterprises join",
			SurchargeInput{Period: Quarter(2022, 1), Location: InCity, VAT: 100_000, Status: TaxpayerStatus{SmallLowProfit: true}},
			3_500, 1_500, 1_000, 6_000,
			"财政部 税务总局公告2022年第10号 第二条"},
		{"nothing payable",
			SurchargeInput{Period: Quarter(2026, 1), Location: InCity, Status: smallScale},
			0, 0, 0, 0, "城市维护建设税法 第二条"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Surcharges(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.CityMaintenance.Payable != c.city || r.Education.Payable != c.edu ||
				r.LocalEducation.Payable != c.local || r.Payable != c.payable {
				t.Errorf("got city %d edu %d local %d total %d, want %d %d %d %d\nsource: %s",
					r.CityMaintenance.Payable, r.Education.Payable, r.LocalEducation.Payable, r.Payable,
					c.city, c.edu, c.local, c.payable, c.src)
			}
			for _, l := range []SurchargeLine{r.CityMaintenance, r.Education, r.LocalEducation} {
				if l.Payable != l.Tax-l.Reduction || l.Source == "" {
					t.Errorf("line %+v: payable ≠ tax − reduction or no source", l)
				}
			}
		})
	}
}

func TestSurchargesOutsideTheRelief(t *testing.T) {
	in := SurchargeInput{Period: Quarter(2028, 1), Location: InCity, VAT: 100_000, Status: TaxpayerStatus{SmallScale: true}}
	if _, err := Surcharges(in); !errors.Is(err, ErrNoParam) {
		t.Errorf("2028 eligible taxpayer: %v, want ErrNoParam until the next policy is entered", err)
	}
	in.Status = TaxpayerStatus{}
	r, err := Surcharges(in)
	if err != nil || r.Payable != 12_000 {
		t.Errorf("2028 without relief: %+v %v", r, err)
	}
	in.Location = 0
	if _, err := Surcharges(in); err == nil {
		t.Error("an unknown location was accepted")
	}
}
