// Package taxpayer holds taxpayer registration (enterprises and
// individuals), the users who act for a taxpayer, the bureau-scoped taxpayer
// register that staff search, and tax-type identification (税种认定).
package taxpayer

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/industry"
)

// Kinds of taxpayer.
const (
	Enterprise = "enterprise"
	Individual = "individual"
)

// SubKinds of an enterprise-kind taxpayer: "" for an ordinary enterprise or
// unit, IndividualBusiness for a 个体工商户 (credit code 92…), whose
// LegalRepName and LegalRepID are its operator's (经营者).
const IndividualBusiness = "individual_business"

// IsBusinessCode reports whether a (normalized) credit code is that of an
// individual business: registration authority 9 (market regulation),
// category 2 (个体工商户), GB 32100-2015.
func IsBusinessCode(code string) bool { return strings.HasPrefix(code, "92") }

// Statuses of a taxpayer in the register.
const (
	StatusPending      = "pending"      // registered online, taxes not yet identified
	StatusActive       = "active"       // 正常
	StatusIrregular    = "irregular"    // 非正常户
	StatusDeregistered = "deregistered" // 已注销
)

// Statuses lists statuses with their Chinese names, in display order.
var Statuses = []auth.Label{
	{Code: StatusPending, Name: "新办待认定"},
	{Code: StatusActive, Name: "正常"},
	{Code: StatusIrregular, Name: "非正常"},
	{Code: StatusDeregistered, Name: "已注销"},
}

// AccountingStandards an enterprise may declare.
var AccountingStandards = []auth.Label{
	{Code: "cas", Name: "企业会计准则"},
	{Code: "sbas", Name: "小企业会计准则"},
	{Code: "npo", Name: "民间非营利组织会计制度"},
	{Code: "other", Name: "其他会计制度"},
}

// Taxpayer is one entry of the register.
type Taxpayer struct {
	ID                   int64     `json:"id"`
	Kind                 string    `json:"kind"`
	SubKind              string    `json:"sub_kind,omitempty"`
	Code                 string    `json:"code"`
	Name                 string    `json:"name"`
	LegalRepName         string    `json:"legal_rep_name,omitempty"`
	LegalRepID           string    `json:"legal_rep_id,omitempty"`
	DivisionCode         string    `json:"division_code"`
	Address              string    `json:"address"`
	IndustryCode         string    `json:"industry_code,omitempty"`
	RegisteredCapitalFen int64     `json:"registered_capital_fen"`
	AccountingStandard   string    `json:"accounting_standard,omitempty"`
	Phone                string    `json:"phone"`
	Email                string    `json:"email,omitempty"`
	BureauID             int64     `json:"bureau_id"`
	BureauName           string    `json:"bureau_name"`
	Status               string    `json:"status"`
	RegisteredAt         time.Time `json:"registered_at"`
	bureauPath           string
}

// KindName is the Chinese name of the taxpayer's kind.
func (t *Taxpayer) KindName() string {
	switch {
	case t.Kind == Individual:
		return "自然人"
	case t.SubKind == IndividualBusiness:
		return "个体工商户"
	}
	return "单位纳税人"
}

// IsBusiness reports whether the taxpayer is an individual business.
func (t *Taxpayer) IsBusiness() bool { return t.SubKind == IndividualBusiness }

// RepTitle names the person in LegalRepName: the operator (经营者) of an
// individual business, else the legal representative.
func (t *Taxpayer) RepTitle() string {
	if t.IsBusiness() {
		return "经营者"
	}
	return "法定代表人"
}

// StatusName is the Chinese name of the status.
func (t *Taxpayer) StatusName() string { return auth.NameOf(Statuses, t.Status) }

// DivisionName is the full name of the address's district.
func (t *Taxpayer) DivisionName() string { return divisions.FullName(t.DivisionCode) }

// IndustryName labels the industry code.
func (t *Taxpayer) IndustryName() string { return industry.Label(t.IndustryCode) }

// AccountingStandardName names the accounting standard.
func (t *Taxpayer) AccountingStandardName() string {
	if t.AccountingStandard == "" {
		return ""
	}
	return auth.NameOf(AccountingStandards, t.AccountingStandard)
}

// Service is the taxpayer register.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

const taxpayerCols = `t.id, t.kind, t.sub_kind, t.code, t.name, t.legal_rep_name, t.legal_rep_id, t.division_code, t.address,
	t.industry_code, t.registered_capital_fen, t.accounting_standard, t.phone, t.email, t.bureau_id, o.name, o.path,
	t.status, t.registered_at`

const taxpayerFrom = ` FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id`

func scanTaxpayer(sc db.Scanner) (*Taxpayer, error) {
	var t Taxpayer
	var reg string
	err := sc.Scan(&t.ID, &t.Kind, &t.SubKind, &t.Code, &t.Name, &t.LegalRepName, &t.LegalRepID, &t.DivisionCode, &t.Address,
		&t.IndustryCode, &t.RegisteredCapitalFen, &t.AccountingStandard, &t.Phone, &t.Email, &t.BureauID, &t.BureauName,
		&t.bureauPath, &t.Status, &reg)
	if err != nil {
		return nil, err
	}
	t.RegisteredAt = db.ParseTS(reg)
	return &t, nil
}

func getTaxpayer(ctx context.Context, q db.Querier, id int64) (*Taxpayer, error) {
	t, err := scanTaxpayer(q.QueryRowContext(ctx, `SELECT `+taxpayerCols+taxpayerFrom+` WHERE t.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	return t, err
}

var errNotFound = apperr.New(apperr.NotFound, "纳税人不存在或不在您的管辖范围内")

// Get returns a taxpayer for a staff member whose bureau subtree holds its
// competent bureau, or for one of the taxpayer's own users. Anyone else gets
// NotFound, so that existence does not leak.
func (s *Service) Get(ctx context.Context, id int64) (_ *Taxpayer, err error) {
	defer db.Wrap(&err, "taxpayer.Get(%d)", id)
	a := auth.ActorFrom(ctx)
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	if a.Kind == auth.Taxpayer {
		if a.TaxpayerID != id {
			return nil, errNotFound
		}
		return getTaxpayer(ctx, s.DB, id)
	}
	if _, err := auth.RequireStaff(ctx, staffViewRoles...); err != nil {
		return nil, err
	}
	t, err := getTaxpayer(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(t.bureauPath) {
		return nil, errNotFound
	}
	return t, nil
}
