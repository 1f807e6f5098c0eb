package iitw

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/ids"
	"taxhall/internal/rules"
)

const yuanFen = 100

func ym(y, m int) calendar.YearMonth { return calendar.YearMonth{Y: y, M: time.Month(m)} }

// people returns n distinct valid resident IDs (GB 11643 check digits).
func people(n int) []string {
	r := rand.New(rand.NewPCG(11643, 1999))
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		id := ids.GenerateResidentID(r, "350203", time.Date(1970+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC), r.IntN(2) == 0)
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// runMonths computes the months from January of the year, carrying each
// employee's Prior by Result.Next, and returns each month's results.
func runMonths(t *testing.T, year int, months [][]Line) [][]Result {
	t.Helper()
	prior := map[string]Prior{}
	var out [][]Result
	for i, lines := range months {
		res, _, err := Compute(ym(year, i+1), lines, prior)
		if err != nil {
			t.Fatalf("month %d: %v", i+1, err)
		}
		for _, r := range res {
			prior[r.ResidentID] = r.Next()
		}
		out = append(out, res)
	}
	return out
}

// The two worked examples of the official explanation (解读) of 国家税务总局
// 公告2018年第61号 (累计预扣法), run through Compute month by month: the
// cumulative columns carry from one month's result to the next.
func TestComputeOfficialExamples(t *testing.T) {
	id := people(1)[0]
	for _, ex := range []struct {
		name                  string
		wage, insurance, kids int64 // per month
		want                  []int64
	}{
		// 每月工资10,000元，三险一金1,500元，子女教育1,000元 (2019: one child).
		{"wage 10,000", 10_000 * yuanFen, 1_500 * yuanFen, 1_000 * yuanFen, []int64{75 * yuanFen, 75 * yuanFen, 75 * yuanFen}},
		// 每月工资30,000元，三险一金4,500元，子女教育2,000元 (2019: two children):
		// 1月 555元，2月 625元，3月 1,850元.
		{"wage 30,000", 30_000 * yuanFen, 4_500 * yuanFen, 2_000 * yuanFen, []int64{555 * yuanFen, 625 * yuanFen, 1_850 * yuanFen}},
	} {
		t.Run(ex.name, func(t *testing.T) {
			line := Line{ResidentID: id, Name: "张三", Income: ex.wage, Pension: ex.insurance, Child: ex.kids}
			res := runMonths(t, 2019, [][]Line{{line}, {line}, {line}})
			for m, want := range ex.want {
				if got := res[m][0].Tax; got != want {
					t.Errorf("month %d: %d fen, want %d (61号解读)", m+1, got, want)
				}
			}
			r := res[2][0]
			if r.Months != 3 || r.CumIncome != 3*ex.wage || r.CumBasic != 15_000*yuanFen || r.CumSpecial != 3*ex.insurance ||
				r.CumAdditional != 3*ex.kids || r.CumWithheld != ex.want[0]+ex.want[1] {
				t.Errorf("March cumulative columns: %+v", r)
			}
		})
	}
}

// A worked example over the table's steps in 2026 (预扣率表一: 3% up to
// 36,000, 10% less 2,520 up to 144,000, 20% less 16,920): 50,000 a month,
// 5,000 insurance, child 2,000 and an only child's elderly support 3,000
// (国发〔2023〕13号), so 35,000 taxable a month.
//
//	Jan  35,000 × 3%           = 1,050      → 1,050
//	Feb  70,000 × 10% − 2,520  = 4,480      → 3,430
//	Mar 105,000 × 10% − 2,520  = 7,980      → 3,500
//	Apr 140,000 × 10% − 2,520  = 11,480     → 3,500
//	May 175,000 × 20% − 16,920 = 18,080     → 6,600
func TestComputeAcrossBrackets(t *testing.T) {
	id := people(1)[0]
	line := Line{ResidentID: id, Name: "李四", Income: 50_000 * yuanFen, Pension: 4_000 * yuanFen, Medical: 1_000 * yuanFen,
		Child: 2_000 * yuanFen, Elderly: 3_000 * yuanFen}
	res := runMonths(t, 2026, [][]Line{{line}, {line}, {line}, {line}, {line}})
	want := []struct {
		tax, cumTax int64
		rate        rules.Rate
		quick       int64
	}{
		{1_050, 1_050, 3 * rules.Percent, 0},
		{3_430, 4_480, 10 * rules.Percent, 2_520},
		{3_500, 7_980, 10 * rules.Percent, 2_520},
		{3_500, 11_480, 10 * rules.Percent, 2_520},
		{6_600, 18_080, 20 * rules.Percent, 16_920},
	}
	for m, w := range want {
		r := res[m][0]
		if r.Tax != w.tax*yuanFen || r.CumTax != w.cumTax*yuanFen || r.Rate != w.rate || r.Quick != w.quick*yuanFen {
			t.Errorf("month %d: tax %d, cumulative %d, %v less %d; want %d, %d, %v less %d (61号 预扣率表一)",
				m+1, r.Tax, r.CumTax, r.Rate, r.Quick, w.tax*yuanFen, w.cumTax*yuanFen, w.rate, w.quick*yuanFen)
		}
	}
}

// Hired in July: the basic deduction counts the months employed with this
// employer (61号: 5,000元/月 × 当年截至本月在本单位的任职受雇月份数), not
// twelve; and a month whose cumulative tax is below what was withheld owes
// 0, not a refund (61号 第一条: 余额为负值时，暂不退税).
func TestComputeMonthsAndNoRefund(t *testing.T) {
	id := people(1)[0]
	if n := MonthsBefore(ym(2026, 9), calendar.MustDate("2026-07-15")); n != 2 {
		t.Fatalf("hired 15 July, months before September = %d, want 2", n)
	}
	if n := MonthsBefore(ym(2026, 9), calendar.MustDate("2024-03-01")); n != 8 {
		t.Fatalf("hired in 2024, months before September 2026 = %d, want 8", n)
	}
	if n := MonthsBefore(ym(2026, 3), calendar.MustDate("2026-03-31")); n != 0 {
		t.Fatalf("hired in March, months before March = %d", n)
	}
	res, _, err := Compute(ym(2026, 9), []Line{{ResidentID: id, Name: "王五", Income: 20_000 * yuanFen}},
		map[string]Prior{id: {Months: 2, Income: 20_000 * yuanFen}})
	if err != nil {
		t.Fatal(err)
	}
	// 40,000 − 3 × 5,000 = 25,000 × 3% = 750.
	if r := res[0]; r.Months != 3 || r.CumBasic != 15_000*yuanFen || r.CumTaxable != 25_000*yuanFen || r.Tax != 750*yuanFen {
		t.Errorf("hired in July, September: %+v", r)
	}
	// 5,000 taxable × 3% = 150 but 300 already withheld: 0 this month.
	res, _, err = Compute(ym(2026, 4), []Line{{ResidentID: id, Name: "王五", Income: 5_000 * yuanFen}},
		map[string]Prior{id: {Months: 3, Income: 20_000 * yuanFen, Withheld: 300 * yuanFen}})
	if err != nil {
		t.Fatal(err)
	}
	if r := res[0]; r.CumTax != 150*yuanFen || r.Tax != 0 || r.Next().Withheld != 300*yuanFen {
		t.Errorf("surplus withheld: %+v", r)
	}
	// More months before than the month allows.
	_, _, err = Compute(ym(2026, 2), []Line{{ResidentID: id, Name: "王五", Income: 1}}, map[string]Prior{id: {Months: 2}})
	var ie *ImportError
	if !errors.As(err, &ie) || ie.Problems[0].Key != "resident_id" {
		t.Errorf("2 months before February accepted: %v", err)
	}
}

// The summary is the sum of the lines, column by column.
func TestComputeTotals(t *testing.T) {
	who := people(3)
	lines := []Line{
		{ResidentID: who[0], Name: "甲一", Income: 8_000 * yuanFen, TaxFree: 300 * yuanFen, Pension: 640 * yuanFen, Medical: 160 * yuanFen, Unemployment: 40 * yuanFen, HousingFund: 960 * yuanFen, Rent: 1_500 * yuanFen},
		{ResidentID: who[1], Name: "乙二", Income: 30_000 * yuanFen, Pension: 2_400 * yuanFen, Child: 1_000 * yuanFen, HousingLoan: 1_000 * yuanFen, Other: 200 * yuanFen},
		{ResidentID: who[2], Name: "丙三", Income: 4_000 * yuanFen},
	}
	res, tot, err := Compute(ym(2026, 1), lines, nil)
	if err != nil {
		t.Fatal(err)
	}
	// 乙二: 30,000 − 5,000 − 2,400 − 2,000 − 200 = 20,400 × 3% = 612.
	// 甲一: 8,000 − 300 − 5,000 − 1,800 − 1,500 < 0 → 0. 丙三: 0.
	want := Totals{People: 3, Income: 42_000 * yuanFen, TaxFree: 300 * yuanFen, Pension: 3_040 * yuanFen, Medical: 160 * yuanFen,
		Unemployment: 40 * yuanFen, HousingFund: 960 * yuanFen, Special: 4_200 * yuanFen, Additional: 3_500 * yuanFen,
		Other: 200 * yuanFen, Tax: 612 * yuanFen}
	if tot != want {
		t.Errorf("totals\n got %+v\nwant %+v", tot, want)
	}
	if TotalsOf(res) != tot {
		t.Error("TotalsOf(results) differs from Compute's totals")
	}
	if res[0].Row != 1 || res[2].Row != 3 {
		t.Errorf("lines not from a file are numbered from 1: %d, %d", res[0].Row, res[2].Row)
	}
}

// Compute checks lines as Parse does: every bad line reported, none computed.
func TestComputeRefusesBadLines(t *testing.T) {
	who := people(2)
	_, _, err := Compute(ym(2026, 5), []Line{
		{ResidentID: who[0], Name: "甲一", Income: 1_000 * yuanFen, TaxFree: 2_000 * yuanFen},
		{ResidentID: who[1], Name: "乙二", Income: 1_000 * yuanFen, HousingLoan: 1_000 * yuanFen, Rent: 800 * yuanFen},
		{ResidentID: who[0], Name: "甲一", Income: 1_000 * yuanFen},
		{ResidentID: "350203199001011234", Name: "丁", Income: -1},
	}, nil)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want an ImportError, got %v", err)
	}
	got := map[string]bool{}
	for _, p := range ie.Problems {
		got[p.String()] = true
	}
	for _, want := range []string{
		"第1行“免税收入”：免税收入不能大于本期收入",
		"第2行“住房租金”：住房贷款利息和住房租金不能同时扣除，请只填写其中一项",
		"第3行“证件号码”：与第1行的证件号码重复，每名员工只能有一行",
		"第4行“证件号码”：身份证号码校验位不正确，请核对",
		"第4行“姓名”：姓名至少 2 个字",
		"第4行“本期收入”：金额不能为负数",
	} {
		if !got[want] {
			t.Errorf("missing %q in %v", want, ie.Problems)
		}
	}
	if len(ie.Problems) != 6 {
		t.Errorf("%d problems, want 6: %v", len(ie.Problems), ie.Problems)
	}
	if _, _, err := Compute(ym(2018, 12), []Line{{ResidentID: who[0], Name: "甲一"}}, nil); err == nil {
		t.Error("December 2018 (before the cumulative method) accepted")
	}
}
