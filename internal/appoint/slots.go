package appoint

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Periods are the slots of a working day: the halls' opening hours.
var Periods = [][2]string{{"09:00", "10:00"}, {"10:00", "11:00"}, {"11:00", "12:00"}, {"14:00", "15:00"}, {"15:00", "16:00"}, {"16:00", "17:00"}}

const hallCols = `h.id, h.org_id, o.name, o.path, h.name, h.address, h.windows`

func scanHall(sc db.Scanner) (*Hall, error) {
	var h Hall
	err := sc.Scan(&h.ID, &h.OrgID, &h.OrgName, &h.OrgPath, &h.Name, &h.Address, &h.Windows)
	return &h, err
}

// Halls lists the active halls, for the booking form (public data).
func (s *Service) Halls(ctx context.Context) ([]*Hall, error) {
	return db.Query(ctx, s.DB, scanHall, `SELECT `+hallCols+` FROM halls h JOIN orgs o ON o.id = h.org_id WHERE h.active = 1 ORDER BY o.path, h.id`)
}

// Hall returns one hall.
func (s *Service) Hall(ctx context.Context, id int64) (*Hall, error) {
	h, err := scanHall(s.DB.QueryRowContext(ctx, `SELECT `+hallCols+` FROM halls h JOIN orgs o ON o.id = h.org_id WHERE h.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, apperr.New(apperr.NotFound, "办税服务厅不存在")
	}
	return h, err
}

// StaffHalls lists the halls of a staff member's subtree.
func (s *Service) StaffHalls(ctx context.Context) ([]*Hall, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, scanHall, `SELECT `+hallCols+` FROM halls h JOIN orgs o ON o.id = h.org_id WHERE `+cond+` ORDER BY o.path, h.id`, arg)
}

// staffHall returns a hall the staff actor serves, or NotFound.
func (s *Service) staffHall(ctx context.Context, id int64) (*auth.Actor, *Hall, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !CanServe(a) {
		return nil, nil, apperr.New(apperr.Forbidden, "只有窗口人员和办税服务厅主管可以办理预约签到")
	}
	h, err := s.Hall(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !a.Covers(h.OrgPath) {
		return nil, nil, apperr.New(apperr.NotFound, "办税服务厅不存在")
	}
	return a, h, nil
}

// Services lists the bookable services.
func (s *Service) Services(ctx context.Context) ([]*Svc, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Svc, error) {
		var v Svc
		var needs int
		err := sc.Scan(&v.ID, &v.Code, &v.Name, &v.About, &needs)
		v.NeedsItem = needs == 1
		return &v, err
	}, `SELECT id, code, name, about, needs_item FROM appt_services ORDER BY id`)
}

// CreateHall adds a hall with its services (demo and administration):
// windows per service in the order of Services, capacity per slot.
func CreateHall(ctx context.Context, q db.Querier, now time.Time, orgID int64, name, address string, windows, capacity int) (id int64, err error) {
	defer db.Wrap(&err, "appoint.CreateHall(%d)", orgID)
	if err = q.QueryRowContext(ctx, `INSERT INTO halls (org_id, name, address, windows, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		orgID, name, address, windows, db.TS(now)).Scan(&id); err != nil {
		return 0, err
	}
	_, err = q.ExecContext(ctx, `INSERT INTO hall_services (hall_id, service_id, window_no, capacity)
		SELECT $1, id, 1 + (id - 1) % $2, $3 FROM appt_services`, id, windows, capacity)
	return id, err
}

// startsAt is the instant a slot starts.
func startsAt(d calendar.Date, hhmm string) time.Time {
	var h, m int
	_, _ = fmt.Sscanf(hhmm, "%d:%d", &h, &m)
	return time.Date(d.Y, d.M, d.D, h, m, 0, 0, cst)
}

// GenerateSlots opens the slots of every service of a hall for the next
// days working days after today (the hall's calendar: holidays and 调休
// working days as the filing calendar has them). It is idempotent: a slot
// that exists is left as it is (UNIQUE hall, service, day, start).
func GenerateSlots(ctx context.Context, q db.Querier, cal *calendar.Calendar, hallID int64, today calendar.Date, days int) (n int, err error) {
	defer db.Wrap(&err, "appoint.GenerateSlots(%d)", hallID)
	type hs struct {
		service  int64
		window   int
		capacity int
	}
	list, err := db.Query(ctx, q, func(sc db.Scanner) (hs, error) {
		var v hs
		return v, sc.Scan(&v.service, &v.window, &v.capacity)
	}, `SELECT service_id, window_no, capacity FROM hall_services WHERE hall_id = $1 ORDER BY service_id`, hallID)
	if err != nil {
		return 0, err
	}
	d := today
	for made := 0; made < days; {
		d = d.AddDays(1)
		if !cal.IsWorkday(d) {
			continue
		}
		made++
		for _, v := range list {
			for _, p := range Periods {
				res, err := q.ExecContext(ctx, `INSERT INTO appt_slots (hall_id, service_id, window_no, day, start_time, end_time, starts_at, capacity)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hall_id, service_id, day, start_time) DO NOTHING`,
					hallID, v.service, v.window, d.String(), p[0], p[1], db.TS(startsAt(d, p[0])), v.capacity)
				if err != nil {
					return n, err
				}
				k, _ := res.RowsAffected()
				n += int(k)
			}
		}
	}
	return n, nil
}

// OpenSlots opens the next DaysAhead working days of a hall (a hall
// supervisor; the scheduler will call GenerateSlots daily).
func (s *Service) OpenSlots(ctx context.Context, hallID int64) (n int, err error) {
	a, _, err := s.staffHall(ctx, hallID)
	if err != nil {
		return 0, err
	}
	if !CanPlan(a) {
		return 0, apperr.New(apperr.Forbidden, "只有办税服务厅主管可以开放预约时段")
	}
	cal, err := s.Cal.Calendar(ctx)
	if err != nil {
		return 0, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err = GenerateSlots(ctx, tx, cal, hallID, Today(s.Now()), DaysAhead)
		return err
	})
	return n, err
}

const slotCols = `id, hall_id, service_id, window_no, day, start_time, end_time, starts_at, capacity, booked`

func scanSlot(sc db.Scanner) (*Slot, error) {
	var v Slot
	var day, starts string
	err := sc.Scan(&v.ID, &v.HallID, &v.ServiceID, &v.Window, &day, &v.Start, &v.End, &starts, &v.Capacity, &v.Booked)
	v.Day, _ = calendar.ParseDate(day)
	v.StartsAt = db.ParseTS(starts)
	return &v, err
}

// Slots lists the slots of a service at a hall that can still be booked
// (starting after the cut-off), by day and time, over the offered days.
func (s *Service) Slots(ctx context.Context, hallID, serviceID int64) ([]*Slot, error) {
	now := s.Now()
	return db.Query(ctx, s.DB, scanSlot, `SELECT `+slotCols+` FROM appt_slots
		WHERE hall_id = $1 AND service_id = $2 AND day >= $3 AND day <= $4 AND starts_at > $5
		ORDER BY day, start_time`, hallID, serviceID, Today(now).String(), Today(now).AddDays(31).String(), db.TS(now.Add(CutOff)))
}
