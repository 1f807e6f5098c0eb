package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/forms"
	"taxhall/internal/httpx"
	"taxhall/internal/taxsource"
)

// sourceRoutes are the taxpayer's tax sources (税源信息): buildings and land
// parcels from which the 财产和行为税 returns compute the property tax and
// the urban land use tax, over taxsource.Service like the hall's pages.
func (a *API) sourceRoutes() []route {
	const paging = "按登记顺序分页（游标分页）：返回的 next 非 0 时，以 after=next 查询下一页。"
	const amounts = "金额为元（字符串，最多两位小数），面积为平方米（字符串，最多两位小数）。"
	return []route{
		{Pattern: "GET /my/sources/buildings", Tag: tagMy, Access: TaxpayerUser,
			Summary: "本单位（本人）的房产税源", Doc: paging, Handler: handle(a.myBuildings)},
		{Pattern: "POST /my/sources/buildings", Tag: tagMy, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "登记房产税源", Doc: amounts + "同一坐落地址的房产在终止前只能登记一次（422）。", Handler: handle(a.addMyBuilding)},
		{Pattern: "GET /my/sources/buildings/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "tax_building",
			Summary: "一处房产税源", Handler: handle(a.myBuilding)},
		{Pattern: "PUT /my/sources/buildings/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "tax_building",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "修改房产税源", Doc: amounts + "整体替换；已终止的税源不能修改（409）。已受理的申报不变。", Handler: handle(a.updateMyBuilding)},
		{Pattern: "POST /my/sources/buildings/{id}/end", Tag: tagMy, Access: TaxpayerUser, Object: "tax_building",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "终止房产税源", Doc: "计税到终止日期所在月末；只能终止一次（409）。", Handler: handle(a.endMyBuilding)},
		{Pattern: "GET /my/sources/parcels", Tag: tagMy, Access: TaxpayerUser,
			Summary: "本单位（本人）的土地税源", Doc: paging, Handler: handle(a.myParcels)},
		{Pattern: "POST /my/sources/parcels", Tag: tagMy, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "登记土地税源", Doc: amounts + "土地等级 grade 为所在城市等级代码（厦门市 1–6）；未录入等级税额的城市不能登记（422）。", Handler: handle(a.addMyParcel)},
		{Pattern: "GET /my/sources/parcels/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "tax_parcel",
			Summary: "一块土地税源", Handler: handle(a.myParcel)},
		{Pattern: "PUT /my/sources/parcels/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "tax_parcel",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "修改土地税源", Doc: amounts + "整体替换；已终止的税源不能修改（409）。", Handler: handle(a.updateMyParcel)},
		{Pattern: "POST /my/sources/parcels/{id}/end", Tag: tagMy, Access: TaxpayerUser, Object: "tax_parcel",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "终止土地税源", Doc: "计税到终止日期所在月末；只能终止一次（409）。", Handler: handle(a.endMyParcel)},
	}
}

type sourceQuery struct {
	After int64 `query:"after" min:"0" doc:"上一页返回的 next；不填为第一页"`
	Limit int   `query:"limit" min:"1" max:"200" doc:"每页条数，1 至 200，默认 50"`
}

type buildingView struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name" doc:"坐落地址"`
	Division      string    `json:"division" doc:"所在区县代码（6位）"`
	OriginalValue string    `json:"original_value" doc:"房产原值（元）"`
	Area          string    `json:"area" doc:"建筑面积（平方米）"`
	Usage         string    `json:"usage" doc:"用途：office 办公、production 生产经营、commercial 商业、warehouse 仓储、housing 住房、other 其他"`
	Rented        bool      `json:"rented" doc:"是否出租（从租计征）"`
	AnnualRent    string    `json:"annual_rent" doc:"年租金收入（元，不含增值税）；未出租为 0.00"`
	Residential   bool      `json:"residential" doc:"住房：出租的按4%计征；自然人自有自用的免征"`
	FromDate      string    `json:"from_date" doc:"取得日期 YYYY-MM-DD，自次月起计税"`
	ToDate        string    `json:"to_date" doc:"终止日期 YYYY-MM-DD；持有中为空字符串"`
	Held          bool      `json:"held" doc:"是否仍持有"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func viewBuilding(b *taxsource.Building) buildingView {
	v := buildingView{ID: b.ID, Name: b.Name, Division: b.Division, OriginalValue: forms.Plain(b.OriginalValue), Area: forms.Plain(b.Area),
		Usage: b.Usage, Rented: b.Rented, AnnualRent: forms.Plain(b.AnnualRent), Residential: b.Residential, FromDate: b.From.String(),
		Held: b.Held(), UpdatedAt: b.UpdatedAt}
	if !b.Held() {
		v.ToDate = b.To.String()
	}
	return v
}

type parcelView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name" doc:"坐落地址"`
	Division  string    `json:"division" doc:"所在区县代码（6位）"`
	Area      string    `json:"area" doc:"占用土地面积（平方米）"`
	City      string    `json:"city" doc:"土地等级表所属城市（xiamen）"`
	Grade     string    `json:"grade" doc:"土地等级代码"`
	GradeName string    `json:"grade_name" doc:"土地等级名称"`
	FromDate  string    `json:"from_date" doc:"取得日期 YYYY-MM-DD，自次月起计税"`
	ToDate    string    `json:"to_date" doc:"终止日期 YYYY-MM-DD；持有中为空字符串"`
	Held      bool      `json:"held" doc:"是否仍持有"`
	UpdatedAt time.Time `json:"updated_at"`
}

func viewParcel(p *taxsource.Parcel) parcelView {
	v := parcelView{ID: p.ID, Name: p.Name, Division: p.Division, Area: forms.Plain(p.Area), City: p.City, Grade: p.Grade,
		GradeName: p.GradeName(), FromDate: p.From.String(), Held: p.Held(), UpdatedAt: p.UpdatedAt}
	if !p.Held() {
		v.ToDate = p.To.String()
	}
	return v
}

type buildingPage struct {
	Items []buildingView `json:"items"`
	Next  int64          `json:"next" doc:"下一页的游标（after），0 表示已是最后一页"`
}

type parcelPage struct {
	Items []parcelView `json:"items"`
	Next  int64        `json:"next" doc:"下一页的游标（after），0 表示已是最后一页"`
}

type buildingRequest struct {
	Name          string `json:"name" doc:"坐落地址"`
	Division      string `json:"division" doc:"所在区县代码（6位）"`
	OriginalValue string `json:"original_value" doc:"房产原值（元）"`
	Area          string `json:"area" doc:"建筑面积（平方米）"`
	Usage         string `json:"usage" doc:"用途代码"`
	Rented        bool   `json:"rented" doc:"是否出租"`
	AnnualRent    string `json:"annual_rent" doc:"年租金收入（元，不含增值税）；出租时必填"`
	LetForLiving  bool   `json:"let_for_living" doc:"单位出租给个人用于居住的住房（4%）；自然人的住房自动适用"`
	FromDate      string `json:"from_date" doc:"取得日期 YYYY-MM-DD，不晚于今天"`
}

func (in buildingRequest) input() taxsource.BuildingInput {
	return taxsource.BuildingInput{Name: in.Name, Division: in.Division, OriginalValue: in.OriginalValue, Area: in.Area, Usage: in.Usage,
		Rented: in.Rented, AnnualRent: in.AnnualRent, LetForLiving: in.LetForLiving, From: in.FromDate}
}

type parcelRequest struct {
	Name     string `json:"name" doc:"坐落地址"`
	Division string `json:"division" doc:"所在区县代码（6位）"`
	Area     string `json:"area" doc:"占用土地面积（平方米）"`
	Grade    string `json:"grade" doc:"土地等级代码"`
	FromDate string `json:"from_date" doc:"取得日期 YYYY-MM-DD，不晚于今天"`
}

func (in parcelRequest) input() taxsource.ParcelInput {
	return taxsource.ParcelInput{Name: in.Name, Division: in.Division, Area: in.Area, Grade: in.Grade, From: in.FromDate}
}

type sourceEndRequest struct {
	ToDate string `json:"to_date" doc:"终止日期 YYYY-MM-DD，不早于取得日期，不晚于今天"`
}

func (a *API) myBuildings(ctx context.Context, _ *http.Request, q sourceQuery) (buildingPage, error) {
	p, err := a.Sources.Buildings(ctx, q.After, q.Limit)
	if err != nil {
		return buildingPage{}, err
	}
	out := buildingPage{Items: make([]buildingView, 0, len(p.Items)), Next: p.Next}
	for _, b := range p.Items {
		out.Items = append(out.Items, viewBuilding(b))
	}
	return out, nil
}

func (a *API) addMyBuilding(ctx context.Context, _ *http.Request, in buildingRequest) (buildingView, error) {
	b, err := a.Sources.AddBuilding(ctx, in.input())
	if err != nil {
		return buildingView{}, err
	}
	return viewBuilding(b), nil
}

func (a *API) myBuilding(ctx context.Context, r *http.Request, _ noBody) (buildingView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return buildingView{}, err
	}
	b, err := a.Sources.Building(ctx, id)
	if err != nil {
		return buildingView{}, err
	}
	return viewBuilding(b), nil
}

