package iitw

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"taxhall/internal/calendar"
	"taxhall/internal/ids"
	"taxhall/internal/money"
)

// Limits of one import file.
const (
	MaxRows  = 10_000  // data rows (employees) in one file
	MaxBytes = 8 << 20 // the file as uploaded
	// The sizes an .xlsx may unpack to: a 10,000-row sheet is about 3 MB of
	// XML. Larger parts are refused, so a zip bomb cannot fill the memory.
	maxUnzipped    = 64 << 20
	maxUnzippedXML = 32 << 20
)

// Formats the reader accepts.
const (
	CSV  = "csv"
	XLSX = "xlsx"
)

// Parse reads the month's lines from a CSV (UTF-8 with or without a BOM,
// or GB18030 as Excel saves "CSV" on a Chinese Windows) or an .xlsx file
// (its first sheet). Row 1 holds the headings of Columns, in any order;
// blank rows are skipped. Every cell is checked, with the special
// additional deductions against the standards in force in the month; on
// any problem Parse returns no lines and an *ImportError listing all of
// them by row and column.
func Parse(r io.Reader, format string, month calendar.YearMonth) ([]Line, error) {
	ps := newProblems()
	lim, err := limitsFor(month)
	if err != nil {
		ps.file(fmt.Sprintf("%d年%d月不在累计预扣法的适用期间，无法申报", month.Y, int(month.M)))
		return nil, ps.err()
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		ps.file(fmt.Sprintf("文件超过 %d MB，请分成多个文件导入", MaxBytes>>20))
		return nil, ps.err()
	}
	var rows [][]string
	switch strings.ToLower(strings.TrimPrefix(format, ".")) {
	case CSV:
		rows, err = readCSV(data)
	case XLSX:
		rows, err = readXLSX(data)
	default:
		err = errors.New("请上传 CSV 或 Excel（.xlsx）文件")
	}
	if err != nil {
		ps.file(err.Error())
		return nil, ps.err()
	}
	return parseRows(rows, lim, ps)
}

// readCSV decodes the text and splits it into rows; rows[i] is row i+1.
func readCSV(data []byte) ([][]string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, errors.New("文件是 UTF-16 编码，请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后导入")
	case !utf8.Valid(data):
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil || !utf8.Valid(dec) {
			return nil, errors.New("无法识别文件的字符编码，请另存为“CSV UTF-8（逗号分隔）”后导入")
		}
		data = dec
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			// csv counts lines, which is the row a spreadsheet shows unless
			// a quoted cell spans lines.
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("第%d行的引号不配对或格式不正确，请检查该行", len(rows)+1)
			}
			return nil, errors.New("文件不是有效的 CSV 文件")
		}
		rows = append(rows, rec)
		if len(rows) > MaxRows*2+1 {
			return nil, fmt.Errorf("文件超过 %d 行，请分成多个文件导入", MaxRows)
		}
	}
}

// readXLSX reads the first sheet's rows, formatted as Excel shows them;
// rows[i] is row i+1, empty rows included.
func readXLSX(data []byte) (_ [][]string, err error) {
	bad := errors.New("无法读取该 Excel 文件，请确认是 .xlsx 格式（Excel 2007 及以后），未加密")
	if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
		return nil, errors.New("这是旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV 后导入")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: maxUnzippedXML})
	if err != nil {
		return nil, bad
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = bad
		}
	}()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, bad
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, bad
	}
	defer it.Close()
	var rows [][]string
	for it.Next() {
		cells, err := it.Columns()
		if err != nil {
			return nil, bad
		}
		rows = append(rows, cells)
		if len(rows) > MaxRows*2+1 && !blank(cells) {
			return nil, fmt.Errorf("文件超过 %d 行，请分成多个文件导入", MaxRows)
		}
	}
	if it.Error() != nil {
		return nil, bad
	}
	return rows, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if trimSpace(c) != "" {
			return false
		}
	}
	return true
}

