package workflow

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Task states.
const (
	TaskOpen      = "open"      // in the pool
	TaskClaimed   = "claimed"   // a clerk has it (claimed or assigned)
	TaskDone      = "done"      // decided
	TaskCancelled = "cancelled" // the application was withdrawn
)

var taskStateNames = map[string]string{TaskOpen: "待领取", TaskClaimed: "办理中", TaskDone: "已办理", TaskCancelled: "已取消"}

// Task is one visit of an application to one node.
type Task struct {
	ID            int64
	ApplicationID int64
	AppNo         string
	TaxpayerID    int64
	TaxpayerName  string
	ItemCode      string
	ItemName      string
	Node          int
	NodeCode      string
	Role          string
	BureauID      int64
	BureauName    string
	BureauPath    string
	CityID        int64
	Citywide      bool
	State         string
	ClaimedBy     int64
	HandlerName   string
	HandlerNo     string
	ClaimedAt     time.Time
	Assigned      bool
	LimitDays     int
	Difficulty    int
	StartedAt     time.Time
	DueDate       calendar.Date
	WarnDate      calendar.Date
	DecidedAt     time.Time
	Decision      string
	Opinion       string
	DaysUsed      int
	OnTime        bool
	Rating        int
	RatingComment string

	Timing Timing // for a live task, on the day it was read
}

// NodeName, StateName, DecisionName, RoleName: for display.
func (t *Task) NodeName() string     { return NodeName(t.NodeCode) }
func (t *Task) StateName() string    { return taskStateNames[t.State] }
func (t *Task) DecisionName() string { return DecisionName(t.NodeCode, t.Decision) }
func (t *Task) RoleName() string     { return auth.NameOf(auth.StaffRoles, t.Role) }

// Live reports whether the task is waiting or being handled.
func (t *Task) Live() bool { return t.State == TaskOpen || t.State == TaskClaimed }

// Near and Overdue: the markings of a live task.
func (t *Task) Near() bool    { return t.Live() && t.Timing == TimingNear }
func (t *Task) Overdue() bool { return t.Live() && t.Timing == TimingOverdue }

// Decisions lists what may be decided at the task's node.
func (t *Task) Decisions() []auth.Label {
	var out []auth.Label
	for _, d := range Decisions(t.NodeCode) {
		out = append(out, auth.Label{Code: d, Name: DecisionName(t.NodeCode, d)})
	}
	return out
}

const taskCols = `k.id, k.application_id, a.no, k.taxpayer_id, t.name, k.item_code, i.name, k.node, k.node_code, k.role,
	k.bureau_id, o.name, k.bureau_path, k.city_id, k.citywide, k.state, COALESCE(k.claimed_by, 0), COALESCE(s.name, ''), COALESCE(s.staff_no, ''),
	k.claimed_at, COALESCE(k.assigned_by, 0), k.limit_days, k.difficulty_pct, k.started_at, k.due_date, k.warn_date, k.decided_at,
	k.decision, k.opinion, k.days_used, k.on_time, COALESCE(k.rating, 0), k.rating_comment`

const taskJoins = `JOIN applications a ON a.id = k.application_id JOIN taxpayers t ON t.id = k.taxpayer_id
	JOIN items i ON i.code = k.item_code JOIN orgs o ON o.id = k.bureau_id LEFT JOIN staff s ON s.id = k.claimed_by`

func scanTask(sc db.Scanner) (*Task, error) {
	var k Task
	var citywide, onTime int
	var assigned int64
	var claimed, started, due, warn, decided string
	err := sc.Scan(&k.ID, &k.ApplicationID, &k.AppNo, &k.TaxpayerID, &k.TaxpayerName, &k.ItemCode, &k.ItemName, &k.Node, &k.NodeCode, &k.Role,
		&k.BureauID, &k.BureauName, &k.BureauPath, &k.CityID, &citywide, &k.State, &k.ClaimedBy, &k.HandlerName, &k.HandlerNo,
		&claimed, &assigned, &k.LimitDays, &k.Difficulty, &started, &due, &warn, &decided,
		&k.Decision, &k.Opinion, &k.DaysUsed, &onTime, &k.Rating, &k.RatingComment)
	if err != nil {
		return nil, err
	}
	k.Citywide, k.OnTime, k.Assigned = citywide == 1, onTime == 1, assigned != 0
	k.ClaimedAt, k.StartedAt, k.DecidedAt = db.ParseTS(claimed), db.ParseTS(started), db.ParseTS(decided)
	k.DueDate, _ = calendar.ParseDate(due)
	k.WarnDate, _ = calendar.ParseDate(warn)
	return &k, nil
}

