package kb

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Import and export in Excel: one sheet, one entry a row, the columns of
// Header. A row with a 编号 updates that entry (which goes back to review);
// one without adds a draft. Any bad row and nothing is imported: the
// problems are listed by row.

// Header is the sheet's first row.
var Header = []string{"编号", "问题", "答复", "税种", "法律依据（每行一条，可加“ | /laws/编号#a条号”）", "生效日期", "失效日期", "状态"}

// Limits of an import.
const (
	MaxImportBytes = 8 << 20
	MaxImportRows  = 5000
)

// Problem is what is wrong with one row.
type Problem struct {
	Row     int // the sheet's row number, from 2
	Message string
}

// ImportError lists the rows that stopped an import.
type ImportError struct{ Problems []Problem }

func (e *ImportError) Error() string {
	return fmt.Sprintf("文件中有 %d 处问题，未导入任何条目，请修改后重新导入", len(e.Problems))
}

// Export writes every entry that is not archived, oldest first.
func (s *Service) Export(ctx context.Context, w io.Writer) error {
	if _, err := auth.RequireStaff(ctx); err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	row := func(n int, vals []string) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = defuse(v)
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	}
	if err := row(1, Header); err != nil {
		return err
	}
	n := 2
	var after int64
	for {
		items, err := db.Query(ctx, s.DB, scanEntry, `SELECT `+entryCols+entryFrom+`WHERE e.id > $1 AND e.state <> 'archived' ORDER BY e.id LIMIT 500`, after)
		if err != nil {
			return err
		}
		for _, e := range items {
			if err := row(n, []string{strconv.FormatInt(e.ID, 10), e.Question, e.Answer, e.TaxTypeName(), e.RefsText(), e.ValidFrom, e.ValidTo, e.StateName()}); err != nil {
				return err
			}
			n++
			after = e.ID
		}
		if len(items) < 500 {
			break
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// defuse keeps a cell that a spreadsheet would read as a formula as text.
func defuse(v string) string {
	if v != "" && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@') {
		return "'" + v
	}
	return v
}

// Import reads an .xlsx file. All rows good: they are saved in one
// transaction and the counts returned; otherwise an *ImportError.
func (s *Service) Import(ctx context.Context, data []byte) (created, updated int, err error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return 0, 0, err
	}
	if !CanWrite(a) {
		return 0, 0, apperr.New(apperr.Forbidden, "您的岗位不能编写知识库条目")
	}
	if len(data) > MaxImportBytes {
		return 0, 0, apperr.InvalidField("file", "文件超过 8 MB，请分成多个文件导入")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, 0, apperr.InvalidField("file", "无法读取该文件，请上传 Excel（.xlsx）文件")
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		return 0, 0, apperr.InvalidField("file", "无法读取第一个工作表")
	}
	if len(rows) < 2 {
		return 0, 0, apperr.InvalidField("file", "文件中没有条目：第一行为表头，条目从第二行开始")
	}
	if len(rows)-1 > MaxImportRows {
		return 0, 0, apperr.InvalidField("file", fmt.Sprintf("一次最多导入 %d 条，请分成多个文件", MaxImportRows))
	}
	if len(rows[0]) < 7 || strings.TrimSpace(rows[0][1]) != Header[1] || strings.TrimSpace(rows[0][2]) != Header[2] {
		return 0, 0, apperr.InvalidField("file", "表头与模板不符，请先导出一份作为模板")
	}
	type item struct {
		row int
		id  int64
		in  Input
	}
	var items []item
	var probs []Problem
	for i, r := range rows[1:] {
		n := i + 2
		cell := func(c int) string {
			if c < len(r) {
				return strings.TrimSpace(strings.TrimPrefix(r[c], "'"))
			}
			return ""
		}
		if strings.Join(r, "") == "" {
			continue
		}
		it := item{row: n, in: Input{Question: cell(1), Answer: cell(2), TaxType: cell(3), Refs: cell(4), ValidFrom: cell(5), ValidTo: cell(6)}}
		if v := cell(0); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				probs = append(probs, Problem{n, "编号应为导出文件中的数字，新条目请留空"})
				continue
			}
			it.id = id
		}
		if _, err := it.in.check(); err != nil {
			if e := apperr.As(err); e != nil {
				for _, col := range []struct{ field, name string }{{"question", "问题"}, {"answer", "答复"}, {"tax_type", "税种"}, {"refs", "法律依据"}, {"valid_from", "生效日期"}, {"valid_to", "失效日期"}} {
					if m := e.Fields[col.field]; m != "" {
						probs = append(probs, Problem{n, col.name + "：" + m})
					}
				}
				continue
			}
			return 0, 0, err
		}
		items = append(items, it)
	}
	if len(probs) > 0 {
		return 0, 0, &ImportError{Problems: probs}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		created, updated = 0, 0
		var missing []Problem
		for _, it := range items {
			if it.id == 0 {
				if _, err := s.create(ctx, tx, a, it.in); err != nil {
					return err
				}
				created++
				continue
			}
			if err := s.update(ctx, tx, a, it.id, it.in); err != nil {
				if apperr.CodeOf(err) == apperr.NotFound {
					missing = append(missing, Problem{it.row, "编号 " + strconv.FormatInt(it.id, 10) + " 的条目不存在"})
					continue
				}
				return err
			}
			updated++
		}
		if len(missing) > 0 {
			return &ImportError{Problems: missing}
		}
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	return created, updated, nil
}
