package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/ids"
	"taxhall/internal/iitw"
)

// employeeRoutes are the employer's roster (花名册) for the withholding on
// wages, over iitw.Roster like the hall's pages.
func (a *API) employeeRoutes() []route {
	return []route{
		{Pattern: "GET /my/employees", Tag: tagMy, Access: TaxpayerUser,
			Summary: "本单位员工花名册",
			Doc:     "按添加顺序分页（游标分页）：返回的 next 非 0 时，以 after=next 查询下一页。列表中的身份证号码已脱敏。",
			Handler: handle(a.myEmployees)},
		{Pattern: "POST /my/employees", Tag: tagMy, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "添加员工到花名册", Doc: "同一身份证号码在本单位花名册中只能有一条（422）。", Handler: handle(a.addMyEmployee)},
		{Pattern: "POST /my/employees/{id}/leave", Tag: tagMy, Access: TaxpayerUser, Object: "employee",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "标记员工离职", Doc: "只能标记一次：已标记离职的员工返回 409。", Handler: handle(a.markMyEmployeeLeft)},
	}
}

type employeeQuery struct {
	After int64 `query:"after" min:"0" doc:"上一页返回的 next；不填为第一页"`
	Limit int   `query:"limit" min:"1" max:"200" doc:"每页条数，1 至 200，默认 50"`
}

// employeeView is one employee; the resident ID is masked in lists and
// shown in full only to the caller who just typed it.
type employeeView struct {
	ID         int64     `json:"id"`
	ResidentID string    `json:"resident_id" doc:"居民身份证号码（列表中脱敏：保留前 6 位和后 4 位）"`
	Name       string    `json:"name"`
	HiredOn    string    `json:"hired_on" doc:"入职日期 YYYY-MM-DD"`
	LeftOn     string    `json:"left_on" doc:"离职日期 YYYY-MM-DD；在职时为空字符串"`
	Employed   bool      `json:"employed" doc:"是否在职"`
	CreatedAt  time.Time `json:"created_at"`
}

func viewEmployee(e *iitw.Employee, fullID bool) employeeView {
	v := employeeView{ID: e.ID, ResidentID: ids.MaskResidentID(e.ResidentID), Name: e.Name, HiredOn: e.HiredOn.String(),
		Employed: e.Employed(), CreatedAt: e.CreatedAt}
	if fullID {
		v.ResidentID = e.ResidentID
	}
	if !e.Employed() {
		v.LeftOn = e.LeftOn.String()
	}
	return v
}

type employeePage struct {
	Items []employeeView `json:"items"`
	Next  int64          `json:"next" doc:"下一页的游标（after），0 表示已是最后一页"`
}

func (a *API) myEmployees(ctx context.Context, _ *http.Request, q employeeQuery) (employeePage, error) {
	p, err := a.Employees.List(ctx, q.After, q.Limit)
	if err != nil {
		return employeePage{}, err
	}
	out := employeePage{Items: make([]employeeView, 0, len(p.Items)), Next: p.Next}
	for _, e := range p.Items {
		out.Items = append(out.Items, viewEmployee(e, false))
	}
	return out, nil
}

type employeeRequest struct {
	ResidentID string `json:"resident_id" doc:"居民身份证号码，18 位"`
	Name       string `json:"name" doc:"姓名"`
	HiredOn    string `json:"hired_on" doc:"入职日期 YYYY-MM-DD，不晚于今天"`
}

func (a *API) addMyEmployee(ctx context.Context, _ *http.Request, in employeeRequest) (employeeView, error) {
	e, err := a.Employees.Add(ctx, iitw.EmployeeInput{ResidentID: in.ResidentID, Name: in.Name, HiredOn: in.HiredOn})
	if err != nil {
		return employeeView{}, err
	}
	return viewEmployee(e, true), nil
}

type leaveRequest struct {
	LeftOn string `json:"left_on" doc:"离职日期 YYYY-MM-DD，不早于入职日期，不晚于今天"`
}

func (a *API) markMyEmployeeLeft(ctx context.Context, r *http.Request, in leaveRequest) (employeeView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return employeeView{}, err
	}
	e, err := a.Employees.MarkLeft(ctx, id, in.LeftOn)
	if err != nil {
		return employeeView{}, err
	}
	return viewEmployee(e, false), nil
}
