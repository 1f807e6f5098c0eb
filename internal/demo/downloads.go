package demo

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/calendar"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/iitw"
)

// SeedDownloads publishes the demo downloads on the province site: a blank
// workbook of each return form of the hall, generated from the forms'
// definitions (the lines, columns and which cells are filled in or
// computed, as the hall's filing pages show them), and the IIT
// withholding import template the hall accepts (iitw.WriteTemplate) in two
// versions. It does nothing when there are downloads already.
func SeedDownloads(ctx context.Context, d *db.DB, now time.Time) (seeded bool, err error) {
	defer db.Wrap(&err, "demo.SeedDownloads")
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM downloads`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	var site int64
	err = d.QueryRowContext(ctx, `SELECT id FROM orgs WHERE level = 'province' ORDER BY id LIMIT 1`).Scan(&site)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	type version struct {
		name, notes, file string
		data              []byte
		at                time.Time
	}
	type item struct {
		title, desc string
		versions    []version
	}
	var items []item
	iit := item{title: "个人所得税扣缴申报导入模板（工资薪金）", desc: "扣缴义务人在网上办税服务厅“扣缴申报”中导入本月工资薪金明细的模板；第二页为各栏填写说明和当月的费用扣除标准。"}
	for i, m := range []calendar.YearMonth{{Y: now.Year() - 1, M: 1}, {Y: now.Year(), M: 1}} {
		var b bytes.Buffer
		if err := iitw.WriteTemplate(&b, iitw.XLSX, m); err != nil {
			return false, err
		}
		iit.versions = append(iit.versions, version{fmt.Sprintf("%d年版", m.Y), "适用于" + fmt.Sprint(m.Y) + "年各月的扣缴申报", fmt.Sprintf("个人所得税扣缴申报导入模板（%d）.xlsx", m.Y), b.Bytes(),
			now.AddDate(-1+i, 0, 0)})
	}
	items = append(items, iit)
	seen := map[string]bool{}
	for _, f := range forms.All() {
		if f.DetailMax > 0 || seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		data, err := formWorkbook(f)
		if err != nil {
			return false, err
		}
		items = append(items, item{title: f.Name, desc: "空白申报表，供事先准备数据使用；标“自动计算”的栏次在网上申报时由系统计算，标“—”的栏次不填。依据：" + f.Basis + "。",
			versions: []version{{"2026年版", "", f.Name + ".xlsx", data, now.AddDate(0, -2, 0)}}})
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for i, it := range items {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO downloads (site_org_id, kind, title, description, sort, created_at, updated_at)
				VALUES ($1, 'form', $2, $3, $4, $5, $5) RETURNING id`, site, it.title, it.desc, i, db.TS(now)).Scan(&id); err != nil {
				return err
			}
			for _, v := range it.versions {
				if err := cms.InsertVersion(ctx, tx, v.at, id, site, cms.VersionInput{Version: v.name, Notes: v.notes, Filename: v.file, Data: v.data}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return err == nil, err
}

// tableSheet writes a table of a form on sheet: the head rows, then one
// row per line with its number and name, one column per form column.
func tableSheet(x *excelize.File, sheet string, head [][]any, noHead string, columns []forms.Column, lines []forms.Line) error {
	rows := head
	h := []any{noHead, "项目"}
	for _, c := range columns {
		h = append(h, c.Name)
	}
	rows = append(rows, h)
	for _, l := range lines {
		if l.Section != "" {
			rows = append(rows, []any{"", l.Section})
		}
		name := l.Name
		for range l.Indent {
			name = "　　" + name
		}
		row := []any{l.No, name}
		for i := range columns {
			k := byte('-')
			if i < len(l.Kinds) {
				k = l.Kinds[i]
			}
			switch {
			case l.Merged && i > 0:
				row = append(row, "")
			case k == 'C':
				row = append(row, "（自动计算）")
			case k == '-':
				row = append(row, "—")
			default:
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	_ = x.SetColWidth(sheet, "B", "B", 48)
	last, _ := excelize.ColumnNumberToName(2 + len(columns))
	_ = x.SetColWidth(sheet, "C", last, 18)
	return nil
}

// formWorkbook is a blank return form as a workbook: one row per line with
// its number and name, one column per form column; a cell that is filled
// in is empty, one the hall computes says so, one the form does not have
// is a dash.
func formWorkbook(f *forms.Form) ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "申报表"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	head := [][]any{{f.Name}, {"依据：" + f.Basis}, {"纳税人识别号：", "", "纳税人名称："}, {"税款所属期：", "", "金额单位：元（列至角分）"}}
	if err := tableSheet(x, sheet, head, "栏次", f.Columns, f.Lines); err != nil {
		return nil, err
	}
	// Each annex (附列资料) on a sheet of its own, columns by their
	// official numbers.
	for _, t := range f.Tables {
		name, _, _ := strings.Cut(t.Name, "（本期")
		if _, err := x.NewSheet(name); err != nil {
			return nil, err
		}
		cols := make([]forms.Column, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = forms.Column{Code: c.Code, Name: c.Code + " " + c.Name}
		}
		if err := tableSheet(x, name, [][]any{{f.Name + " " + t.Name}, {"依据：" + t.Basis}}, "行次", cols, t.Lines); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
