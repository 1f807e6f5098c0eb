package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/org"
)

func (s *Server) staffOrgs(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.RequireStaff(r.Context(), auth.RoleAdmin); err != nil {
		return err
	}
	orgs, err := s.Orgs.List(r.Context())
	if err != nil {
		return err
	}
	return s.ok(w, r, "staff_orgs.html", &Page{Title: "税务机关设置", Data: map[string]any{"Orgs": orgs}})
}

func (s *Server) staffOrgCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	f := r.PostForm
	parent, _ := strconv.ParseInt(f.Get("parent_id"), 10, 64)
	o, err := s.Orgs.Create(r.Context(), org.Input{ParentID: parent, DivisionCode: f.Get("division_code"), Name: f.Get("name"),
		Address: f.Get("address"), Phone: f.Get("phone"), Active: true})
	if err != nil {
		orgs, lerr := s.Orgs.List(r.Context())
		if lerr != nil {
			return lerr
		}
		return s.formError(w, r, err, "staff_orgs.html", &Page{Title: "税务机关设置", Data: map[string]any{"Orgs": orgs}})
	}
	return s.redirect(w, r, "/staff/orgs", "已新增 "+o.Name)
}

func (s *Server) staffOrgEdit(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.RequireStaff(r.Context(), auth.RoleAdmin); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := s.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	form := url.Values{"name": {o.Name}, "address": {o.Address}, "phone": {o.Phone}}
	if o.Active {
		form.Set("active", "1")
	}
	return s.ok(w, r, "staff_org_edit.html", &Page{Title: o.Name, Form: form, Data: o})
}

func (s *Server) staffOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	f := r.PostForm
	o, err := s.Orgs.Update(r.Context(), id, org.Input{Name: f.Get("name"), Address: f.Get("address"), Phone: f.Get("phone"), Active: f.Get("active") == "1"})
	if err != nil {
		old, gerr := s.Orgs.Get(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		return s.formError(w, r, err, "staff_org_edit.html", &Page{Title: old.Name, Data: old})
	}
	return s.redirect(w, r, "/staff/orgs", "已保存 "+o.Name)
}

func (s *Server) staffFormData(r *http.Request) (map[string]any, error) {
	orgs, err := s.Orgs.List(r.Context())
	if err != nil {
		return nil, err
	}
	return map[string]any{"Orgs": orgs, "Roles": labelOptions(auth.StaffRoles)}, nil
}

func (s *Server) staffStaffList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	orgID, _ := strconv.ParseInt(q.Get("org_id"), 10, 64)
	list, err := s.Orgs.ListStaff(r.Context(), org.StaffFilter{OrgID: orgID, Query: q.Get("q")})
	if err != nil {
		return err
	}
	data, err := s.staffFormData(r)
	if err != nil {
		return err
	}
	data["Staff"] = list
	return s.ok(w, r, "staff_staff.html", &Page{Title: "人员与岗位", Form: q, Data: data})
}

func (s *Server) staffStaffNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.RequireStaff(r.Context(), auth.RoleAdmin); err != nil {
		return err
	}
	data, err := s.staffFormData(r)
	if err != nil {
		return err
	}
	return s.ok(w, r, "staff_staff_new.html", &Page{Title: "新增工作人员", Form: url.Values{"org_id": {r.URL.Query().Get("org_id")}}, Data: data})
}

func staffInput(f url.Values) org.StaffInput {
	orgID, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	return org.StaffInput{OrgID: orgID, StaffNo: f.Get("staff_no"), Name: f.Get("name"), Phone: f.Get("phone"),
		Roles: f["roles"], Active: f.Get("active") == "1", Password: f.Get("password")}
}

func (s *Server) staffStaffCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	st, err := s.Orgs.CreateStaff(r.Context(), staffInput(r.PostForm))
	if err != nil {
		data, derr := s.staffFormData(r)
		if derr != nil {
			return derr
		}
		clearPasswords(r.PostForm)
		return s.formError(w, r, err, "staff_staff_new.html", &Page{Title: "新增工作人员", Data: data})
	}
	return s.redirect(w, r, "/staff/staff", "已新增工作人员 "+st.Name+"（工号 "+st.StaffNo+"）")
}

func (s *Server) staffStaffEdit(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	st, err := s.Orgs.GetStaff(r.Context(), id)
	if err != nil {
		return err
	}
	data, err := s.staffFormData(r)
	if err != nil {
		return err
	}
	return s.ok(w, r, "staff_staff_edit.html", staffEditPage(st, data, nil))
}

// staffEditPage shows a member's current values; formError replaces them
// with what was typed when a save fails.
func staffEditPage(st *org.Staff, data map[string]any, errs map[string]string) *Page {
	data["Member"] = st
	form := url.Values{"org_id": {strconv.FormatInt(st.OrgID, 10)}, "name": {st.Name}, "phone": {st.Phone}, "roles": st.Roles}
	if st.Active {
		form.Set("active", "1")
	}
	return &Page{Title: "工作人员：" + st.Name, Form: form, Errors: errs, Data: data}
}

func (s *Server) staffStaffUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	st, err := s.Orgs.UpdateStaff(r.Context(), id, staffInput(r.PostForm))
	if err != nil {
		old, gerr := s.Orgs.GetStaff(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		data, derr := s.staffFormData(r)
		if derr != nil {
			return derr
		}
		return s.formError(w, r, err, "staff_staff_edit.html", staffEditPage(old, data, nil))
	}
	return s.redirect(w, r, "/staff/staff", "已保存 "+st.Name+" 的信息")
}

func (s *Server) staffStaffPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	r.ParseForm()
	if err := s.Orgs.ResetStaffPassword(r.Context(), id, r.PostForm.Get("password")); err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		st, gerr := s.Orgs.GetStaff(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		data, derr := s.staffFormData(r)
		if derr != nil {
			return derr
		}
		s.render(w, r, http.StatusUnprocessableEntity, "staff_staff_edit.html", staffEditPage(st, data, fields))
		return nil
	}
	return s.redirect(w, r, "/staff/staff", "密码已重置")
}
