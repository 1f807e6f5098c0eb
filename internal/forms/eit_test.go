package forms

import (
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

// Worked examples of the A-class prepayment. Sources: 企业所得税法 第四条
// (25%); 财政部 税务总局公告2023年第6号 第一条 and 2023年第12号 第三条
// (small low-profit: taxable income ≤ 3,000,000, employees ≤ 300, assets ≤
// 50,000,000, all inclusive, counted at 25% and taxed at 20% through
// 2027); 国家税务总局公告2021年第3号 (the lines; line 9 not over lines
// 3+4−5−6−7−8; line 16 not below 0).
func TestEITReturn(t *testing.T) {
	q := func(n int) rules.Period { return rules.Quarter(2026, n) }
	small := map[string]string{"A1": "50", "A2": "1000"}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range small {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		name    string
		period  rules.Period
		prior   Values
		entered map[string]string
		want    map[string]int64
	}{
		{"small low-profit: 25% counted at 20%", q(1), nil,
			with(map[string]string{"1": "5000000", "2": "3500000", "3": "1000000"}),
			map[string]int64{"10": 100_000_000, "11": 2500, "12": 25_000_000, "13": 20_000_000, "14": 0, "16": 5_000_000}},
		{"exactly 3,000,000 is small (不超过)", q(4), nil,
			with(map[string]string{"3": "3200000", "7.1": "200000"}),
			map[string]int64{"10": 300_000_000, "12": 75_000_000, "13": 60_000_000, "16": 15_000_000}},
		{"3,000,000.01 is not", q(4), nil,
			with(map[string]string{"3": "3000000.01"}),
			map[string]int64{"10": 300_000_001, "12": 75_000_000, "13": 0, "16": 75_000_000}},
		{"300 employees and 5,000 万元 of assets are small", q(2), nil,
			map[string]string{"A1": "300", "A2": "5000", "3": "100000"},
			map[string]int64{"12": 2_500_000, "13": 2_000_000, "16": 500_000}},
		{"300.01 employees are not", q(2), nil,
			map[string]string{"A1": "300.01", "A2": "5000", "3": "100000"},
			map[string]int64{"12": 2_500_000, "13": 0, "16": 2_500_000}},
		{"5,000.01 万元 of assets are not", q(2), nil,
			map[string]string{"A1": "300", "A2": "5000.01", "3": "100000"},
			map[string]int64{"13": 0, "16": 2_500_000}},
		{"a restricted industry is not", q(2), nil,
			with(map[string]string{"A3": "1", "3": "100000"}),
			map[string]int64{"13": 0, "16": 2_500_000}},
		{"a loss: no tax, still small", q(1), nil,
			with(map[string]string{"1": "200000", "2": "260000", "3": "-60000.50"}),
			map[string]int64{"3": -6_000_050, "10": -6_000_050, "12": 0, "16": 0, "A4": 100}},
		{"a loss with 301 employees: not small", q(1), nil,
			map[string]string{"A1": "301", "3": "-1"},
			map[string]int64{"12": 0, "A4": 0}},
		{"adjustments and loss offset", q(3), nil,
			with(map[string]string{"3": "500000", "4": "20000", "5": "10000", "6": "30000", "7.2": "40000", "8.1": "20000", "9": "420000"}),
			map[string]int64{"10": 0, "12": 0, "16": 0}},
		{"Q2 after Q1: the prepaid tax comes from Q1's line 16", q(2), Values{"16": 5_000_000},
			with(map[string]string{"3": "1500000"}),
			map[string]int64{"12": 37_500_000, "13": 30_000_000, "14": 5_000_000, "16": 2_500_000}},
		{"year to date lower than prepaid: 0, not a refund", q(2), Values{"16": 5_000_000},
			with(map[string]string{"3": "600000"}),
			map[string]int64{"12": 15_000_000, "13": 12_000_000, "14": 5_000_000, "16": 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := EIT.Run(Input{Period: c.period, Prior: c.prior}, c.entered)
			if err != nil {
				t.Fatal(err)
			}
			for k, want := range c.want {
				if got := out.Values[k]; got != want {
					t.Errorf("%s = %d, want %d", k, got, want)
				}
			}
			if small := out.Values["13"] > 0; EITSmallLowProfit(out.Values) != small && out.Values["12"] > 0 {
				t.Errorf("A4 = %d with relief %d", out.Values["A4"], out.Values["13"])
			}
			if out.TaxDue != out.Values["16"] {
				t.Errorf("due %d, line 16 %d", out.TaxDue, out.Values["16"])
			}
		})
	}
}

func TestEITNotes(t *testing.T) {
	out, err := EIT.Run(Input{Period: rules.Quarter(2026, 2)}, map[string]string{"A1": "320", "A2": "6000", "A3": "1", "3": "3500000"})
	if err != nil {
		t.Fatal(err)
	}
	want := "不符合小型微利企业条件（累计实际利润额 3,500,000.00 元超过 300 万元；从业人数 320.00 人超过 300 人；资产总额 6000.00 万元超过 5000 万元；从事国家限制或禁止行业），按 25% 计算，无小型微利企业减免。"
	if !contains(out.Notes, want) {
		t.Errorf("notes = %q", out.Notes)
	}
	out, _ = EIT.Run(Input{Period: rules.Quarter(2026, 2), Prior: Values{"16": 5_000_000}}, map[string]string{"A1": "10", "A2": "100", "3": "600000"})
	if want := "本年已缴纳 50,000.00 元多于累计应纳所得税额 30,000.00 元，本期应补（退）所得税额为 0，多缴部分在年度汇算清缴时处理。"; !contains(out.Notes, want) {
		t.Errorf("notes = %q", out.Notes)
	}
	if !strings.HasPrefix(out.Notes[0], "符合小型微利企业条件（年度应纳税所得额不超过 300 万元、从业人数不超过 300 人、资产总额不超过 5000 万元") {
		t.Errorf("notes = %q", out.Notes)
	}
}

func TestEITFieldErrors(t *testing.T) {
	cases := []struct {
		name    string
		entered map[string]string
		key     string
		want    string
	}{
		{"loss offset over the profit", map[string]string{"3": "100000", "7.3": "20000", "9": "80000.01"}, "9",
			"第9行 弥补以前年度亏损 80,000.01 不能大于第3+4-5-6-7-8行的值 80,000.00（为负数或 0 时本行填 0）"},
		{"loss offset in a loss", map[string]string{"3": "-100", "9": "1"}, "9",
			"第9行 弥补以前年度亏损 1.00 不能大于第3+4-5-6-7-8行的值 -100.00（为负数或 0 时本行填 0）"},
		{"restricted is 1 or 0", map[string]string{"A3": "2"}, "A3", "是否从事国家限制或禁止行业：是填 1，否填 0，不能填 2.00"},
		{"negative revenue", map[string]string{"1": "-1"}, "1", "第1行不能为负数"},
		{"bad employees", map[string]string{"A1": "12.345"}, "A1", "从业人数：金额最多保留两位小数（精确到分）"},
		// 填报说明 第13行: 13 = 13.1 + 13.2 + …, part of line 12. Not small
		// (320 employees): 12 = 25,000; 13.2 of 25,000.01 is over.
		{"other relief over the tax", map[string]string{"A1": "320", "3": "100000", "13.2": "25000.01"}, "13.2",
			"第13.2行 与小型微利企业减免（第13.1行）合计不能大于第12行应纳所得税额"},
		{"an item is not negative", map[string]string{"7.2": "-1"}, "7.2", "第7.2行不能为负数"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := EIT.Run(Input{Period: rules.Quarter(2026, 1)}, c.entered)
			e := apperr.As(err)
			if err == nil || e.Code != apperr.Invalid || e.Fields[c.key] != c.want {
				t.Errorf("%s: %q, want %q (%v)", c.key, e.Fields[c.key], c.want, err)
			}
		})
	}
	// Exactly the limits are accepted.
	if out, err := EIT.Run(Input{Period: rules.Quarter(2026, 1)}, map[string]string{"A1": "320", "3": "100000", "13.2": "25000"}); err != nil || out.Values["13"] != 2_500_000 || out.Values["16"] != 0 {
		t.Errorf("13.2 at line 12: %v %v", out.Values, err)
	}
	if _, err := EIT.Run(Input{Period: rules.Quarter(2026, 1)}, map[string]string{"3": "100000", "7.3": "20000", "9": "80000"}); err != nil {
		t.Error(err)
	}
}

