package web

import (
	"net/http"
	"net/url"
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/taxpayer"
)

func (s *Server) registerChoice(w http.ResponseWriter, r *http.Request) error {
	return registerView.ok(s, w, r, &basePage{Title: "新办纳税人"})
}

// registerForm is a registration page with the choices of its selects.
func (s *Server) registerForm(r *http.Request, title string) (*registerPage, error) {
	groups, err := s.districtGroups(r.Context())
	if err != nil {
		return nil, err
	}
	return &registerPage{
		basePage:   basePage{Title: title},
		Districts:  groups,
		Industries: industryGroups(),
		Standards:  labelOptions(taxpayer.AccountingStandards),
		Roles:      labelOptions(auth.TaxpayerRoles),
	}, nil
}

func (s *Server) registerEnterpriseForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.registerForm(r, "新办企业登记")
	if err != nil {
		return err
	}
	p.Form = url.Values{"user_role": {auth.TPClerk}, "accounting_standard": {"sbas"}}
	return registerEnterpriseView.ok(s, w, r, p)
}

func (s *Server) registerEnterpriseSubmit(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	in := taxpayer.EnterpriseInput{
		Code: f.Get("code"), Name: f.Get("name"), LegalRepName: f.Get("legal_rep_name"), LegalRepID: f.Get("legal_rep_id"),
		DivisionCode: f.Get("division_code"), Address: f.Get("address"), IndustryCode: f.Get("industry_code"),
		RegisteredCapital: f.Get("registered_capital"), AccountingStandard: f.Get("accounting_standard"),
		Phone: f.Get("phone"), Email: f.Get("email"),
		User: taxpayer.UserInput{Username: f.Get("user_username"), Name: f.Get("user_name"), Phone: f.Get("user_phone"),
			Role: f.Get("user_role"), Password: f.Get("user_password"), PasswordConfirm: f.Get("user_password_confirm")},
	}
	reg, err := s.Taxpayers.RegisterEnterprise(r.Context(), in)
	if err != nil {
		p, derr := s.registerForm(r, "新办企业登记")
		if derr != nil {
			return derr
		}
		return registerFailed(s, w, r, err, registerEnterpriseView, p)
	}
	return registeredView.ok(s, w, r, &registeredPage{basePage: basePage{Title: "登记成功"}, Taxpayer: reg.Taxpayer, Username: reg.Username})
}

func (s *Server) registerIndividualForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.registerForm(r, "自然人注册")
	if err != nil {
		return err
	}
	return registerIndividualView.ok(s, w, r, p)
}

func (s *Server) registerIndividualSubmit(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	reg, err := s.Taxpayers.RegisterIndividual(r.Context(), taxpayer.IndividualInput{
		ResidentID: f.Get("resident_id"), Name: f.Get("name"), Phone: f.Get("phone"), DivisionCode: f.Get("division_code"),
		Password: f.Get("password"), PasswordConfirm: f.Get("password_confirm"),
	})
	if err != nil {
		p, derr := s.registerForm(r, "自然人注册")
		if derr != nil {
			return derr
		}
		clearPasswords(r.PostForm)
		return registerIndividualView.formError(s, w, r, err, p)
	}
	return registeredView.ok(s, w, r, &registeredPage{basePage: basePage{Title: "注册成功"}, Taxpayer: reg.Taxpayer, Username: reg.Username})
}

// clearPasswords keeps passwords out of re-rendered forms: the browser
// must not receive them back in the HTML.
func clearPasswords(v url.Values) {
	for k := range v {
		if strings.Contains(k, "password") {
			delete(v, k)
		}
	}
}

func (s *Server) registerBusinessForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.registerForm(r, "个体工商户登记")
	if err != nil {
		return err
	}
	return registerBusinessView.ok(s, w, r, p)
}

func (s *Server) registerBusinessSubmit(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	reg, err := s.Taxpayers.RegisterBusiness(r.Context(), taxpayer.BusinessInput{
		Code: f.Get("code"), Name: f.Get("name"), OperatorName: f.Get("operator_name"), OperatorID: f.Get("operator_id"),
		DivisionCode: f.Get("division_code"), Address: f.Get("address"), IndustryCode: f.Get("industry_code"),
		Phone: f.Get("phone"), Email: f.Get("email"),
		Username: f.Get("user_username"), Password: f.Get("user_password"), PasswordConfirm: f.Get("user_password_confirm"),
	})
	if err != nil {
		p, derr := s.registerForm(r, "个体工商户登记")
		if derr != nil {
			return derr
		}
		return registerFailed(s, w, r, err, registerBusinessView, p)
	}
	return registeredView.ok(s, w, r, &registeredPage{basePage: basePage{Title: "登记成功"}, Taxpayer: reg.Taxpayer, Username: reg.Username})
}

// registerFailed shows a refused registration form again, without the
// passwords and with the district prefilled from the credit code when it
// was left empty (see prefillDivision).
func registerFailed(s *Server, w http.ResponseWriter, r *http.Request, err error, v view[registerPage, *registerPage], p *registerPage) error {
	fields, ok := invalid(err)
	if !ok {
		return err
	}
	clearPasswords(r.PostForm)
	p.Errors, p.Form = fields, r.PostForm
	if prefillDivision(p) && fields["division_code"] != "" {
		fields["division_code"] = DivisionPrefilled
	}
	v.render(s, w, r, http.StatusUnprocessableEntity, p)
	return nil
}

// DivisionPrefilled replaces "请选择所在区县" when the server chose it.
const DivisionPrefilled = "已按统一社会信用代码第3至8位预填所在区县，请核对后重新提交"

// prefillDivision fills an empty district from characters 3–8 of the credit
// code typed, when the form offers that district (app.js does the same as
// the code is typed).
func prefillDivision(p *registerPage) bool {
	if p.Val("division_code") != "" {
		return false
	}
	d, ok := taxpayer.DivisionOfCode(p.Val("code"))
	if !ok {
		return false
	}
	for _, g := range p.Districts {
		for _, o := range g.Options {
			if o.Value == d {
				p.Form.Set("division_code", d)
				return true
			}
		}
	}
	return false
}
