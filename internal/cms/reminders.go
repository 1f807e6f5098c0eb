package cms

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/messages"
)

// Grace is how long a column may stay overdue before its maintainers'
// supervisors are reminded too.
const Grace = 7 * 24 * time.Hour

// CheckOverdue records a reminder for each column past its update period
// (level 1, for its maintainers) and, past the grace period too, one for
// their supervisors (level 2), and sends each a staff in-site message:
// level 1 to the content editors of the column's site bureau, level 2 to
// its content reviewers and administrators. A reminder is one row per
// column, level and due date (UNIQUE, inserted ON CONFLICT DO NOTHING) and
// each message has the dedupe key "cms.overdue:column:level:due" per
// recipient, in one transaction per reminder: the daily job
// (notify/daily) may run again after a restart, or on a second node, and
// nobody is reminded twice. It returns how many reminders are new.
func (s *Service) CheckOverdue(ctx context.Context) (n int, err error) {
	defer db.Wrap(&err, "cms.CheckOverdue")
	now := s.Now()
	type col struct {
		id, site          int64
		period            int
		last, create      string
		name, parent, org string
	}
	cols, err := db.Query(ctx, s.DB, func(r db.Scanner) (col, error) {
		var c col
		return c, r.Scan(&c.id, &c.site, &c.period, &c.last, &c.create, &c.name, &c.parent, &c.org)
	}, `SELECT c.id, c.site_org_id, c.period_days, c.last_published_at, c.created_at, c.name, COALESCE(p.name, ''), o.name
		FROM cms_columns c LEFT JOIN cms_columns p ON p.id = c.parent_id JOIN orgs o ON o.id = c.site_org_id ORDER BY c.id`)
	if err != nil {
		return 0, err
	}
	staff := map[int64][]siteStaff{}
	for _, c := range cols {
		due := (&Column{PeriodDays: c.period, LastPub: db.ParseTS(c.last)}).DueOn(db.ParseTS(c.create))
		for _, level := range []int{1, 2} {
			at := due
			if level == 2 {
				at = due.Add(Grace)
			}
			if !now.After(at) {
				continue
			}
			if _, ok := staff[c.site]; !ok {
				if staff[c.site], err = staffOf(ctx, s.DB, c.site); err != nil {
					return n, err
				}
			}
			name := c.name
			if c.parent != "" {
				name = c.parent + " › " + c.name
			}
			dueOn := due.Format(db.DateLayout)
			days := max(1, int(now.Sub(due).Hours()/24))
			msg := messages.StaffMessage{
				Kind:    messages.KindReminder,
				Subject: fmt.Sprintf("栏目“%s”已逾期 %d 天未更新", name, days),
				Body: fmt.Sprintf("%s网站的栏目“%s”更新周期为 %d 天，应于 %s 前发布新信息，至今未更新。请尽快在该栏目发布信息。",
					c.org, name, c.period, dueOn),
				Link: "/staff/cms/articles/new?column=" + strconv.FormatInt(c.id, 10),
			}
			if level == 2 {
				msg.Subject = fmt.Sprintf("栏目“%s”逾期超过 %d 天仍未更新", name, int(Grace.Hours()/24))
				msg.Body = fmt.Sprintf("%s网站的栏目“%s”应于 %s 前更新，已逾期超过宽限期 %d 天，维护人员已于到期时收到提醒。请督促维护人员更新，或调整栏目的更新周期。",
					c.org, name, dueOn, int(Grace.Hours()/24))
				msg.Link = "/staff/cms?site=" + strconv.FormatInt(c.site, 10)
			}
			err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
				res, err := tx.ExecContext(ctx, `INSERT INTO cms_reminders (column_id, site_org_id, level, due_on, created_at) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (column_id, level, due_on) DO NOTHING`, c.id, c.site, level, dueOn, db.TS(now))
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k > 0 {
					n++
				}
				for _, st := range staff[c.site] {
					if !st.remindedAt(level) {
						continue
					}
					m := msg
					m.StaffID, m.OrgID = st.id, c.site
					m.DedupeKey = fmt.Sprintf("cms.overdue:%d:%d:%s", c.id, level, dueOn)
					if _, _, err := messages.SendStaff(ctx, tx, now, m); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// siteStaff is an active official of a site's bureau with their roles.
type siteStaff struct {
	id    int64
	roles []string
}

// remindedAt reports whether the official is reminded at level: content
// editors (the maintainers) at 1, content reviewers and administrators
// (their supervisors) at 2.
func (st siteStaff) remindedAt(level int) bool {
	if level == 1 {
		return slices.Contains(st.roles, auth.RoleContentEditor)
	}
	return slices.Contains(st.roles, auth.RoleContentReviewer) || slices.Contains(st.roles, auth.RoleAdmin)
}

// staffOf returns the active officials of a bureau (staff_org).
func staffOf(ctx context.Context, q db.Querier, orgID int64) ([]siteStaff, error) {
	return db.Query(ctx, q, func(r db.Scanner) (siteStaff, error) {
		var st siteStaff
		var roles string
		err := r.Scan(&st.id, &roles)
		st.roles = strings.Split(roles, ",")
		return st, err
	}, `SELECT id, roles FROM staff WHERE org_id = $1 AND active = 1 ORDER BY id`, orgID)
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