// Lines 7, 8 and 13 are the sums of their items (公告2021年第3号 表样:
// 7=7.1+7.2+…, 8=8.1+8.2+…, 13=13.1+13.2+…), computed, never typed; 13.1
// is the small low-profit relief. A return stored before the items (lines
// 7 and 8 typed as totals) is shown in its own layout.
func TestEITItemLines(t *testing.T) {
	for _, no := range []string{"7", "8", "13", "13.1"} {
		if l, _ := EIT.Line(no); l.Kinds != "C" {
			t.Errorf("line %s is %q", no, l.Kinds)
		}
	}
	out, err := EIT.Run(Input{Period: rules.Quarter(2026, 2)}, map[string]string{"A1": "10", "A2": "100", "3": "1000000",
		"7.1": "10000", "7.2": "20000", "7.3": "30000", "7.4": "40000", "8.1": "50000", "8.2": "60000", "8.3": "70000"})
	if err != nil {
		t.Fatal(err)
	}
	v := out.Values
	// 10 = 1,000,000 − 100,000 − 180,000 = 720,000; 12 = 180,000;
	// small: 720,000 × 25% × 20% = 36,000, so 13.1 = 144,000.
	if v["7"] != 10_000_000 || v["8"] != 18_000_000 || v["10"] != 72_000_000 || v["12"] != 18_000_000 ||
		v["13.1"] != 14_400_000 || v["13"] != 14_400_000 || v["16"] != 3_600_000 || v["7.3"] != 3_000_000 {
		t.Errorf("values = %v", v)
	}
	// Typing a total is ignored: it is the sum of the items.
	out, _ = EIT.Run(Input{Period: rules.Quarter(2026, 2)}, map[string]string{"A1": "10", "3": "1000", "7": "999"})
	if out.Values["7"] != 0 {
		t.Errorf("typed line 7: %d", out.Values["7"])
	}
	old := Values{"1": 100, "3": 100, "7": 50, "8": 0, "10": 50, "16": 1}
	if lay := EIT.Layout(old); lay == EIT || lay.Tables != nil {
		t.Error("an old return is shown in the current layout")
	} else if l, _ := lay.Line("7"); l.Kinds != "E" {
		t.Errorf("old line 7 = %q", l.Kinds)
	}
	if EIT.Layout(v) != EIT {
		t.Error("a current return is shown in an earlier layout")
	}
}
