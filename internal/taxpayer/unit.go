package taxpayer

import (
	"context"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/ids"
	"taxhall/internal/industry"
	"taxhall/internal/org"
)

// unitForm is what the enterprise and the individual-business registrations
// share: the credit code, the name, the representative (法定代表人 or
// 经营者), the address, the industry and the contacts. Each path checks it
// with its own unitKind, so the two cannot drift apart on the common rules.
type unitForm struct {
	Code, Name, RepName, RepID, DivisionCode, Address, IndustryCode, Phone, Email string
}

// unitKind holds what differs between the two paths: field names, words,
// which codes belong, and which contacts are required.
type unitKind struct {
	business      bool   // credit codes starting 92 belong here, and only they
	wrongCode     string // message for a code of the other path
	nameLabel     string
	repField      string
	idField       string
	repLabel      string
	idMissing     string
	phoneMissing  string
	validatePhone func(string) error
	emailRequired bool
}

var enterpriseKind = unitKind{
	wrongCode: BusinessCodeOnEnterpriseForm, nameLabel: "纳税人名称",
	repField: "legal_rep_name", idField: "legal_rep_id", repLabel: "法定代表人姓名", idMissing: "请填写法定代表人身份证号码",
	phoneMissing: "请填写联系电话", validatePhone: ids.ValidatePhone, emailRequired: true,
}

var businessKind = unitKind{
	business: true, wrongCode: EnterpriseCodeOnBusinessForm, nameLabel: "名称",
	repField: "operator_name", idField: "operator_id", repLabel: "经营者姓名", idMissing: "请填写经营者身份证号码",
	phoneMissing: "请填写经营者手机号码", validatePhone: ids.ValidateMobile,
}

// checkText refuses bad bytes and over-long values, one message a field, so
// that no later check (nor the database) sees them.
func (k unitKind) checkText(f apperr.Fields, u *unitForm) {
	for _, t := range []struct {
		field, value string
		max          int
	}{{"code", u.Code, 30}, {"name", u.Name, 100}, {k.repField, u.RepName, 50}, {k.idField, u.RepID, 30},
		{"division_code", u.DivisionCode, 12}, {"address", u.Address, 200}, {"industry_code", u.IndustryCode, 10},
		{"phone", u.Phone, 30}, {"email", u.Email, 100}} {
		f.Text(t.field, t.value, t.max)
	}
}

// check normalises u in place, records every problem in f and returns the
// competent bureau of its district (nil when the district is wrong).
func (s *Service) checkUnit(ctx context.Context, f apperr.Fields, k unitKind, u *unitForm, now time.Time) *org.Org {
	u.Code = ids.NormalizeUSCC(u.Code)
	u.Name = strings.TrimSpace(u.Name)
	u.RepName = strings.TrimSpace(u.RepName)
	u.RepID = ids.NormalizeResidentID(u.RepID)
	u.Address = strings.TrimSpace(u.Address)
	u.Phone = strings.TrimSpace(u.Phone)
	u.Email = strings.TrimSpace(u.Email)

	if u.Code == "" {
		f.Add("code", "请填写统一社会信用代码")
	} else if err := ids.ValidateUSCC(u.Code); err != nil {
		f.Add("code", err.Error())
	} else if IsBusinessCode(u.Code) != k.business {
		f.Add("code", k.wrongCode)
	}
	checkLength(f, "name", u.Name, k.nameLabel, 2, 100)
	checkLength(f, k.repField, u.RepName, k.repLabel, 2, 50)
	if u.RepID == "" {
		f.Add(k.idField, k.idMissing)
	} else {
		f.Check(k.idField, ids.ValidateResidentID(u.RepID, now))
	}
	bureau := s.checkDivision(ctx, f, u.DivisionCode)
	checkAddress(f, u.Address)
	if _, ok := industry.Lookup(u.IndustryCode); !ok {
		f.Add("industry_code", "请选择所属行业")
	}
	if u.Phone == "" {
		f.Add("phone", k.phoneMissing)
	} else {
		f.Check("phone", k.validatePhone(u.Phone))
	}
	switch {
	case u.Email != "":
		f.Check("email", ids.ValidateEmail(u.Email))
	case k.emailRequired:
		f.Add("email", "请填写电子邮箱")
	}
	return bureau
}
