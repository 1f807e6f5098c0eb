package forms

import (
	"encoding/json"
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/rules"
)

func day(s string) calendar.Date { return calendar.MustDate(s) }

// Worked examples of 财产和行为税纳税申报表 from registered sources.
// Sources: 房产税暂行条例 第三条 (original value less 10%–30%, Fujian 30% as
// entered in rules) and 第四条 (1.2% a year on value, 12% on rent);
// 财税〔2008〕24号 第二条 (4% on housing let by individuals); 房产税暂行条例
// 第五条第（四）项 (an individual's own non-business housing is exempt);
// 城镇土地使用税暂行条例 第三条、第四条 (area × the grade's yearly amount;
// Xiamen grade 2 = 18 yuan/m² as entered in rules); 印花税法 税目税率表
// (买卖合同 万分之三, 借款合同 万分之零点五); 财政部 税务总局公告2023年第12号
// (六税两费 halved for small-scale taxpayers); 国税发〔2003〕89号 第二条 and
// 财税〔2008〕152号 第三条 (from the month after acquisition to the month of
// disposal).
func TestPropertyReturnFromSources(t *testing.T) {
	y2025 := rules.Year(2025)
	office := SourceBuilding{ID: 1, Name: "鹭岛大厦12层", Region: "fujian", OriginalValue: 1_500_000_00, From: day("2019-05-20")}
	shop := SourceBuilding{ID: 2, Name: "中山路店面", Region: "fujian", OriginalValue: 800_000_00, Rented: true, AnnualRent: 120_000_00, From: day("2018-01-01")}
	bought := SourceBuilding{ID: 3, Name: "软件园厂房", Region: "fujian", OriginalValue: 1_000_000_00, From: day("2025-03-10")}
	sold := SourceBuilding{ID: 4, Name: "湖里仓库", Region: "fujian", OriginalValue: 600_000_00, From: day("2015-01-01"), To: day("2025-06-20")}
	gone := SourceBuilding{ID: 5, Name: "已处置旧楼", Region: "fujian", OriginalValue: 900_000_00, From: day("2010-01-01"), To: day("2024-12-31")}
	home := SourceBuilding{ID: 6, Name: "自住住房", Region: "fujian", OriginalValue: 2_000_000_00, Residential: true, From: day("2012-01-01")}
	let := SourceBuilding{ID: 7, Name: "出租住房", Region: "fujian", OriginalValue: 1_000_000_00, Residential: true, Rented: true, AnnualRent: 36_000_00, From: day("2012-01-01")}

	cases := []struct {
		name    string
		period  rules.Period
		src     PropertySources
		entered map[string]string
		want    map[string]int64
		due     int64
	}{
		{"on value, whole year: 1,500,000 × 70% × 1.2% = 12,600", y2025,
			PropertySources{Buildings: []SourceBuilding{office}}, nil,
			map[string]int64{"1.source": 1_500_000_00, "1.declared": 1_500_000_00, "1.tax": 12_600_00, "1.due": 12_600_00, "20.tax": 12_600_00},
			12_600_00},
		{"on rent: 120,000 × 12% = 14,400; declared equal", y2025,
			PropertySources{Buildings: []SourceBuilding{shop}}, map[string]string{"2.declared": "120000"},
			map[string]int64{"1.source": 0, "2.source": 120_000_00, "2.tax": 14_400_00, "2.due": 14_400_00},
			14_400_00},
		{"acquired 2025-03-10: April to December, 9 months: 1,000,000 × 70% × 1.2% × 9/12 = 6,300", y2025,
			PropertySources{Buildings: []SourceBuilding{bought}}, nil,
			map[string]int64{"1.source": 1_000_000_00, "1.tax": 6_300_00},
			6_300_00},
		{"disposed of 2025-06-20: January to June; disposed of in 2024: nothing", y2025,
			PropertySources{Buildings: []SourceBuilding{sold, gone}}, nil,
			map[string]int64{"1.source": 600_000_00, "1.tax": 2_520_00},
			2_520_00},
		{"a quarter of a yearly source: 1,500,000 × 70% × 1.2% × 3/12 = 3,150", rules.Quarter(2025, 2),
			PropertySources{Buildings: []SourceBuilding{office}}, nil,
			map[string]int64{"1.tax": 3_150_00},
			3_150_00},
		{"small-scale: halved, less what was paid", y2025,
			PropertySources{Buildings: []SourceBuilding{office, shop}, SmallScale: true}, map[string]string{"1.paid": "3000"},
			map[string]int64{"1.tax": 12_600_00, "1.relief": 6_300_00, "1.paid": 3_000_00, "1.due": 3_300_00,
				"2.relief": 7_200_00, "2.due": 7_200_00, "20.tax": 27_000_00, "20.relief": 13_500_00, "20.due": 10_500_00},
			10_500_00},
		{"a natural person: own home exempt, let housing 36,000 × 4% = 1,440", y2025,
			PropertySources{Buildings: []SourceBuilding{home, let}, NaturalPerson: true}, nil,
			map[string]int64{"1.source": 0, "1.tax": 0, "3.source": 36_000_00, "3.tax": 1_440_00},
			1_440_00},
		{"stamp duty typed: sales 1,000,000 × 0.03% = 300, loans 2,000,000 × 0.005% = 100, halved", y2025,
			PropertySources{SmallScale: true}, map[string]string{"6.declared": "1000000", "4.declared": "2000000"},
			map[string]int64{"6.tax": 300_00, "6.relief": 150_00, "6.due": 150_00, "4.tax": 100_00, "4.relief": 50_00, "20.due": 200_00},
			200_00},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := PropertyBehaviour.Run(Input{Period: c.period, Extra: c.src}, c.entered)
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			for k, want := range c.want {
				if got := out.Values[k]; got != want {
					t.Errorf("%s = %d, want %d", k, got, want)
				}
			}
			if out.TaxDue != c.due {
				t.Errorf("TaxDue = %d, want %d", out.TaxDue, c.due)
			}
			if len(out.Basis) == 0 {
				t.Error("no legal basis")
			}
		})
	}
}

