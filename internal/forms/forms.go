// Package forms holds the tax return forms as definitions: the lines keyed
// by the official line numbers (栏次), the columns, which cells the taxpayer
// enters and which are computed, and the computation with its cross-checks.
// The web page, the API schema and the validator are all derived from a
// definition, so a new form is a new definition, not new handlers.
//
// The package is pure: a form's Compute calls the rules package with the
// period, the taxpayer's facts and what earlier accepted returns carried
// (year-to-date sums, a credit carried forward), all given as arguments.
package forms

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// Cell kinds in a line's Kinds string, one character per column.
const (
	Entered  = 'E' // the taxpayer types it
	Computed = 'C' // the form computes it (shown, never editable)
	Absent   = '-' // the official form greys it out
)

// Column is a column of a form; a one-column form has one column with an
// empty Code, and its cells are keyed by the line number alone.
type Column struct {
	Code, Name string
}

// Line is a line of a form.
type Line struct {
	No     string // 栏次, as printed on the form
	Name   string
	Kinds  string // one of Entered/Computed/Absent per column
	Indent int    // 其中 lines are indented
	Hint   string // how the line is filled in, shown under the label
	// Merged: one amount for the whole line (the first column's kind),
	// keyed by the line number alone, as the surcharge lines 23–25 are.
	Merged bool
	// Section starts a new part of the form before this line.
	Section string
	// Signed: the entered amount may be negative (利润总额, a loss).
	Signed bool
	// Ref names the line in messages instead of "第No栏", for the lines
	// of a form's header that carry no official line number (从业人数).
	Ref string
	// Unit says how the line's value reads: "" an amount in yuan (fen
	// stored), UnitFlag a yes/no (100 = 是), UnitPercent a rate stored in
	// hundredths of a percent (2500 = 25%).
	Unit string
}

// Units of a line other than money.
const (
	UnitFlag    = "flag"
	UnitPercent = "percent"
)

// Display renders a value of the line for people: "1,234.56", "是", "25%".
// The canonical document keeps the plain stored number (Plain).
func (l Line) Display(v int64) string {
	switch l.Unit {
	case UnitFlag:
		if v != 0 {
			return "是"
		}
		return "否"
	case UnitPercent:
		return strings.TrimSuffix(money.FormatYuan(v), ".00") + "%"
	}
	return money.FormatYuan(v)
}

// key is the key of the line's cell in column i of the main table.
func (f *Form) key(l Line, i int) string {
	if l.Merged {
		return l.No
	}
	return Key(l.No, f.Columns[i].Code)
}

// Table is an annex of a form (附列资料): its own lines and columns. Its
// cells are keyed "table.line.column" — "a1.9b.1" is 附列资料（一）第9b行
// 第1列 — so that the official row and column numbers are the keys.
type Table struct {
	Code    string // the key prefix ("a1")
	Name    string // the official title: "附列资料（一）（本期销售情况明细）"
	Basis   string // where its layout comes from, shown under the title
	Columns []Column
	Lines   []Line
}

// Key is the key of the line's cell in column i of the table.
func (t *Table) Key(l Line, i int) string {
	return t.Code + "." + Key(l.No, t.Columns[i].Code)
}

// Main is the form's main table as a Table (no key prefix).
func (f *Form) Main() Table {
	return Table{Name: f.Name, Columns: f.Columns, Lines: f.Lines}
}

// cellKey is the key of a cell of table t (the main table when t.Code is
// empty).
func (f *Form) cellKey(t *Table, l Line, i int) string {
	if t.Code == "" {
		return f.key(l, i)
	}
	return t.Key(l, i)
}

// tables lists the main table and the annexes, in order.
func (f *Form) tables() []Table {
	return append([]Table{f.Main()}, f.Tables...)
}

// Layout returns the definition a stored document was made with. A form
// whose keys changed keeps its earlier layouts in Earlier; a document that
// holds an earlier layout's Marker cell is shown with that layout.
func (f *Form) Layout(v Values) *Form {
	for _, e := range f.Earlier {
		if _, ok := v[e.Marker]; ok && e.Marker != "" {
			return e
		}
		if _, ok := v[e.Lacks]; !ok && e.Lacks != "" && len(v) > 0 {
			return e
		}
	}
	return f
}

// Facts are what a form needs to know about the taxpayer for the period.
type Facts struct {
	Individual         bool           // individual business or other individual (VAT line 11)
	IndividualBusiness bool           // 个体工商户
	SmallScale         bool           // 增值税小规模纳税人 in the period
	SmallLowProfit     bool           // 小型微利企业 (declared on the EIT return)
	Location           rules.Location // for the city maintenance and construction tax
}

