package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/forms"
	"taxhall/internal/httpx"
	"taxhall/internal/returns"
)

// Returns: the form definitions (public), my periods, drafts, submission
// with an Idempotency-Key, corrections and the history, and the staff's
// view of a return. Every handler calls the same returns.Service methods
// as the pages under /hall/returns; the form definitions come from package
// forms, so a new form needs no new endpoint.

const tagReturns = "纳税申报"

// Path values of the returns routes: codes, not ids.
var (
	formCodeValue = pathValue{Name: "code", Doc: "申报表代码，见 GET /api/v1/forms", Pattern: `^[a-z0-9_]{1,32}$`, Example: "vat_small"}
	formValue     = pathValue{Name: "form", Doc: "申报表代码，见 GET /api/v1/forms", Pattern: `^[a-z0-9_]{1,32}$`, Example: "vat_small"}
	periodValue   = pathValue{Name: "period", Doc: "所属期：季度如 2026Q3，月份如 2026-09，年度如 2025（年度汇算）",
		Pattern: `^[0-9]{4}(Q[1-4]|-(0[1-9]|1[0-2]))?$`, Example: "2025Q2"}
)

// cellsDoc explains the cells of a request, for the document.
const cellsDoc = "填写的单元格：键为申报表定义中 entered 列出的键（如 1.goods，即第1栏“货物及劳务”列），" +
	"值为金额（元）字符串，如 \"300000.00\"，可带千分位逗号；空字符串或省略为 0。计算栏次、不存在的键和超过 32 个字符的值返回 422。\n\n"

func (a *API) returnRoutes() []route {
	draftValues := []pathValue{formValue, periodValue}
	return []route{
		{Pattern: "GET /forms", Tag: tagReturns, Access: Public,
			Summary: "申报表定义",
			Doc:     "网上可申报的全部申报表：栏次（与纸质表一致）、栏目、每个单元格由纳税人填写（entered）还是系统计算（computed）、单元格的键。提交申报和保存草稿时 cells 的键即这些键。",
			Handler: handle(a.listForms)},
		{Pattern: "GET /forms/{code}", Tag: tagReturns, Access: Public, Values: []pathValue{formCodeValue},
			Summary: "一张申报表的定义", Doc: "没有这张申报表时返回 404。", Handler: handle(a.getForm)},
		{Pattern: "GET /my/periods", Tag: tagReturns, Access: TaxpayerUser,
			Summary: "我的征期：各税种各所属期的申报截止日和申报状态",
			Doc:     "按税种认定列出从上一年 1 月起到今天的各所属期，截止日最近的在前：截止日、距截止日天数（负数为已逾期）、状态、已申报的申报 id 和回执号、是否有草稿。暂不支持网上申报的税种状态为 no_form，没有 form。",
			Handler: handle(a.myPeriods)},
		{Pattern: "GET /my/returns", Tag: tagReturns, Access: TaxpayerUser,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "我的申报记录（最新的在前）",
			Doc:     "包括各更正版本。按 id 倒序分页：下一页以上一页返回的 next 作为 before 参数；next 为 0 表示没有更多。",
			Handler: handle(a.myReturns)},
		{Pattern: "GET /my/returns/{id}", Tag: tagReturns, Access: TaxpayerUser, Object: "return",
			Summary: "查看一份申报：回执、申报文档及其 SHA-256、各版本和办理记录",
			Doc:     "document 为受理时保存的申报文档原文（规范化 JSON），sha256 为其 SHA-256（十六进制）：对 document 的 UTF-8 字节计算即可核对。其他纳税人的申报返回 404。",
			Handler: handle(a.myReturn)},
		{Pattern: "POST /my/returns", Tag: tagReturns, Access: TaxpayerUser, Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "申报（正常申报、零申报）",
			Doc: cellsDoc + "必须带 Idempotency-Key 请求头（缺少或格式不对返回 400）。受理后返回 201 和回执；用同一幂等键重复提交（如网络中断后重试，或两个请求同时到达）返回 200 和同一份回执（replayed 为 true），不会产生第二份申报。" +
				"填写有误返回 422，fields 按单元格给出说明，键为 cells.单元格键（如 cells.2.goods），明细为 detail；有误的申报不保存，如需保留请先保存草稿。" +
				"该所属期已经申报过（另一个幂等键）返回 409，error.existing 给出已受理申报的 id 和回执号，如需修改请办理更正申报；同一幂等键用于另一申报表、所属期或更正时也返回 409。" +
				"申报成功后该所属期的草稿删除。办税人员、财务负责人和法定代表人可以申报，代理人不能（403）。",
			Handler: handle(a.submitReturn)},
		{Pattern: "POST /my/returns/{id}/corrections", Tag: tagReturns, Access: TaxpayerUser, Object: "return", Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "更正申报",
			Doc: "更正 {id}（须为该所属期的最新一份申报），提交更正后的全部填写栏次。与申报相同：必须带 Idempotency-Key，首次 201，同一幂等键重复 200 且只产生一个新版本；" +
				"{id} 已不是最新版本（已被更正）返回 409。只有法定代表人和财务负责人可以更正（403）。更正不改变原申报是否逾期；差额计入 difference。",
			Handler: handle(a.correctReturn)},
		{Pattern: "GET /my/drafts/{form}/{period}", Tag: tagReturns, Access: TaxpayerUser, Values: draftValues,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "打开申报表：草稿、以前所属期带入的数和计算预览",
			Doc: "有草稿时返回草稿（saved 为 true），否则为空表。preview 为按当前填写计算的全部栏次，errors 为需要修改之处（键同 422 的 fields）。" +
				"该所属期已申报时 existing 给出那份申报。更正草稿须带 correction_of。没有该税种认定或所属期尚未结束返回 422。",
			Handler: handle(a.getDraft)},
		{Pattern: "PUT /my/drafts/{form}/{period}", Tag: tagReturns, Access: TaxpayerUser, Values: draftValues,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "保存草稿（整体替换）",
			Doc: "以提交的 cells 替换该所属期的草稿，本单位其他有权限的用户也能继续填写。金额或勾稽关系有误时草稿照样保存，返回 200，errors 说明需要修改之处；" +
				"只有计算栏次、不存在的键和过长的值返回 422，不保存。该所属期已经申报过时返回 409（error.existing），请改为更正草稿（correction_of）。" +
				"idempotency_key 可作为提交这份草稿时的 Idempotency-Key：网页端提交同一草稿使用同一幂等键，两端重复提交只会产生一份申报。",
			Handler: handle(a.saveDraft)},
		{Pattern: "DELETE /my/drafts/{form}/{period}", Tag: tagReturns, Access: TaxpayerUser, Values: draftValues,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "删除草稿", Doc: "没有草稿时同样返回 204。", Handler: handle(a.discardDraft)},
		{Pattern: "GET /returns/{id}", Tag: tagTaxpayers, Access: StaffUser, Object: "return",
			Summary: "查看纳税人的一份申报（税务人员）",
			Doc:     "内容同 GET /api/v1/my/returns/{id}。不在本局管辖范围内的纳税人的申报返回 404。", Handler: handle(a.staffReturn)},
		{Pattern: "GET /taxpayers/{id}/returns", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "查询纳税人的申报记录（税务人员）",
			Doc:     "参数和分页同 GET /api/v1/my/returns。不在本局管辖范围内的纳税人返回 404。", Handler: handle(a.taxpayerReturns)},
	}
}

