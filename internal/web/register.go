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
		clearPasswords(r.PostForm)
		return registerEnterpriseView.formError(s, w, r, err, p)
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
