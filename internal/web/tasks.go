package web

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/workflow"
)

// The staff platform (综合办税平台): the task pool of a role, my tasks, one
// task with its application (claim, decide, assign), the supervisor's
// board and the monthly performance with its exports.

var (
	tasksView = newView[tasksPage]("staff_tasks.html")
	taskView  = newView[taskPage]("staff_task.html")
	boardView = newView[boardPage]("staff_board.html")
)

type tasksPage struct {
	basePage
	Role    string
	Roles   []Option
	Pool    []*workflow.Task
	Mine    []*workflow.Task
	NextURL string
}

type taskPage struct {
	basePage
	Task      *workflow.Task
	App       *workflow.Application
	CanDecide bool
	CanAssign bool
}

type boardPage struct {
	basePage
	Board *workflow.Board
	Month string
	Perf  []*workflow.Performance
}

func (s *Server) staffTasks(w http.ResponseWriter, r *http.Request) error {
	a := auth.ActorFrom(r.Context())
	p := &tasksPage{basePage: basePage{Title: "任务池"}}
	for _, role := range workflow.PoolRoles {
		if a.HasRole(role) {
			p.Roles = append(p.Roles, Option{Value: role, Label: auth.NameOf(auth.StaffRoles, role)})
		}
	}
	if len(p.Roles) == 0 {
		return apperr.New(apperr.Forbidden, "您的岗位没有办税事项任务")
	}
	p.Role = r.URL.Query().Get("role")
	if !a.HasRole(p.Role) {
		p.Role = p.Roles[0].Value
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	pool, err := s.Workflow.Pool(r.Context(), p.Role, after, 20)
	if err != nil {
		return err
	}
	p.Pool = pool.Items
	if pool.Next != 0 {
		p.NextURL = "/staff/tasks?role=" + p.Role + "&after=" + strconv.FormatInt(pool.Next, 10)
	}
	if p.Mine, err = s.Workflow.MyTasks(r.Context()); err != nil {
		return err
	}
	return tasksView.ok(s, w, r, p)
}

func (s *Server) taskPageOf(r *http.Request) (*taskPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	k, err := s.Workflow.Task(r.Context(), id)
	if err != nil {
		return nil, err
	}
	ap, err := s.Workflow.Get(r.Context(), k.ApplicationID)
	if err != nil {
		return nil, err
	}
	a := auth.ActorFrom(r.Context())
	return &taskPage{basePage: basePage{Title: k.ItemName + " · " + k.NodeName()}, Task: k, App: ap,
		CanDecide: k.State == workflow.TaskClaimed && k.ClaimedBy == a.UserID,
		CanAssign: k.Live() && workflow.CanSupervise(a) && a.Covers(k.BureauPath)}, nil
}

func (s *Server) staffTask(w http.ResponseWriter, r *http.Request) error {
	p, err := s.taskPageOf(r)
	if err != nil {
		return err
	}
	return taskView.ok(s, w, r, p)
}

func (s *Server) staffTaskClaim(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.Workflow.Claim(r.Context(), id)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			return s.redirect(w, r, "/staff/tasks", apperr.As(err).Message+"，请选择其他任务。")
		}
		return err
	}
	return s.redirect(w, r, "/staff/tasks/"+strconv.FormatInt(k.ID, 10), "已领取："+k.AppNo+" "+k.ItemName)
}

func (s *Server) staffTaskDecide(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.Workflow.Decide(r.Context(), id, workflow.DecideInput{Decision: r.PostForm.Get("decision"), Opinion: r.PostForm.Get("opinion")})
	if err != nil {
		p, perr := s.taskPageOf(r)
		if perr != nil {
			return perr
		}
		return taskView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/tasks", k.AppNo+" "+k.NodeName()+"：已"+k.DecisionName()+"。")
}

func (s *Server) staffTaskAssign(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	k, err := s.Workflow.Assign(r.Context(), id, r.PostForm.Get("staff_no"))
	if err != nil {
		p, perr := s.taskPageOf(r)
		if perr != nil {
			return perr
		}
		return taskView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/tasks/"+strconv.FormatInt(k.ID, 10), "已派给 "+k.HandlerName+"（"+k.HandlerNo+"）。")
}

func (s *Server) staffBoard(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Workflow.Board(r.Context())
	if err != nil {
		return err
	}
	month := r.URL.Query().Get("month")
	m, ok := workflow.Month(month)
	if !ok {
		m, _ = workflow.Month(time.Now().In(cst).Format("2006-01"))
		month = m.Format("2006-01")
	}
	perf, err := s.Workflow.PerformanceOf(r.Context(), m)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("format") {
	case "csv":
		var buf bytes.Buffer
		if err := workflow.WriteCSV(&buf, perf); err != nil {
			return err
		}
		return download(w, "text/csv; charset=utf-8", "performance-"+month+".csv", buf.Bytes())
	case "xlsx":
		var buf bytes.Buffer
		if err := workflow.WriteXLSX(&buf, month, perf); err != nil {
			return err
		}
		return download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "performance-"+month+".xlsx", buf.Bytes())
	}
	return boardView.ok(s, w, r, &boardPage{basePage: basePage{Title: "办税事项看板"}, Board: b, Month: month, Perf: perf})
}

func download(w http.ResponseWriter, ct, name string, data []byte) error {
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "attachment; filename="+name)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err := w.Write(data)
	return err
}

// FilesBase is where the page links the application's files.
func (p *taskPage) FilesBase() string { return "/staff/files" }