// Values are a return's cells in fen, keyed by Key(line, column).
type Values map[string]int64

// Key is the key of a cell: the line number, or "line.column" on a form
// with several columns ("1.goods").
func Key(line, column string) string {
	if column == "" {
		return line
	}
	return line + "." + column
}

// Input is one computation of a form.
type Input struct {
	Period rules.Period
	Facts  Facts
	// Entered holds the entered cells (missing ones are 0).
	Entered Values
	// Detail holds a detail form's entered lines (e.g. one line per
	// employee) as the JSON the form defines; raw[DetailKey] in Run.
	Detail []byte
	// Extra is what the store's loader for this form gives (registered tax
	// sources, employees' cumulative sums from earlier accepted returns);
	// see returns.RegisterLoader.
	Extra any
	// Prior holds what earlier accepted returns carry into this one: the
	// year-to-date sums of the previous periods (keyed like the cells whose
	// year-to-date column they feed) and balances carried forward. The
	// store fills it with the form's PriorKeys.
	Prior Values
}

// Output is a computed return.
type Output struct {
	Values Values // every cell of the form: entered and computed
	// TaxDue is what the return makes payable (negative: refundable).
	TaxDue int64
	// Notes explain where the computation put amounts ("本期销售额未达起征点…").
	Notes []string
	// Basis lists the legal sources the computation used.
	Basis []string
	// Fields are cross-check failures, keyed by cell; a return with any is
	// not accepted.
	Fields apperr.Fields
	// Detail is a detail form's computed lines, stored in the canonical
	// document under "detail" (marshalled with encoding/json: use structs
	// or maps so that the bytes are deterministic).
	Detail any
}

// DetailKey is the key under which a detail form's entered lines travel
// with the cells (as a JSON string): drafts, submissions and the API carry
// it like any other entered value.
const DetailKey = "_detail"

// Form is a return form.
type Form struct {
	Code    string // stable code, used in URLs and stored with each return
	Name    string // the official title
	Short   string // a short name for lists
	Basis   string // the announcement that publishes the form
	TaxType string // the identification (税种认定) that files it
	// Periods lists the filing periods it can be filed for ("month", "quarter").
	Periods []string
	Columns []Column
	Lines   []Line
	// Zero: the form may be filed as a zero return (零申报) in one step.
	Zero bool
	// PriorKeys lists the cells the store sums over this year's earlier
	// accepted returns into Input.Prior ("year to date").
	PriorKeys []string
	// CarryKeys maps a cell of the previous period's accepted return to the
	// Prior key it is carried into (a credit carried forward).
	CarryKeys map[string]string
	// Companion forms are filed beside the main form of their tax type
	// (financial statements with the EIT prepayment); ForTaxType gives the
	// main form, Companions the others.
	Companion bool
	// SmallLowProfitFact: Compute reads Facts.SmallLowProfit, so the store
	// reads the enterprise's latest EIT return to fill it in. Forms that do
	// not (a small-scale VAT return's surcharges are halved for being
	// small-scale, whatever the EIT says) cost no such read.
	SmallLowProfitFact bool
	// Standard limits a companion to taxpayers keeping that accounting
	// standard (taxpayer.AccountingStandard, e.g. "sbas").
	Standard string
	// DetailMax > 0 makes a detail form: it takes entered lines of at most
	// this many bytes under DetailKey besides its cells.
	DetailMax int
	// Tables are the annexes (附列资料) filed with the main table, each
	// with its own columns; their cells are keyed with the table's Code.
	Tables []Table
	// Earlier layouts of the form, for documents stored before its keys
	// changed (Layout): shown, never computed or filed again.
	Earlier []*Form
	// Marker is a cell only this (earlier) layout has; Lacks, a cell of
	// the current layout that only documents of this one do not hold.
	Marker, Lacks string
	// Compute computes the return from the entered cells.
	Compute func(*Form, Input) (Output, error)

	// Made once by register (nil on a form not registered).
	cells, entered []string
}

// Cells lists every defined cell key, in the form's order: the main
// table, then the annexes.
func (f *Form) Cells() []string {
	if f.cells != nil {
		return f.cells
	}
	var keys []string
	for _, t := range f.tables() {
		for _, l := range t.Lines {
			for i, k := range l.Kinds {
				if k != Absent {
					keys = append(keys, f.cellKey(&t, l, i))
				}
			}
		}
	}
	return keys
}

// EnteredCells lists the keys of the cells the taxpayer enters.
func (f *Form) EnteredCells() []string {
	if f.entered != nil {
		return f.entered
	}
	var keys []string
	for _, t := range f.tables() {
		for _, l := range t.Lines {
			for i, k := range l.Kinds {
				if k == Entered {
					keys = append(keys, f.cellKey(&t, l, i))
				}
			}
		}
	}
	return keys
}

