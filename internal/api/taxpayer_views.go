package api

import (
	"time"

	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

// The taxpayer views name every field they publish: a field added to
// taxpayer.Taxpayer reaches no client until it is added here. Lists mask
// personal data with the ids package's one rule (as the pages do); only the
// record of one taxpayer, for those entitled to it, shows full values.

// taxpayerView is a register entry in full: the record for an entitled
// clerk (GET /taxpayers/{id}), for the taxpayer itself (/my/taxpayer) and
// for the registrant.
type taxpayerView struct {
	ID                     int64     `json:"id"`
	Kind                   string    `json:"kind" enum:"taxpayer_kinds"`
	KindName               string    `json:"kind_name"`
	IndividualBusiness     bool      `json:"individual_business,omitempty" doc:"个体工商户（kind 为 enterprise，统一社会信用代码以 92 开头）；legal_rep_* 为经营者"`
	Code                   string    `json:"code" doc:"纳税人识别号：统一社会信用代码；自然人为居民身份证号码（完整）"`
	Name                   string    `json:"name" doc:"纳税人名称；自然人为姓名"`
	LegalRepName           string    `json:"legal_rep_name,omitempty" doc:"法定代表人姓名（单位纳税人）"`
	LegalRepID             string    `json:"legal_rep_id,omitempty" doc:"法定代表人居民身份证号码（完整）"`
	DivisionCode           string    `json:"division_code" doc:"地址所在区县的行政区划代码"`
	DivisionName           string    `json:"division_name" doc:"地址所在区县全称"`
	Address                string    `json:"address"`
	IndustryCode           string    `json:"industry_code,omitempty" doc:"国民经济行业大类代码"`
	IndustryName           string    `json:"industry_name,omitempty"`
	RegisteredCapitalFen   int64     `json:"registered_capital_fen" doc:"注册资本（分）"`
	AccountingStandard     string    `json:"accounting_standard,omitempty" enum:"accounting_standards"`
	AccountingStandardName string    `json:"accounting_standard_name,omitempty"`
	Phone                  string    `json:"phone" doc:"联系电话（完整）"`
	Email                  string    `json:"email,omitempty"`
	BureauID               int64     `json:"bureau_id" doc:"主管税务机关"`
	BureauName             string    `json:"bureau_name"`
	Status                 string    `json:"status" enum:"statuses"`
	StatusName             string    `json:"status_name"`
	RegisteredAt           time.Time `json:"registered_at" doc:"登记时间"`
}

func viewTaxpayer(t *taxpayer.Taxpayer) taxpayerView {
	return taxpayerView{
		ID: t.ID, Kind: t.Kind, KindName: t.KindName(), IndividualBusiness: t.IsBusiness(), Code: t.Code, Name: t.Name,
		LegalRepName: t.LegalRepName, LegalRepID: t.LegalRepID,
		DivisionCode: t.DivisionCode, DivisionName: t.DivisionName(), Address: t.Address,
		IndustryCode: t.IndustryCode, IndustryName: t.IndustryName(), RegisteredCapitalFen: t.RegisteredCapitalFen,
		AccountingStandard: t.AccountingStandard, AccountingStandardName: t.AccountingStandardName(),
		Phone: t.Phone, Email: t.Email, BureauID: t.BureauID, BureauName: t.BureauName,
		Status: t.Status, StatusName: t.StatusName(), RegisteredAt: t.RegisteredAt,
	}
}

// taxpayerItem is a register entry in a list, personal data masked.
type taxpayerItem struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind" enum:"taxpayer_kinds"`
	KindName     string    `json:"kind_name"`
	Code         string    `json:"code" doc:"纳税人识别号；自然人的居民身份证号码已脱敏，只显示前 6 位和后 4 位"`
	Name         string    `json:"name"`
	LegalRepName string    `json:"legal_rep_name,omitempty"`
	LegalRepID   string    `json:"legal_rep_id,omitempty" doc:"法定代表人居民身份证号码，已脱敏：只显示前 6 位和后 4 位"`
	DivisionCode string    `json:"division_code"`
	DivisionName string    `json:"division_name"`
	Phone        string    `json:"phone" doc:"联系电话，已脱敏：隐藏中间 4 位"`
	BureauID     int64     `json:"bureau_id"`
	BureauName   string    `json:"bureau_name"`
	Status       string    `json:"status" enum:"statuses"`
	StatusName   string    `json:"status_name"`
	RegisteredAt time.Time `json:"registered_at"`
}

func viewTaxpayerItem(t *taxpayer.Taxpayer) taxpayerItem {
	return taxpayerItem{
		ID: t.ID, Kind: t.Kind, KindName: t.KindName(), Code: ids.MaskTaxpayerCode(t.Code, t.Kind), Name: t.Name,
		LegalRepName: t.LegalRepName, LegalRepID: ids.MaskResidentID(t.LegalRepID),
		DivisionCode: t.DivisionCode, DivisionName: t.DivisionName(), Phone: ids.MaskPhone(t.Phone),
		BureauID: t.BureauID, BureauName: t.BureauName, Status: t.Status, StatusName: t.StatusName(), RegisteredAt: t.RegisteredAt,
	}
}

// identificationView is a tax-type identification with its codes named.
type identificationView struct {
	ID          int64     `json:"id"`
	TaxType     string    `json:"tax_type" enum:"tax_types"`
	TaxTypeName string    `json:"tax_type_name"`
	Period      string    `json:"period" enum:"periods"`
	PeriodName  string    `json:"period_name"`
	StartDate   string    `json:"start_date" format:"date" doc:"有效期起"`
	EndDate     string    `json:"end_date,omitempty" format:"date" doc:"有效期止（含当日）；有效期内的认定没有此字段"`
	CreatedBy   string    `json:"created_by" doc:"办理的税务人员"`
	CreatedAt   time.Time `json:"created_at"`
}

func viewIdentification(i *taxpayer.Identification) identificationView {
	return identificationView{ID: i.ID, TaxType: i.TaxType, TaxTypeName: i.TaxTypeName(), Period: i.Period, PeriodName: i.PeriodName(),
		StartDate: i.StartDate, EndDate: i.EndDate, CreatedBy: i.CreatedBy, CreatedAt: i.CreatedAt}
}

// taxpayerDetail is a taxpayer's full record with its identifications.
type taxpayerDetail struct {
	Taxpayer        taxpayerView         `json:"taxpayer"`
	Identifications []identificationView `json:"identifications"`
}

func detail(t *taxpayer.Taxpayer, idents []*taxpayer.Identification) taxpayerDetail {
	return taxpayerDetail{Taxpayer: viewTaxpayer(t), Identifications: mapList(idents, viewIdentification).Items}
}
