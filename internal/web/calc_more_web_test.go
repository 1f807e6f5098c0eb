package web

import (
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/calc"
	"taxhall/internal/db/dbtest"
)

// The further calculators: public GET forms, the figures of internal/calc
// (whose tests tie them to the rules) with their basis, 422 with the error
// summary on bad input, and found by search and on the catalogue.
func TestMoreCalculatorPages(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)

	s, body := b.get("/calculators")
	for _, u := range []string{"labour", "late-fee", "vat-general", "eit", "property", "land", "stamp"} {
		b.expect(s, body, 200, `href="/calculators/`+u+`"`)
	}

	for _, c := range []struct {
		name, path string
		q          url.Values
		want       []string
	}{
		{"labour", "/calculators/labour", url.Values{"paid": {"2026-06-30"}, "income": {"25,000.02"}},
			[]string{"2026-06-30 支付的计算结果", "应预扣预缴税额 <strong>4,000.01 元</strong>", "30%", "国家税务总局公告2018年第61号"}},
		{"late fee", "/calculators/late-fee", url.Values{"unpaid": {"10000"}, "deadline": {"2026-05-15"}, "paid": {"2026-05-25"}},
			[]string{"滞纳金 <strong>50.00 元</strong>（滞纳 10 天）", "2026-05-16", "税收征收管理法 第三十二条"}},
		{"general VAT", "/calculators/vat-general", url.Values{"year": {"2026"}, "period": {"m3"}, "sales13": {"1,000,000"}, "sales9": {"200000"},
			"sales6": {"100000"}, "simplified3": {"50000"}, "input_tax": {"100000"}, "carried": {"20000"}, "transferred": {"5000"},
			"reductions": {"280"}, "location": {"city"}},
			[]string{"2026年3月计算结果", "45,046.40 元", "40,220.00", "增值税法 第十条", `value="1,000,000"`}},
		{"general VAT 2025", "/calculators/vat-general", url.Values{"year": {"2025"}, "period": {"q4"}, "sales13": {"100"}, "location": {"city"}},
			[]string{"2019年第39号", "13.00"}},
		{"EIT", "/calculators/eit", url.Values{"year": {"2025"}, "period": {"q2"}, "profit": {"3,000,000"}, "prepaid": {"100000"},
			"employees": {"300"}, "assets": {"50000000"}},
			[]string{"本期应补缴所得税额 <strong>50,000.00 元</strong>（符合小型微利企业条件，减免 600,000.00 元）", "财政部 税务总局公告2023年第12号", "企业所得税法 第四条"}},
		{"EIT over the limit", "/calculators/eit", url.Values{"year": {"2025"}, "period": {"q2"}, "profit": {"3,000,000.01"}, "employees": {"300"}, "assets": {"1"}},
			[]string{"本期应补缴所得税额 <strong>750,000.00 元</strong></p>", "不符合"}},
		{"property", "/calculators/property", url.Values{"year": {"2026"}, "period": {"q1"}, "original": {"1000000"}, "region": {"fujian"},
			"rent": {"100000"}, "status": {"small_scale"}},
			[]string{"2026年第1季度计算结果", "应缴房产税 <strong>7,050.00 元</strong>", "房产税暂行条例", "未能在本项目资料中核实"}},
		{"land", "/calculators/land", url.Values{"year": {"2026"}, "period": {"h1"}, "area": {"1000.50"}, "grade": {"xiamen:1"}, "status": {"individual"}},
			[]string{"2026年上半年计算结果", "6,003.00 元", "待核实"}},
		{"stamp", "/calculators/stamp", url.Values{"year": {"2026"}, "period": {"q1"}, "status": {"small_low_profit"}, "b_sale": {"1,000,000"}, "b_ledger": {"5000000"}},
			[]string{"应缴印花税 <strong>775.00 元</strong>", "万分之三", "印花税法", `value="1,000,000"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, body := b.get(c.path)
			b.expect(s, body, 200, `<form method="get" action="`+c.path+`"`)
			if strings.Contains(body, "计算结果") {
				t.Error("an empty form shows a result")
			}
			s, body = b.get(c.path + "?" + c.q.Encode())
			b.expect(s, body, 200, c.want...)
		})
	}

	for _, c := range []struct {
		name, path string
		q          url.Values
		want       []string
	}{
		{"labour", "/calculators/labour", url.Values{"paid": {"2026-02-30"}, "income": {""}}, []string{`href="#f-paid"`, `href="#f-income"`}},
		{"late fee", "/calculators/late-fee", url.Values{"unpaid": {"x"}}, []string{`href="#f-unpaid"`, `href="#f-deadline"`, `value="x"`}},
		{"general VAT", "/calculators/vat-general", url.Values{"year": {"2026"}, "period": {"m1"}, "input_tax": {"1"}, "transferred": {"2"}, "location": {"city"}},
			[]string{`href="#f-transferred"`, "进项税额转出不能超过"}},
		{"EIT", "/calculators/eit", url.Values{"year": {"2026"}, "period": {"q1"}}, []string{`href="#f-profit"`, `href="#f-employees"`, `href="#f-assets"`}},
		{"property", "/calculators/property", url.Values{"year": {"2026"}, "period": {"y"}, "original": {"1"}, "region": {"other"}, "deduction": {"35"}, "status": {"none"}},
			[]string{`href="#f-deduction"`, "10% 至 30%"}},
		{"land", "/calculators/land", url.Values{"year": {"2026"}, "period": {"y"}, "area": {"10"}, "grade": {"other"}, "per_m2": {"31"}, "status": {"none"}},
			[]string{`href="#f-per_m2"`}},
		{"stamp", "/calculators/stamp", url.Values{"year": {"2022"}, "period": {"q2"}, "status": {"none"}, "b_sale": {"100"}},
			[]string{`href="#f-period"`, "暂无该期间的政策参数"}},
	} {
		t.Run(c.name+" bad input", func(t *testing.T) {
			s, body := b.get(c.path + "?" + c.q.Encode())
			b.expect(s, body, 422, append([]string{`class="error-summary"`}, c.want...)...)
			if strings.Contains(body, "计算结果") {
				t.Error("a failed form shows a result")
			}
		})
	}

	for term, path := range map[string]string{"滞纳金": "late-fee", "房产税": "property", "印花税": "stamp", "小型微利": "eit",
		"劳务报酬": "labour", "土地使用税": "land", "一般纳税人": "vat-general", "留抵": "vat-general"} {
		s, body := b.get("/search?q=" + url.QueryEscape(term))
		b.expect(s, body, 200, `href="/calculators/`+path+`"`)
	}
}

// calcMoreExample is templates_test.go's example page of each further
// calculator: a result and a field error on the same page.
func calcMoreExample(name string) func() page {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	years := []Option{{"2026", "2026年"}}
	base := basePage{Form: url.Values{"year": {"2026"}}, Errors: map[string]string{"year": "请选择年度"}}
	return func() page {
		switch name {
		case "calc_labour.html":
			r, err := calc.Labour(calc.LabourInput{Paid: "2026-06-30", Income: "5000"})
			must(err)
			return &calcLabourPage{basePage: base, Result: &r}
		case "calc_late_fee.html":
			r, err := calc.LateFee(calc.LateFeeInput{Unpaid: "1000", Deadline: "2026-05-15", Paid: "2026-06-01"})
			must(err)
			return &calcLateFeePage{basePage: base, Result: &r}
		case "calc_vat_general.html":
			r, err := calc.VATGeneral(calc.VATGeneralInput{Year: "2026", Period: "m1", Sales13: "100000", InputTax: "1000", Location: "city"})
			must(err)
			return &calcVATGeneralPage{basePage: base, Years: years, Periods: spanGroups(), Locations: []Option{{"city", "市区"}}, Result: &r}
		case "calc_eit.html":
			r, err := calc.EIT(calc.EITInput{Year: "2026", Period: "q1", Profit: "100000", Employees: "10", Assets: "1000000"})
			must(err)
			return &calcEITPage{basePage: base, Years: years, Periods: spanGroups(), Result: &r}
		case "calc_property.html":
			r, err := calc.Property(calc.PropertyInput{Year: "2026", Period: "y", Original: "100000", Region: "fujian", Rent: "1000", Status: "small_scale"})
			must(err)
			return &calcPropertyPage{basePage: base, Years: years, Periods: spanGroups(), Regions: []Option{{"fujian", "福建省"}}, Statuses: statusOptions(), Result: &r}
		case "calc_land.html":
			r, err := calc.Land(calc.LandInput{Year: "2026", Period: "q1", Area: "100", Grade: "xiamen:2", Status: "none"})
			must(err)
			return &calcLandPage{basePage: base, Years: years, Periods: spanGroups(), Grades: []Group{{"厦门市", choiceOptions(calc.LandGrades(2026))}}, Statuses: statusOptions(), Result: &r}
		case "calc_stamp.html":
			r, err := calc.Stamp(calc.StampInput{Year: "2026", Period: "q1", Status: "none", Bases: map[string]string{"sale": "10000"}})
			must(err)
			return &calcStampPage{basePage: base, Years: years, Periods: spanGroups(), Statuses: statusOptions(), Items: calc.StampItems(), Result: &r}
		}
		panic("no example for " + name)
	}
}
