package iitw

import (
	"fmt"
	"sort"

	"taxhall/internal/apperr"
)

// Problem is one thing wrong with an import: a cell (Row and Column), a
// whole row (Column ""), or the file (Row 0).
type Problem struct {
	Row     int    `json:"row"`     // as the spreadsheet shows it; the header is row 1
	Column  string `json:"column"`  // the column's heading, "" for the row or the file
	Key     string `json:"key"`     // the column's key, "" for the row or the file
	Message string `json:"message"` // Chinese, for the user
}

// String is the problem as one sentence: 第3行“证件号码”：身份证号码校验位不正确，请核对.
func (p Problem) String() string {
	switch {
	case p.Row == 0:
		return p.Message
	case p.Column == "":
		return fmt.Sprintf("第%d行：%s", p.Row, p.Message)
	}
	return fmt.Sprintf("第%d行“%s”：%s", p.Row, p.Column, p.Message)
}

// ImportError lists every problem of a file, by row then column. A file
// with any problem imports nothing. It unwraps to an apperr Invalid error
// whose fields are "row3.resident_id" (or "file") with the sentence of each
// problem, so the web and API adapters answer it like any bad form.
type ImportError struct {
	Problems []Problem
	app      *apperr.Error
}

func (e *ImportError) Error() string { return e.app.Message }
func (e *ImportError) Unwrap() error { return e.app }

// Rows is the number of rows with problems.
func (e *ImportError) Rows() int {
	n, last := 0, -1
	for _, p := range e.Problems {
		if p.Row > 0 && p.Row != last {
			n, last = n+1, p.Row
		}
	}
	return n
}

// problems collects the problems of one import.
type problems struct {
	list  []Problem
	order map[string]int // column key → position, for sorting
	seen  map[Problem]bool
}

func newProblems() *problems {
	order := map[string]int{}
	for i, c := range columns {
		order[c.Key] = i + 1
	}
	return &problems{order: order, seen: map[Problem]bool{}}
}

func (ps *problems) file(msg string) { ps.list = append(ps.list, Problem{Message: msg}) }

func (ps *problems) row(row int, msg string) {
	ps.list = append(ps.list, Problem{Row: row, Message: msg})
}

func (ps *problems) cell(row int, key, msg string) {
	header := key
	for _, c := range columns {
		if c.Key == key {
			header = c.Header
		}
	}
	// One message per cell: the first problem found is the one to fix.
	at := Problem{Row: row, Key: key}
	if ps.seen[at] {
		return
	}
	ps.seen[at] = true
	ps.list = append(ps.list, Problem{Row: row, Column: header, Key: key, Message: msg})
}

// err is nil without problems, else the ImportError.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i], ps.list[j]
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return ps.order[a.Key] < ps.order[b.Key]
	})
	e := &ImportError{Problems: ps.list}
	fields := apperr.Fields{}
	for _, p := range ps.list {
		key := "file"
		if p.Row > 0 {
			key = fmt.Sprintf("row%d", p.Row)
			if p.Key != "" {
				key += "." + p.Key
			}
		}
		fields.Add(key, p.String())
	}
	msg := fmt.Sprintf("文件中有 %d 处错误，请修改后重新导入；全部数据均未导入", len(ps.list))
	if n := e.Rows(); n > 0 {
		msg = fmt.Sprintf("文件中有 %d 行共 %d 处错误，请修改后重新导入；全部数据均未导入", n, len(ps.list))
	}
	e.app = &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: fields}
	return e
}
