package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/ids"
	"taxhall/internal/org"
)

func (a *API) adminRoutes() []route {
	return []route{
		{Pattern: "GET /orgs", Tag: tagAdmin, Access: StaffUser,
			Summary: "本级及下级税务机关", Doc: "任何税务人员均可查询本人所在税务机关及其下级，按树形顺序排列。", Handler: handle(a.listOrgs)},
		{Pattern: "POST /orgs", Tag: tagAdmin, Access: AdminUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "新设下级税务机关", Handler: handle(a.createOrg)},
		{Pattern: "GET /orgs/{id}", Tag: tagAdmin, Access: StaffUser, Object: "org",
			Summary: "查询税务机关", Doc: "任何税务人员均可查询本人所在税务机关及其下级。", Handler: handle(a.getOrg)},
		{Pattern: "PATCH /orgs/{id}", Tag: tagAdmin, Access: AdminUser, Object: "org",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "修改税务机关", Doc: "未提交的字段保持原值。", Handler: handle(a.updateOrg)},
		{Pattern: "GET /staff", Tag: tagAdmin, Access: AdminUser,
			Summary: "本级及下级税务机关的工作人员（最多 500 条）",
			Doc:     "列表中的电话已脱敏（隐藏中间 4 位）；完整号码请查询单个工作人员。",
			Handler: handle(a.listStaff)},
		{Pattern: "POST /staff", Tag: tagAdmin, Access: AdminUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "新增工作人员", Handler: handle(a.createStaff)},
		{Pattern: "GET /staff/{id}", Tag: tagAdmin, Access: AdminUser, Object: "staff",
			Summary: "查询工作人员", Handler: handle(a.getStaff)},
		{Pattern: "PATCH /staff/{id}", Tag: tagAdmin, Access: AdminUser, Object: "staff",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "修改工作人员", Doc: "未提交的字段保持原值。停用后该工作人员的令牌立即失效。", Handler: handle(a.updateStaff)},
		{Pattern: "POST /staff/{id}/password", Tag: tagAdmin, Access: AdminUser, Object: "staff",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "重置工作人员密码", Doc: "重置后该工作人员的现有令牌全部失效。", Handler: handle(a.resetStaffPassword)},
	}
}

// orgView is a tax authority with its level named. Its phone is the
// office's, published, so it is not masked.
type orgView struct {
	ID           int64  `json:"id"`
	Code         string `json:"code" doc:"税务机关代码"`
	Name         string `json:"name"`
	Level        string `json:"level" enum:"org_levels"`
	LevelName    string `json:"level_name"`
	ParentID     int64  `json:"parent_id,omitempty" doc:"上级税务机关；省级税务局没有此字段"`
	DivisionCode string `json:"division_code" doc:"辖区行政区划代码"`
	Address      string `json:"address"`
	Phone        string `json:"phone" doc:"办公电话"`
	Active       bool   `json:"active"`
	Depth        int    `json:"depth" doc:"在列表树中的层次，从 0 开始"`
}

func viewOrg(o *org.Org) orgView {
	return orgView{ID: o.ID, Code: o.Code, Name: o.Name, Level: o.Level, LevelName: org.LevelName(o.Level), ParentID: o.ParentID,
		DivisionCode: o.DivisionCode, Address: o.Address, Phone: o.Phone, Active: o.Active, Depth: o.Depth}
}

func (a *API) listOrgs(ctx context.Context, _ *http.Request, _ noBody) (list[orgView], error) {
	orgs, err := a.Orgs.List(ctx)
	if err != nil {
		return list[orgView]{}, err
	}
	return mapList(orgs, viewOrg), nil
}

type orgRequest struct {
	ParentID     int64  `json:"parent_id" doc:"上级税务机关，须在本人管辖范围内"`
	DivisionCode string `json:"division_code" doc:"辖区行政区划代码：市级 4 位，区县级 6 位，须在上级辖区内"`
	Name         string `json:"name" doc:"税务机关名称"`
	Address      string `json:"address,omitempty" doc:"地址"`
	Phone        string `json:"phone,omitempty" doc:"电话"`
}

func (a *API) createOrg(ctx context.Context, _ *http.Request, in orgRequest) (orgView, error) {
	o, err := a.Orgs.Create(ctx, org.Input{ParentID: in.ParentID, DivisionCode: in.DivisionCode, Name: in.Name,
		Address: in.Address, Phone: in.Phone, Active: true})
	if err != nil {
		return orgView{}, err
	}
	return viewOrg(o), nil
}

func (a *API) getOrg(ctx context.Context, r *http.Request, _ noBody) (orgView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return orgView{}, err
	}
	o, err := a.Orgs.Get(ctx, id)
	if err != nil {
		return orgView{}, err
	}
	return viewOrg(o), nil
}

type orgPatch struct {
	Name    *string `json:"name,omitempty" doc:"税务机关名称"`
	Address *string `json:"address,omitempty" doc:"地址"`
	Phone   *string `json:"phone,omitempty" doc:"电话"`
	Active  *bool   `json:"active,omitempty" doc:"false 停用；不能停用本人所在的税务机关"`
}

