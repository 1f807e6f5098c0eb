package rules

import (
	"errors"
	"testing"
	"time"
)

func TestSmallScaleVAT(t *testing.T) {
	type want struct {
		taxable3, taxable5, exemptSmall, exemptBelow, payable, reduction, exemptTax, due int64
	}
	for _, c := range []struct {
		name string
		in   SmallScaleInput
		want want
		src  string
	}{
		{"2025Q3 exactly 300,000 is exempt",
			SmallScaleInput{Period: Quarter(2025, 3), Sales3: 30_000_000},
			want{exemptSmall: 30_000_000, exemptTax: 900_000},
			"财政部 税务总局公告2023年第19号 第一条 (季度销售额未超过30万元, ≤)"},
		{"2025Q3 300,000.01 is taxed at 1%",
			SmallScaleInput{Period: Quarter(2025, 3), Sales3: 30_000_001},
			want{taxable3: 30_000_001, payable: 900_000, reduction: 600_000, due: 300_000},
			"2023年第19号 第二条 (3%减按1%); 国家税务总局公告2023年第1号 第五条 (减征额按销售额2%计算)"},
		{"2025Q3 299,999.99 is exempt",
			SmallScaleInput{Period: Quarter(2025, 3), Sales3: 29_999_999},
			want{exemptSmall: 29_999_999, exemptTax: 900_000},
			"2023年第19号 第一条"},
		{"2025Q4, the policy's last quarter, 300,000 exempt (filed in 2026, still 2025's rule)",
			SmallScaleInput{Period: Quarter(2025, 4), Sales3: 30_000_000},
			want{exemptSmall: 30_000_000, exemptTax: 900_000},
			"2023年第19号; the period decides, not the filing date"},
		{"2025-12 month exactly 100,000 exempt",
			SmallScaleInput{Period: Month(2025, time.December), Sales3: 10_000_000},
			want{exemptSmall: 10_000_000, exemptTax: 300_000},
			"2023年第19号 第一条 (月销售额10万元以下（含本数）)"},
		{"2026Q1 exactly 300,000 reaches the threshold: taxed in full",
			SmallScaleInput{Period: Quarter(2026, 1), Sales3: 30_000_000},
			want{taxable3: 30_000_000, payable: 900_000, reduction: 600_000, due: 300_000},
			"增值税法 第二十三条 (达到起征点的全额计算缴纳); 2026年第10号 (1%)"},
		{"2026Q1 299,999.99 is below the threshold",
			SmallScaleInput{Period: Quarter(2026, 1), Sales3: 29_999_999},
			want{exemptBelow: 29_999_999, exemptTax: 900_000},
			"增值税法 第二十三条 (未达到起征点的免征)"},
		{"2026-01 month exactly 100,000 taxed",
			SmallScaleInput{Period: Month(2026, time.January), Sales3: 10_000_000},
			want{taxable3: 10_000_000, payable: 300_000, reduction: 200_000, due: 100_000},
			"增值税法 第二十三条; 2026年第10号 (月10万元)"},
		{"2026-01 month 99,999.99 exempt",
			SmallScaleInput{Period: Month(2026, time.January), Sales3: 9_999_999},
			want{exemptBelow: 9_999_999, exemptTax: 300_000},
			"增值税法 第二十三条"},
		{"2025Q2 real estate pushes the total over 300,000: the other sales stay exempt",
			SmallScaleInput{Period: Quarter(2025, 2), Sales3: 25_000_000, Sales5: 10_000_000},
			want{taxable5: 10_000_000, exemptSmall: 25_000_000, exemptTax: 750_000, payable: 500_000, due: 500_000},
			"国家税务总局公告2023年第1号 第一条 (扣除本期发生的销售不动产的销售额后未超过)"},
		{"2026Q2 the same sales: all taxed, real estate at 5%",
			SmallScaleInput{Period: Quarter(2026, 2), Sales3: 25_000_000, Sales5: 10_000_000},
			want{taxable3: 25_000_000, taxable5: 10_000_000, payable: 1_250_000, reduction: 500_000, due: 750_000},
			"增值税法 第二十三条; 2026年第10号 (1%, 不动产5%) — assumption: no real-estate exclusion"},
		{"2025Q2 real estate alone under the threshold: exempt with the rest",
			SmallScaleInput{Period: Quarter(2025, 2), Sales3: 10_000_000, Sales5: 10_000_000},
			want{exemptSmall: 20_000_000, exemptTax: 800_000},
			"国家税务总局公告2023年第1号 第一条 (合计未超过30万元)"},
		{"2025Q1 individual business: exempt sales are 未达起征点",
			SmallScaleInput{Period: Quarter(2025, 1), Sales3: 20_000_000, Individual: true},
			want{exemptBelow: 20_000_000, exemptTax: 600_000},
			"国家税务总局公告2021年第20号 附件 填表说明 第10、11栏"},
		{"rounding: line 15 and line 16 rounded separately, line 20 one fen below sales × 1%",
			SmallScaleInput{Period: Quarter(2025, 1), Sales3: 30_000_175},
			want{taxable3: 30_000_175, payable: 900_005, reduction: 600_004, due: 300_001},
			"国家税务总局公告2023年第1号 第五条; 900,005.25→900,005, 600,003.5→600,004 (half up)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := SmallScaleVAT(c.in)
			if err != nil {
				t.Fatal(err)
			}
			got := want{r.TaxableSales3, r.TaxableSales5, r.ExemptSmallBusiness, r.ExemptBelowThreshold,
				r.TaxPayable, r.Reduction, r.ExemptTax, r.TaxDue}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v\nsource: %s", got, c.want, c.src)
			}
			if r.TaxDue != r.TaxPayable-r.Reduction || r.ExemptTax != r.ExemptTaxSmall+r.ExemptTaxBelow {
				t.Errorf("lines 20 = 15 − 16 and 17 = 18 + 19 do not hold: %+v", r)
			}
			if r.Source == "" {
				t.Error("no source")
			}
		})
	}
}

func TestSmallScaleVATBalanceAndErrors(t *testing.T) {
	r, err := SmallScaleVAT(SmallScaleInput{Period: Quarter(2026, 3), Sales3: 40_000_000, Prepaid: 500_000})
	if err != nil {
		t.Fatal(err)
	}
	if r.TaxDue != 400_000 || r.Balance != -100_000 {
		t.Errorf("prepaid more than due: due %d balance %d, want 400000 and −100000 (line 22 = 20 − 21)", r.TaxDue, r.Balance)
	}
	for _, c := range []struct {
		name string
		in   SmallScaleInput
		is   error
	}{
		{"before the first entry", SmallScaleInput{Period: Quarter(2022, 4)}, ErrNoParam},
		{"after the relief ends", SmallScaleInput{Period: Quarter(2028, 1)}, ErrNoParam},
		{"not a month or quarter", SmallScaleInput{Period: Period{d("2025-12-01"), d("2026-01-31")}}, nil},
		{"negative sales", SmallScaleInput{Period: Quarter(2026, 1), Sales3: -1}, nil},
	} {
		_, err := SmallScaleVAT(c.in)
		if err == nil || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.is)
		}
	}
	// A period across 2025/2026 has no single set of parameters.
	if _, err := SmallScaleRelief.ForPeriod(Period{d("2025-11-01"), d("2026-01-31")}); !errors.Is(err, ErrStraddle) {
		t.Errorf("straddling period: %v, want ErrStraddle", err)
	}
}
