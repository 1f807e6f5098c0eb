package appoint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
)

// DayList is a hall's appointments of one day, for the windows.
type DayList struct {
	Hall  *Hall
	Day   calendar.Date
	Items []*Appointment
}

// Day lists a hall's appointments of a day (window 0: every window), by
// time and window; cancelled bookings are left out.
func (s *Service) Day(ctx context.Context, hallID int64, day calendar.Date, window int) (*DayList, error) {
	_, h, err := s.staffHall(ctx, hallID)
	if err != nil {
		return nil, err
	}
	items, err := db.Query(ctx, s.DB, scanAppt, `SELECT `+apptCols+apptFrom+`
		WHERE a.hall_id = $1 AND a.day = $2 AND a.state <> 'cancelled' AND ($3 = 0 OR s.window_no = $3)
		ORDER BY s.start_time, s.window_no, a.id`, hallID, day.String(), window)
	if err != nil {
		return nil, err
	}
	return &DayList{Hall: h, Day: day, Items: items}, nil
}

// staffAppt returns an appointment of a hall the staff actor serves.
func (s *Service) staffAppt(ctx context.Context, id int64) (*Appointment, error) {
	var hall int64
	err := s.DB.QueryRowContext(ctx, `SELECT hall_id FROM appointments WHERE id = $1`, id).Scan(&hall)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if _, _, err := s.staffHall(ctx, hall); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, errNotFound
		}
		return nil, err
	}
	return scanAppt(s.DB.QueryRowContext(ctx, `SELECT `+apptCols+apptFrom+` WHERE a.id = $1`, id))
}

// CheckIn records that the person arrived today and gives the next queue
// number of the hall's day: one upsert of the counter row and one guarded
// UPDATE of the appointment, in one transaction, so two clerks checking in
// two people at once get two numbers, and one person checked in twice at
// once gets one.
func (s *Service) CheckIn(ctx context.Context, id int64) (_ *Appointment, err error) {
	defer db.Wrap(&err, "appoint.CheckIn(%d)", id)
	ap, err := s.staffAppt(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	today := Today(now)
	if ap.Day != today {
		return nil, apperr.New(apperr.Conflict, fmt.Sprintf("该预约是 %s 的，只能在当天签到", ap.Day))
	}
	staff := actorStaff(ctx)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := nextNumber(ctx, tx, ap.HallID, now)
		if err != nil {
			return err
		}
		var got int64
		err = tx.QueryRowContext(ctx, `UPDATE appointments SET state = 'checked_in', queue_no = $1, checked_in_at = $2, checked_in_by = $3, updated_at = $2
			WHERE id = $4 AND state = 'booked' RETURNING id`, n, db.TS(now), staff, id).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "该预约已签到、已取消或已记为失约")
		}
		if err != nil {
			return err
		}
		// The number waits to be called at the hall's windows (叫号).
		var service int64
		if err := tx.QueryRowContext(ctx, `SELECT service_id FROM appt_slots WHERE id = $1`, ap.SlotID).Scan(&service); err != nil {
			return err
		}
		_, err = insertTicket(ctx, tx, now, ap.HallID, KindAppointment, n, ap.ID, ap.TaxpayerID, ap.UserID, service, staff)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.staffAppt(ctx, id)
}

// MarkNoShow records that a booked person did not come, on the day or
// after it.
func (s *Service) MarkNoShow(ctx context.Context, id int64) (err error) {
	defer db.Wrap(&err, "appoint.MarkNoShow(%d)", id)
	ap, err := s.staffAppt(ctx, id)
	if err != nil {
		return err
	}
	now := s.Now()
	if ap.Day.After(Today(now)) {
		return apperr.New(apperr.Conflict, "预约日期未到，不能记为失约")
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE appointments SET state = 'no_show', updated_at = $1 WHERE id = $2 AND state = 'booked'`, db.TS(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "该预约已签到、已取消或已记为失约")
	}
	return nil
}

// SweepNoShows marks every appointment still booked on a day before today
// as a no-show; the daily scheduler calls it (idempotent).
func SweepNoShows(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, `UPDATE appointments SET state = 'no_show', updated_at = $1 WHERE day < $2 AND state = 'booked'`, db.TS(now), Today(now).String())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RemindTomorrow sends every person booked for tomorrow an in-site message
// (kind reminder, to the user who booked). Each carries the dedupe key
// "appt:ID:remind", so a second run, a restart or a second node sends
// nothing twice. The scheduler (and later the e-mail/SMS outbox, through
// the same transaction) calls it once a day.
func RemindTomorrow(ctx context.Context, d *db.DB, now time.Time) (sent int, err error) {
	defer db.Wrap(&err, "appoint.RemindTomorrow")
	tomorrow := Today(now).AddDays(1)
	items, err := db.Query(ctx, d, scanAppt, `SELECT `+apptCols+apptFrom+` WHERE a.day = $1 AND a.state = 'booked' ORDER BY a.id`, tomorrow.String())
	if err != nil {
		return 0, err
	}
	for _, ap := range items {
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, created, err := messages.Send(ctx, tx, now, messages.Message{
				TaxpayerID: ap.TaxpayerID, UserID: ap.UserID, Kind: messages.KindReminder,
				Subject:   fmt.Sprintf("预约提醒：明天 %s %s", ap.Start, ap.ServiceName),
				Body:      fmt.Sprintf("您预约了 %s %s–%s 在%s（%s）办理“%s”，请携带有效证件按时到达，到厅后在%d号窗口签到取号。如不能前往，请提前取消，失约%d次将暂停网上预约。", ap.Day, ap.Start, ap.End, ap.HallName, ap.HallAddress, ap.ServiceName, ap.Window, NoShowLimit),
				Link:      fmt.Sprintf("/hall/appointments/%d", ap.ID),
				DedupeKey: fmt.Sprintf("appt:%d:remind", ap.ID),
			})
			if err == nil { // by e-mail and SMS too, as the user chose
				_, err = notify.FanoutMessage(ctx, tx, notify.Appointment, ap.TaxpayerID, fmt.Sprintf("appt:%d:remind", ap.ID))
			}
			if created {
				sent++
			}
			return err
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// StaffGet returns an appointment of a hall the staff actor serves
// (NotFound for another bureau's).
func (s *Service) StaffGet(ctx context.Context, id int64) (*Appointment, error) {
	return s.staffAppt(ctx, id)
}
