package rules

import (
	"errors"
	"testing"
	"time"
)

// The A-class prepayment with the small low-profit test at every edge.
func TestEITPrepay(t *testing.T) {
	small := func(p Period, profit int64) EITInput {
		return EITInput{Period: p, Profit: profit, AvgEmployees: 300_00, AvgAssets: 50_000_000 * yuan}
	}
	type want struct {
		actual, tax, pref, relief, payable int64
		small                              bool
	}
	for _, c := range []struct {
		name string
		in   EITInput
		want want
		src  string
	}{
		{"2025Q2 exactly 3,000,000, 300 employees, 50,000,000 assets: small low-profit at 5%",
			func() EITInput { in := small(Quarter(2025, 2), 3_000_000*yuan); in.Prepaid = 100_000 * yuan; return in }(),
			want{3_000_000 * yuan, 750_000 * yuan, 150_000 * yuan, 600_000 * yuan, 50_000 * yuan, true},
			"财政部 税务总局公告2023年第12号 第三条 (不超过300万元、300人、5000万元; 减按25%计入, 20%税率); 企业所得税法 第四条 (25%)"},
		{"3,000,000.01: over the limit, 25% on all",
			small(Quarter(2025, 2), 3_000_000*yuan+1),
			want{3_000_000*yuan + 1, 750_000 * yuan, 0, 0, 750_000 * yuan, false},
			"2023年第12号 第三条 (年度应纳税所得额不超过300万元); 75,000,000.25 fen → 75,000,000"},
		{"300.01 average employees: not small",
			func() EITInput { in := small(Quarter(2026, 1), 100_000*yuan); in.AvgEmployees = 300_01; return in }(),
			want{100_000 * yuan, 25_000 * yuan, 0, 0, 25_000 * yuan, false},
			"2023年第12号 第三条 (从业人数不超过300人); 国家税务总局公告2023年第6号 第三条 (季度平均值)"},
		{"assets 50,000,000.01: not small",
			func() EITInput { in := small(Quarter(2026, 1), 100_000*yuan); in.AvgAssets++; return in }(),
			want{100_000 * yuan, 25_000 * yuan, 0, 0, 25_000 * yuan, false},
			"2023年第12号 第三条 (资产总额不超过5000万元)"},
		{"restricted industry: not small",
			func() EITInput { in := small(Quarter(2026, 1), 100_000*yuan); in.Restricted = true; return in }(),
			want{100_000 * yuan, 25_000 * yuan, 0, 0, 25_000 * yuan, false},
			"2023年第12号 第三条 (从事国家非限制和禁止行业)"},
		{"2027Q4, the relief's last quarter",
			small(Quarter(2027, 4), 1_000_000*yuan),
			want{1_000_000 * yuan, 250_000 * yuan, 50_000 * yuan, 200_000 * yuan, 50_000 * yuan, true},
			"2023年第12号 第三条 (执行至2027年12月31日)"},
		{"2022: 12.5% up to 1,000,000, 25% above",
			small(Quarter(2022, 4), 2_000_000*yuan),
			want{2_000_000 * yuan, 500_000 * yuan, 75_000 * yuan, 425_000 * yuan, 75_000 * yuan, true},
			"财政部 税务总局公告2021年第12号 第二条 (2.5%); 公告2022年第13号 第一条 (5%)"},
		{"2021: 12.5% up to 1,000,000, 50% above",
			small(Quarter(2021, 4), 2_000_000*yuan),
			want{2_000_000 * yuan, 500_000 * yuan, 125_000 * yuan, 375_000 * yuan, 125_000 * yuan, true},
			"2021年第12号 第二条; 财税〔2019〕13号 第二条 (100万元至300万元 减按50%)"},
		{"2020: 25% up to 1,000,000, 50% above",
			small(Quarter(2020, 4), 2_000_000*yuan),
			want{2_000_000 * yuan, 500_000 * yuan, 150_000 * yuan, 350_000 * yuan, 150_000 * yuan, true},
			"财税〔2019〕13号 第二条"},
		{"2019: exactly 1,000,000 stays in the first band",
			small(Month(2019, time.June), 1_000_000*yuan),
			want{1_000_000 * yuan, 250_000 * yuan, 50_000 * yuan, 200_000 * yuan, 50_000 * yuan, true},
			"财税〔2019〕13号 第二条 (不超过100万元的部分)"},
		{"a loss: no tax, still small",
			small(Quarter(2026, 1), -100_000*yuan),
			want{-100_000 * yuan, 0, 0, 0, 0, true},
			"A类申报表 填报说明 第12行 (实际利润额为负数的填0)"},
		{"prepaid more than the tax: this period 0, no refund",
			func() EITInput { in := small(Quarter(2026, 2), 1_000_000*yuan); in.Prepaid = 60_000 * yuan; return in }(),
			want{1_000_000 * yuan, 250_000 * yuan, 50_000 * yuan, 200_000 * yuan, 0, true},
			"A类申报表 填报说明 第16行 (12−13−14−15<0 时填0)"},
		{"line 10 = 3 + 4 − 5 − 6 − 7 − 8 − 9, other relief",
			EITInput{Period: Quarter(2026, 3), Profit: 10_000_000 * yuan, Specific: 50_000 * yuan, NonTaxable: 10_000 * yuan,
				Accelerated: 20_000 * yuan, TaxFree: 100_000 * yuan, IncomeRelief: 20_000 * yuan, LossOffset: 200_000 * yuan,
				OtherRelief: 100_000 * yuan, AvgEmployees: 10_00, AvgAssets: yuan},
			want{9_700_000 * yuan, 2_425_000 * yuan, 0, 100_000 * yuan, 2_325_000 * yuan, false},
			"A类申报表 第10行; 企业所得税法 第四条"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := EITPrepay(c.in)
			if err != nil {
				t.Fatal(err)
			}
			got := want{r.ActualProfit, r.Tax, r.PreferentialTax, r.Relief, r.Payable, r.SmallLowProfit}
			if got != c.want {
				t.Errorf("got  %+v\nwant %+v\nsource: %s", got, c.want, c.src)
			}
			if r.Rate != 25*Percent || r.RateSource == "" || r.SmallSource == "" {
				t.Errorf("rate %v, sources %q %q", r.Rate, r.RateSource, r.SmallSource)
			}
		})
	}
}

func TestEITPrepayErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		in   EITInput
		is   error
	}{
		{"2018: other conditions, not supported", EITInput{Period: Quarter(2018, 4)}, ErrNoParam},
		{"2028: the relief must be entered first", EITInput{Period: Quarter(2028, 1)}, ErrNoParam},
		{"relief over the tax", EITInput{Period: Quarter(2026, 1), Profit: 100 * yuan, OtherRelief: 26 * yuan}, ErrReliefExceedsTax},
		{"negative prepaid", EITInput{Period: Quarter(2026, 1), Prepaid: -1}, nil},
		{"not a month or quarter", EITInput{Period: Months(2026, 1, 6)}, nil},
	} {
		if _, err := EITPrepay(c.in); err == nil || (c.is != nil && !errors.Is(err, c.is)) {
			t.Errorf("%s: %v, want %v", c.name, err, c.is)
		}
	}
	if _, err := SmallLowProfit.ForPeriod(Period{d("2022-12-01"), d("2023-01-31")}); !errors.Is(err, ErrStraddle) {
		t.Errorf("a period across 2023-01-01: %v, want ErrStraddle", err)
	}
}

// 国家税务总局公告2023年第6号 第三条: 季度平均值 = (季初值 + 季末值) ÷ 2,
// 全年季度平均值 = 全年各季度平均值之和 ÷ 相应季度数.
func TestSizeAverage(t *testing.T) {
	for _, c := range []struct {
		q          [][2]int64
		hundredths bool
		want       int64
	}{
		{[][2]int64{{290, 310}}, true, 300_00},
		{[][2]int64{{280, 300}, {300, 322}}, true, 300_50},
		{[][2]int64{{1, 2}, {2, 2}, {2, 2}}, true, 1_83}, // 11 ÷ 6 = 1.8333 → 1.83
		{[][2]int64{{4_000_000 * yuan, 5_000_000 * yuan}}, false, 4_500_000 * yuan},
		{[][2]int64{{1, 2}}, false, 2}, // 1.5 fen → 2
	} {
		if got, err := SizeAverage(c.q, c.hundredths); err != nil || got != c.want {
			t.Errorf("SizeAverage(%v) = %d %v, want %d", c.q, got, err, c.want)
		}
	}
	if _, err := SizeAverage(nil, true); err == nil {
		t.Error("no quarters accepted")
	}
}
