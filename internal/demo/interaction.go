package demo

import (
	"context"
	"database/sql"
	"time"

	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
)

// Interaction seeds the interaction capabilities so that their pages are
// not empty: a service hall per district bureau with slots for the next
// working days and a few bookings of the first enterprise's admin.
func Interaction(ctx context.Context, d *db.DB, now time.Time) error {
	return d.Tx(ctx, func(tx *sql.Tx) error {
		return interactionAppointments(ctx, tx, now)
	})
}

func interactionAppointments(ctx context.Context, tx *sql.Tx, now time.Time) error {
	type area struct {
		id         int64
		name, addr string
	}
	areas, err := db.Query(ctx, tx, func(sc db.Scanner) (area, error) {
		var a area
		return a, sc.Scan(&a.id, &a.name, &a.addr)
	}, `SELECT id, name, address FROM orgs WHERE level = 'district' ORDER BY id`)
	if err != nil {
		return err
	}
	cal := calendar.Default()
	today := appoint.Today(now)
	var first int64
	for i, a := range areas {
		addr := a.addr
		if addr == "" {
			addr = shortName(a.name) + "办税服务厅（政务服务中心一楼）"
		}
		hall, err := appoint.CreateHall(ctx, tx, now, a.id, shortName(a.name)+"办税服务厅", addr, 3, 6)
		if err != nil {
			return err
		}
		if i == 0 {
			first = hall
		}
		// Slots only for the first halls of each city keep the seed small;
		// a hall supervisor opens the others with one button.
		if i < 3 {
			if _, err := appoint.GenerateSlots(ctx, tx, cal, hall, today, appoint.DaysAhead); err != nil {
				return err
			}
		}
	}
	if first == 0 {
		return nil
	}
	var tp, user int64
	var tpName string
	err = tx.QueryRowContext(ctx, `SELECT t.id, t.name, u.id FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin'
		WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&tp, &tpName, &user)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	svc := &appoint.Service{Now: func() time.Time { return now }}
	actor := &auth.Actor{Kind: auth.Taxpayer, UserID: user, TaxpayerID: tp, TaxpayerName: tpName}
	for _, k := range []struct {
		service int64
		offset  int
		item    string
	}{{1, 0, ""}, {3, 8, "增值税专用发票最高开票限额变更"}} {
		var slot int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM appt_slots WHERE hall_id = $1 AND service_id = $2 ORDER BY day, start_time LIMIT 1 OFFSET $3`,
			first, k.service, k.offset).Scan(&slot); err != nil {
			return err
		}
		if _, err := svc.BookTx(ctx, tx, actor, appoint.BookInput{SlotID: slot, Item: k.item, Phone: "13906001234"}); err != nil {
			return err
		}
	}
	return nil
}
