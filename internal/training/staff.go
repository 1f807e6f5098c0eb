package training

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// The staff side of one session: its registrations and attendance. Live
// sessions record attendance themselves (Join); for a session in the hall
// the staff mark who came.

// Registration is one registrant of a session.
type Registration struct {
	ID         int64
	Taxpayer   string
	UserName   string
	CreatedAt  time.Time
	AttendedAt time.Time // zero when not attended
}

// Attended reports whether attendance was recorded.
func (r *Registration) Attended() bool { return !r.AttendedAt.IsZero() }

// StaffSession returns a session of the staff member's bureau subtree
// (NotFound for another bureau's), for those who manage training.
func (s *Service) StaffSession(ctx context.Context, id int64) (_ *Session, err error) {
	defer db.Wrap(&err, "training.StaffSession(%d)", id)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanManage(a) {
		return nil, apperr.New(apperr.Forbidden, "只有内容编辑、办税服务厅主管和管理员可以管理培训")
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	x, err := scanWith(s.DB.QueryRowContext(ctx, `SELECT `+cols+` FROM training_sessions t JOIN orgs o ON o.id = t.org_id WHERE t.id = $1 AND `+cond, id, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "课程不存在")
	}
	return x, err
}

// RegistrationsPage is a page of a session's registrants.
type RegistrationsPage struct {
	Items []*Registration
	Next  int64 // the after= of the next page, 0 at the end
}

// RegistrationsSize is the page size of Registrations.
const RegistrationsSize = 100

// Registrations lists a session's registrants in registration order,
// keyset-paged by id (after 0: the first page).
func (s *Service) Registrations(ctx context.Context, id, after int64) (_ RegistrationsPage, err error) {
	if _, err := s.StaffSession(ctx, id); err != nil {
		return RegistrationsPage{}, err
	}
	items, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*Registration, error) {
		var r Registration
		var created, attended string
		err := sc.Scan(&r.ID, &r.Taxpayer, &r.UserName, &created, &attended)
		r.CreatedAt = db.ParseTS(created)
		if attended != "" {
			r.AttendedAt = db.ParseTS(attended)
		}
		return &r, err
	}, `SELECT r.id, t.name, u.name, r.created_at, r.attended_at FROM training_registrations r
		JOIN taxpayers t ON t.id = r.taxpayer_id JOIN taxpayer_users u ON u.id = r.user_id
		WHERE r.session_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3`, id, after, RegistrationsSize+1)
	if err != nil {
		return RegistrationsPage{}, err
	}
	var p RegistrationsPage
	if len(items) > RegistrationsSize {
		items = items[:RegistrationsSize]
		p.Next = items[RegistrationsSize-1].ID
	}
	p.Items = items
	return p, nil
}

// MarkAttended records that a registrant came (once: a second mark keeps
// the first time). Only from the session's start on.
func (s *Service) MarkAttended(ctx context.Context, id, registrationID int64) (err error) {
	defer db.Wrap(&err, "training.MarkAttended(%d, %d)", id, registrationID)
	x, err := s.StaffSession(ctx, id)
	if err != nil {
		return err
	}
	now := s.Now()
	if now.Before(x.StartsAt.Add(-15 * time.Minute)) {
		return apperr.New(apperr.Conflict, "课程尚未开始，开课前 15 分钟起可以签到")
	}
	var found int64
	err = s.DB.QueryRowContext(ctx, `SELECT id FROM training_registrations WHERE id = $1 AND session_id = $2`, registrationID, id).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.InvalidField("registration_id", "该纳税人未报名此课程")
	}
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE training_registrations SET attended_at = $1 WHERE id = $2 AND attended_at = ''`, db.TS(now), registrationID)
	return err
}