// returnEnums are the enum sets of the returns views (see enumSets).
func returnEnums() map[string][]string {
	var codes []string
	for _, f := range forms.All() {
		codes = append(codes, f.Code)
	}
	keys := func(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
	return map[string][]string{
		"form_codes":        codes,
		"cell_kinds":        {cellEntered, cellComputed, cellAbsent},
		"period_statuses":   keys(returns.StatusNames),
		"history_statuses":  {"current", "late", "corrected"},
		"event_kinds":       keys(returns.EventNames),
		"event_actor_kinds": {"taxpayer", "staff", "system"},
		"deadline_sources":  {"computed", "official"},
	}
}

func (a *API) listForms(_ context.Context, _ *http.Request, _ noBody) (list[formView], error) {
	return mapList(forms.All(), viewForm), nil
}

func (a *API) getForm(_ context.Context, r *http.Request, _ noBody) (formView, error) {
	f, ok := forms.Lookup(r.PathValue("code"))
	if !ok {
		return formView{}, errNoForm
	}
	return viewForm(f), nil
}

var errNoForm = apperr.New(apperr.NotFound, "没有这种申报表，可申报的申报表见 GET /api/v1/forms")

func (a *API) myPeriods(ctx context.Context, _ *http.Request, _ noBody) (list[periodView], error) {
	dues, err := a.Returns.MyPeriods(ctx)
	if err != nil {
		return list[periodView]{}, err
	}
	return mapList(dues, viewDue), nil
}

type historyQuery struct {
	TaxType string `query:"tax_type" enum:"tax_types" doc:"税（费）种代码"`
	Year    int    `query:"year" min:"2000" max:"2100" doc:"所属期的年度"`
	Status  string `query:"status" enum:"history_statuses" doc:"current 有效（各所属期的最新版本），late 逾期申报，corrected 已被更正的版本"`
	Before  int64  `query:"before" min:"1" doc:"上一页返回的 next，不填为最新一页"`
	Limit   int    `query:"limit" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

func (q historyQuery) filter() returns.HistoryFilter {
	return returns.HistoryFilter{TaxType: q.TaxType, Year: q.Year, Status: q.Status, Before: q.Before, Limit: q.Limit}
}

func (a *API) myReturns(ctx context.Context, _ *http.Request, q historyQuery) (returnsPage, error) {
	p, err := a.Returns.History(ctx, q.filter())
	if err != nil {
		return returnsPage{}, err
	}
	return viewHistory(p), nil
}

func (a *API) taxpayerReturns(ctx context.Context, r *http.Request, q historyQuery) (returnsPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return returnsPage{}, err
	}
	p, err := a.Returns.TaxpayerHistory(ctx, id, q.filter())
	if err != nil {
		return returnsPage{}, err
	}
	return viewHistory(p), nil
}

func (a *API) myReturn(ctx context.Context, r *http.Request, _ noBody) (returnView, error) {
	return a.oneReturn(ctx, r)
}

func (a *API) staffReturn(ctx context.Context, r *http.Request, _ noBody) (returnView, error) {
	return a.oneReturn(ctx, r)
}

// oneReturn is the return {id} with its versions and events; Get scopes it
// to its taxpayer's users and the staff of its bureau subtree.
func (a *API) oneReturn(ctx context.Context, r *http.Request) (returnView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return returnView{}, err
	}
	ret, err := a.Returns.Get(ctx, id)
	if err != nil {
		return returnView{}, err
	}
	return a.viewReturnFull(ctx, ret)
}

func (a *API) viewReturnFull(ctx context.Context, ret *returns.Return) (returnView, error) {
	vs, err := a.Returns.Versions(ctx, ret)
	if err != nil {
		return returnView{}, err
	}
	evs, err := a.Returns.Events(ctx, ret)
	if err != nil {
		return returnView{}, err
	}
	return viewReturn(ret, vs, evs), nil
}

// submitRequest is an original return or a zero return.
type submitRequest struct {
	Form   string            `json:"form" enum:"form_codes" doc:"申报表代码"`
	Period string            `json:"period" doc:"所属期：季度如 2026Q3，月份如 2026-09，年度如 2025（年度汇算 iit_annual）"`
	Cells  map[string]string `json:"cells,omitempty" doc:"填写的单元格（零申报时不填）。键为申报表定义中 entered 列出的键，值为金额（元）字符串"`
	Detail any               `json:"detail,omitempty" doc:"明细（仅 detail 为 true 的申报表）：POST /api/v1/my/returns/import 返回的 detail 解析后的 JSON 数组（不超过 2000 字的也可以原样以字符串提交）"`
	Zero   bool              `json:"zero,omitempty" doc:"零申报：不填写任何栏次；仅 zero 为 true 的申报表，且本期不能有应纳税额"`
}

// correctionRequest is the corrected return: every entered cell again.
type correctionRequest struct {
	Cells  map[string]string `json:"cells" doc:"更正后的全部填写单元格（不是差额）。键为申报表定义中 entered 列出的键，值为金额（元）字符串"`
	Detail any               `json:"detail,omitempty" doc:"明细（仅 detail 为 true 的申报表），同申报"`
}

// idempotencyKey reads the required Idempotency-Key header.
func idempotencyKey(r *http.Request) (string, error) {
	const field = "Idempotency-Key"
	k := r.Header.Get(field)
	msg := "请在 Idempotency-Key 请求头中提供幂等键：8至64位字母、数字、“-”或“_”，每份申报生成一个（如 UUID），重试时使用同一个"
	if k == "" {
		return "", &apperr.Error{Code: apperr.BadRequest, Message: msg, Fields: map[string]string{field: "缺少幂等键"}}
	}
	if err := returns.CheckKey(k); err != nil {
		return "", &apperr.Error{Code: apperr.BadRequest, Message: msg, Fields: map[string]string{field: "幂等键应为8至64位字母、数字、“-”或“_”"}}
	}
	return k, nil
}

func (a *API) submitReturn(ctx context.Context, r *http.Request, in submitRequest) (submissionView, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return submissionView{}, err
	}
	f, ok := forms.Lookup(in.Form)
	if !ok {
		return submissionView{}, apperr.InvalidField("form", "没有这种申报表，可申报的申报表见 GET /api/v1/forms")
	}
	if in.Zero && (in.Detail != nil || filledIn(in.Cells)) {
		return submissionView{}, apperr.InvalidField("zero", "零申报不填写任何栏次：请去掉 cells 和 detail，或将 zero 设为 false")
	}
	raw, err := requestCells(f, in.Cells, in.Detail)
	if err != nil {
		return submissionView{}, err
	}
	sub, err := a.Returns.Submit(ctx, f.Code, in.Period, raw, key, 0, in.Zero)
	if err != nil {
		return submissionView{}, apiFields(f, err)
	}
	return a.submission(ctx, sub, f.Code, in.Period, 0)
}

func (a *API) correctReturn(ctx context.Context, r *http.Request, in correctionRequest) (submissionView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return submissionView{}, err
	}
	// Who may see the return is decided before anything about the request:
	// another taxpayer's user learns nothing, not even a missing header.
	old, err := a.Returns.Get(ctx, id)
	if err != nil {
		return submissionView{}, err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return submissionView{}, err
	}
	f := old.FormDef()
	if f == nil {
		return submissionView{}, apperr.New(apperr.Conflict, "这种申报表已不能网上申报，请到办税服务厅办理更正")
	}
	raw, err := requestCells(f, in.Cells, in.Detail)
	if err != nil {
		return submissionView{}, err
	}
	sub, err := a.Returns.Submit(ctx, old.Form, old.PeriodKey(), raw, key, id, false)
	if err != nil {
		return submissionView{}, apiFields(f, err)
	}
	return a.submission(ctx, sub, old.Form, old.PeriodKey(), id)
}

// submission answers an accepted submission. A replay must be of the same
// request: a key used before for another form, period or correction is a
// client's mistake that would otherwise show it a return it did not mean.
func (a *API) submission(ctx context.Context, sub *returns.Submission, form, period string, correctionOf int64) (submissionView, error) {
	r := sub.Return
	if !sub.Created && (r.Form != form || r.PeriodKey() != period || r.PreviousID != correctionOf) {
		return submissionView{}, apperr.New(apperr.Conflict, fmt.Sprintf("该幂等键已用于%s%s的%s（回执号 %s），请为这次申报生成新的幂等键",
			r.PeriodName(), formShort(r), r.KindName(), r.AckNo))
	}
	v, err := a.viewReturnFull(ctx, r)
	if err != nil {
		return submissionView{}, err
	}
	return submissionView{Replayed: !sub.Created, Return: v}, nil
}

func formShort(r *returns.Return) string {
	if f := r.FormDef(); f != nil {
		return f.Short
	}
	return r.Form
}

// maxCell bounds an entered amount as typed (the drafts keep no more).
const maxCell = 32

// requestCells checks a request's cells against the form: only entered
// cells, each of at most maxCell characters, the detail only on a detail
// form. It returns the map the returns service takes, the detail as JSON
// under forms.DetailKey. Bad amounts are the service's to find.
func requestCells(f *forms.Form, cells map[string]string, detail any) (map[string]string, error) {
	entered, all := map[string]bool{}, map[string]bool{}
	for _, k := range f.EnteredCells() {
		entered[k] = true
	}
	for _, k := range f.Cells() {
		all[k] = true
	}
	errs := apperr.Fields{}
	raw := make(map[string]string, len(cells)+1)
	for k, v := range cells {
		switch {
		case entered[k]:
			if len([]rune(strings.TrimSpace(v))) > maxCell {
				errs.Add("cells."+k, fmt.Sprintf("%s：金额不能超过 %d 个字符", f.Label(k), maxCell))
			}
			raw[k] = v
		case all[k]:
			errs.Add("cells."+k, f.Label(k)+"由系统计算，不能填写")
		default:
			errs.Add("cells."+k, "申报表没有可填写的单元格 "+k+"，可填写的键见 GET /api/v1/forms/"+f.Code+" 的 entered")
		}
	}
	if detail != nil {
		if f.DetailMax == 0 {
			errs.Add("detail", "这种申报表没有明细，请去掉 detail")
		} else {
			// The detail travels as JSON; the detail string that
			// POST /my/returns/import answers is accepted as it is.
			if text, ok := detail.(string); ok {
				if !json.Valid([]byte(text)) {
					errs.Add("detail", "明细应为 JSON（如 POST /api/v1/my/returns/import 返回的 detail）")
				}
				raw[forms.DetailKey] = text
			} else {
				b, err := json.Marshal(detail)
				if err != nil {
					return nil, err
				}
				raw[forms.DetailKey] = string(b)
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return raw, nil
}

// filledIn reports whether any cell holds more than blanks.
func filledIn(cells map[string]string) bool {
	for _, v := range cells {
		if strings.TrimSpace(v) != "" {
			return true
		}
	}
	return false
}

// apiFields renames the fields of a returns service's Invalid error to the
// request's names: a cell key k becomes cells.k, the detail detail.
func apiFields(f *forms.Form, err error) error {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Invalid || len(e.Fields) == 0 {
		return err
	}
	fields := make(apperr.Fields, len(e.Fields))
	for k, msg := range e.Fields {
		fields[fieldOf(f, k)] = msg
	}
	return &apperr.Error{Code: e.Code, Message: e.Message, Fields: fields, Err: err}
}

func fieldOf(f *forms.Form, key string) string {
	if key == forms.DetailKey {
		return "detail"
	}
	if slices.Contains(f.Cells(), key) {
		return "cells." + key
	}
	return key
}

// errorExtras adds to an error body what the error carries beyond its
// code: a second original names the return already filed.
func errorExtras(err error, d *errorDetail) {
	var filed *returns.AlreadyFiled
	if errors.As(err, &filed) && filed.Return != nil {
		ref := viewRef(filed.Return)
		d.Existing = &ref
	}
}

// Drafts.

type draftQuery struct {
	CorrectionOf int64 `query:"correction_of" min:"1" doc:"打开更正草稿：被更正的申报 id（该所属期的最新一份）"`
}

// draftRequest replaces a period's draft.
type draftRequest struct {
	Cells        map[string]string `json:"cells" doc:"填写的单元格，整体替换草稿。键为申报表定义中 entered 列出的键，值为金额（元）字符串，可以暂时有误"`
	Detail       any               `json:"detail,omitempty" doc:"明细（仅 detail 为 true 的申报表），同申报"`
	CorrectionOf int64             `json:"correction_of,omitempty" doc:"更正草稿：被更正的申报 id（该所属期的最新一份）；不填为正常申报的草稿"`
}

// openSheet opens the period's form, or the correction of correctionOf,
// which must be of the path's form and period.
func (a *API) openSheet(ctx context.Context, r *http.Request, correctionOf int64) (*returns.Sheet, error) {
	form, period := r.PathValue("form"), r.PathValue("period")
	if _, ok := forms.Lookup(form); !ok {
		return nil, errNoForm
	}
	if correctionOf == 0 {
		return a.Returns.Open(ctx, form, period)
	}
	sh, err := a.Returns.OpenCorrection(ctx, correctionOf)
	if err != nil {
		return nil, err
	}
	if sh.Form.Code != form || sh.Key() != period {
		return nil, apperr.InvalidField("correction_of", fmt.Sprintf("申报 %d 是%s%s的申报，与地址中的申报表和所属期不一致", correctionOf, sh.PeriodName(), sh.Form.Short))
	}
	return sh, nil
}

func (a *API) getDraft(ctx context.Context, r *http.Request, q draftQuery) (draftView, error) {
	sh, err := a.openSheet(ctx, r, q.CorrectionOf)
	if err != nil {
		return draftView{}, err
	}
	return viewDraft(sh), nil
}

func (a *API) saveDraft(ctx context.Context, r *http.Request, in draftRequest) (draftView, error) {
	sh, err := a.openSheet(ctx, r, in.CorrectionOf)
	if err != nil {
		return draftView{}, err
	}
	if sh.Existing != nil {
		return draftView{}, &returns.AlreadyFiled{Return: sh.Existing}
	}
	raw, err := requestCells(sh.Form, in.Cells, in.Detail)
	if err != nil {
		return draftView{}, err
	}
	// The draft keeps its idempotency key across saves (a new draft gets
	// the one Open made), so a submission of it by page or API is one.
	saved, err := a.Returns.SaveDraft(ctx, sh.Form.Code, sh.Key(), raw, sh.Token, in.CorrectionOf)
	if err != nil {
		return draftView{}, apiFields(sh.Form, err)
	}
	return viewDraft(saved), nil
}

func (a *API) discardDraft(ctx context.Context, r *http.Request, _ noBody) (noContent, error) {
	form := r.PathValue("form")
	if _, ok := forms.Lookup(form); !ok {
		return noContent{}, errNoForm
	}
	return noContent{}, a.Returns.DiscardDraft(ctx, form, r.PathValue("period"))
}