// parseRows maps the headings, then reads and checks each data row.
func parseRows(rows [][]string, lim *limits, ps *problems) ([]Line, error) {
	if len(rows) == 0 || blank(rows[0]) {
		ps.file("第1行应为列标题（证件号码、姓名、本期收入……），请使用导入模板")
		return nil, ps.err()
	}
	at := make([]int, len(rows[0])) // file column → columns index, -1 skipped
	have := map[int]int{}           // columns index → file column
	for j, h := range rows[0] {
		i, ignored, ok := headerOf(h)
		switch {
		case strings.TrimSpace(h) == "":
			at[j] = -1
		case !ok:
			ps.row(1, fmt.Sprintf("无法识别第%d列的标题“%s”，请使用导入模板的列标题", j+1, trimSpace(h)))
			at[j] = -1
		case ignored:
			at[j] = -1
		default:
			if k, dup := have[i]; dup {
				ps.row(1, fmt.Sprintf("第%d列和第%d列都是“%s”，请删除其中一列", k+1, j+1, columns[i].Header))
			}
			have[i], at[j] = j, i
		}
	}
	for i, c := range columns {
		if _, ok := have[i]; !ok && c.Required {
			ps.row(1, "缺少“"+c.Header+"”列")
		}
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}

	var lines []Line
	firstRow := map[string]int{} // resident ID → the row it first appears in
	for n, cells := range rows[1:] {
		row := n + 2
		if blank(cells) {
			continue
		}
		if len(lines) == MaxRows {
			ps.row(row, fmt.Sprintf("一个文件最多 %d 名员工，请分成多个文件导入", MaxRows))
			break
		}
		l := Line{Row: row}
		got := map[int]string{}
		for j, v := range cells {
			if j < len(at) && at[j] >= 0 {
				got[at[j]] = trimSpace(v)
			} else if j >= len(at) && trimSpace(v) != "" {
				ps.row(row, fmt.Sprintf("第%d列没有列标题，请删除该列的内容或补上标题", j+1))
			}
		}
		amounts := l.amounts()
		failed := map[string]bool{}
		for i, c := range columns {
			v := got[i]
			switch c.Key {
			case "resident_id":
				if v == "" {
					ps.cell(row, c.Key, "请填写证件号码")
				} else if sci(v) {
					ps.cell(row, c.Key, "证件号码被 Excel 显示为科学计数法，请将该列设为文本格式后重新填写")
				}
				l.ResidentID = v
			case "name":
				l.Name = v
			default:
				if v == "" {
					if c.Required {
						ps.cell(row, c.Key, "请填写"+c.Header)
					}
					continue
				}
				fen, err := money.ParseYuan(strings.TrimLeft(v, "¥￥"))
				if err != nil {
					ps.cell(row, c.Key, err.Error())
					failed[c.Key] = true
					continue
				}
				for _, a := range amounts {
					if a.key == c.Key {
						*a.v = fen
					}
				}
			}
		}
		checkLine(&l, lim, func(key, msg string) { ps.cell(row, key, msg) }, failed)
		if l.ResidentID != "" && ids.ValidateResidentID(l.ResidentID, lim.lastDay) == nil {
			if first, dup := firstRow[l.ResidentID]; dup {
				ps.cell(row, "resident_id", fmt.Sprintf("与第%d行的证件号码重复，每名员工只能有一行", first))
			} else {
				firstRow[l.ResidentID] = row
			}
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 && len(ps.list) == 0 {
		ps.file("文件中没有员工数据，请从第2行起每行填写一名员工")
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return lines, nil
}

// sci reports a number Excel wrote in scientific notation (3.50203E+17):
// an ID typed into a numeric cell, its last digits already lost.
func sci(v string) bool {
	u := strings.ToUpper(v)
	return strings.Contains(u, "E+") && strings.ContainsAny(u, ".")
}
