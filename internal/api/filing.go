package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
)

// The clerks' filing board over the API: the not-filed list (未申报户) of a
// form and period for the staff member's bureau subtree, the same
// returns.Service.NotFiled as the page /staff/filing.

func (a *API) filingRoutes() []route {
	return []route{
		{Pattern: "GET /filing/{form}/{period}/not-filed", Tag: tagReturns, Access: StaffUser, Values: []pathValue{formValue, periodValue},
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "未申报户（税务人员）",
			Doc: "本局及下级税务局管辖的纳税人中，税种认定需要申报该所属期而尚未申报的（停业期间覆盖整个所属期的除外），按纳税人 id 顺序。" +
				"分页：下一页以上一页返回的 next 作为 after 参数；next 为 0 表示没有更多。其他税务局管辖的纳税人不会出现。" +
				"reminded 为该所属期已催报。申报监控岗位（窗口受理、审核、厅主管、风险分析、管理员）可查看，其他岗位 403。",
			Handler: handle(a.notFiled)},
	}
}

type notFiledQuery struct {
	After int64 `query:"after" min:"1" doc:"上一页返回的 next，不填为第一页"`
	Limit int   `query:"limit" min:"1" max:"200" doc:"每页户数，1 至 200，默认 50"`
}

type notFiledItem struct {
	TaxpayerID int64  `json:"taxpayer_id"`
	Code       string `json:"code" doc:"纳税人识别号（自然人遮挡中间）"`
	Name       string `json:"name"`
	Bureau     string `json:"bureau" doc:"主管税务机关"`
	Reminded   bool   `json:"reminded" doc:"该所属期已发送催报"`
}

type notFiledPage struct {
	Items []notFiledItem `json:"items"`
	Next  int64          `json:"next" doc:"下一页的 after 参数；0 表示没有更多"`
}

func (a *API) notFiled(ctx context.Context, r *http.Request, q notFiledQuery) (notFiledPage, error) {
	list, next, err := a.Returns.NotFiled(ctx, r.PathValue("form"), r.PathValue("period"), q.After, q.Limit)
	if err != nil {
		return notFiledPage{}, err
	}
	p := notFiledPage{Items: make([]notFiledItem, 0, len(list)), Next: next}
	for _, f := range list {
		p.Items = append(p.Items, notFiledItem{TaxpayerID: f.TaxpayerID, Code: f.MaskedCode(), Name: f.Name, Bureau: f.Bureau, Reminded: f.Reminded})
	}
	return p, nil
}
