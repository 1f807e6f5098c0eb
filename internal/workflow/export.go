package workflow

import (
	"encoding/csv"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"
)

var perfHeader = []string{"名次", "服务星级", "工号", "姓名", "办理件数", "件数×难度系数", "按时办结率", "退回补正率", "不予办理件数", "评价次数", "平均评分", "被投诉件数"}

func perfRow(p *Performance, total int) []string {
	return []string{strconv.Itoa(p.Rank), strconv.Itoa(p.Stars(total)), p.StaffNo, p.Name, strconv.Itoa(p.Handled), p.WeightedText(),
		p.OnTimeRate(), p.ReturnRate(), strconv.Itoa(p.Rejected), strconv.Itoa(p.Rated), p.AverageRating(), strconv.Itoa(p.Complaints)}
}

// WriteCSV writes the month's performance as CSV (UTF-8 with a BOM, so
// that Excel opens the Chinese headers correctly).
func WriteCSV(w io.Writer, list []*Performance) error {
	if _, err := w.Write([]byte("\xEF\xBB\xBF")); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(perfHeader); err != nil {
		return err
	}
	for _, p := range list {
		if err := cw.Write(perfRow(p, len(list))); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes the month's performance as an Excel workbook.
func WriteXLSX(w io.Writer, month string, list []*Performance) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "绩效" + month
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	rows := [][]string{perfHeader}
	for _, p := range list {
		rows = append(rows, perfRow(p, len(list)))
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		vals := make([]any, len(r))
		for j, v := range r {
			vals[j] = v
		}
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
	}
	return f.Write(w)
}