func (a *API) updateOrg(ctx context.Context, r *http.Request, in orgPatch) (orgView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return orgView{}, err
	}
	o, err := a.Orgs.Patch(ctx, id, org.Patch{Name: in.Name, Address: in.Address, Phone: in.Phone, Active: in.Active})
	if err != nil {
		return orgView{}, err
	}
	return viewOrg(o), nil
}

// staffView is a staff member in full, for an administrator.
type staffView struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"org_id" doc:"所在税务机关"`
	OrgName   string   `json:"org_name"`
	StaffNo   string   `json:"staff_no" doc:"工号"`
	Name      string   `json:"name"`
	Phone     string   `json:"phone" doc:"电话（完整）"`
	Roles     []string `json:"roles" enum:"staff_roles" doc:"岗位角色"`
	RoleNames []string `json:"role_names"`
	Active    bool     `json:"active"`
}

func viewStaff(s *org.Staff) staffView {
	return staffView{ID: s.ID, OrgID: s.OrgID, OrgName: s.OrgName, StaffNo: s.StaffNo, Name: s.Name, Phone: s.Phone,
		Roles: nonNil(s.Roles), RoleNames: roleNames(s.Roles), Active: s.Active}
}

// staffItem is a staff member in a list, the phone masked.
type staffItem struct {
	ID        int64    `json:"id"`
	OrgID     int64    `json:"org_id"`
	OrgName   string   `json:"org_name"`
	StaffNo   string   `json:"staff_no"`
	Name      string   `json:"name"`
	Phone     string   `json:"phone" doc:"电话，已脱敏：隐藏中间 4 位"`
	Roles     []string `json:"roles" enum:"staff_roles"`
	RoleNames []string `json:"role_names"`
	Active    bool     `json:"active"`
}

func viewStaffItem(s *org.Staff) staffItem {
	return staffItem{ID: s.ID, OrgID: s.OrgID, OrgName: s.OrgName, StaffNo: s.StaffNo, Name: s.Name, Phone: ids.MaskPhone(s.Phone),
		Roles: nonNil(s.Roles), RoleNames: roleNames(s.Roles), Active: s.Active}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

type staffQuery struct {
	OrgID int64  `query:"org_id" doc:"只看该税务机关的工作人员"`
	Q     string `query:"q" doc:"工号或姓名的一部分"`
}

func (a *API) listStaff(ctx context.Context, _ *http.Request, q staffQuery) (list[staffItem], error) {
	staff, err := a.Orgs.ListStaff(ctx, org.StaffFilter{OrgID: q.OrgID, Query: q.Q})
	if err != nil {
		return list[staffItem]{}, err
	}
	return mapList(staff, viewStaffItem), nil
}

type staffRequest struct {
	OrgID    int64    `json:"org_id" doc:"所在税务机关，须在本人管辖范围内"`
	StaffNo  string   `json:"staff_no" doc:"工号：4 至 20 位字母或数字"`
	Name     string   `json:"name" doc:"姓名"`
	Phone    string   `json:"phone,omitempty" doc:"电话"`
	Roles    []string `json:"roles" enum:"staff_roles" doc:"岗位角色，至少一个"`
	Password string   `json:"password" doc:"初始密码，规则同纳税人用户"`
}

func (a *API) createStaff(ctx context.Context, _ *http.Request, in staffRequest) (staffView, error) {
	s, err := a.Orgs.CreateStaff(ctx, org.StaffInput{OrgID: in.OrgID, StaffNo: in.StaffNo, Name: in.Name,
		Phone: in.Phone, Roles: in.Roles, Active: true, Password: in.Password})
	if err != nil {
		return staffView{}, err
	}
	return viewStaff(s), nil
}

func (a *API) getStaff(ctx context.Context, r *http.Request, _ noBody) (staffView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return staffView{}, err
	}
	s, err := a.Orgs.GetStaff(ctx, id)
	if err != nil {
		return staffView{}, err
	}
	return viewStaff(s), nil
}

type staffPatch struct {
	OrgID  *int64    `json:"org_id,omitempty" doc:"调往的税务机关"`
	Name   *string   `json:"name,omitempty" doc:"姓名"`
	Phone  *string   `json:"phone,omitempty" doc:"电话"`
	Roles  *[]string `json:"roles,omitempty" enum:"staff_roles" doc:"岗位角色（整体替换）"`
	Active *bool     `json:"active,omitempty" doc:"false 停用该工作人员，其令牌立即失效"`
}

func (a *API) updateStaff(ctx context.Context, r *http.Request, in staffPatch) (staffView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return staffView{}, err
	}
	s, err := a.Orgs.PatchStaff(ctx, id, org.StaffPatch{OrgID: in.OrgID, Name: in.Name, Phone: in.Phone, Roles: in.Roles, Active: in.Active})
	if err != nil {
		return staffView{}, err
	}
	return viewStaff(s), nil
}

type staffPasswordRequest struct {
	Password string `json:"password" doc:"新密码，不得包含工号"`
}

func (a *API) resetStaffPassword(ctx context.Context, r *http.Request, in staffPasswordRequest) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Orgs.ResetStaffPassword(ctx, id, in.Password)
}
