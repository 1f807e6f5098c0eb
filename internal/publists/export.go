package publists

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/money"
)

// header and cells are a list's columns as the exports write them.
func header(list string) []string {
	if list == Quotas {
		return []string{"纳税人名称", "纳税人识别号", "经营者", "行政区划", "定额期间", "月定额销售额（元）", "月定额税款（元）"}
	}
	return []string{"纳税人名称", "纳税人识别号", "法定代表人（经营者）", "行政区划", "认定日期", "原因"}
}

func cells(list string, r Row) []string {
	if list == Quotas {
		return []string{r.Name, r.Code, r.Operator, r.District, r.Period, money.FormatYuan(r.SalesFen), money.FormatYuan(r.TaxFen)}
	}
	return []string{r.Name, r.Code, r.Operator, r.District, r.Since, r.Reason}
}

// WriteCSV writes rows as CSV in UTF-8 with a byte-order mark, so that
// Excel on Windows opens the Chinese text correctly.
func WriteCSV(w io.Writer, list string, rows []Row) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header(list)); err != nil {
		return err
	}
	for _, r := range rows {
		c := cells(list, r)
		for i, v := range c {
			c[i] = defuse(v)
		}
		if err := cw.Write(c); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse keeps a cell that a spreadsheet would read as a formula as text
// (CSV injection): a leading =, +, - or @ gets a leading apostrophe.
func defuse(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
		return "'" + v
	}
	return v
}

// WriteXLSX writes rows as an Excel workbook with the stream writer (rows
// go out as they are written, not held as cell objects).
func WriteXLSX(w io.Writer, list string, rows []Row) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := NameOf(list)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := func(n int, vals []string) error {
		cellsAny := make([]any, len(vals))
		for i, v := range vals {
			cellsAny[i] = v
		}
		return sw.SetRow("A"+strconv.Itoa(n), cellsAny)
	}
	if err := row(1, header(list)); err != nil {
		return err
	}
	for i, r := range rows {
		if err := row(i+2, cells(list, r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
