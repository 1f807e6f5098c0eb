package forms

import (
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/rules"
)

func TestEveryFormIsWellDefined(t *testing.T) {
	if len(All()) == 0 {
		t.Fatal("no forms registered")
	}
	for _, f := range All() {
		if err := f.Check(); err != nil {
			t.Error(err)
		}
		if len(f.EnteredCells()) == 0 && f.DetailMax == 0 {
			t.Errorf("%s has nothing to enter", f.Code)
		}
	}
}

// Worked examples of the small-scale return. Sources: 财政部 税务总局公告
// 2023年第19号 (to 2025-12-31: quarterly sales ≤ 300,000 exempt, 3% → 1%),
// 增值税法 第二十三条 and 财政部 税务总局公告2026年第10号 (from 2026: reaching
// the threshold is taxable), 国家税务总局公告2021年第20号 (the form's lines),
// 财政部 税务总局公告2023年第12号 (六税两费 half), 城市维护建设税法 第四条 (7%).
func TestVATSmallReturn(t *testing.T) {
	cases := []struct {
		name    string
		period  rules.Period
		entered map[string]string
		want    map[string]int64
		due     int64
	}{
		{"2026Q3 exactly 300,000 is taxable at 1%", rules.Quarter(2026, 3),
			map[string]string{"1.goods": "300000"},
			map[string]int64{"1.goods": 30_000_000, "15.goods": 900_000, "16.goods": 600_000, "20.goods": 300_000,
				"22.goods": 300_000, "23": 10_500, "24": 4_500, "25": 3_000, "10.goods": 0, "11.goods": 0, "1.goods_ytd": 30_000_000},
			300_000 + 10_500 + 4_500 + 3_000},
		{"2026Q3 299,999.99 is below the threshold", rules.Quarter(2026, 3),
			map[string]string{"1.goods": "200000", "1.services": "99999.99", "3.goods": "1000"},
			map[string]int64{"1.goods": 0, "3.goods": 0, "11.goods": 20_000_000, "11.services": 9_999_999, "9.services": 9_999_999,
				"19.goods": 600_000, "19.services": 300_000, "17.services": 300_000, "20.goods": 0, "23": 0},
			0},
		{"2025Q4 exactly 300,000 is exempt (≤) on line 10", rules.Quarter(2025, 4),
			map[string]string{"1.goods": "300000"},
			map[string]int64{"1.goods": 0, "10.goods": 30_000_000, "18.goods": 900_000, "20.goods": 0},
			0},
		{"2025Q4 300,000.01 is taxable", rules.Quarter(2025, 4),
			map[string]string{"1.goods": "300000.01", "21.goods": "1000"},
			map[string]int64{"1.goods": 30_000_001, "15.goods": 900_000, "16.goods": 600_000, "20.goods": 300_000, "22.goods": 200_000},
			200_000 + 10_500 + 4_500 + 3_000},
		{"real estate stays at 5%", rules.Quarter(2026, 3),
			map[string]string{"1.services": "200000", "4.services": "200000"},
			map[string]int64{"15.services": 600_000 + 1_000_000, "16.services": 400_000, "20.services": 1_200_000},
			1_200_000 + 42_000 + 18_000 + 12_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := VATSmall.Run(Input{Period: c.period, Facts: Facts{SmallScale: true, Location: rules.InCity}}, c.entered)
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

func TestVATSmallYearToDate(t *testing.T) {
	out, err := VATSmall.Run(Input{Period: rules.Quarter(2026, 3), Facts: Facts{Location: rules.InCity},
		Prior: Values{"1.goods": 40_000_000, "15.goods": 1_200_000}}, map[string]string{"1.goods": "300000"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Values["1.goods_ytd"] != 70_000_000 || out.Values["15.goods_ytd"] != 2_100_000 {
		t.Errorf("ytd = %d / %d", out.Values["1.goods_ytd"], out.Values["15.goods_ytd"])
	}
}

func TestVATSmallFieldErrors(t *testing.T) {
	_, err := VATSmall.Run(Input{Period: rules.Quarter(2026, 3), Facts: Facts{Location: rules.InCity}},
		map[string]string{"1.goods": "1000", "2.goods": "2000", "1.services": "12.345", "4.services": "-5"})
	e := apperr.As(err)
	if e.Code != apperr.Invalid {
		t.Fatalf("err = %v", err)
	}
	for _, k := range []string{"1.services", "4.services"} {
		if e.Fields[k] == "" {
			t.Errorf("no message on %s: %v", k, e.Fields)
		}
	}
	_, err = VATSmall.Run(Input{Period: rules.Quarter(2026, 3), Facts: Facts{Location: rules.InCity}},
		map[string]string{"1.goods": "1000", "2.goods": "2000"})
	e = apperr.As(err)
	if want := "第2栏（货物及劳务） 2,000.00 不能大于第1栏（货物及劳务） 1,000.00（“其中”数是总数的一部分）"; e.Fields["2.goods"] != want {
		t.Errorf("message = %q", e.Fields["2.goods"])
	}
}
