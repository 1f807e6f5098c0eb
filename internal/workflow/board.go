package workflow

import (
	"context"
	"fmt"
	"sort"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Board is the supervisor's live view of the bureau's tasks.
type Board struct {
	Rows    []*BoardRow // live tasks by item and node
	Overdue []*Task     // the most overdue first
	Load    []*Load     // each handler's claimed tasks
	Open    int         // totals of Rows
	Claimed int
	Late    int
}

// BoardRow counts the live tasks of one item at one node.
type BoardRow struct {
	ItemCode, ItemName, NodeCode string
	Open, Claimed, Overdue       int
}

// NodeName is the node in Chinese.
func (r *BoardRow) NodeName() string { return NodeName(r.NodeCode) }

// Load is one handler's claimed tasks.
type Load struct {
	StaffID       int64
	Name, StaffNo string
	Claimed       int
	Overdue       int
}

// scope is the condition limiting tasks to the actor's bureau (a district's
// own, a city's, or a subtree by path), with its argument as $n; the
// board's indexes (tasks_overdue, tasks_load and their city twins) lead
// with bureau_id or city_id.
func scope(a *auth.Actor, n int) (string, any) {
	switch level(a.OrgPath) {
	case 3:
		return fmt.Sprintf("k.bureau_id = $%d", n), a.OrgID
	case 2:
		return fmt.Sprintf("k.city_id = $%d", n), a.OrgID
	}
	return a.SubtreeSQL("k.bureau_path", n)
}

// Board returns the live counts, the overdue tasks and each handler's
// load for a hall supervisor's bureau.
func (s *Service) Board(ctx context.Context) (_ *Board, err error) {
	defer db.Wrap(&err, "workflow.Board")
	a, err := auth.RequireStaff(ctx, auth.RoleHallSupervisor)
	if err != nil {
		return nil, err
	}
	today := s.today().String()
	cond, arg := scope(a, 1)
	ccond, carg := countScope(a, 1)
	b := &Board{}
	// The counts come from task_counts (a few rows per item, node and
	// last day), items named after the grouping.
	b.Rows, err = db.Query(ctx, s.DB, func(sc db.Scanner) (*BoardRow, error) {
		var r BoardRow
		return &r, sc.Scan(&r.ItemCode, &r.ItemName, &r.NodeCode, &r.Open, &r.Claimed, &r.Overdue)
	}, `SELECT g.item_code, i.name, g.node_code, g.open_n, g.claimed_n, g.late FROM (
			SELECT c.item_code, c.node_code, SUM(c.open_n) AS open_n, SUM(c.claimed_n) AS claimed_n,
				SUM(CASE WHEN c.due_date < $2 THEN c.open_n + c.claimed_n ELSE 0 END) AS late
			FROM task_counts c WHERE `+ccond+` GROUP BY c.item_code, c.node_code) g
		JOIN items i ON i.code = g.item_code WHERE g.open_n + g.claimed_n > 0`, carg, today)
	if err != nil {
		return nil, err
	}
	sort.Slice(b.Rows, func(i, j int) bool {
		if b.Rows[i].ItemCode != b.Rows[j].ItemCode {
			return b.Rows[i].ItemCode < b.Rows[j].ItemCode
		}
		return b.Rows[i].NodeCode < b.Rows[j].NodeCode
	})
	for _, r := range b.Rows {
		b.Open += r.Open
		b.Claimed += r.Claimed
		b.Late += r.Overdue
	}
	// The 50 most overdue by index order (tasks_overdue), joined after.
	b.Overdue, err = db.Query(ctx, s.DB, scanTask, `SELECT `+taskCols+` FROM (
			SELECT k.id FROM tasks k WHERE `+cond+` AND k.state IN ('open', 'claimed') AND k.due_date < $2 ORDER BY k.due_date, k.id LIMIT 50) x
		JOIN tasks k ON k.id = x.id `+taskJoins+` ORDER BY k.due_date, k.id`, arg, today)
	if err != nil {
		return nil, err
	}
	s.mark(b.Overdue)
	b.Load, err = db.Query(ctx, s.DB, func(sc db.Scanner) (*Load, error) {
		var l Load
		return &l, sc.Scan(&l.StaffID, &l.Name, &l.StaffNo, &l.Claimed, &l.Overdue)
	}, `SELECT g.claimed_by, s.name, s.staff_no, g.n, g.late FROM (
			SELECT k.claimed_by, COUNT(*) AS n, SUM(CASE WHEN k.due_date < $2 THEN 1 ELSE 0 END) AS late
			FROM tasks k WHERE `+cond+` AND k.state = 'claimed' GROUP BY k.claimed_by) g
		JOIN staff s ON s.id = g.claimed_by ORDER BY g.n DESC, g.claimed_by LIMIT 200`, arg, today)
	return b, err
}

// Performance is one handler's month.
type Performance struct {
	StaffID       int64
	Name, StaffNo string
	Handled       int
	Weighted      int // Σ difficulty × 100
	OnTime        int
	Returned      int
	Rejected      int
	Rated         int
	RatingSum     int
	Complaints    int // complaints filed in the month about their finished steps
	Rank          int
}

// WeightedText is items × difficulty: "12.5".
func (p *Performance) WeightedText() string { return pct(p.Weighted) }

// OnTimeRate, ReturnRate: percentages with one decimal.
func (p *Performance) OnTimeRate() string { return rate(p.OnTime, p.Handled) }
func (p *Performance) ReturnRate() string { return rate(p.Returned, p.Handled) }

// AverageRating is the mean of the ratings, "" when none.
func (p *Performance) AverageRating() string {
	if p.Rated == 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", float64(p.RatingSum)/float64(p.Rated))
}

// Stars is the service-star level (1–5) from the rank in the bureau.
func (p *Performance) Stars(total int) int {
	if total == 0 {
		return 0
	}
	return 5 - (p.Rank-1)*5/total
}

func rate(n, d int) string {
	if d == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(d))
}