// cell finds the table, line and column of a cell key.
func (f *Form) cell(key string) (Table, Line, int, bool) {
	for _, t := range f.tables() {
		for _, l := range t.Lines {
			for i, k := range l.Kinds {
				if k != Absent && f.cellKey(&t, l, i) == key {
					return t, l, i, true
				}
			}
		}
	}
	return Table{}, Line{}, 0, false
}

// Line returns the line with the number no.
func (f *Form) Line(no string) (Line, bool) {
	for _, l := range f.Lines {
		if l.No == no {
			return l, true
		}
	}
	return Line{}, false
}

// Label names a cell for messages: "第1栏（货物及劳务）"; on a form of one
// column, the line alone; in an annex, "附列资料（一）第2行第1列（开具增值税
// 专用发票 销售额）".
func (f *Form) Label(key string) string {
	t, l, i, ok := f.cell(key)
	if !ok { // not a cell of this layout: name it as typed
		no, _, _ := strings.Cut(key, ".")
		return "第" + no + "栏"
	}
	if t.Code != "" {
		s := t.Name
		if short, _, cut := strings.Cut(s, "（本期"); cut {
			s = short
		}
		s += "第" + l.No + "行第" + t.Columns[i].Code + "列"
		if t.Columns[i].Name != "" {
			s += "（" + t.Columns[i].Name + "）"
		}
		return s
	}
	s := "第" + l.No + "栏"
	if l.Ref != "" {
		s = l.Ref
	}
	if l.Merged {
		return s + "（" + l.Name + "）"
	}
	if c := f.Columns[i]; c.Name != "" && len(f.Columns) > 1 {
		s += "（" + c.Name + "）"
	}
	return s
}

// Check reports a definition that cannot work: kinds that do not match the
// columns, duplicate lines, unknown prior keys. Tests run it on every form.
func (f *Form) Check() error {
	for _, t := range f.tables() {
		seen := map[string]bool{}
		for _, l := range t.Lines {
			if len(l.Kinds) != len(t.Columns) {
				return fmt.Errorf("forms: %s %s line %s has %d kinds for %d columns", f.Code, t.Code, l.No, len(l.Kinds), len(t.Columns))
			}
			if seen[l.No] {
				return fmt.Errorf("forms: %s %s line %s twice", f.Code, t.Code, l.No)
			}
			seen[l.No] = true
			if l.Merged && (t.Code != "" || strings.Count(l.Kinds, string(Absent)) != len(l.Kinds)-1) {
				return fmt.Errorf("forms: %s merged line %s must have one kind", f.Code, l.No)
			}
			for _, k := range l.Kinds {
				if k != Entered && k != Computed && k != Absent {
					return fmt.Errorf("forms: %s line %s kind %q", f.Code, l.No, k)
				}
			}
		}
	}
	cells := map[string]bool{}
	for _, k := range f.Cells() {
		if cells[k] {
			return fmt.Errorf("forms: %s cell %s twice", f.Code, k)
		}
		cells[k] = true
	}
	for _, e := range f.Earlier {
		if err := e.Check(); err != nil {
			return err
		}
		if e.Marker != "" && (cells[e.Marker] || !slices.Contains(e.Cells(), e.Marker)) {
			return fmt.Errorf("forms: %s earlier layout's marker %s must be a cell of that layout only", f.Code, e.Marker)
		}
		if e.Lacks != "" && (!cells[e.Lacks] || slices.Contains(e.Cells(), e.Lacks)) {
			return fmt.Errorf("forms: %s earlier layout lacks %s, which must be a cell of the current layout only", f.Code, e.Lacks)
		}
		if (e.Marker == "") == (e.Lacks == "") {
			return fmt.Errorf("forms: %s earlier layout needs a Marker or Lacks", f.Code)
		}
	}
	for _, k := range f.PriorKeys {
		if !cells[k] {
			return fmt.Errorf("forms: %s prior key %s is not a cell", f.Code, k)
		}
	}
	for from := range f.CarryKeys {
		if !cells[from] {
			return fmt.Errorf("forms: %s carry key %s is not a cell", f.Code, from)
		}
	}
	return nil
}

// MaxCell bounds what a cell may hold as typed (bytes).
const MaxCell = 32

