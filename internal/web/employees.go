package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/httpx"
	"taxhall/internal/iitw"
)

// The employee roster (花名册) of the taxpayer hall, for the withholding
// return on wages; the service (iitw.Roster) scopes it to the user's own
// taxpayer.

var (
	employeesView     = newView[employeesPage]("employees.html")
	employeeNewView   = newView[basePage]("employees_new.html")
	employeeLeaveView = newView[employeeLeavePage]("employees_leave.html")
)

// employeesPage is one page of the roster and the import file's layout.
type employeesPage struct {
	basePage
	Employees []*iitw.Employee
	NextURL   string // the next page, "" on the last
	FirstURL  string // the first page, "" on it
	Month     string // the month whose standards the column rules state
	Columns   []employeeColumn
}

// employeeColumn is one column of the import file, as the page explains it.
type employeeColumn struct {
	Header, Rule string
	Required     bool
}

// employeeLeavePage confirms that an employee left.
type employeeLeavePage struct {
	basePage
	Employee *iitw.Employee
}

func (s *Server) thisMonth() calendar.YearMonth {
	return calendar.MonthOf(calendar.FromTime(s.Employees.Now()))
}

func (s *Server) hallEmployees(w http.ResponseWriter, r *http.Request) error {
	after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if err != nil || after < 0 {
		after = 0
	}
	pg, err := s.Employees.List(r.Context(), after, iitw.PageSize)
	if err != nil {
		return err
	}
	p := &employeesPage{basePage: basePage{Title: "员工花名册"}, Employees: pg.Items}
	if pg.Next != 0 {
		p.NextURL = "/hall/employees?after=" + strconv.FormatInt(pg.Next, 10)
	}
	if after > 0 {
		p.FirstURL = "/hall/employees"
	}
	m := s.thisMonth()
	p.Month = fmt.Sprintf("%d年%d月", m.Y, int(m.M))
	if rules, err := iitw.Rules(m); err == nil {
		for i, c := range iitw.Columns() {
			p.Columns = append(p.Columns, employeeColumn{Header: c.Header, Rule: rules[i], Required: c.Required})
		}
	}
	return employeesView.ok(s, w, r, p)
}

func (s *Server) hallEmployeeNew(w http.ResponseWriter, r *http.Request) error {
	return employeeNewView.ok(s, w, r, &basePage{Title: "添加员工"})
}

func (s *Server) hallEmployeeCreate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	e, err := s.Employees.Add(r.Context(), iitw.EmployeeInput{ResidentID: f.Get("resident_id"), Name: f.Get("name"), HiredOn: f.Get("hired_on")})
	if err != nil {
		return employeeNewView.formError(s, w, r, err, &basePage{Title: "添加员工"})
	}
	return s.redirect(w, r, "/hall/employees", "已将 "+e.Name+" 加入花名册")
}

func (s *Server) employeeOf(r *http.Request) (*iitw.Employee, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Employees.Get(r.Context(), id)
}

func (s *Server) hallEmployeeLeaveForm(w http.ResponseWriter, r *http.Request) error {
	e, err := s.employeeOf(r)
	if err != nil {
		return err
	}
	p := &employeeLeavePage{basePage: basePage{Title: "标记离职：" + e.Name}, Employee: e}
	return employeeLeaveView.ok(s, w, r, p)
}

func (s *Server) hallEmployeeLeave(w http.ResponseWriter, r *http.Request) error {
	e, err := s.employeeOf(r)
	if err != nil {
		return err
	}
	left, err := s.Employees.MarkLeft(r.Context(), e.ID, r.PostForm.Get("left_on"))
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			// Someone marked the employee meanwhile: show the page as it is now.
			if e, gerr := s.Employees.Get(r.Context(), e.ID); gerr == nil {
				p := &employeeLeavePage{basePage: basePage{Title: "标记离职：" + e.Name, Alert: apperr.As(err).Message}, Employee: e}
				employeeLeaveView.render(s, w, r, http.StatusConflict, p)
				return nil
			}
		}
		return employeeLeaveView.formError(s, w, r, err, &employeeLeavePage{basePage: basePage{Title: "标记离职：" + e.Name}, Employee: e})
	}
	return s.redirect(w, r, "/hall/employees", left.Name+" 已标记为 "+left.LeftOn.String()+" 离职")
}

// hallEmployeeTemplate serves the import file's template, CSV or .xlsx,
// made from the same column table as the reader (iitw.WriteTemplate).
func (s *Server) hallEmployeeTemplate(format string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var buf bytes.Buffer
		if err := iitw.WriteTemplate(&buf, format, s.thisMonth()); err != nil {
			return err
		}
		ctype := "text/csv; charset=utf-8"
		if format == iitw.XLSX {
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", "attachment; filename=\"iit-withholding-template."+format+"\"; filename*=UTF-8''"+
			url.PathEscape("个人所得税扣缴明细导入模板."+format))
		_, err := buf.WriteTo(w)
		return err
	}
}

// menuTaxTypes are the tax types of the menu's conditional entries
// (menuNeeds) that the taxpayer in the request is identified for: one
// indexed query per taxpayer page.
func (s *Server) menuTaxTypes(r *http.Request) map[string]bool {
	if s.Employees == nil || !isTaxpayer(auth.ActorFrom(r.Context())) {
		return nil
	}
	ok, err := s.Employees.WithholdsWages(r.Context())
	if err != nil {
		s.Log.Warn("menu: identifications", "err", err)
		return nil
	}
	types := map[string]bool{"iit_withholding": ok}
	if s.Sources != nil {
		if types["tax_sources"], err = s.Sources.NeedsSources(r.Context()); err != nil {
			s.Log.Warn("menu: identifications", "err", err)
		}
	}
	return types
}
