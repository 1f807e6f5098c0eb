package iitw

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/calendar"
)

// Sheet names of the .xlsx template: the reader takes the first sheet.
const (
	sheetLines = "扣缴明细"
	sheetHelp  = "填写说明"
)

// WriteTemplate writes an empty import file with the headings of Columns:
// a CSV (UTF-8 with a BOM, so that Excel opens the Chinese headings
// correctly) or an .xlsx whose ID column is text and whose second sheet
// explains each column with the month's standard amounts.
func WriteTemplate(w io.Writer, format string, month calendar.YearMonth) error {
	rules, err := Rules(month)
	if err != nil {
		return err
	}
	headers := make([]string, len(columns))
	for i, c := range columns {
		headers[i] = c.Header
	}
	switch format {
	case CSV:
		if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(headers); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case XLSX:
		return writeXLSX(w, headers, rules, month)
	}
	return errors.New("iitw: template format must be csv or xlsx")
}

func writeXLSX(w io.Writer, headers, rules []string, month calendar.YearMonth) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", sheetLines); err != nil {
		return err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE7F3"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": IDs stay text
	if err != nil {
		return err
	}
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // "0.00"
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(headers))
	if err := f.SetColWidth(sheetLines, "A", last, 14); err != nil {
		return err
	}
	if err := f.SetColWidth(sheetLines, "A", "A", 22); err != nil {
		return err
	}
	if err := f.SetColStyle(sheetLines, "A:B", text); err != nil {
		return err
	}
	if err := f.SetColStyle(sheetLines, "C:"+last, amount); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheetLines, "A1", &headers); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheetLines, "A1", last+"1", head); err != nil {
		return err
	}
	if err := f.SetPanes(sheetLines, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}

	if _, err := f.NewSheet(sheetHelp); err != nil {
		return err
	}
	help := [][]any{
		{fmt.Sprintf("个人所得税扣缴申报表（工资、薪金所得，全员全额）导入模板 · 适用%d年%d月的扣除标准", month.Y, int(month.M))},
		{fmt.Sprintf("在“%s”表第1行保留列标题，自第2行起每行填写一名员工；金额单位为元，最多两位小数，无则留空。", sheetLines)},
		{fmt.Sprintf("每个文件最多 %d 名员工，同一证件号码只能出现一次；任一单元格有误时整份文件都不导入，并逐行列出错误。", MaxRows)},
		{},
		{"列标题", "是否必填", "填写说明"},
	}
	for i, c := range columns {
		req := "选填"
		if c.Required {
			req = "必填"
		}
		help = append(help, []any{c.Header, req, rules[i]})
	}
	for i, row := range help {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheetHelp, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheetHelp, "A5", "C5", head); err != nil {
		return err
	}
	if err := f.SetColWidth(sheetHelp, "A", "A", 18); err != nil {
		return err
	}
	if err := f.SetColWidth(sheetHelp, "C", "C", 90); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}
