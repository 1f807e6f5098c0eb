package forms

import (
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// Worked examples of the general taxpayer's main table. Sources: 增值税法
// 第十条 (13%, 9%, 6%) and 第十一条 (3%), 增值税法 第十六条、第二十一条
// (output less input, the excess carried forward), 国家税务总局公告2021年
// 第20号 附件 填写说明 (line formulas 17–24, 34; line 13 = the previous
// period's line 20; line 23 capped at 19 + 21), 城市维护建设税法 第二条、
// 第四条 (base: the VAT actually paid; 7% / 5%), 征收教育费附加的暂行规定
// 第三条 (3%), 财综〔2010〕98号 (2%), 财政部 税务总局公告2023年第12号
// 第二条 (六税两费 half for small low-profit enterprises).
func TestVATGeneralReturn(t *testing.T) {
	m := func(y int, mo time.Month) rules.Period { return rules.Month(y, mo) }
	cases := []struct {
		name    string
		period  rules.Period
		facts   Facts
		prior   Values
		entered map[string]string
		want    map[string]int64
		due     int64
	}{
		{"three rates, simplified 3%, transfer out", m(2026, time.March), Facts{Location: rules.InCity}, nil,
			map[string]string{"a1.1.5": "1000000", "a1.3.5": "200000", "a1.5.5": "100000", "2.period": "900000",
				"a1.11.5": "50000", "12.period": "100000", "14.period": "5000"},
			map[string]int64{"1.period": 130_000_000, "5.period": 5_000_000, "11.period": 15_400_000, "17.period": 9_500_000,
				"18.period": 9_500_000, "19.period": 5_900_000, "20.period": 0, "21.period": 150_000, "24.period": 6_050_000,
				"34.period": 6_050_000, "39.period": 423_500, "40.period": 181_500, "41.period": 121_000},
			6_050_000 + 423_500 + 181_500 + 121_000},
		{"input beyond output: credit carried, nothing payable", m(2026, time.January), Facts{Location: rules.InCity},
			Values{"13.period": 300_000},
			map[string]string{"a1.1.5": "100000", "12.period": "20000"},
			map[string]int64{"11.period": 1_300_000, "13.period": 300_000, "17.period": 2_300_000, "18.period": 1_300_000,
				"19.period": 0, "20.period": 1_000_000, "24.period": 0, "34.period": 0, "39.period": 0},
			0},
		{"reduction beyond lines 19 + 21 is capped", m(2026, time.April), Facts{Location: rules.InCity}, nil,
			map[string]string{"a1.1.5": "10000", "12.period": "1000", "23.period": "500"},
			map[string]int64{"19.period": 30_000, "23.period": 30_000, "24.period": 0, "34.period": 0},
			0},
		{"prepaid elsewhere: surcharges on line 34, county rate", m(2026, time.May), Facts{Location: rules.InCountyTown}, nil,
			map[string]string{"a1.3.5": "1000000", "12.period": "50000", "28.period": "20000"},
			map[string]int64{"11.period": 9_000_000, "19.period": 4_000_000, "24.period": 4_000_000, "28.period": 2_000_000,
				"34.period": 2_000_000, "39.period": 100_000, "40.period": 60_000, "41.period": 40_000},
			2_000_000 + 200_000},
		{"small low-profit general taxpayer: surcharges halved", m(2026, time.March), Facts{Location: rules.InCity, SmallLowProfit: true}, nil,
			map[string]string{"a1.1.5": "1000000", "a1.3.5": "200000", "a1.5.5": "100000", "a1.11.5": "50000",
				"12.period": "100000", "14.period": "5000"},
			map[string]int64{"34.period": 6_050_000, "39.period": 211_750, "40.period": 90_750, "41.period": 60_500},
			6_050_000 + 211_750 + 90_750 + 60_500},
		{"each rate rounded half up to the fen", rules.Quarter(2025, 4), Facts{Location: rules.InCity}, nil,
			map[string]string{"a1.1.5": "0.04", "a1.5.5": "333.33", "a1.9b.5": "0.10"},
			// 4 fen × 13% = 0.52 → 1; 33,333 × 6% = 1,999.98 → 2,000; 10 × 5% = 0.5 → 1.
			map[string]int64{"11.period": 2_001, "21.period": 1, "24.period": 2_002},
			2_002 + 140 + 60 + 40},
		{"year to date adds this period to the earlier ones", m(2026, time.March), Facts{Location: rules.InCity},
			Values{"1.period": 50_000_000, "11.period": 6_500_000, "34.period": 1_000_000, "39.period": 70_000},
			map[string]string{"a1.1.5": "100000", "12.period": "3000"},
			map[string]int64{"1.ytd": 60_000_000, "11.ytd": 7_800_000, "18.ytd": 300_000, "39.ytd": 70_000 + 70_000},
			1_000_000 + 70_000 + 30_000 + 20_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := VATGeneral.Run(Input{Period: c.period, Facts: c.facts, Prior: c.prior}, c.entered)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				if got := out.Values[k]; got != want {
					t.Errorf("%s = %d, want %d", k, got, want)
				}
			}
			if out.TaxDue != c.due {
				t.Errorf("due = %d, want %d", out.TaxDue, c.due)
			}
		})
	}
}