func (a *API) updateMyBuilding(ctx context.Context, r *http.Request, in buildingRequest) (buildingView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return buildingView{}, err
	}
	b, err := a.Sources.UpdateBuilding(ctx, id, in.input())
	if err != nil {
		return buildingView{}, err
	}
	return viewBuilding(b), nil
}

func (a *API) endMyBuilding(ctx context.Context, r *http.Request, in sourceEndRequest) (buildingView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return buildingView{}, err
	}
	b, err := a.Sources.EndBuilding(ctx, id, in.ToDate)
	if err != nil {
		return buildingView{}, err
	}
	return viewBuilding(b), nil
}

func (a *API) myParcels(ctx context.Context, _ *http.Request, q sourceQuery) (parcelPage, error) {
	p, err := a.Sources.Parcels(ctx, q.After, q.Limit)
	if err != nil {
		return parcelPage{}, err
	}
	out := parcelPage{Items: make([]parcelView, 0, len(p.Items)), Next: p.Next}
	for _, pc := range p.Items {
		out.Items = append(out.Items, viewParcel(pc))
	}
	return out, nil
}

func (a *API) addMyParcel(ctx context.Context, _ *http.Request, in parcelRequest) (parcelView, error) {
	p, err := a.Sources.AddParcel(ctx, in.input())
	if err != nil {
		return parcelView{}, err
	}
	return viewParcel(p), nil
}

func (a *API) myParcel(ctx context.Context, r *http.Request, _ noBody) (parcelView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return parcelView{}, err
	}
	p, err := a.Sources.Parcel(ctx, id)
	if err != nil {
		return parcelView{}, err
	}
	return viewParcel(p), nil
}

func (a *API) updateMyParcel(ctx context.Context, r *http.Request, in parcelRequest) (parcelView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return parcelView{}, err
	}
	p, err := a.Sources.UpdateParcel(ctx, id, in.input())
	if err != nil {
		return parcelView{}, err
	}
	return viewParcel(p), nil
}

func (a *API) endMyParcel(ctx context.Context, r *http.Request, in sourceEndRequest) (parcelView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return parcelView{}, err
	}
	p, err := a.Sources.EndParcel(ctx, id, in.ToDate)
	if err != nil {
		return parcelView{}, err
	}
	return viewParcel(p), nil
}
