package taxpayer

import (
	"context"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/ids"
	"taxhall/internal/industry"
)

// BusinessInput is the online registration of an individual business
// (个体工商户): its operator (经营者) instead of a legal representative, no
// registered capital, e-mail optional. The operator is its first user, an
// administrator who logs in with the credit code and Username.
type BusinessInput struct {
	Code         string
	Name         string
	OperatorName string
	OperatorID   string
	DivisionCode string
	Address      string
	IndustryCode string
	Phone        string // the operator's mobile: the contact and the user's phone
	Email        string // optional

	Username        string
	Password        string
	PasswordConfirm string
}

// The two registration paths tell each other's taxpayers where to go.
const (
	BusinessCodeOnEnterpriseForm = "以92开头的是个体工商户的统一社会信用代码，请改用“个体工商户登记”"
	EnterpriseCodeOnBusinessForm = "个体工商户的统一社会信用代码以92开头；企业、单位请使用“新办企业登记”"
)

// RegisterBusiness records a new individual business in the competent
// bureau of its address's district and creates its operator's user. It is
// an enterprise-kind taxpayer with SubKind IndividualBusiness.
func (s *Service) RegisterBusiness(ctx context.Context, in BusinessInput) (_ *Registered, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.RegisterBusiness(%q)", in.Code)
	f := apperr.Fields{}
	for _, t := range []struct {
		field, value string
		max          int
	}{{"code", in.Code, 30}, {"name", in.Name, 100}, {"operator_name", in.OperatorName, 50}, {"operator_id", in.OperatorID, 30},
		{"division_code", in.DivisionCode, 12}, {"address", in.Address, 200}, {"industry_code", in.IndustryCode, 10},
		{"phone", in.Phone, 30}, {"email", in.Email, 100}, {"user_username", in.Username, 32}} {
		f.Text(t.field, t.value, t.max)
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	in.Code = ids.NormalizeUSCC(in.Code)
	in.Name = strings.TrimSpace(in.Name)
	in.OperatorName = strings.TrimSpace(in.OperatorName)
	in.OperatorID = ids.NormalizeResidentID(in.OperatorID)
	in.Address = strings.TrimSpace(in.Address)
	in.Phone = strings.TrimSpace(in.Phone)
	in.Email = strings.TrimSpace(in.Email)

	if in.Code == "" {
		f.Add("code", "请填写统一社会信用代码")
	} else if err := ids.ValidateUSCC(in.Code); err != nil {
		f.Add("code", err.Error())
	} else if !IsBusinessCode(in.Code) {
		f.Add("code", EnterpriseCodeOnBusinessForm)
	}
	checkLength(f, "name", in.Name, "名称", 2, 100)
	checkLength(f, "operator_name", in.OperatorName, "经营者姓名", 2, 50)
	if in.OperatorID == "" {
		f.Add("operator_id", "请填写经营者身份证号码")
	} else {
		f.Check("operator_id", ids.ValidateResidentID(in.OperatorID, now))
	}
	if _, ok := industry.Lookup(in.IndustryCode); !ok {
		f.Add("industry_code", "请选择所属行业")
	}
	bureau := s.checkDivision(ctx, f, in.DivisionCode)
	checkAddress(f, in.Address)
	if in.Phone == "" {
		f.Add("phone", "请填写经营者手机号码")
	} else {
		f.Check("phone", ids.ValidateMobile(in.Phone))
	}
	if in.Email != "" {
		f.Check("email", ids.ValidateEmail(in.Email))
	}
	u := UserInput{Username: in.Username, Name: in.OperatorName, Phone: in.Phone, Role: auth.TPLegalRep,
		Password: in.Password, PasswordConfirm: in.PasswordConfirm}
	uf := apperr.Fields{}
	checkUser(&u, uf, "user_", in.Code)
	for k, msg := range uf {
		// The user's name and phone are the operator's, checked above.
		if k != "user_name" && k != "user_phone" && k != "user_role" {
			f.Add(k, msg)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	t := &Taxpayer{Kind: Enterprise, SubKind: IndividualBusiness, Code: in.Code, Name: in.Name, LegalRepName: in.OperatorName,
		LegalRepID: in.OperatorID, DivisionCode: in.DivisionCode, Address: in.Address, IndustryCode: in.IndustryCode,
		Phone: in.Phone, Email: in.Email, Status: StatusPending}
	u.Admin = true
	return s.register(ctx, now, t, bureau, u, "code", "该统一社会信用代码已经登记，请直接登录；如忘记密码请联系主管税务机关")
}

// checkAddress asks for an address and wants at least a street and number.
func checkAddress(f apperr.Fields, addr string) {
	if addr == "" {
		f.Add("address", "请填写详细地址")
		return
	}
	checkLength(f, "address", addr, "详细地址（街道、门牌号）", 4, 200)
}

// DivisionOfCode returns the division code that characters 3–8 of a credit
// code hold (the registration authority's division), when it is a real
// district; registration forms prefill the district with it.
func DivisionOfCode(code string) (string, bool) {
	code = ids.NormalizeUSCC(code)
	if len(code) < 8 {
		return "", false
	}
	d := code[2:8]
	for _, c := range d {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	if _, ok := divisions.Area(d); !ok {
		return "", false
	}
	return d, true
}
