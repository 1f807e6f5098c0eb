package web

import (
	"net/http"
	"net/url"
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/taxpayer"
)

func (s *Server) registerChoice(w http.ResponseWriter, r *http.Request) error {
	return s.ok(w, r, "register.html", &Page{Title: "新办纳税人"})
}

func (s *Server) registerData(r *http.Request) (map[string]any, error) {
	groups, err := s.districtGroups(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"Districts":  groups,
		"Industries": industryGroups(),
		"Standards":  labelOptions(taxpayer.AccountingStandards),
		"Roles":      labelOptions(auth.TaxpayerRoles),
	}, nil
}

func (s *Server) registerEnterpriseForm(w http.ResponseWriter, r *http.Request) error {
	data, err := s.registerData(r)
	if err != nil {
		return err
	}
	form := url.Values{"user_role": {auth.TPClerk}, "accounting_standard": {"sbas"}}
	return s.ok(w, r, "register_enterprise.html", &Page{Title: "新办企业登记", Form: form, Data: data})
}

func (s *Server) registerEnterpriseSubmit(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
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
		data, derr := s.registerData(r)
		if derr != nil {
			return derr
		}
		clearPasswords(r.PostForm)
		return s.formError(w, r, err, "register_enterprise.html", &Page{Title: "新办企业登记", Data: data})
	}
	return s.ok(w, r, "registered.html", &Page{Title: "登记成功", Data: reg})
}

func (s *Server) registerIndividualForm(w http.ResponseWriter, r *http.Request) error {
	data, err := s.registerData(r)
	if err != nil {
		return err
	}
	return s.ok(w, r, "register_individual.html", &Page{Title: "自然人注册", Data: data})
}

func (s *Server) registerIndividualSubmit(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	f := r.PostForm
	reg, err := s.Taxpayers.RegisterIndividual(r.Context(), taxpayer.IndividualInput{
		ResidentID: f.Get("resident_id"), Name: f.Get("name"), Phone: f.Get("phone"), DivisionCode: f.Get("division_code"),
		Password: f.Get("password"), PasswordConfirm: f.Get("password_confirm"),
	})
	if err != nil {
		data, derr := s.registerData(r)
		if derr != nil {
			return derr
		}
		clearPasswords(r.PostForm)
		return s.formError(w, r, err, "register_individual.html", &Page{Title: "自然人注册", Data: data})
	}
	return s.ok(w, r, "registered.html", &Page{Title: "注册成功", Data: reg})
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
