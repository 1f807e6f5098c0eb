package api

import (
	"net/http"

	"taxhall/internal/httpx"
	"taxhall/internal/org"
)

// orgView is a tax authority with its level named.
type orgView struct {
	*org.Org
	LevelName string `json:"level_name"`
}

func viewOrg(o *org.Org) orgView { return orgView{o, org.LevelName(o.Level)} }

func (a *API) listOrgs(w http.ResponseWriter, r *http.Request) error {
	orgs, err := a.Orgs.List(r.Context())
	if err != nil {
		return err
	}
	out := make([]orgView, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, viewOrg(o))
	}
	return reply(w, r, listOf(out))
}

type orgRequest struct {
	ParentID     int64  `json:"parent_id" doc:"上级税务机关，须在本人管辖范围内"`
	DivisionCode string `json:"division_code" doc:"辖区行政区划代码：市级 4 位，区县级 6 位，须在上级辖区内"`
	Name         string `json:"name" doc:"税务机关名称"`
	Address      string `json:"address,omitempty" doc:"地址"`
	Phone        string `json:"phone,omitempty" doc:"电话"`
}

func (a *API) createOrg(w http.ResponseWriter, r *http.Request) error {
	var in orgRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := a.Orgs.Create(r.Context(), org.Input{ParentID: in.ParentID, DivisionCode: in.DivisionCode, Name: in.Name,
		Address: in.Address, Phone: in.Phone, Active: true})
	if err != nil {
		return err
	}
	return reply(w, r, viewOrg(o))
}

func (a *API) getOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := a.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, r, viewOrg(o))
}

type orgPatch struct {
	Name    *string `json:"name,omitempty" doc:"税务机关名称"`
	Address *string `json:"address,omitempty" doc:"地址"`
	Phone   *string `json:"phone,omitempty" doc:"电话"`
	Active  *bool   `json:"active,omitempty" doc:"false 停用；不能停用本人所在的税务机关"`
}

func (a *API) updateOrg(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in orgPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	cur, err := a.Orgs.Get(r.Context(), id)
	if err != nil {
		return err
	}
	o, err := a.Orgs.Update(r.Context(), id, org.Input{Name: pick(in.Name, cur.Name), Address: pick(in.Address, cur.Address),
		Phone: pick(in.Phone, cur.Phone), Active: pick(in.Active, cur.Active)})
	if err != nil {
		return err
	}
	return reply(w, r, viewOrg(o))
}

// staffView is a staff member with the roles named.
type staffView struct {
	*org.Staff
	RoleNames []string `json:"role_names"`
}

func viewStaff(s *org.Staff) staffView { return staffView{s, roleNames(s.Roles)} }

func (a *API) listStaff(w http.ResponseWriter, r *http.Request) error {
	orgID, err := queryInt(r, "org_id")
	if err != nil {
		return err
	}
	list, err := a.Orgs.ListStaff(r.Context(), org.StaffFilter{OrgID: orgID, Query: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	out := make([]staffView, 0, len(list))
	for _, s := range list {
		out = append(out, viewStaff(s))
	}
	return reply(w, r, listOf(out))
}

type staffRequest struct {
	OrgID    int64    `json:"org_id" doc:"所在税务机关，须在本人管辖范围内"`
	StaffNo  string   `json:"staff_no" doc:"工号：4 至 20 位字母或数字"`
	Name     string   `json:"name" doc:"姓名"`
	Phone    string   `json:"phone,omitempty" doc:"电话"`
	Roles    []string `json:"roles" enum:"staff_roles" doc:"岗位角色，至少一个"`
	Password string   `json:"password" doc:"初始密码，规则同纳税人用户"`
}

func (a *API) createStaff(w http.ResponseWriter, r *http.Request) error {
	var in staffRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	s, err := a.Orgs.CreateStaff(r.Context(), org.StaffInput{OrgID: in.OrgID, StaffNo: in.StaffNo, Name: in.Name,
		Phone: in.Phone, Roles: in.Roles, Active: true, Password: in.Password})
	if err != nil {
		return err
	}
	return reply(w, r, viewStaff(s))
}

func (a *API) getStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	s, err := a.Orgs.GetStaff(r.Context(), id)
	if err != nil {
		return err
	}
	return reply(w, r, viewStaff(s))
}

type staffPatch struct {
	OrgID  *int64    `json:"org_id,omitempty" doc:"调往的税务机关"`
	Name   *string   `json:"name,omitempty" doc:"姓名"`
	Phone  *string   `json:"phone,omitempty" doc:"电话"`
	Roles  *[]string `json:"roles,omitempty" enum:"staff_roles" doc:"岗位角色（整体替换）"`
	Active *bool     `json:"active,omitempty" doc:"false 停用该工作人员，其令牌立即失效"`
}

func (a *API) updateStaff(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in staffPatch
	if err := decode(w, r, &in); err != nil {
		return err
	}
	cur, err := a.Orgs.GetStaff(r.Context(), id)
	if err != nil {
		return err
	}
	s, err := a.Orgs.UpdateStaff(r.Context(), id, org.StaffInput{OrgID: pick(in.OrgID, cur.OrgID), StaffNo: cur.StaffNo,
		Name: pick(in.Name, cur.Name), Phone: pick(in.Phone, cur.Phone), Roles: pick(in.Roles, cur.Roles), Active: pick(in.Active, cur.Active)})
	if err != nil {
		return err
	}
	return reply(w, r, viewStaff(s))
}

type staffPasswordRequest struct {
	Password string `json:"password" doc:"新密码，不得包含工号"`
}

func (a *API) resetStaffPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in staffPasswordRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := a.Orgs.ResetStaffPassword(r.Context(), id, in.Password); err != nil {
		return err
	}
	return reply(w, r, nil)
}
