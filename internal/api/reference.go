package api

import (
	"context"
	"maps"
	"net/http"
	"slices"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/certs"
	"taxhall/internal/divisions"
	"taxhall/internal/iitannual"
	"taxhall/internal/industry"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/taxpayer"
)

func (a *API) referenceRoutes() []route {
	return []route{
		{Pattern: "GET /reference/divisions", Tag: tagReference, Access: Public,
			Errors:  []apperr.Code{apperr.Invalid, apperr.NotFound},
			Summary: "行政区划", Handler: handle(a.divisions)},
		{Pattern: "GET /reference/industries", Tag: tagReference, Access: Public,
			Summary: "国民经济行业分类（门类及大类）", Handler: handle(a.industries)},
		{Pattern: "GET /reference/tax-types", Tag: tagReference, Access: Public,
			Summary: "可认定的税（费）种及其申报期限", Handler: handle(a.taxTypes)},
		{Pattern: "GET /reference/codes", Tag: tagReference, Access: Public,
			Summary: "其他代码表：纳税人状态、会计制度、用户身份、岗位角色、申报期限", Handler: handle(a.codes)},
	}
}

// label is a code with its Chinese name.
type label struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func labels(ls []auth.Label) []label {
	out := make([]label, 0, len(ls))
	for _, l := range ls {
		out = append(out, label{l.Code, l.Name})
	}
	return out
}

type divisionView struct {
	Code       string `json:"code" doc:"区划代码：省级 2 位，地市 4 位，区县 6 位"`
	Name       string `json:"name"`
	ParentCode string `json:"parent_code,omitempty"`
}

type divisionQuery struct {
	Parent string `query:"parent" doc:"上级区划代码：不填返回省级，2 位省级代码返回其地市，4 位地市代码返回其区县"`
}

func (a *API) divisions(_ context.Context, _ *http.Request, q divisionQuery) (list[divisionView], error) {
	parent := q.Parent
	var ds []divisions.Division
	switch {
	case parent == "":
		ds = divisions.Provinces()
	case len(parent) == 2 || len(parent) == 4:
		if _, ok := divisions.Lookup(parent); !ok {
			return list[divisionView]{}, apperr.New(apperr.NotFound, "行政区划代码 "+parent+" 不存在")
		}
		ds = append(divisions.Cities(parent), divisions.Areas(parent)...)
	default:
		return list[divisionView]{}, apperr.InvalidField("parent", "上级区划代码应为 2 位省级代码或 4 位地市代码")
	}
	return mapList(ds, func(d divisions.Division) divisionView { return divisionView{d.Code, d.Name, d.ParentCode} }), nil
}

type sectionView struct {
	Code      string  `json:"code" doc:"门类代码 A–T"`
	Name      string  `json:"name"`
	Divisions []label `json:"divisions" doc:"大类，登记时的 industry_code 取其 2 位代码"`
}

func (a *API) industries(context.Context, *http.Request, noBody) (list[sectionView], error) {
	var out []sectionView
	for _, s := range industry.Sections() {
		v := sectionView{Code: s.Code, Name: s.Name, Divisions: []label{}}
		for _, d := range industry.DivisionsOf(s.Code) {
			v.Divisions = append(v.Divisions, label{d.Code, d.Name})
		}
		out = append(out, v)
	}
	return listOf(out), nil
}

type taxTypeView struct {
	Code        string  `json:"code"`
	Name        string  `json:"name"`
	Periods     []label `json:"periods" doc:"允许的申报期限"`
	Enterprises bool    `json:"enterprises" doc:"单位纳税人可认定"`
	Individuals bool    `json:"individuals" doc:"自然人可认定"`
}

func (a *API) taxTypes(context.Context, *http.Request, noBody) (list[taxTypeView], error) {
	var out []taxTypeView
	for _, t := range taxpayer.TaxTypes {
		v := taxTypeView{Code: t.Code, Name: t.Name, Enterprises: t.Enterprises, Individuals: t.Individuals, Periods: []label{}}
		for _, p := range t.Periods {
			v.Periods = append(v.Periods, label{p, auth.NameOf(taxpayer.Periods, p)})
		}
		out = append(out, v)
	}
	return listOf(out), nil
}

type codesView struct {
	TaxpayerKinds       []label `json:"taxpayer_kinds" doc:"纳税人类型"`
	Statuses            []label `json:"statuses" doc:"纳税人状态"`
	AccountingStandards []label `json:"accounting_standards" doc:"会计制度"`
	TaxpayerRoles       []label `json:"taxpayer_roles" doc:"纳税人用户身份"`
	StaffRoles          []label `json:"staff_roles" doc:"税务人员岗位角色"`
	Periods             []label `json:"periods" doc:"申报期限"`
	OrgLevels           []label `json:"org_levels" doc:"税务机关层级"`
}

var taxpayerKinds = []auth.Label{{Code: taxpayer.Enterprise, Name: "单位纳税人"}, {Code: taxpayer.Individual, Name: "自然人"}}

var orgLevels = []auth.Label{{Code: org.Province, Name: org.LevelName(org.Province)},
	{Code: org.City, Name: org.LevelName(org.City)}, {Code: org.District, Name: org.LevelName(org.District)}}

func (a *API) codes(context.Context, *http.Request, noBody) (codesView, error) {
	return codesView{
		TaxpayerKinds:       labels(taxpayerKinds),
		Statuses:            labels(taxpayer.Statuses),
		AccountingStandards: labels(taxpayer.AccountingStandards),
		TaxpayerRoles:       labels(auth.TaxpayerRoles),
		StaffRoles:          labels(auth.StaffRoles),
		Periods:             labels(taxpayer.Periods),
		OrgLevels:           labels(orgLevels),
	}, nil
}

// enumSets are the code lists the OpenAPI document names in `enum` tags,
// taken from the same tables the services validate against.
func enumSets() map[string][]string {
	codes := func(ls []auth.Label) []string {
		var out []string
		for _, l := range ls {
			out = append(out, l.Code)
		}
		return out
	}
	var taxTypes []string
	for _, t := range taxpayer.TaxTypes {
		taxTypes = append(taxTypes, t.Code)
	}
	sets := map[string][]string{
		"certificate_kinds":    slices.Sorted(maps.Keys(certs.Titles)),
		"annual_results":       {iitannual.ResultPay, iitannual.ResultRefund, iitannual.ResultNone},
		"refund_states":        iitannual.RefundStates(),
		"refund_sources":       {payment.SourceOverpaid, payment.SourceIIT},
		"actor_kinds":          {string(auth.Taxpayer), string(auth.Staff)},
		"taxpayer_kinds":       codes(taxpayerKinds),
		"statuses":             codes(taxpayer.Statuses),
		"accounting_standards": codes(taxpayer.AccountingStandards),
		"taxpayer_roles":       codes(auth.TaxpayerRoles),
		"staff_roles":          codes(auth.StaffRoles),
		"periods":              codes(taxpayer.Periods),
		"tax_types":            taxTypes,
		"org_levels":           codes(orgLevels),
		"error_codes":          errorCodes(),
	}
	maps.Copy(sets, returnEnums())   // returns.go
	maps.Copy(sets, workflowEnums()) // workflow.go
	return sets
}
