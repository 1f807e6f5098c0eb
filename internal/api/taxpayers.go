package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

func (a *API) taxpayerRoutes() []route {
	return []route{
		{Pattern: "GET /taxpayers", Tag: tagTaxpayers, Access: StaffUser, Errors: []apperr.Code{apperr.Invalid},
			Summary: "查询本局管辖的纳税人",
			Doc:     "按登记时间从新到旧分页（翻页位置 next/prev，不支持跳页）；完整的纳税人识别号精确查找。列表中的个人信息已脱敏：自然人的纳税人识别号（居民身份证号码）和法定代表人身份证号码只显示前 6 位和后 4 位，电话隐藏中间 4 位；完整信息请查询单个纳税人。",
			Handler: handle(a.searchTaxpayers)},
		{Pattern: "GET /taxpayers/{id}", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Summary: "查询纳税人登记信息及税种认定",
			Doc:     "返回完整登记信息（不脱敏）。不在本局管辖范围内的纳税人返回 404。",
			Handler: handle(a.getTaxpayer)},
		{Pattern: "GET /taxpayers/{id}/identifications", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Summary: "查询纳税人的税种认定", Handler: handle(a.identifications)},
		{Pattern: "POST /taxpayers/{id}/identifications", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer", Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "税种认定（窗口受理、审核人员）",
			Doc:     "同一税种在有效期内不能重复认定，增值税小规模纳税人与一般纳税人认定不能重叠，须先终止原认定。认定不改变纳税人状态：新办待认定的纳税人在办结认定（identification-complete）后才转为正常。",
			Handler: handle(a.identify)},
		{Pattern: "GET /taxpayers/{id}/identification-suggestions", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Summary: "查询纳税人的常用税种认定组合（窗口受理、审核人员）",
			Doc:     "按纳税人类型（单位、个体工商户、自然人）和所属行业给出常用的税（费）种、申报期限和理由；checked 为默认勾选，有效期起默认为登记日期。已有有效认定的税种给出 identified 且不勾选。",
			Handler: handle(a.identificationSuggestions)},
		{Pattern: "POST /taxpayers/{id}/identifications/batch", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer", Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "批量税种认定（窗口受理、审核人员）",
			Doc:     "在一个事务中认定多个税（费）种：全部成功或全部不认定。每项的检查与单项认定相同，同组税种（增值税小规模与一般纳税人）不能同时提交。出错时 fields 的键为 items.序号.字段（序号从 0 开始），说明以该项的税种名称开头。",
			Handler: handle(a.identifyBatch)},
		{Pattern: "POST /taxpayers/{id}/identification-complete", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "办结新办纳税人的税种认定（窗口受理、审核人员）",
			Doc:     "新办待认定 → 正常，纳税人移出新办待认定待办。须至少有一项有效认定（否则 422）；纳税人不是新办待认定状态时返回 409。办结后仍可新增或终止认定。",
			Handler: handle(a.completeIdentification)},
		{Pattern: "POST /taxpayers/{id}/identifications/{iid}/end", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "终止税种认定（窗口受理、审核人员）", Handler: handle(a.endIdentification)},
	}
}

