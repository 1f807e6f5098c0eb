package api

import (
	"net/http"
	"strings"

	"taxhall/internal/httpx"
	"taxhall/internal/taxpayer"
)

// taxpayerView is a register entry with its codes named in Chinese.
type taxpayerView struct {
	*taxpayer.Taxpayer
	KindName               string `json:"kind_name"`
	StatusName             string `json:"status_name"`
	DivisionName           string `json:"division_name" doc:"地址所在区县全称"`
	IndustryName           string `json:"industry_name,omitempty"`
	AccountingStandardName string `json:"accounting_standard_name,omitempty"`
}

func viewTaxpayer(t *taxpayer.Taxpayer) taxpayerView {
	return taxpayerView{Taxpayer: t, KindName: t.KindName(), StatusName: t.StatusName(), DivisionName: t.DivisionName(),
		IndustryName: t.IndustryName(), AccountingStandardName: t.AccountingStandardName()}
}

// identificationView is a tax-type identification with its codes named.
type identificationView struct {
	*taxpayer.Identification
	TaxTypeName string `json:"tax_type_name"`
	PeriodName  string `json:"period_name"`
}

func viewIdents(list []*taxpayer.Identification) []identificationView {
	out := make([]identificationView, 0, len(list))
	for _, i := range list {
		out = append(out, identificationView{i, i.TaxTypeName(), i.PeriodName()})
	}
	return out
}

// taxpayerDetail is a taxpayer with its identifications.
type taxpayerDetail struct {
	Taxpayer        taxpayerView         `json:"taxpayer"`
	Identifications []identificationView `json:"identifications"`
}

func detail(t *taxpayer.Taxpayer, ids []*taxpayer.Identification) taxpayerDetail {
	return taxpayerDetail{Taxpayer: viewTaxpayer(t), Identifications: viewIdents(ids)}
}

type pageView struct {
	Items    []taxpayerView `json:"items"`
	Total    int            `json:"total" doc:"符合条件的总数"`
	Page     int            `json:"page"`
	PageSize int            `json:"page_size"`
	Pages    int            `json:"pages" doc:"总页数"`
}

func (a *API) searchTaxpayers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := queryInt(r, "page")
	if err != nil {
		return err
	}
	size, err := queryInt(r, "page_size")
	if err != nil {
		return err
	}
	p, err := a.Taxpayers.Search(r.Context(), taxpayer.Filter{Query: q.Get("q"), Status: strings.TrimSpace(q.Get("status")),
		Kind: strings.TrimSpace(q.Get("kind")), Page: clampInt(page), PageSize: clampInt(size)})
	if err != nil {
		return err
	}
	v := pageView{Items: make([]taxpayerView, 0, len(p.Items)), Total: p.Total, Page: p.Page, PageSize: p.PageSize, Pages: p.Pages()}
	for _, t := range p.Items {
		v.Items = append(v.Items, viewTaxpayer(t))
	}
	return reply(w, r, v)
}

// clampInt narrows a query number to int; the service replaces values out
// of its range with its defaults.
func clampInt(n int64) int {
	if n < 0 || n > 1<<30 {
		return 0
	}
	return int(n)
}

func (a *API) getTaxpayer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	t, ids, err := a.Taxpayers.Record(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, r, detail(t, ids))
}

func (a *API) identifications(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.Taxpayers.Identifications(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, r, listOf(viewIdents(list)))
}

type identifyRequest struct {
	TaxType   string `json:"tax_type" enum:"tax_types" doc:"税（费）种代码，见 /api/v1/reference/tax-types"`
	Period    string `json:"period" enum:"periods" doc:"申报期限"`
	StartDate string `json:"start_date" format:"date" doc:"有效期起，格式 2026-01-01，不早于登记日期"`
}

func (a *API) identify(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in identifyRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	i, err := a.Taxpayers.Identify(r.Context(), id, taxpayer.IdentifyInput{TaxType: in.TaxType, Period: in.Period, StartDate: in.StartDate})
	if err != nil {
		return err
	}
	return reply(w, r, identificationView{i, i.TaxTypeName(), i.PeriodName()})
}

type endRequest struct {
	EndDate string `json:"end_date" format:"date" doc:"有效期止（含当日），格式 2026-12-31"`
}

func (a *API) endIdentification(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	iid, err := httpx.PathID(r, "iid")
	if err != nil {
		return err
	}
	var in endRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Taxpayers.EndIdentification(r.Context(), id, iid, in.EndDate); err != nil {
		return err
	}
	return reply(w, r, nil)
}