// Parse reads the entered cells as typed (yuan strings) into fen, with a
// message per bad cell keyed by the cell. An empty cell is 0; negative
// amounts are refused except on a Signed line.
func (f *Form) Parse(raw map[string]string) (Values, apperr.Fields) {
	signed := map[string]bool{}
	for _, t := range f.tables() {
		for _, l := range t.Lines {
			if l.Signed {
				for i := range l.Kinds {
					signed[f.cellKey(&t, l, i)] = true
				}
			}
		}
	}
	v := Values{}
	errs := apperr.Fields{}
	for _, k := range f.EnteredCells() {
		s := strings.TrimSpace(raw[k])
		if s == "" {
			continue
		}
		if len(s) > MaxCell {
			errs.Add(k, f.Label(k)+"：金额过长，请只填写数字和小数点")
			continue
		}
		neg := false
		for _, minus := range []string{"-", "－", "−"} {
			if rest, ok := strings.CutPrefix(s, minus); ok {
				s, neg = strings.TrimSpace(rest), true
				break
			}
		}
		if neg && !signed[k] {
			errs.Add(k, f.Label(k)+"不能为负数")
			continue
		}
		fen, err := money.ParseYuan(s)
		if err != nil {
			errs.Add(k, f.Label(k)+"："+err.Error())
			continue
		}
		if neg {
			fen = -fen
		}
		v[k] = fen
	}
	return v, errs
}

// Run parses and computes: the one validator the web form, the API and the
// submission all use. Field errors (bad amounts, failed cross-checks) come
// back as an apperr Invalid error with the fields keyed by cell.
func (f *Form) Run(in Input, raw map[string]string) (Output, error) {
	v, errs := f.Parse(raw)
	if err := errs.Err(); err != nil {
		return Output{}, err
	}
	in.Entered = v
	if f.DetailMax > 0 {
		if len(raw[DetailKey]) > f.DetailMax {
			return Output{}, apperr.InvalidField(DetailKey, fmt.Sprintf("明细数据过大（超过 %d KB）", f.DetailMax/1024))
		}
		in.Detail = []byte(raw[DetailKey])
	}
	if in.Prior == nil {
		in.Prior = Values{}
	}
	out, err := f.Compute(f, in)
	if err != nil {
		return Output{}, err
	}
	if err := out.Fields.Err(); err != nil {
		return out, err
	}
	return out, nil
}

// Format renders cells as yuan strings ("1234.56", no separators), the
// representation of the canonical document and the API.
func Format(v Values, keys []string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = Plain(v[k])
	}
	return m
}

// Plain renders fen as a yuan string without separators: -1234.5 → "-1234.50".
func Plain(fen int64) string {
	if fen == 0 {
		return "0.00" // most cells of most returns: no allocation
	}
	var buf [24]byte
	b := buf[:0]
	u := uint64(fen) // #nosec G115 -- the magnitude of fen, negated below as unsigned
	if fen < 0 {
		b = append(b, '-')
		u = -u
	}
	b = strconv.AppendUint(b, u/100, 10)
	b = append(b, '.', byte('0'+u%100/10), byte('0'+u%10))
	return string(b)
}

var registry = map[string]*Form{}

func register(f *Form) *Form {
	if err := f.Check(); err != nil {
		panic(err)
	}
	// A registered form does not change: its cell lists are made once
	// (every submission, page and check reads them).
	f.cells, f.entered = f.Cells(), f.EnteredCells()
	registry[f.Code] = f
	return f
}

// Register adds a form defined outside this package (a detail form whose
// computation lives with its domain, as the withholding return's in
// package iitw, which imports this one). It panics on a bad definition or
// a code already taken; call it at init time.
func Register(f *Form) *Form {
	if _, dup := registry[f.Code]; dup {
		panic("forms: " + f.Code + " registered twice")
	}
	return register(f)
}

// Lookup finds a form by its code.
func Lookup(code string) (*Form, bool) {
	f, ok := registry[code]
	return f, ok
}

// All lists the forms by code.
func All() []*Form {
	list := make([]*Form, 0, len(registry))
	for _, f := range registry {
		list = append(list, f)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Code < list[j].Code })
	return list
}

// ForTaxType returns the main form a tax type's identification files.
func ForTaxType(taxType string) (*Form, bool) {
	for _, f := range registry {
		if f.TaxType == taxType && !f.Companion {
			return f, true
		}
	}
	return nil, false
}

// Companions lists the forms filed beside the main form of taxType, by code.
func Companions(taxType string) []*Form {
	var out []*Form
	for _, f := range All() {
		if f.TaxType == taxType && f.Companion {
			out = append(out, f)
		}
	}
	return out
}

// notLarger adds a cross-check message when the 其中 line exceeds its total.
func notLarger(f *Form, errs apperr.Fields, v Values, part, whole string) {
	if v[part] > v[whole] {
		errs.Add(part, fmt.Sprintf("%s %s 不能大于%s %s（“其中”数是总数的一部分）",
			f.Label(part), money.FormatYuan(v[part]), f.Label(whole), money.FormatYuan(v[whole])))
	}
}
