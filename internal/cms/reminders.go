package cms

import (
	"context"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Grace is how long a column may stay overdue before its maintainers'
// supervisors are reminded too.
const Grace = 7 * 24 * time.Hour

// CheckOverdue records a reminder for each column past its update period
// (level 1, for its maintainers) and, past the grace period too, one for
// their supervisors (level 2). A reminder is one row per column, level and
// due date (UNIQUE, inserted ON CONFLICT DO NOTHING): the check may run on
// every node every few minutes. It returns how many reminders are new.
func (s *Service) CheckOverdue(ctx context.Context) (n int, err error) {
	defer db.Wrap(&err, "cms.CheckOverdue")
	now := s.Now()
	type col struct {
		id, site     int64
		period       int
		last, create string
	}
	cols, err := db.Query(ctx, s.DB, func(r db.Scanner) (col, error) {
		var c col
		return c, r.Scan(&c.id, &c.site, &c.period, &c.last, &c.create)
	}, `SELECT id, site_org_id, period_days, last_published_at, created_at FROM cms_columns`)
	if err != nil {
		return 0, err
	}
	for _, c := range cols {
		due := (&Column{PeriodDays: c.period, LastPub: db.ParseTS(c.last)}).DueOn(db.ParseTS(c.create))
		for level, at := range map[int]time.Time{1: due, 2: due.Add(Grace)} {
			if !now.After(at) {
				continue
			}
			res, err := s.DB.ExecContext(ctx, `INSERT INTO cms_reminders (column_id, site_org_id, level, due_on, created_at) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (column_id, level, due_on) DO NOTHING`, c.id, c.site, level, due.Format(db.DateLayout), db.TS(now))
			if err != nil {
				return n, err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				n++
			}
		}
	}
	return n, nil
}

// Reminder is a column that a reminder was recorded for and that is still
// overdue.
type Reminder struct {
	ColumnID    int64
	Column      string
	Site        string
	Level       int
	DueOn       string
	OverdueDays int
}

// RemindersFor returns the reminders a should see: as a content editor of a
// site's bureau, its columns' level-1 reminders; as a content reviewer or
// administrator of it, the level-2 ones. Columns updated since drop out.
func (s *Service) RemindersFor(ctx context.Context, a *auth.Actor) (out []Reminder, err error) {
	defer db.Wrap(&err, "cms.RemindersFor")
	if a == nil || a.Kind != auth.Staff {
		return nil, nil
	}
	var levels []int
	if CanEdit(a) {
		levels = append(levels, 1)
	}
	if CanReview(a) || a.HasRole(auth.RoleAdmin) {
		levels = append(levels, 2)
	}
	if len(levels) == 0 {
		return nil, nil
	}
	now := s.Now()
	rows, err := db.Query(ctx, s.DB, func(r db.Scanner) (Reminder, error) {
		var m Reminder
		return m, r.Scan(&m.ColumnID, &m.Column, &m.Site, &m.Level, &m.DueOn)
	}, `SELECT c.id, c.name, o.name, m.level, m.due_on FROM cms_reminders m JOIN cms_columns c ON c.id = m.column_id JOIN orgs o ON o.id = m.site_org_id
		WHERE m.site_org_id = $1 ORDER BY m.due_on, c.sort, c.id`, a.OrgID)
	if err != nil {
		return nil, err
	}
	// Only the latest spell of each column counts, and only while the
	// column is still overdue for it.
	current := map[int64]string{}
	cols, err := db.Query(ctx, s.DB, func(r db.Scanner) ([3]string, error) {
		var v [3]string
		var id int64
		var period int
		err := r.Scan(&id, &period, &v[1], &v[2])
		due := (&Column{PeriodDays: period, LastPub: db.ParseTS(v[1])}).DueOn(db.ParseTS(v[2]))
		current[id] = due.Format(db.DateLayout)
		return v, err
	}, `SELECT id, period_days, last_published_at, created_at FROM cms_columns WHERE site_org_id = $1`, a.OrgID)
	if err != nil || cols == nil {
		return nil, err
	}
	for _, m := range rows {
		if current[m.ColumnID] != m.DueOn {
			continue
		}
		for _, l := range levels {
			if m.Level == l {
				due, _ := time.ParseInLocation(db.DateLayout, m.DueOn, now.Location())
				m.OverdueDays = max(1, int(now.Sub(due).Hours()/24))
				out = append(out, m)
			}
		}
	}
	return out, nil
}
