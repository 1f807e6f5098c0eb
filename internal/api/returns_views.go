package api

import (
	"encoding/json"
	"maps"
	"slices"
	"time"

	"taxhall/internal/forms"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// The returns views name every field they publish. Amounts are given as
// yuan strings without separators ("-1234.50"), as in the canonical
// document, and the totals also in fen.

// Cell kinds as the API names them.
const (
	cellEntered  = "entered"
	cellComputed = "computed"
	cellAbsent   = "absent"
)

var cellKinds = map[rune]string{forms.Entered: cellEntered, forms.Computed: cellComputed, forms.Absent: cellAbsent}

// formView is a form definition, derived from forms.Form.
type formView struct {
	Code        string       `json:"code" doc:"申报表代码：/my/drafts/{form}/{period} 的 form 和申报的 form"`
	Name        string       `json:"name" doc:"申报表名称"`
	Short       string       `json:"short" doc:"简称"`
	Basis       string       `json:"basis" doc:"发布该申报表的文件"`
	TaxType     string       `json:"tax_type" enum:"tax_types" doc:"按此税（费）种认定申报"`
	TaxTypeName string       `json:"tax_type_name"`
	Companion   bool         `json:"companion" doc:"随同一税种的主表报送的附表（如随企业所得税预缴申报报送的财务报表）"`
	Standard    string       `json:"standard,omitempty" enum:"accounting_standards" doc:"仅执行该会计制度的纳税人报送"`
	Periods     []string     `json:"periods" enum:"periods" doc:"可申报的期限"`
	Columns     []formColumn `json:"columns" doc:"栏目（列），顺序同纸质表"`
	Lines       []formLine   `json:"lines" doc:"栏次（行），顺序同纸质表"`
	Tables      []formTable  `json:"tables,omitempty" doc:"附列资料：各自的栏目和行次，单元格的键为“附表代码.行次.栏目”（如 a1.9b.1）"`
	Cells       []string     `json:"cells" doc:"全部单元格的键，按表上的顺序；申报文档的 lines 按这些键给出金额"`
	Entered     []string     `json:"entered" doc:"纳税人填写的单元格的键：申报和草稿的 cells 只能使用这些键"`
	Zero        bool         `json:"zero" doc:"可以零申报"`
	Detail      bool         `json:"detail" doc:"带明细（如逐人明细）：明细在请求的 detail 字段中提交"`
	DetailMax   int          `json:"detail_max_bytes,omitempty" doc:"明细 JSON 的最大字节数"`
}

// formTable is an annex (附列资料) of a form.
type formTable struct {
	Code    string       `json:"code" doc:"附表代码，单元格键的第一段"`
	Name    string       `json:"name"`
	Basis   string       `json:"basis,omitempty"`
	Columns []formColumn `json:"columns" doc:"栏目（列），代码为官方列号"`
	Lines   []formLine   `json:"lines" doc:"行次，顺序同纸质表"`
}

type formColumn struct {
	Code string `json:"code" doc:"栏目代码，单元格的键中“.”之后的部分；单栏目的表为空"`
	Name string `json:"name"`
}

type formLine struct {
	No      string     `json:"no" doc:"栏次，与纸质表一致"`
	Name    string     `json:"name" doc:"项目"`
	Indent  int        `json:"indent" doc:"缩进层级（“其中”项为 1）"`
	Hint    string     `json:"hint,omitempty" doc:"填写说明或计算关系"`
	Section string     `json:"section,omitempty" doc:"从本栏次开始的表内部分的标题"`
	Merged  bool       `json:"merged,omitempty" doc:"整行一个金额，不分栏目：键为栏次本身，只在第一个栏目"`
	Cells   []formCell `json:"cells" doc:"每个栏目一个，顺序同 columns"`
}

type formCell struct {
	Column string `json:"column" doc:"栏目代码"`
	Key    string `json:"key,omitempty" doc:"单元格的键，如 1.goods；表上为灰色（absent）的没有"`
	Kind   string `json:"kind" enum:"cell_kinds" doc:"entered 纳税人填写，computed 系统计算，absent 表上为灰色、不填"`
}

func viewForm(f *forms.Form) formView {
	tt, _ := taxpayer.LookupTaxType(f.TaxType)
	v := formView{Code: f.Code, Name: f.Name, Short: f.Short, Basis: f.Basis, TaxType: f.TaxType, TaxTypeName: tt.Name,
		Companion: f.Companion, Standard: f.Standard, Periods: append([]string{}, f.Periods...), Columns: []formColumn{}, Lines: []formLine{},
		Cells: nonNil(f.Cells()), Entered: nonNil(f.EnteredCells()), Zero: f.Zero, Detail: f.DetailMax > 0, DetailMax: f.DetailMax}
	v.Columns, v.Lines = viewTable(f.Main())
	for _, t := range f.Tables {
		cols, lines := viewTable(t)
		v.Tables = append(v.Tables, formTable{Code: t.Code, Name: t.Name, Basis: t.Basis, Columns: cols, Lines: lines})
	}
	return v
}

// viewTable is a table's columns and lines with their cells' keys.
func viewTable(t forms.Table) ([]formColumn, []formLine) {
	cols, lines := []formColumn{}, []formLine{}
	for _, c := range t.Columns {
		cols = append(cols, formColumn{Code: c.Code, Name: c.Name})
	}
	for _, l := range t.Lines {
		line := formLine{No: l.No, Name: l.Name, Indent: l.Indent, Hint: l.Hint, Section: l.Section, Merged: l.Merged}
		for i, k := range []rune(l.Kinds) {
			c := formCell{Column: t.Columns[i].Code, Kind: cellKinds[k]}
			switch {
			case k == forms.Absent:
			case t.Code != "":
				c.Key = t.Key(l, i)
			case l.Merged:
				c.Key = l.No
			default:
				c.Key = forms.Key(l.No, t.Columns[i].Code)
			}
			line.Cells = append(line.Cells, c)
		}
		lines = append(lines, line)
	}
	return cols, lines
}

// returnRef names an accepted return.
type returnRef struct {
	ID        int64  `json:"id" doc:"申报 id：GET /api/v1/my/returns/{id}"`
	AckNo     string `json:"ack_no" doc:"回执号"`
	Version   int    `json:"version" doc:"1 为正常申报，2 起为更正申报的版本"`
	TaxDue    string `json:"tax_due" doc:"应补（退）税费额（元）"`
	TaxDueFen int64  `json:"tax_due_fen" doc:"应补（退）税费额（分）"`
}

func viewRef(r *returns.Return) returnRef {
	return returnRef{ID: r.ID, AckNo: r.AckNo, Version: r.Version, TaxDue: forms.Plain(r.TaxDue), TaxDueFen: r.TaxDue}
}

// periodView is a period an identification creates, with its state.
type periodView struct {
	TaxType        string     `json:"tax_type" enum:"tax_types"`
	TaxTypeName    string     `json:"tax_type_name"`
	Form           string     `json:"form,omitempty" enum:"form_codes" doc:"申报表代码；暂不支持网上申报的税种没有"`
	FormName       string     `json:"form_name,omitempty"`
	Period         string     `json:"period" doc:"所属期：2026Q3 或 2026-09"`
	PeriodName     string     `json:"period_name" doc:"如 2026年第3季度"`
	PeriodKind     string     `json:"period_kind" enum:"periods"`
	PeriodStart    string     `json:"period_start" format:"date"`
	PeriodEnd      string     `json:"period_end" format:"date"`
	Deadline       string     `json:"deadline" format:"date" doc:"申报截止日（含当日）"`
	DeadlineSource string     `json:"deadline_source" enum:"deadline_sources" doc:"official 国家税务总局公布，computed 按节假日推算"`
	DaysLeft       int        `json:"days_left" doc:"今天到截止日的天数，负数为已逾期的天数"`
	Status         string     `json:"status" enum:"period_statuses" doc:"filed 已申报，late 逾期申报，due 待申报，overdue 逾期未申报，open 所属期未结束，no_form 暂不支持网上申报"`
	StatusName     string     `json:"status_name"`
	Return         *returnRef `json:"return,omitempty" doc:"已申报时，该所属期的最新一份申报"`
	Draft          bool       `json:"draft" doc:"有未提交的草稿"`
	DraftAt        *time.Time `json:"draft_at,omitempty" doc:"草稿保存时间"`
}

func viewDue(d *returns.Due) periodView {
	tt, _ := taxpayer.LookupTaxType(d.TaxType)
	v := periodView{TaxType: d.TaxType, TaxTypeName: tt.Name, Period: d.Key(), PeriodName: d.PeriodName(), PeriodKind: d.PeriodKind,
		PeriodStart: d.Period.Start.String(), PeriodEnd: d.Period.End.String(),
		Deadline: d.Deadline.Date.String(), DeadlineSource: string(d.Deadline.Source), DaysLeft: d.DaysLeft,
		Status: d.Status, StatusName: d.StatusName(), Draft: d.Draft}
	if v.DeadlineSource == "" {
		v.DeadlineSource = "computed"
	}
	if d.Form != nil {
		v.Form, v.FormName = d.Form.Code, d.Form.Name
	}
	if d.ReturnID > 0 {
		v.Return = &returnRef{ID: d.ReturnID, AckNo: d.AckNo, Version: d.Version, TaxDue: forms.Plain(d.TaxDue), TaxDueFen: d.TaxDue}
	}
	if d.Draft {
		at := d.DraftAt
		v.DraftAt = &at
	}
	return v
}

// returnItem is a return in a list.
type returnItem struct {
	ID            int64     `json:"id"`
	AckNo         string    `json:"ack_no" doc:"回执号"`
	Form          string    `json:"form" enum:"form_codes"`
	FormName      string    `json:"form_name"`
	TaxType       string    `json:"tax_type" enum:"tax_types"`
	TaxTypeName   string    `json:"tax_type_name"`
	Period        string    `json:"period" doc:"所属期：2026Q3 或 2026-09"`
	PeriodName    string    `json:"period_name"`
	PeriodStart   string    `json:"period_start" format:"date"`
	PeriodEnd     string    `json:"period_end" format:"date"`
	Version       int       `json:"version" doc:"1 为正常申报，2 起为更正申报的版本"`
	KindName      string    `json:"kind_name" doc:"正常申报，或更正申报（第n版）"`
	Current       bool      `json:"current" doc:"是该所属期的最新版本（false：已被更正）"`
	Zero          bool      `json:"zero" doc:"零申报"`
	Late          bool      `json:"late" doc:"逾期申报（更正沿用原申报的判断）"`
	Deadline      string    `json:"deadline" format:"date" doc:"申报截止日"`
	TaxDue        string    `json:"tax_due" doc:"本版本应补（退）税费额（元）"`
	TaxDueFen     int64     `json:"tax_due_fen" doc:"本版本应补（退）税费额（分）"`
	Difference    string    `json:"difference" doc:"与上一版本相比的差额（元），正常申报等于 tax_due"`
	DifferenceFen int64     `json:"difference_fen" doc:"差额（分）"`
	SHA256        string    `json:"sha256" doc:"申报文档的 SHA-256（十六进制）"`
	SubmittedAt   time.Time `json:"submitted_at"`
	SubmittedBy   string    `json:"submitted_by" doc:"提交的用户"`
}

func viewReturnItem(r *returns.Return) returnItem {
	tt, _ := taxpayer.LookupTaxType(r.TaxType)
	return returnItem{ID: r.ID, AckNo: r.AckNo, Form: r.Form, FormName: r.Doc.FormName, TaxType: r.TaxType, TaxTypeName: tt.Name,
		Period: r.PeriodKey(), PeriodName: r.PeriodName(), PeriodStart: r.Period.Start.String(), PeriodEnd: r.Period.End.String(),
		Version: r.Version, KindName: r.KindName(), Current: r.Current, Zero: r.Zero, Late: r.Late, Deadline: r.Deadline.String(),
		TaxDue: forms.Plain(r.TaxDue), TaxDueFen: r.TaxDue, Difference: forms.Plain(r.Difference), DifferenceFen: r.Difference,
		SHA256: r.SHA256, SubmittedAt: r.SubmittedAt, SubmittedBy: r.SubmittedBy}
}

type returnsPage struct {
	Items []returnItem `json:"items"`
	Next  int64        `json:"next" doc:"下一页的 before 参数；0 表示没有更多"`
}

func viewHistory(p *returns.HistoryPage) returnsPage {
	return returnsPage{Items: mapList(p.Returns, viewReturnItem).Items, Next: p.Next}
}

// returnView is an accepted return in full: the acknowledgement, the
// canonical document as stored and read back, its versions and its log.
type returnView struct {
	ID            int64             `json:"id"`
	AckNo         string            `json:"ack_no" doc:"回执号"`
	TaxpayerID    int64             `json:"taxpayer_id"`
	TaxpayerCode  string            `json:"taxpayer_code" doc:"纳税人识别号（申报文档中的）"`
	TaxpayerName  string            `json:"taxpayer_name"`
	Form          string            `json:"form" enum:"form_codes"`
	FormName      string            `json:"form_name"`
	FormBasis     string            `json:"form_basis" doc:"发布申报表的文件"`
	TaxType       string            `json:"tax_type" enum:"tax_types"`
	TaxTypeName   string            `json:"tax_type_name"`
	Period        string            `json:"period" doc:"所属期：2026Q3 或 2026-09"`
	PeriodName    string            `json:"period_name"`
	PeriodStart   string            `json:"period_start" format:"date"`
	PeriodEnd     string            `json:"period_end" format:"date"`
	Version       int               `json:"version" doc:"1 为正常申报，2 起为更正申报的版本"`
	KindName      string            `json:"kind_name"`
	PreviousID    int64             `json:"previous_id,omitempty" doc:"更正的那一版的 id"`
	Corrects      string            `json:"corrects,omitempty" doc:"更正的那一版的 SHA-256"`
	Current       bool              `json:"current" doc:"是该所属期的最新版本（false：已被更正）"`
	Zero          bool              `json:"zero" doc:"零申报"`
	Late          bool              `json:"late" doc:"逾期申报"`
	Deadline      string            `json:"deadline" format:"date" doc:"申报截止日"`
	TaxDue        string            `json:"tax_due" doc:"应补（退）税费额（元）"`
	TaxDueFen     int64             `json:"tax_due_fen" doc:"应补（退）税费额（分）"`
	Difference    string            `json:"difference" doc:"与上一版本相比的差额（元），即本次产生的应缴（负数为多缴）"`
	DifferenceFen int64             `json:"difference_fen" doc:"差额（分）"`
	SHA256        string            `json:"sha256" doc:"document 的 UTF-8 字节的 SHA-256（十六进制）"`
	RulesVersion  string            `json:"rules_version" doc:"计算所用税收规则的版本"`
	SubmittedAt   time.Time         `json:"submitted_at"`
	SubmittedBy   string            `json:"submitted_by" doc:"提交的用户"`
	Document      string            `json:"document" doc:"申报文档原文：受理时保存的规范化 JSON，逐字节不变"`
	Lines         map[string]string `json:"lines" doc:"申报文档中全部单元格的金额（元），键同申报表的 cells"`
	Entered       map[string]string `json:"entered" doc:"申报文档中纳税人填写的内容，更正时以此为起点"`
	Detail        any               `json:"detail,omitempty" doc:"明细表的计算结果（带明细的申报表）"`
	Versions      []returnItem      `json:"versions" doc:"该所属期的全部版本，最新的在前"`
	Events        []eventView       `json:"events" doc:"该所属期的办理记录，最早的在前"`
}

// eventView is one entry of a period's log.
type eventView struct {
	Kind      string    `json:"kind" enum:"event_kinds"`
	KindName  string    `json:"kind_name"`
	At        time.Time `json:"at"`
	ActorKind string    `json:"actor_kind" enum:"event_actor_kinds"`
	ActorName string    `json:"actor_name" doc:"办理人"`
	ReturnID  int64     `json:"return_id,omitempty" doc:"相关的申报"`
	Note      string    `json:"note,omitempty"`
}

func viewReturn(r *returns.Return, versions []*returns.Return, events []*returns.Event) returnView {
	tt, _ := taxpayer.LookupTaxType(r.TaxType)
	d := r.Doc
	v := returnView{ID: r.ID, AckNo: r.AckNo, TaxpayerID: r.TaxpayerID, TaxpayerCode: d.TaxpayerCode, TaxpayerName: d.TaxpayerName,
		Form: r.Form, FormName: d.FormName, FormBasis: d.FormBasis, TaxType: r.TaxType, TaxTypeName: tt.Name,
		Period: r.PeriodKey(), PeriodName: r.PeriodName(), PeriodStart: r.Period.Start.String(), PeriodEnd: r.Period.End.String(),
		Version: r.Version, KindName: r.KindName(), PreviousID: r.PreviousID, Corrects: d.Corrects, Current: r.Current, Zero: r.Zero,
		Late: r.Late, Deadline: r.Deadline.String(), TaxDue: forms.Plain(r.TaxDue), TaxDueFen: r.TaxDue,
		Difference: forms.Plain(r.Difference), DifferenceFen: r.Difference, SHA256: r.SHA256, RulesVersion: r.RulesVersion,
		SubmittedAt: r.SubmittedAt, SubmittedBy: r.SubmittedBy, Document: r.Canonical,
		Lines: nonNilMap(d.Lines), Entered: nonNilMap(d.Entered), Detail: rawJSON(d.Detail),
		Versions: mapList(versions, viewReturnItem).Items, Events: []eventView{}}
	for _, e := range events {
		v.Events = append(v.Events, eventView{Kind: e.Kind, KindName: e.KindName(), At: e.At, ActorKind: e.ActorKind, ActorName: e.ActorName,
			ReturnID: e.ReturnID, Note: e.Note})
	}
	return v
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// rawJSON decodes stored JSON for a view (nil when there is none).
func rawJSON(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) != nil {
		return nil
	}
	return v
}

// submissionView answers a submission: 201 when it created the return,
// 200 with replayed when the Idempotency-Key was submitted before.
type submissionView struct {
	Replayed bool       `json:"replayed" doc:"true：同一幂等键此前已提交成功（HTTP 200），本次没有新建申报，返回的是那份申报"`
	Return   returnView `json:"return" doc:"受理的申报：回执号、申报文档及其 SHA-256"`
}

func (s submissionView) replayed() bool { return s.Replayed }

// draftView is a form opened for a period: the draft (or nothing yet),
// what earlier returns carry in, and the computation of what is entered.
type draftView struct {
	Form           string            `json:"form" enum:"form_codes"`
	FormName       string            `json:"form_name"`
	Period         string            `json:"period"`
	PeriodName     string            `json:"period_name"`
	PeriodStart    string            `json:"period_start" format:"date"`
	PeriodEnd      string            `json:"period_end" format:"date"`
	Deadline       string            `json:"deadline" format:"date" doc:"申报截止日（含当日）"`
	Saved          bool              `json:"saved" doc:"有保存的草稿；false 时 cells 为空"`
	SavedAt        *time.Time        `json:"saved_at,omitempty"`
	SavedBy        string            `json:"saved_by,omitempty" doc:"最后保存的用户"`
	CorrectionOf   int64             `json:"correction_of,omitempty" doc:"更正草稿：被更正的申报 id"`
	Existing       *returnRef        `json:"existing,omitempty" doc:"该所属期已受理的申报（正常申报已经申报过时）"`
	IdempotencyKey string            `json:"idempotency_key" doc:"提交这份草稿时可用的 Idempotency-Key（网页端提交同一草稿也用它）"`
	Cells          map[string]string `json:"cells" doc:"草稿中填写的单元格，原样保存"`
	Detail         any               `json:"detail,omitempty" doc:"草稿中的明细"`
	Prior          map[string]string `json:"prior" doc:"以前所属期带入的数（本年累计、上期结转），金额（元）"`
	Valid          bool              `json:"valid" doc:"按当前填写可以申报"`
	Errors         map[string]string `json:"errors,omitempty" doc:"需要修改之处，键同 422 的 fields（cells.单元格键）"`
	Preview        *previewView      `json:"preview,omitempty" doc:"按当前填写计算的结果；有误时没有"`
}

type previewView struct {
	Lines     map[string]string `json:"lines" doc:"全部单元格（填写的和计算的）的金额（元）"`
	TaxDue    string            `json:"tax_due" doc:"应补（退）税费额（元）"`
	TaxDueFen int64             `json:"tax_due_fen" doc:"应补（退）税费额（分）"`
	Notes     []string          `json:"notes" doc:"计算说明（如销售额转入免税栏次）"`
	Basis     []string          `json:"basis" doc:"适用的政策依据"`
}

func viewDraft(sh *returns.Sheet) draftView {
	f := sh.Form
	v := draftView{Form: f.Code, FormName: f.Name, Period: sh.Key(), PeriodName: sh.PeriodName(),
		PeriodStart: sh.Period.Start.String(), PeriodEnd: sh.Period.End.String(), Deadline: sh.Deadline.Date.String(),
		Saved: sh.Draft, SavedBy: sh.DraftBy, IdempotencyKey: sh.Token, Cells: map[string]string{},
		Prior: forms.Format(sh.Prior, slices.Sorted(maps.Keys(sh.Prior))), Valid: len(sh.Errors) == 0}
	if sh.Draft {
		at := sh.DraftAt
		v.SavedAt = &at
	}
	if sh.Correcting != nil {
		v.CorrectionOf = sh.Correcting.ID
	}
	if sh.Existing != nil {
		ref := viewRef(sh.Existing)
		v.Existing = &ref
	}
	for k, val := range sh.Cells {
		if k == forms.DetailKey {
			v.Detail = rawJSON([]byte(val))
			continue
		}
		v.Cells[k] = val
	}
	if len(sh.Errors) > 0 {
		v.Errors = map[string]string{}
		for k, msg := range sh.Errors {
			v.Errors[fieldOf(f, k)] = msg
		}
	}
	if v.Valid && sh.Output.Values != nil {
		v.Preview = &previewView{Lines: forms.Format(sh.Output.Values, f.Cells()), TaxDue: forms.Plain(sh.Output.TaxDue), TaxDueFen: sh.Output.TaxDue,
			Notes: nonNil(sh.Output.Notes), Basis: nonNil(sh.Output.Basis)}
	}
	return v
}