func TestLandReturnFromSources(t *testing.T) {
	parcel := SourceParcel{ID: 9, Name: "软件园地块", City: "xiamen", Grade: "2", Area: 1_000_00, From: day("2016-08-01")}
	late := SourceParcel{ID: 10, Name: "新购地块", City: "xiamen", Grade: "3", Area: 500_00, From: day("2025-09-30")}
	out, err := PropertyBehaviourLand.Run(Input{Period: rules.Year(2025), Extra: PropertySources{Parcels: []SourceParcel{parcel, late}, SmallScale: true}},
		map[string]string{"1.declared": "1500"})
	if err != nil {
		t.Fatal(err)
	}
	// 1,000 m² × 18 × 12/12 = 18,000; 500 m² × 12 × 3/12 (October to December) = 1,500; halved.
	if out.Values["1.source"] != 1_500_00 || out.Values["1.tax"] != 19_500_00 || out.Values["1.relief"] != 9_750_00 || out.TaxDue != 9_750_00 {
		t.Errorf("land = %v, due %d", out.Values, out.TaxDue)
	}
	var detail []PropertyDetail
	b, _ := json.Marshal(out.Detail)
	if err := json.Unmarshal(b, &detail); err != nil || len(detail) != 2 || detail[1].Months != 3 || detail[1].From != "2025-10-01" || detail[1].Tax != "1500.00" {
		t.Errorf("detail = %s", b)
	}
}

// A declared base that disagrees with the sources is refused, naming both
// numbers; the message tells the taxpayer to correct the source first.
func TestDeclaredBaseMustMatchSources(t *testing.T) {
	src := PropertySources{Buildings: []SourceBuilding{{ID: 1, Name: "鹭岛大厦12层", Region: "fujian", OriginalValue: 1_500_000_00, From: day("2019-05-20")}},
		Parcels: []SourceParcel{{ID: 2, Name: "地块", City: "xiamen", Grade: "1", Area: 1_200_00, From: day("2019-05-20")}}}
	_, err := PropertyBehaviour.Run(Input{Period: rules.Year(2025), Extra: src}, map[string]string{"1.declared": "1200000", "2.declared": "5000"})
	e := apperr.As(err)
	if e == nil || e.Code != apperr.Invalid {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if want := "第1栏 房产原值 1,200,000.00 与税源登记的房产原值 1,500,000.00 不一致，请先更正税源信息"; e.Fields["1.declared"] != want {
		t.Errorf("1.declared: %q, want %q", e.Fields["1.declared"], want)
	}
	if !strings.Contains(e.Fields["2.declared"], "请先登记税源") {
		t.Errorf("2.declared: %q", e.Fields["2.declared"])
	}
	_, err = PropertyBehaviourLand.Run(Input{Period: rules.Year(2025), Extra: src}, map[string]string{"1.declared": "1000"})
	if e := apperr.As(err); e == nil || e.Fields["1.declared"] != "第1栏 土地面积 1,000.00 平方米 与税源登记的土地面积 1,200.00 平方米 不一致，请先更正税源信息" {
		t.Errorf("land: %v", err)
	}
	// The same figure, or none, passes.
	for _, typed := range []string{"1500000", "1,500,000.00", ""} {
		if _, err := PropertyBehaviour.Run(Input{Period: rules.Year(2025), Extra: src}, map[string]string{"1.declared": typed}); err != nil {
			t.Errorf("declared %q: %v", typed, err)
		}
	}
}

func TestTaxableMonths(t *testing.T) {
	y := rules.Year(2025)
	for _, c := range []struct {
		from, to string
		want     string // "" for none
	}{
		{"2020-01-01", "", "2025-01-01–2025-12-31"},
		{"2024-12-31", "", "2025-01-01–2025-12-31"},
		{"2025-01-01", "", "2025-02-01–2025-12-31"},
		{"2025-12-05", "", ""},
		{"2020-01-01", "2025-01-15", "2025-01-01–2025-01-31"},
		{"2020-01-01", "2024-12-31", ""},
		{"2025-04-30", "2025-08-01", "2025-05-01–2025-08-31"},
	} {
		var to calendar.Date
		if c.to != "" {
			to = day(c.to)
		}
		p, ok := TaxableMonths(y, day(c.from), to)
		got := ""
		if ok {
			got = p.String()
		}
		if got != c.want {
			t.Errorf("TaxableMonths(%s, %s) = %q, want %q", c.from, c.to, got, c.want)
		}
	}
}
