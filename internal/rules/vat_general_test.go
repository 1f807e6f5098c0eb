package rules

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestGeneralVAT(t *testing.T) {
	type want struct {
		output, deductible, deducted, general, forward, simplified, reductions, redForward, total, balance int64
	}
	for _, c := range []struct {
		name string
		in   GeneralVATInput
		want want
		src  string
	}{
		{"2026-03: three rates, input, credit carried, transfer out, simplified 3%, reduction",
			GeneralVATInput{Period: Month(2026, time.March), Sales13: 1_000_000 * yuan, Sales9: 200_000 * yuan, Sales6: 100_000 * yuan,
				Sales0: 300_000 * yuan, Exempt: 40_000 * yuan, Simplified3: 50_000 * yuan,
				InputTax: 100_000 * yuan, CarriedCredit: 20_000 * yuan, TransferredOut: 5_000 * yuan, Reductions: 280 * yuan},
			want{154_000 * yuan, 115_000 * yuan, 115_000 * yuan, 39_000 * yuan, 0, 1_500 * yuan, 280 * yuan, 0, 40_220 * yuan, 40_220 * yuan},
			"增值税法 第十条 (13%/9%/6%)、第十一条 (3%)、第十四条 (销项税额抵扣进项税额后的余额); 一般纳税人申报表 主表 第17–24栏"},
		{"input exceeds output: carried to next period, reductions carried too",
			GeneralVATInput{Period: Quarter(2025, 4), Sales13: 100_000 * yuan, InputTax: 20_000 * yuan, Reductions: 500 * yuan},
			want{13_000 * yuan, 20_000 * yuan, 13_000 * yuan, 0, 7_000 * yuan, 0, 0, 500 * yuan, 0, 0},
			"增值税法 第二十一条 (结转下期继续抵扣); 主表 第20栏 = 17 − 18; 第23栏 填表说明 (减征额不足抵减部分结转下期)"},
		{"rounding half up per rate",
			GeneralVATInput{Period: Month(2025, time.June), Sales13: 1_234_567, Sales9: 50, Sales6: 25, Simplified5: 30, Prepaid: 100_000},
			want{160_494 + 5 + 2, 0, 0, 160_501, 0, 2, 0, 0, 160_503, 60_503},
			"12,345.67 × 13% = 1,604.9371 → 1,604.94; 0.50 × 9% = 0.045 → 0.05; 0.25 × 6% = 0.015 → 0.02; 0.30 × 5% = 0.015 → 0.02; 第34栏 = 24 − 28"},
		{"2019-04, the first month of 13% and 9%",
			GeneralVATInput{Period: Month(2019, time.April), Sales13: 100 * yuan, Sales9: 100 * yuan},
			want{22 * yuan, 0, 0, 22 * yuan, 0, 0, 0, 0, 22 * yuan, 22 * yuan},
			"财政部 税务总局 海关总署公告2019年第39号 第一条 (自2019年4月1日起)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := GeneralVAT(c.in)
			if err != nil {
				t.Fatal(err)
			}
			got := want{r.OutputTax, r.Deductible, r.Deducted, r.GeneralTax, r.CreditForward, r.SimplifiedTax,
				r.Reductions, r.ReductionsForward, r.TaxTotal, r.Balance}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v\nsource: %s", got, c.want, c.src)
			}
			if r.GeneralTax != r.OutputTax-r.Deducted || r.CreditForward != r.Deductible-r.Deducted || r.TaxTotal != r.GeneralTax+r.SimplifiedTax-r.Reductions {
				t.Errorf("the main table's line formulas do not hold: %+v", r)
			}
			if r.TaxableSales != c.in.Sales13+c.in.Sales9+c.in.Sales6 || r.ExportSales != c.in.Sales0 || r.ExemptSales != c.in.Exempt {
				t.Errorf("lines 1, 7, 8: %+v", r)
			}
		})
	}
}

func TestGeneralVATDatesAndErrors(t *testing.T) {
	for _, c := range []struct {
		period Period
		source string
	}{
		{Month(2025, time.December), "2019年第39号"},
		{Quarter(2025, 4), "2019年第39号"},
		{Month(2026, time.January), "增值税法 第十条"},
	} {
		r, err := GeneralVAT(GeneralVATInput{Period: c.period, Sales13: 100 * yuan})
		if err != nil || r.OutputTax != 13*yuan || !strings.Contains(r.Source, c.source) {
			t.Errorf("%v: %+v %v, want 13.00 under %s", c.period, r.OutputTax, err, c.source)
		}
	}
	if _, err := GeneralVAT(GeneralVATInput{Period: Month(2019, time.March)}); !errors.Is(err, ErrNoParam) {
		t.Errorf("2019-03 (16%%, not supported): %v", err)
	}
	if _, err := GeneralVATRates.ForPeriod(Period{d("2025-12-01"), d("2026-01-31")}); !errors.Is(err, ErrStraddle) {
		t.Errorf("a period across 2026-01-01: %v, want ErrStraddle", err)
	}
	for name, in := range map[string]GeneralVATInput{
		"transferred out more than available": {Period: Month(2026, 1), InputTax: 100, CarriedCredit: 50, TransferredOut: 151},
		"negative input tax":                  {Period: Month(2026, 1), InputTax: -1},
		"not a month or quarter":              {Period: Months(2026, 1, 2)},
	} {
		if _, err := GeneralVAT(in); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