func (s *Service) today() calendar.Date { return calendar.FromTime(s.Now().In(china)) }

func (s *Service) mark(list []*Task) {
	today := s.today()
	for _, k := range list {
		if k.Live() {
			k.Timing = TimingOn(today, k.WarnDate, k.DueDate)
		}
	}
}

// Eligible reports whether staff a may handle task k: a holds the node's
// role, and the task's bureau is in a's subtree, or the item is 同城通办
// and a works in the task's city.
func Eligible(a *auth.Actor, k *Task) bool {
	if !a.HasRole(k.Role) {
		return false
	}
	return a.Covers(k.BureauPath) || k.Citywide && a.OrgPath != "" && CityOf(a.OrgPath) == k.CityID
}

// level is how deep an org path is: 1 province, 2 city, 3 district.
func level(path string) int { return strings.Count(strings.Trim(path, "/"), "/") + 1 }

// PoolRoles are the roles that handle some node of the catalogue, in the
// order the pool offers them.
var PoolRoles = []string{auth.RoleWindowClerk, auth.RoleReviewer, auth.RoleHallSupervisor, auth.RoleRiskAnalyst}

// CanWork reports whether a holds a role with a pool.
func CanWork(a *auth.Actor) bool {
	return slices.ContainsFunc(PoolRoles, a.HasRole)
}

// CanSupervise reports whether a may see the board and assign tasks: a
// hall supervisor.
func CanSupervise(a *auth.Actor) bool { return a.HasRole(auth.RoleHallSupervisor) }

// TaskPage is a page of tasks in id order; Next is the cursor of the next
// page, 0 on the last.
type TaskPage struct {
	Items []*Task
	Next  int64
}

// Pool lists the open tasks a staff member may claim with role, oldest
// first, keyset-paged by id: a district's own tasks (index
// tasks_pool_bureau) merged with its city's 同城通办 tasks (index
// tasks_pool_citywide); a city's tasks (tasks_pool_city).
func (s *Service) Pool(ctx context.Context, role string, after int64, limit int) (_ *TaskPage, err error) {
	defer db.Wrap(&err, "workflow.Pool(%s)", role)
	a, err := auth.RequireStaff(ctx, role)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(PoolRoles, role) {
		return nil, apperr.New(apperr.NotFound, "没有这个岗位的任务池")
	}
	limit = clampLimit(limit)
	// Each page's ids first, by the pool index alone; the names are
	// joined to those rows only.
	q := func(cond, limit string) string {
		return `SELECT ` + taskCols + ` FROM (SELECT k.id FROM tasks k WHERE k.state = 'open' AND k.role = $1 AND k.id > $2 AND ` + cond +
			` ORDER BY k.id LIMIT ` + limit + `) x JOIN tasks k ON k.id = x.id ` + taskJoins + ` ORDER BY k.id`
	}
	var lists [][]*Task
	switch level(a.OrgPath) {
	case 3:
		own, err := db.Query(ctx, s.DB, scanTask, q(`k.bureau_id = $3`, `$4`), role, after, a.OrgID, limit+1)
		if err != nil {
			return nil, err
		}
		city, err := db.Query(ctx, s.DB, scanTask, q(`k.city_id = $3 AND k.citywide = 1 AND k.bureau_id <> $4`, `$5`),
			role, after, CityOf(a.OrgPath), a.OrgID, limit+1)
		if err != nil {
			return nil, err
		}
		lists = [][]*Task{own, city}
	case 2:
		list, err := db.Query(ctx, s.DB, scanTask, q(`k.city_id = $3`, `$4`), role, after, a.OrgID, limit+1)
		if err != nil {
			return nil, err
		}
		lists = [][]*Task{list}
	default:
		cond, arg := a.SubtreeSQL("k.bureau_path", 3)
		list, err := db.Query(ctx, s.DB, scanTask, q(cond, `$4`), role, after, arg, limit+1)
		if err != nil {
			return nil, err
		}
		lists = [][]*Task{list}
	}
	all := slices.Concat(lists...)
	slices.SortFunc(all, func(x, y *Task) int { return int(x.ID - y.ID) })
	p := &TaskPage{Items: all}
	if len(all) > limit {
		p.Items = all[:limit]
		p.Next = p.Items[limit-1].ID
	}
	s.mark(p.Items)
	return p, nil
}