type taxpayerQuery struct {
	Q        string `query:"q" doc:"完整的纳税人识别号（精确查找），或名称、识别号的一部分"`
	Status   string `query:"status" enum:"statuses" doc:"纳税人状态"`
	Kind     string `query:"kind" enum:"taxpayer_kinds" doc:"纳税人类型"`
	After    string `query:"after" doc:"翻页位置：上一次结果的 next，取更早登记的一页"`
	Before   string `query:"before" doc:"翻页位置：上一次结果的 prev，取更晚登记的一页"`
	PageSize int    `query:"page_size" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

type taxpayerPage struct {
	Items     []taxpayerItem `json:"items" doc:"按登记时间从新到旧排列"`
	Total     *int           `json:"total" doc:"符合条件的户数，最多数到 10000（超过时 total_over 为 true）；按名称或识别号的一部分查询且结果多于一页时不计数，为 null"`
	TotalOver bool           `json:"total_over" doc:"符合条件的超过 10000 户"`
	Next      string         `json:"next,omitempty" doc:"下一页（更早登记）的翻页位置，作为 after 传入；没有下一页时省略"`
	Prev      string         `json:"prev,omitempty" doc:"上一页（更晚登记）的翻页位置，作为 before 传入；已是最新一页时省略"`
	PageSize  int            `json:"page_size"`
}

func (a *API) searchTaxpayers(ctx context.Context, _ *http.Request, q taxpayerQuery) (taxpayerPage, error) {
	p, err := a.Taxpayers.Search(ctx, taxpayer.Filter{Query: q.Q, Status: q.Status, Kind: q.Kind, After: q.After, Before: q.Before, PageSize: q.PageSize})
	if err != nil {
		return taxpayerPage{}, err
	}
	out := taxpayerPage{Items: mapList(p.Items, viewTaxpayerItem).Items, TotalOver: p.Over, Next: p.Next, Prev: p.Prev, PageSize: p.PageSize}
	if p.Counted {
		out.Total = &p.Total
	}
	return out, nil
}

func (a *API) getTaxpayer(ctx context.Context, r *http.Request, _ noBody) (taxpayerDetail, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taxpayerDetail{}, err
	}
	t, idents, err := a.Taxpayers.Record(ctx, id)
	if err != nil {
		return taxpayerDetail{}, err
	}
	return detail(t, idents), nil
}

func (a *API) identifications(ctx context.Context, r *http.Request, _ noBody) (list[identificationView], error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return list[identificationView]{}, err
	}
	idents, err := a.Taxpayers.Identifications(ctx, id)
	if err != nil {
		return list[identificationView]{}, err
	}
	return mapList(idents, viewIdentification), nil
}

type identifyRequest struct {
	TaxType   string `json:"tax_type" enum:"tax_types" doc:"税（费）种代码，见 /api/v1/reference/tax-types"`
	Period    string `json:"period" enum:"periods" doc:"申报期限"`
	StartDate string `json:"start_date" format:"date" doc:"有效期起，格式 2026-01-01，不早于登记日期"`
}

func (a *API) identify(ctx context.Context, r *http.Request, in identifyRequest) (identificationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return identificationView{}, err
	}
	i, err := a.Taxpayers.Identify(ctx, id, taxpayer.IdentifyInput{TaxType: in.TaxType, Period: in.Period, StartDate: in.StartDate})
	if err != nil {
		return identificationView{}, err
	}
	return viewIdentification(i), nil
}

type endRequest struct {
	EndDate string `json:"end_date" format:"date" doc:"有效期止（含当日），格式 2026-12-31"`
}

func (a *API) endIdentification(ctx context.Context, r *http.Request, in endRequest) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	iid, err := httpx.PathID(r, "iid")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Taxpayers.EndIdentification(ctx, id, iid, in.EndDate)
}

// suggestionView is one line of the usual identification set.
type suggestionView struct {
	TaxType     string `json:"tax_type" enum:"tax_types"`
	TaxTypeName string `json:"tax_type_name"`
	Period      string `json:"period" enum:"periods" doc:"常用的申报期限"`
	PeriodName  string `json:"period_name"`
	StartDate   string `json:"start_date" format:"date" doc:"建议的有效期起：登记日期"`
	Checked     bool   `json:"checked" doc:"是否默认勾选"`
	Reason      string `json:"reason" doc:"建议（或不默认勾选）的理由"`
	Identified  string `json:"identified,omitempty" doc:"已有的同组有效认定，如“增值税（小规模纳税人） 按季 自 2026-11-02”；有此字段时不应再认定"`
}

func (a *API) identificationSuggestions(ctx context.Context, r *http.Request, _ noBody) (list[suggestionView], error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return list[suggestionView]{}, err
	}
	_, sg, err := a.Taxpayers.Suggestions(ctx, id)
	if err != nil {
		return list[suggestionView]{}, err
	}
	return mapList(sg, func(s taxpayer.Suggestion) suggestionView {
		return suggestionView{TaxType: s.TaxType, TaxTypeName: s.TaxTypeName(), Period: s.Period, PeriodName: auth.NameOf(taxpayer.Periods, s.Period),
			StartDate: s.StartDate, Checked: s.Checked, Reason: s.Why, Identified: s.Identified}
	}), nil
}

type identifyBatchRequest struct {
	Items []identifyRequest `json:"items" doc:"要认定的税（费）种，至少 1 项"`
}

func (a *API) identifyBatch(ctx context.Context, r *http.Request, in identifyBatchRequest) (list[identificationView], error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return list[identificationView]{}, err
	}
	items := make([]taxpayer.IdentifyInput, len(in.Items))
	for i, it := range in.Items {
		items[i] = taxpayer.IdentifyInput{TaxType: it.TaxType, Period: it.Period, StartDate: it.StartDate}
	}
	done, err := a.Taxpayers.IdentifyBatch(ctx, id, items)
	if err != nil {
		return list[identificationView]{}, err
	}
	return mapList(done, viewIdentification), nil
}

func (a *API) completeIdentification(ctx context.Context, r *http.Request, _ noBody) (taxpayerView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taxpayerView{}, err
	}
	t, err := a.Taxpayers.CompleteIdentification(ctx, id)
	if err != nil {
		return taxpayerView{}, err
	}
	return viewTaxpayer(t), nil
}
