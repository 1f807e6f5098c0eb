package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/org"
)

// requireAdmin refuses the administration forms to staff whom
// org.CanAdminister refuses (the service refuses the saves too).
func requireAdmin(r *http.Request) error {
	return allow(org.CanAdminister(auth.ActorFrom(r.Context())))
}

func (s *Server) orgsPage(r *http.Request) (*orgsPage, error) {
	orgs, err := s.Orgs.List(r.Context())
	if err != nil {
		return nil, err
	}
	return &orgsPage{basePage: basePage{Title: "税务机关设置"}, Orgs: orgs}, nil
}

func (s *Server) staffOrgs(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	p, err := s.orgsPage(r)
	if err != nil {
		return err
	}
	return orgsView.ok(s, w, r, p)
}

func (s *Server) staffOrgCreate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	parent, _ := strconv.ParseInt(f.Get("parent_id"), 10, 64)
	o, err := s.Orgs.Create(r.Context(), org.Input{ParentID: parent, DivisionCode: f.Get("division_code"), Name: f.Get("name"),
		Address: f.Get("address"), Phone: f.Get("phone"), Active: true})
	if err != nil {
		p, lerr := s.orgsPage(r)
		if lerr != nil {
			return lerr
		}
		return orgsView.formError(s, w, r, err, p)
	}
	s.forgetBureau()
	return s.redirect(w, r, "/staff/orgs", "已新增 "+o.Name)
}

func (s *Server) staffOrgEdit(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
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
	return orgEditView.ok(s, w, r, &orgPage{basePage: basePage{Title: o.Name, Form: form}, Org: o})
}

func (s *Server) staffOrgUpdate(w http.ResponseWriter, r *http.Request) error {
	// Refused before the confirmation step, as the service would refuse the save.
	if err := requireAdmin(r); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	f := r.PostForm
	old, err := s.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	err = confirmDisable(f, old.Active, "停用前请勾选“确认停用”")
	var o *org.Org
	if err == nil {
		o, err = s.Orgs.Update(r.Context(), id, org.Input{Name: f.Get("name"), Address: f.Get("address"), Phone: f.Get("phone"), Active: f.Get("active") == "1"})
	}
	if err != nil {
		return orgEditView.formError(s, w, r, err, &orgPage{basePage: basePage{Title: old.Name}, Org: old})
	}
	s.forgetBureau() // the provincial bureau may have been renamed
	return s.redirect(w, r, "/staff/orgs", "已保存 "+o.Name)
}

// staffPage is the new and edit form of a staff member, with its choices.
func (s *Server) staffPage(r *http.Request, title string) (*staffPage, error) {
	orgs, err := s.Orgs.List(r.Context())
	if err != nil {
		return nil, err
	}
	return &staffPage{basePage: basePage{Title: title}, Orgs: orgs, Roles: labelOptions(auth.StaffRoles)}, nil
}

func (s *Server) staffStaffList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	orgID, _ := strconv.ParseInt(q.Get("org_id"), 10, 64)
	list, err := s.Orgs.ListStaff(r.Context(), org.StaffFilter{OrgID: orgID, Query: q.Get("q")})
	if err != nil {
		return err
	}
	orgs, err := s.Orgs.List(r.Context())
	if err != nil {
		return err
	}
	return staffListView.ok(s, w, r, &staffListPage{basePage: basePage{Title: "人员与岗位", Form: q}, Orgs: orgs, Staff: list})
}

func (s *Server) staffStaffNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	p, err := s.staffPage(r, "新增工作人员")
	if err != nil {
		return err
	}
	p.Form = url.Values{"org_id": {r.URL.Query().Get("org_id")}}
	return staffNewView.ok(s, w, r, p)
}

func staffInput(f url.Values) org.StaffInput {
	orgID, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	return org.StaffInput{OrgID: orgID, StaffNo: f.Get("staff_no"), Name: f.Get("name"), Phone: f.Get("phone"),
		Roles: f["roles"], Active: f.Get("active") == "1", Password: f.Get("password")}
}

func (s *Server) staffStaffCreate(w http.ResponseWriter, r *http.Request) error {
	st, err := s.Orgs.CreateStaff(r.Context(), staffInput(r.PostForm))
	if err != nil {
		p, derr := s.staffPage(r, "新增工作人员")
		if derr != nil {
			return derr
		}
		clearPasswords(r.PostForm)
		return staffNewView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/staff", "已新增工作人员 "+st.Name+"（工号 "+st.StaffNo+"）")
}

// staffEditPage shows a member's current values; formError replaces them
// with what was typed when a save fails.
func (s *Server) staffEditPage(r *http.Request, st *org.Staff, errs map[string]string) (*staffPage, error) {
	p, err := s.staffPage(r, "工作人员："+st.Name)
	if err != nil {
		return nil, err
	}
	p.Member = st
	p.Form = url.Values{"org_id": {strconv.FormatInt(st.OrgID, 10)}, "name": {st.Name}, "phone": {st.Phone}, "roles": st.Roles}
	if st.Active {
		p.Form.Set("active", "1")
	}
	p.Errors = errs
	return p, nil
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
	p, err := s.staffEditPage(r, st, nil)
	if err != nil {
		return err
	}
	return staffEditView.ok(s, w, r, p)
}

func (s *Server) staffStaffUpdate(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	old, err := s.Orgs.GetStaff(r.Context(), id)
	if err != nil {
		return err
	}
	err = confirmDisable(r.PostForm, old.Active, "停用前请勾选“确认停用”")
	var st *org.Staff
	if err == nil {
		st, err = s.Orgs.UpdateStaff(r.Context(), id, staffInput(r.PostForm))
	}
	if err != nil {
		p, derr := s.staffEditPage(r, old, nil)
		if derr != nil {
			return derr
		}
		return staffEditView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/staff", "已保存 "+st.Name+" 的信息")
}

func (s *Server) staffStaffPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	err = confirmReset(r.PostForm)
	if err == nil {
		err = s.Orgs.ResetStaffPassword(r.Context(), id, r.PostForm.Get("password"))
	}
	if err != nil {
		fields, ok := invalid(err)
		if !ok {
			return err
		}
		st, gerr := s.Orgs.GetStaff(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		p, derr := s.staffEditPage(r, st, fields)
		if derr != nil {
			return derr
		}
		staffEditView.render(s, w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	return s.redirect(w, r, "/staff/staff", "密码已重置")
}
