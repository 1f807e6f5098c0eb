package iitw

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

const header = "证件号码,姓名,本期收入,免税收入,基本养老保险费,基本医疗保险费,失业保险费,住房公积金,子女教育,婴幼儿照护,赡养老人,继续教育,住房贷款利息,住房租金,其他扣除\n"

func problemsOf(t *testing.T, err error) []string {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("want an ImportError, got %v", err)
	}
	var out []string
	for _, p := range ie.Problems {
		out = append(out, p.String())
	}
	return out
}

func sameList(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestParseCSV(t *testing.T) {
	who := people(2)
	file := header +
		who[0] + ",张三,\"12,000.50\",,800,200,50,1200,2000,,3000,,1000,,200\n" +
		",,,,,,,,,,,,,,\n" + // a blank row is skipped, and counted
		strings.ToLower(who[1]) + " , 李 四 ,８０００,100.5,,,,,1000,1000,1500,400,,1100,\n"
	for name, data := range map[string][]byte{
		"UTF-8":          []byte(file),
		"UTF-8 with BOM": append([]byte{0xEF, 0xBB, 0xBF}, file...),
		"GB18030":        must(simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(file))),
		"CRLF":           []byte(strings.ReplaceAll(file, "\n", "\r\n")),
	} {
		t.Run(name, func(t *testing.T) {
			lines, err := Parse(bytes.NewReader(data), "csv", ym(2026, 3))
			if err != nil {
				t.Fatal(err)
			}
			want := []Line{
				{Row: 2, ResidentID: who[0], Name: "张三", Income: 1_200_050, Pension: 80_000, Medical: 20_000, Unemployment: 5_000, HousingFund: 120_000,
					Child: 200_000, Elderly: 300_000, HousingLoan: 100_000, Other: 20_000},
				{Row: 4, ResidentID: who[1], Name: "李 四", Income: 800_000, TaxFree: 10_050, Child: 100_000, Infant: 100_000, Elderly: 150_000,
					ContinuingEducation: 40_000, Rent: 110_000},
			}
			if len(lines) != len(want) {
				t.Fatalf("%d lines: %+v", len(lines), lines)
			}
			for i := range want {
				if lines[i] != want[i] {
					t.Errorf("line %d\n got %+v\nwant %+v", i, lines[i], want[i])
				}
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// Every bad cell is reported with its row (as the spreadsheet numbers it,
// the header being row 1) and its column's heading, and nothing is
// returned as valid.
func TestParseReportsEveryBadCell(t *testing.T) {
	who := people(3)
	bad := who[1][:17] + string("0123456789X"[(strings.IndexByte("0123456789X", who[1][17])+1)%11])
	file := header +
		who[0] + ",张三,10000,,,,,,,,,,,,\n" + // row 2: fine
		bad + ",李四,abc,,,,,,1500,,2000,300,1000,800,\n" + // row 3
		who[0] + ",张三,10000,,,,,,,,,,,,\n" + // row 4: same ID as row 2
		",王,1.234,20000,-5,,,,,,,,,,\n" + // row 5
		who[2] + ",赵六,,,,,,,,,,,,1600,\n" + // row 6
		"3.50203E+17,钱七,100,,,,,,,,,,,,\n" // row 7
	_, err := Parse(strings.NewReader(file), "csv", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{
		"第3行“证件号码”：身份证号码校验位不正确，请核对",
		"第3行“本期收入”：金额格式不正确，请填写数字，最多两位小数",
		"第3行“子女教育”：子女教育每个子女每月2,000元（父母分别扣除的各1,000元），请填写1,000元的整数倍",
		"第3行“赡养老人”：赡养老人：独生子女每月3,000元，非独生子女分摊每人每月不超过1,500元",
		"第3行“继续教育”：学历（学位）继续教育每月扣除400元，请填写400元或留空",
		"第4行“证件号码”：与第2行的证件号码重复，每名员工只能有一行",
		"第5行“证件号码”：请填写证件号码",
		"第5行“姓名”：姓名至少 2 个字",
		"第5行“本期收入”：金额最多保留两位小数（精确到分）",
		"第5行“基本养老保险费”：金额格式不正确，请填写数字，最多两位小数",
		"第6行“本期收入”：请填写本期收入",
		"第6行“住房租金”：住房租金每月按城市扣除1,500元、1,100元或800元，请填写其中之一或留空",
		"第7行“证件号码”：证件号码被 Excel 显示为科学计数法，请将该列设为文本格式后重新填写",
	})
	var ae interface{ Error() string }
	if !errors.As(err, &ae) {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "5 行共 13 处错误") {
		t.Errorf("message %q", err.Error())
	}
}

// Row 3 has both the loan and the rent; the rows are otherwise good.
func TestParseLoanAndRent(t *testing.T) {
	who := people(1)
	_, err := Parse(strings.NewReader(header+who[0]+",张三,10000,,,,,,,,,,1000,1500,\n"), "csv", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"第2行“住房租金”：住房贷款利息和住房租金不能同时扣除，请只填写其中一项"})
}

// The standards of the month decide: 2021 has no infant-care deduction and
// takes 1,000 per child and 2,000 for an only child's elderly support; 2023
// onwards 2,000 and 3,000 (国发〔2022〕8号, 国发〔2023〕13号).
func TestParseStandardsOfTheMonth(t *testing.T) {
	who := people(1)
	row := func(child, infant, elderly string) string {
		return header + who[0] + ",张三,10000,,,,,," + child + "," + infant + "," + elderly + ",,,,\n"
	}
	for _, c := range []struct {
		month   [2]int
		row     string
		problem string
	}{
		{[2]int{2021, 12}, row("1000", "", "2000"), ""},
		{[2]int{2021, 12}, row("500", "", "1000"), ""},
		{[2]int{2021, 12}, row("", "1000", ""), "第2行“婴幼儿照护”：2021年12月尚无3岁以下婴幼儿照护扣除（自2022年1月1日起施行）"},
		{[2]int{2021, 12}, row("", "", "3000"), "第2行“赡养老人”：赡养老人：独生子女每月2,000元，非独生子女分摊每人每月不超过1,000元"},
		{[2]int{2022, 1}, row("", "500", ""), ""},
		{[2]int{2023, 1}, row("4000", "2000", "3000"), ""},
		{[2]int{2023, 1}, row("", "", "1600"), "第2行“赡养老人”：赡养老人：独生子女每月3,000元，非独生子女分摊每人每月不超过1,500元"},
		{[2]int{2026, 1}, row("22000", "", ""), "第2行“子女教育”：子女教育每个子女每月2,000元（父母分别扣除的各1,000元），请填写1,000元的整数倍"},
	} {
		_, err := Parse(strings.NewReader(c.row), "csv", ym(c.month[0], c.month[1]))
		if c.problem == "" {
			if err != nil {
				t.Errorf("%d-%02d %q: %v", c.month[0], c.month[1], c.row[len(header):], err)
			}
			continue
		}
		sameList(t, problemsOf(t, err), []string{c.problem})
	}
}

func TestParseHeaders(t *testing.T) {
	who := people(1)
	// Any order, aliases, columns the return ignores, optional columns left out.
	lines, err := Parse(strings.NewReader("序号,姓名,本期收入（元）,身份证号码,本期免税收入,3岁以下婴幼儿照护,备注\n1,张三,5000,"+who[0]+",10,2000,试用期\n"), "csv", ym(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if l := lines[0]; l.ResidentID != who[0] || l.Income != 500_000 || l.TaxFree != 1_000 || l.Infant != 200_000 {
		t.Errorf("%+v", l)
	}
	for _, c := range []struct{ file, problem string }{
		{"姓名,本期收入\n张三,1\n", "第1行：缺少“证件号码”列"},
		{"证件号码,姓名,本期收入,奖金\n" + who[0] + ",张三,1,2\n", "第1行：无法识别第4列的标题“奖金”，请使用导入模板的列标题"},
		{"证件号码,姓名,本期收入,姓名\n" + who[0] + ",张三,1,张三\n", "第1行：第2列和第4列都是“姓名”，请删除其中一列"},
		{"\n\n", "第1行应为列标题（证件号码、姓名、本期收入……），请使用导入模板"},
		{header, "文件中没有员工数据，请从第2行起每行填写一名员工"},
		{"证件号码,姓名,本期收入\n\"" + who[0] + ",张三,1\n", "第2行的引号不配对或格式不正确，请检查该行"},
	} {
		_, err := Parse(strings.NewReader(c.file), "csv", ym(2026, 3))
		sameList(t, problemsOf(t, err), []string{c.problem})
	}
	_, err = Parse(strings.NewReader(header), "pdf", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"请上传 CSV 或 Excel（.xlsx）文件"})
	_, err = Parse(bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0}), "csv", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后导入"})
	_, err = Parse(bytes.NewReader([]byte("PK\x03\x04 not really")), "xlsx", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"无法读取该 Excel 文件，请确认是 .xlsx 格式（Excel 2007 及以后），未加密"})
}

// bigCSV is a file of n employees.
func bigCSV(who []string) string {
	var b strings.Builder
	b.WriteString(header)
	for i, id := range who {
		fmt.Fprintf(&b, "%s,员工%05d,%d.%02d,,800,200,50,1200,1000,,1500,,,1500,\n", id, i, 8000+i, i%100)
	}
	return b.String()
}

func TestParseLimits(t *testing.T) {
	who := people(MaxRows + 1)
	lines, err := Parse(strings.NewReader(bigCSV(who[:MaxRows])), "csv", ym(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != MaxRows || lines[MaxRows-1].Row != MaxRows+1 || lines[MaxRows-1].Income != int64(8000+MaxRows-1)*100+int64((MaxRows-1)%100) {
		t.Errorf("%d lines, last %+v", len(lines), lines[len(lines)-1])
	}
	_, err = Parse(strings.NewReader(bigCSV(who)), "csv", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{fmt.Sprintf("第%d行：一个文件最多 10000 名员工，请分成多个文件导入", MaxRows+2)})
	_, err = Parse(bytes.NewReader(make([]byte, MaxBytes+1)), "csv", ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"文件超过 8 MB，请分成多个文件导入"})

	// 10,000 bad rows: each one reported, the Invalid error listing them all.
	bad := strings.ReplaceAll(bigCSV(who[:MaxRows]), ",1500,\n", ",1600,\n")
	_, err = Parse(strings.NewReader(bad), "csv", ym(2026, 3))
	var ie *ImportError
	if !errors.As(err, &ie) || len(ie.Problems) != MaxRows || ie.Rows() != MaxRows {
		t.Fatalf("10,000 bad rows: %v", err)
	}
}

// The .xlsx template round trip: the template as generated, filled in by a
// spreadsheet (IDs as text, amounts as numbers, a formula), parses back.
func TestTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, XLSX, ym(2026, 3)); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.GetSheetList(); len(s) != 2 || s[0] != "扣缴明细" || s[1] != "填写说明" {
		t.Fatalf("sheets %v", s)
	}
	head, _ := f.GetRows("扣缴明细")
	if len(head) != 1 || len(head[0]) != len(columns) || head[0][0] != "证件号码" || head[0][14] != "其他扣除" {
		t.Fatalf("header row %v", head)
	}
	help, _ := f.GetRows("填写说明")
	if !strings.Contains(fmt.Sprint(help), "独生子女每月3,000元") {
		t.Errorf("the instructions do not state the 2026 amounts: %v", help)
	}
	who := people(3)
	for i, id := range who {
		r := i + 2
		set := func(col string, v any) {
			if err := f.SetCellValue("扣缴明细", fmt.Sprintf("%s%d", col, r), v); err != nil {
				t.Fatal(err)
			}
		}
		set("A", id) // a string: the template's text column keeps all 18 digits
		set("B", fmt.Sprintf("员工%d", i+1))
		set("C", 12000.5+float64(i))
		set("E", 960)
		set("I", 2000)
		set("N", 1500)
	}
	if err := f.SetCellFormula("扣缴明细", "O4", "=0.1+0.2"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellValue("扣缴明细", "O4", 0.30000000000000004); err != nil { // the cached value a spreadsheet stores
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		t.Fatal(err)
	}
	lines, err := Parse(bytes.NewReader(out.Bytes()), XLSX, ym(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if l.Row != i+2 || l.ResidentID != who[i] || l.Income != 1_200_050+int64(i)*100 || l.Pension != 96_000 || l.Child != 200_000 || l.Rent != 150_000 {
			t.Errorf("line %d: %+v", i, l)
		}
	}
	if lines[2].Other != 30 {
		t.Errorf("formula 0.1+0.2 in a 0.00 cell: %d fen, want 30", lines[2].Other)
	}

	// The CSV template is the header row after a BOM, and parses as a file
	// without employees.
	buf.Reset()
	if err := WriteTemplate(&buf, CSV, ym(2026, 3)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xEF\xBB\xBF"+strings.TrimSuffix(header, "\n"))) {
		t.Errorf("CSV template %q", buf.String())
	}
	_, err = Parse(&buf, CSV, ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"文件中没有员工数据，请从第2行起每行填写一名员工"})
}

// A 10,000-employee workbook parses; errors name the sheet's row numbers.
func TestParseXLSXLarge(t *testing.T) {
	who := people(MaxRows)
	_, err := Parse(bytes.NewReader(bigXLSX(t, who, 4321)), XLSX, ym(2026, 3))
	sameList(t, problemsOf(t, err), []string{"第4323行“本期收入”：金额格式不正确，请填写数字，最多两位小数"})
	lines, err := Parse(bytes.NewReader(bigXLSX(t, who, -1)), XLSX, ym(2026, 3))
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != MaxRows || lines[MaxRows-1].Income != int64(8000+MaxRows-1)*100 || lines[MaxRows-1].Row != MaxRows+1 {
		t.Errorf("%d lines, last %+v", len(lines), lines[len(lines)-1])
	}
}

// bigXLSX streams a workbook of the employees; the income of employee bad
// (unless -1) is text.
func bigXLSX(t *testing.T, who []string, bad int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	heads := strings.Split(strings.TrimSuffix(header, "\n"), ",")
	row := make([]any, len(heads))
	for i, h := range heads {
		row[i] = h
	}
	if err := sw.SetRow("A1", row); err != nil {
		t.Fatal(err)
	}
	for i, id := range who {
		income := any(8000 + i)
		if i == bad {
			income = "八千"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{id, fmt.Sprintf("员工%05d", i), income, nil, 800, 200, 50, 1200}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