// MyTasks lists the tasks the staff member has claimed or been assigned
// and not decided yet (index tasks_claimed).
func (s *Service) MyTasks(ctx context.Context) (_ []*Task, err error) {
	defer db.Wrap(&err, "workflow.MyTasks")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	list, err := db.Query(ctx, s.DB, scanTask, `SELECT `+taskCols+` FROM tasks k `+taskJoins+`
		WHERE k.claimed_by = $1 AND k.state = 'claimed' ORDER BY k.id LIMIT 200`, a.UserID)
	s.mark(list)
	return list, err
}

var errNoTask = apperr.New(apperr.NotFound, "任务不存在")

// Task returns one task for staff who may handle it or supervise its
// bureau.
func (s *Service) Task(ctx context.Context, id int64) (_ *Task, err error) {
	defer db.Wrap(&err, "workflow.Task(%d)", id)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	k, err := getTask(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(k.BureauPath) && !Eligible(a, k) {
		return nil, errNoTask
	}
	s.mark([]*Task{k})
	return k, nil
}

func getTask(ctx context.Context, q db.Querier, id int64) (*Task, error) {
	k, err := scanTask(q.QueryRowContext(ctx, `SELECT `+taskCols+` FROM tasks k `+taskJoins+` WHERE k.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoTask
	}
	return k, err
}

// Claim takes an open task for the staff member: one conditional update,
// so of clerks claiming at once exactly one gets it and the others are
// told who has it.
func (s *Service) Claim(ctx context.Context, id int64) (_ *Task, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Claim(%d)", id)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.Task(ctx, id)
	if err != nil {
		return nil, err
	}
	if !Eligible(a, k) {
		return nil, apperr.New(apperr.Forbidden, "您的岗位不能办理这个环节")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var got int64
		if err := tx.QueryRowContext(ctx, `UPDATE tasks SET state = 'claimed', claimed_by = $1, claimed_at = $2
			WHERE id = $3 AND state = 'open' AND claimed_by IS NULL RETURNING id`, a.UserID, db.TS(now), id).Scan(&got); err != nil {
			return err
		}
		return count(ctx, tx, keyOf(k), -1, 1)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, s.taken(ctx, id)
	}
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, id)
}

// taken explains why a task could not be claimed.
func (s *Service) taken(ctx context.Context, id int64) error {
	k, err := getTask(ctx, s.DB, id)
	if err != nil {
		return err
	}
	if k.State == TaskClaimed {
		return apperr.New(apperr.Conflict, "该任务已被"+k.HandlerName+"（工号 "+k.HandlerNo+"）领取")
	}
	return apperr.New(apperr.Conflict, "该任务已"+k.StateName())
}

// Assign gives a live task to a named clerk (派单): a hall supervisor of
// the task's bureau subtree, to staff who may handle it. It also
// reassigns a claimed task.
func (s *Service) Assign(ctx context.Context, id int64, staffNo string) (_ *Task, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Assign(%d)", id)
	a, err := auth.RequireStaff(ctx, auth.RoleHallSupervisor)
	if err != nil {
		return nil, err
	}
	k, err := getTask(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(k.BureauPath) {
		return nil, errNoTask
	}
	to, err := staffActor(ctx, s.DB, auth.NormalizeStaffNo(staffNo))
	if err != nil {
		return nil, err
	}
	if !Eligible(to, k) {
		return nil, apperr.InvalidField("staff_no", to.Name+"不能办理这个环节（岗位或所属税务机关不符）")
	}
	// An open task moves to claimed (its counts with it); a claimed one
	// changes hands. Each a conditional update: a decision or claim in
	// between leaves none to change.
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, from := range []string{TaskOpen, TaskClaimed} {
			res, err := tx.ExecContext(ctx, `UPDATE tasks SET state = 'claimed', claimed_by = $1, claimed_at = $2, assigned_by = $3
				WHERE id = $4 AND state = $5`, to.UserID, db.TS(now), a.UserID, id, from)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				if from == TaskOpen {
					return count(ctx, tx, keyOf(k), -1, 1)
				}
				return nil
			}
		}
		return errState("该任务已办理完毕")
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, id)
}

// staffActor loads an active staff member as an actor, to check what
// they may handle.
func staffActor(ctx context.Context, q db.Querier, no string) (*auth.Actor, error) {
	x := &auth.Actor{Kind: auth.Staff, StaffNo: no}
	var roles string
	err := q.QueryRowContext(ctx, `SELECT s.id, s.name, s.roles, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE s.staff_no = $1 AND s.active = 1`, no).Scan(&x.UserID, &x.Name, &roles, &x.OrgID, &x.OrgPath)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.InvalidField("staff_no", "没有这个工号的在岗人员")
	}
	if roles != "" {
		x.Roles = strings.Split(roles, ",")
	}
	return x, err
}

// DecideInput is a handler's decision.
type DecideInput struct {
	Decision string
	Opinion  string // required for a return (the reasons) and a rejection
}

// Decide records the handler's decision on a task they hold and moves the
// application by the transition table: the next node's task opens in its
// pool, or the application ends. An approval's effect (effects.go) runs in
// the same transaction, and the taxpayer is told (in-site message).
func (s *Service) Decide(ctx context.Context, id int64, in DecideInput) (_ *Task, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.Decide(%d, %s)", id, in.Decision)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	k, err := s.Task(ctx, id)
	if err != nil {
		return nil, err
	}
	if k.State != TaskClaimed || k.ClaimedBy != a.UserID {
		return nil, errState("请先领取该任务再办理")
	}
	in.Opinion = strings.TrimSpace(in.Opinion)
	f := apperr.Fields{}
	f.Text("opinion", in.Opinion, 1000)
	if in.Opinion == "" && (in.Decision == DecisionReturn || in.Decision == DecisionReject) {
		f.Add("opinion", "退回补正或不予办理时请写明理由")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	cal, err := s.Calendar.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	today := s.today()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		ap, err := s.load(ctx, tx, k.ApplicationID)
		if err != nil {
			return err
		}
		step, err := Transition(ap.Status, ap.Item.Nodes, k.Node, in.Decision)
		if err != nil {
			return err
		}
		node, finished := ap.Node, ""
		if step.Next >= 0 {
			node = step.Next
		}
		if Finished(step.Status) {
			finished = db.TS(now)
		}
		// The application first, then the task: the order Withdraw takes
		// too, so the two never deadlock.
		res, err := tx.ExecContext(ctx, `UPDATE applications SET status = $1, node = $2, updated_at = $3, finished_at = $4
			WHERE id = $5 AND status = $6 AND node = $7`, step.Status, node, db.TS(now), finished, ap.ID, ap.Status, k.Node)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errState("申请状态已变化，请刷新后查看")
		}
		used := WorkdaysUsed(cal, calendar.FromTime(k.StartedAt.In(china)), today)
		res, err = tx.ExecContext(ctx, `UPDATE tasks SET state = 'done', decision = $1, opinion = $2, decided_at = $3, days_used = $4, on_time = $5
			WHERE id = $6 AND state = 'claimed' AND claimed_by = $7`, in.Decision, in.Opinion, db.TS(now), used, boolInt(!today.After(k.DueDate)), id, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errState("该任务已被改派或已办理")
		}
		if err := count(ctx, tx, keyOf(k), 0, -1); err != nil {
			return err
		}
		if step.Status == StatusApproved {
			result, err := s.effect(ctx, tx, now, a, ap)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE applications SET result = $1 WHERE id = $2`, result, ap.ID); err != nil {
				return err
			}
		}
		if step.Status == StatusRejected {
			if err := rejectRefund(ctx, tx, now, ap); err != nil {
				return err
			}
		}
		if step.Next >= 0 {
			if err := openTask(ctx, tx, cal, now, taskSpec{app: ap.ID, taxpayer: ap.TaxpayerID, item: ap.Item, node: step.Next,
				bureau: k.BureauID, bureauPath: k.BureauPath}); err != nil {
				return err
			}
		}
		return notify(ctx, tx, now, ap, k, in.Decision, in.Opinion, a.UserID)
	})
	if err != nil {
		return nil, err
	}
	return s.Task(ctx, id)
}