// Month parses "2026-05" in China time.
func Month(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01", s, china)
	return t, err == nil
}

// PerformanceOf lists each handler's finished tasks of a month in the
// supervisor's bureau, ranked by items × difficulty (index tasks_done).
func (s *Service) PerformanceOf(ctx context.Context, month time.Time) (_ []*Performance, err error) {
	defer db.Wrap(&err, "workflow.PerformanceOf(%s)", month.Format("2006-01"))
	a, err := auth.RequireStaff(ctx, auth.RoleHallSupervisor)
	if err != nil {
		return nil, err
	}
	cond, arg := scope(a, 1)
	from, to := month, month.AddDate(0, 1, 0)
	list, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*Performance, error) {
		var p Performance
		return &p, sc.Scan(&p.StaffID, &p.Name, &p.StaffNo, &p.Handled, &p.Weighted, &p.OnTime, &p.Returned, &p.Rejected, &p.Rated, &p.RatingSum)
	}, `SELECT k.claimed_by, MIN(s.name), MIN(s.staff_no), COUNT(*), SUM(k.difficulty_pct), SUM(k.on_time),
		SUM(CASE WHEN k.decision = 'return' THEN 1 ELSE 0 END), SUM(CASE WHEN k.decision = 'reject' THEN 1 ELSE 0 END),
		COUNT(k.rating), COALESCE(SUM(k.rating), 0)
		FROM tasks k JOIN staff s ON s.id = k.claimed_by
		WHERE `+cond+` AND k.state = 'done' AND k.decided_at >= $2 AND k.decided_at < $3
		GROUP BY k.claimed_by`, arg, db.TS(from), db.TS(to))
	if err != nil {
		return nil, err
	}
	// Complaints about a step (complaints.target_kind = 'task', filed from
	// the application page) count against the clerk who handled it.
	byStaff := map[int64]*Performance{}
	for _, p := range list {
		byStaff[p.StaffID] = p
	}
	counts, err := db.Query(ctx, s.DB, func(sc db.Scanner) ([2]int64, error) {
		var c [2]int64
		return c, sc.Scan(&c[0], &c[1])
	}, `SELECT k.claimed_by, COUNT(*) FROM complaints c JOIN tasks k ON k.id = c.target_id
		WHERE c.target_kind = 'task' AND `+cond+` AND c.created_at >= $2 AND c.created_at < $3 AND k.claimed_by IS NOT NULL
		GROUP BY k.claimed_by`, arg, db.TS(from), db.TS(to))
	if err != nil {
		return nil, err
	}
	for _, c := range counts {
		if p := byStaff[c[0]]; p != nil {
			p.Complaints = int(c[1])
		}
	}
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Weighted != list[j].Weighted {
			return list[i].Weighted > list[j].Weighted
		}
		return list[i].StaffNo < list[j].StaffNo
	})
	for i, p := range list {
		p.Rank = i + 1
	}
	return list, nil
}
