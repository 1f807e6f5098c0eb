package taxpayer

import (
	"context"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/ids"
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
	unit := unitForm{Code: in.Code, Name: in.Name, RepName: in.OperatorName, RepID: in.OperatorID, DivisionCode: in.DivisionCode,
		Address: in.Address, IndustryCode: in.IndustryCode, Phone: in.Phone, Email: in.Email}
	businessKind.checkText(f, &unit)
	f.Text("user_username", in.Username, 32)
	if err := f.Err(); err != nil {
		return nil, err
	}
	bureau := s.checkUnit(ctx, f, businessKind, &unit, now)
	in.Code, in.Name, in.OperatorName, in.OperatorID = unit.Code, unit.Name, unit.RepName, unit.RepID
	in.Address, in.Phone, in.Email = unit.Address, unit.Phone, unit.Email
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