func TestVATGeneralNotes(t *testing.T) {
	out, err := VATGeneral.Run(Input{Period: rules.Month(2026, time.April), Facts: Facts{Location: rules.InCity}},
		map[string]string{"a1.1.5": "10000", "12.period": "1000", "23.period": "500"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "本期减征额 500.00 元超过第19栏与第21栏之和，第23栏按 300.00 元计入，其余 200.00 元结转下期继续抵减。"; !contains(out.Notes, want) {
		t.Errorf("notes = %q", out.Notes)
	}
	out, _ = VATGeneral.Run(Input{Period: rules.Month(2026, time.April), Facts: Facts{Location: rules.InCity}},
		map[string]string{"a1.1.5": "10000", "12.period": "2000"})
	if want := "期末留抵税额 700.00 元结转下期，下一所属期申报时自动带入第13栏。"; !contains(out.Notes, want) {
		t.Errorf("notes = %q", out.Notes)
	}
}

// The cross-checks name the cells and the numbers (填写说明: the 其中 lines
// are parts of their totals; 进项税额转出 comes out of the input tax and the
// credit; 分次预缴税额 is what can be set off this period).
func TestVATGeneralCrossChecks(t *testing.T) {
	cases := []struct {
		name    string
		prior   Values
		entered map[string]string
		key     string
		want    string
	}{
		{"goods over line 1", nil, map[string]string{"a1.1.5": "1000", "2.period": "2000"}, "2.period",
			"第2栏（本期数） 2,000.00 不能大于第1栏（本期数） 1,000.00（“其中”数是总数的一部分）"},
		{"goods and labour over line 1", nil, map[string]string{"a1.1.5": "1000", "a1.5.5": "500", "2.period": "1000", "3.period": "600"}, "3.period",
			"第2栏与第3栏合计 1,600.00 不能大于第1栏（本期数） 1,500.00（货物和劳务都是按适用税率计税销售额的一部分）"},
		{"exempt goods and labour over line 8", nil, map[string]string{"a1.18.5": "100", "9.period": "60", "10.period": "50"}, "10.period",
			"第9栏与第10栏合计 110.00 不能大于第8栏（本期数） 100.00"},
		// 填写说明 第16栏: ≤ 附列资料（一）第8列第1至5行之和 + 附列资料（二）第19栏
		// (part of line 14 here): 1,000 × 13% = 130 on row 1 column 8.
		{"inspection tax over the annex's inspection column", nil, map[string]string{"a1.1.7": "1000", "14.period": "0", "16.period": "130.01"}, "16.period",
			"第16栏（本期数） 130.01 不能大于附列资料（一）第8列第1至5行之和 130.00 与纳税检查调减的进项税额（含在第14栏 0.00 中）之和"},
		{"simplified inspection tax over the annex's inspection column", nil, map[string]string{"a1.11.7": "100", "22.period": "3.01"}, "22.period",
			"第22栏（本期数） 3.01 不能大于附列资料（一）第8列第8至13b行之和 3.00"},
		// 附列资料（一）第13列 = 第11列 − 第12列: the deduction is part of 价税合计.
		{"deduction over the row's sales with tax", nil, map[string]string{"a1.5.5": "100", "a1.5.12": "106.01"}, "a1.5.12",
			"附列资料（一）第5行第12列（服务、不动产和无形资产扣除项目本期实际扣除金额） 106.01 不能大于本行第11列价税合计 106.00"},
		{"transfer out over input and credit", Values{"13.period": 50_000}, map[string]string{"12.period": "1000", "14.period": "1500.01"}, "14.period",
			"第14栏（本期数） 进项税额转出 1,500.01 不能大于第12栏进项税额 1,000.00 与第13栏上期留抵税额 500.00 之和 1,500.00"},
		{"prepaid over line 24", nil, map[string]string{"a1.1.5": "10000", "28.period": "1300.01"}, "28.period",
			"第28栏（本期数） 分次预缴税额 1,300.01 不能大于第24栏应纳税额合计 1,300.00（按本期实际可抵减数填写，不足抵减部分结转下期继续抵减）"},
		{"negative amounts", nil, map[string]string{"12.period": "-5"}, "12.period", "第12栏（本期数）不能为负数"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := VATGeneral.Run(Input{Period: rules.Month(2026, time.March), Facts: Facts{Location: rules.InCity}, Prior: c.prior}, c.entered)
			e := apperr.As(err)
			if err == nil || e.Code != apperr.Invalid {
				t.Fatalf("err = %v", err)
			}
			if e.Fields[c.key] != c.want {
				t.Errorf("%s: %q, want %q (all: %v)", c.key, e.Fields[c.key], c.want, e.Fields)
			}
		})
	}
	// At the limits the return is accepted.
	for _, entered := range []map[string]string{
		{"a1.1.5": "1000", "2.period": "600", "3.period": "400"},
		{"12.period": "1000", "14.period": "1500"},
		{"a1.1.5": "10000", "28.period": "800"}, // 1,300 output − 500 credit
		{"a1.1.7": "1000", "16.period": "130"},
		{"a1.5.5": "100", "a1.5.12": "106"},
	} {
		if _, err := VATGeneral.Run(Input{Period: rules.Month(2026, time.March), Facts: Facts{Location: rules.InCity},
			Prior: Values{"13.period": 50_000}}, entered); err != nil {
			t.Errorf("%v: %v", entered, err)
		}
	}
}

// Line 13 is carried, never typed: it is computed, it has no year-to-date
// cell, and line 20 of this return is what the next one carries.
func TestVATGeneralCarriesTheCredit(t *testing.T) {
	l13, _ := VATGeneral.Line("13")
	l20, _ := VATGeneral.Line("20")
	if l13.Kinds != "C-" || l20.Kinds != "C-" {
		t.Errorf("kinds: 13 %q, 20 %q", l13.Kinds, l20.Kinds)
	}
	if VATGeneral.CarryKeys["20.period"] != "13.period" {
		t.Errorf("carry = %v", VATGeneral.CarryKeys)
	}
	for _, k := range VATGeneral.EnteredCells() {
		if strings.HasPrefix(k, "13.") {
			t.Errorf("%s is entered", k)
		}
	}
	// Typing line 13 anyway changes nothing.
	out, err := VATGeneral.Run(Input{Period: rules.Month(2026, time.March), Facts: Facts{Location: rules.InCity}},
		map[string]string{"13.period": "99999", "a1.1.5": "1000"})
	if err != nil || out.Values["13.period"] != 0 || out.Values["19.period"] != 13_000 {
		t.Errorf("typed line 13: %v %v", out.Values, err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
