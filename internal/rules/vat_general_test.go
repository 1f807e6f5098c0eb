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

// 附列资料（一）computed by its column formulas (国家税务总局公告2021年第20号
// 附件1: 9=1+3+5+7, 10=2+4+6+8, 11=9+10, 13=11−12, 14=13÷(100%+税率或征收率)
// ×税率或征收率) and the main table's lines taken from it (主表填写说明:
// 第1栏 = 第9列第1至5行之和, 第4栏 = 第7列第1至5行之和, 第11栏 = 第10列
// 第1、3行 + 第14列第2、4、5行, 第21栏 = 第10列第9a、11行 + 第14列第9b、
// 12行). The deduction (差额征税, 财税〔2016〕36号 附件2) lowers the output
// tax of a services row only.
func TestSalesDetail(t *testing.T) {
	d, err := SalesDetail(Month(2026, time.March), map[string]SalesRow{
		"1":  {Special: 100_000 * yuan, Other: 20_000 * yuan, Uninvoiced: 3, Inspection: 1_000 * yuan},
		"5":  {Special: 1_000_000 * yuan, Deduction: 106_000 * yuan},
		"9b": {Uninvoiced: 2_000_000 * yuan, Deduction: 1_050_000 * yuan},
		"11": {Other: 10_000 * yuan},
		"17": {Other: 300_000 * yuan, Deduction: 0},
		"18": {Special: 5_000 * yuan, Uninvoiced: 1_000 * yuan},
	})
	if err != nil {
		t.Fatal(err)
	}
	r1 := d.Rows["1"]
	// 3 fen × 13% = 0.39 → 0: each column is rounded on its own.
	if r1.SpecialTax != 13_000*yuan || r1.OtherTax != 2_600*yuan || r1.UninvoicedTax != 0 || r1.InspectionTax != 130*yuan ||
		r1.Sales != 121_000*yuan+3 || r1.Tax != 15_730*yuan || r1.Gross != 136_730*yuan+3 {
		t.Errorf("row 1 = %+v", r1)
	}
	if r5 := d.Rows["5"]; r5.Gross != 1_060_000*yuan || r5.Net != 954_000*yuan || r5.NetTax != 54_000*yuan || r5.Tax != 60_000*yuan {
		t.Errorf("row 5 = %+v", r5)
	}
	if r := d.Rows["9b"]; r.Net != 1_050_000*yuan || r.NetTax != 50_000*yuan {
		t.Errorf("row 9b = %+v", r)
	}
	if d.TaxableSales != 1_121_000*yuan+3 || d.TaxableInspection != 1_000*yuan || d.TaxableInspectionTax != 130*yuan ||
		d.OutputTax != 15_730*yuan+54_000*yuan || d.SimplifiedSales != 2_010_000*yuan || d.SimplifiedTax != 300*yuan+50_000*yuan ||
		d.ExportSales != 300_000*yuan || d.ExemptSales != 6_000*yuan {
		t.Errorf("main lines = %+v", d)
	}
	// A deduction beyond 价税合计, or on a row without column 12, or a row
	// the hall does not handle, is refused.
	for name, rows := range map[string]map[string]SalesRow{
		"deduction over column 11": {"2": {Special: 100 * yuan, Deduction: 113*yuan + 1}},
		"deduction on goods":       {"1": {Special: 100 * yuan, Deduction: 1}},
		"即征即退 row":                 {"6": {Special: 1}},
	} {
		if _, err := SalesDetail(Month(2026, time.March), rows); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := SalesDetail(Month(2026, time.March), map[string]SalesRow{"2": {Special: 100 * yuan, Deduction: 113 * yuan}}); err != nil {
		t.Errorf("deduction of all of column 11: %v", err)
	}
}

// Lines 27, 32, 33, 38 (主表填写说明): 27 = 28+29+30+31, 32 = 24+25+26−27,
// 33 = 25+26−27 (≥0), 38 = 16+22+36−37.
func TestVATBalances(t *testing.T) {
	b, err := VATBalances(12_000*yuan, 2_000*yuan, VATPayments{OpeningUnpaid: 10_000 * yuan, PaidPrevious: 7_000 * yuan, PaidArrears: 0,
		Inspection: 500 * yuan, OpeningInspectionUnpaid: 300 * yuan, InspectionPaid: 300 * yuan})
	if err != nil {
		t.Fatal(err)
	}
	if b.Paid != 9_000*yuan || b.ClosingUnpaid != 13_000*yuan || b.Arrears != 1_000*yuan || b.ClosingInspectionDue != 500*yuan {
		t.Errorf("balances = %+v", b)
	}
	// Overpaid: 32 negative (多缴为负数), 33 not below 0.
	b, _ = VATBalances(0, 0, VATPayments{OpeningUnpaid: -500 * yuan, PaidArrears: 100 * yuan})
	if b.ClosingUnpaid != -600*yuan || b.Arrears != 0 {
		t.Errorf("overpaid = %+v", b)
	}
	if _, err := VATBalances(0, 0, VATPayments{PaidPrevious: -1}); err == nil {
		t.Error("a negative payment was accepted")
	}
}

// Line 17 = 12 + 13 − 14 − 15 + 16 (主表填写说明 第17栏): the inspection
// tax of line 16 is added back; with the annex given, lines 11 and 21 are
// its figures.
func TestGeneralVATWithDetail(t *testing.T) {
	d, err := SalesDetail(Month(2026, time.March), map[string]SalesRow{"1": {Special: 100_000 * yuan, Inspection: 1_000 * yuan}, "12": {Other: 1_000 * yuan}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := GeneralVAT(GeneralVATInput{Period: Month(2026, time.March), Detail: &d, InputTax: 10_000 * yuan, InspectionDue: 130 * yuan})
	if err != nil {
		t.Fatal(err)
	}
	if r.OutputTax != 13_130*yuan || r.Deductible != 10_130*yuan || r.GeneralTax != 3_000*yuan || r.SimplifiedTax != 30*yuan || r.TaxTotal != 3_030*yuan {
		t.Errorf("result = %+v", r)
	}
	if _, err := GeneralVAT(GeneralVATInput{Period: Month(2026, time.March), Detail: &d, Sales13: 1}); err == nil {
		t.Error("sales by rate and the annex both accepted")
	}
}
