package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

func (a *API) taxpayerRoutes() []route {
	return []route{
		{Pattern: "GET /taxpayers", Tag: tagTaxpayers, Access: StaffUser,
			Summary: "查询本局管辖的纳税人",
			Doc:     "列表中的个人信息已脱敏：自然人的纳税人识别号（居民身份证号码）和法定代表人身份证号码只显示前 6 位和后 4 位，电话隐藏中间 4 位；完整信息请查询单个纳税人。",
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
			Doc:     "同一税种在有效期内不能重复认定，增值税小规模纳税人与一般纳税人认定不能重叠，须先终止原认定。新办待认定的纳税人首次认定后转为正常。",
			Handler: handle(a.identify)},
		{Pattern: "POST /taxpayers/{id}/identifications/{iid}/end", Tag: tagTaxpayers, Access: StaffUser, Object: "taxpayer",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "终止税种认定（窗口受理、审核人员）", Handler: handle(a.endIdentification)},
	}
}

type taxpayerQuery struct {
	Q        string `query:"q" doc:"纳税人识别号或名称的一部分"`
	Status   string `query:"status" enum:"statuses" doc:"纳税人状态"`
	Kind     string `query:"kind" enum:"taxpayer_kinds" doc:"纳税人类型"`
	Page     int    `query:"page" min:"1" max:"10000" doc:"页码，从 1 开始，默认 1，最大 10000"`
	PageSize int    `query:"page_size" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

type taxpayerPage struct {
	Items    []taxpayerItem `json:"items"`
	Total    int            `json:"total" doc:"符合条件的总数"`
	Page     int            `json:"page"`
	PageSize int            `json:"page_size"`
	Pages    int            `json:"pages" doc:"总页数"`
}

func (a *API) searchTaxpayers(ctx context.Context, _ *http.Request, q taxpayerQuery) (taxpayerPage, error) {
	p, err := a.Taxpayers.Search(ctx, taxpayer.Filter{Query: q.Q, Status: q.Status, Kind: q.Kind, Page: q.Page, PageSize: q.PageSize})
	if err != nil {
		return taxpayerPage{}, err
	}
	return taxpayerPage{Items: mapList(p.Items, viewTaxpayerItem).Items, Total: p.Total, Page: p.Page, PageSize: p.PageSize, Pages: p.Pages()}, nil
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
