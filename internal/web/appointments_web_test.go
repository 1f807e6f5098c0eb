package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/appoint"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

func exampleAppt() *appoint.Appointment {
	return &appoint.Appointment{ID: 3, SlotID: 9, HallID: 1, HallName: "厦门市思明区税务局办税服务厅", HallAddress: "湖滨南路", ServiceName: "到厅办理", Window: 2,
		Day: calendar.MustDate("2026-11-24"), Start: "09:00", End: "10:00", StartsAt: when, Taxpayer: "厦门鹭岛软件科技有限公司", UserName: "陈晓燕",
		Item: "注销清税", Phone: "13906001234", State: appoint.CheckedIn, QueueNo: 7, CreatedAt: when}
}

func init() {
	booked := exampleAppt()
	booked.State, booked.QueueNo = appoint.Booked, 0
	slot := &appoint.Slot{ID: 9, Day: calendar.MustDate("2026-11-24"), Start: "09:00", End: "10:00", Capacity: 6, Booked: 2}
	full := &appoint.Slot{ID: 10, Day: calendar.MustDate("2026-11-24"), Start: "10:00", End: "11:00", Capacity: 6, Booked: 6}
	examples["hall_appointments.html"] = example{func() page {
		return &apptsPage{Items: []*appoint.Appointment{exampleAppt(), booked}, BlockedUntil: calendar.MustDate("2026-12-01")}
	}, taxpayerSide}
	examples["hall_appointment_book.html"] = example{func() page {
		return &apptBookPage{Action: "/hall/appointments/3/change", Change: booked, Halls: roles, Services: roles, Hall: "1", Service: "3",
			Svc:      &appoint.Svc{ID: 3, Name: "到厅办理", About: "写明事项", NeedsItem: true},
			Days:     []apptDay{{Day: slot.Day, Slots: []*appoint.Slot{slot, full}}},
			basePage: basePage{Form: url.Values{"slot_id": {"9"}}, Errors: map[string]string{"slot_id": "该时段已约满"}}}
	}, taxpayerSide}
	examples["hall_appointment.html"] = example{func() page { return &apptPage{Appt: booked, Changeable: true} }, taxpayerSide}
	examples["hall_appointment_cancel.html"] = example{func() page { return &apptPage{Appt: booked, Changeable: true} }, taxpayerSide}
	examples["staff_appointments.html"] = example{func() page {
		return &staffApptsPage{Halls: roles, Hall: "1", Day: "2026-11-24", Windows: roles, CanPlan: true,
			List: &appoint.DayList{Hall: &appoint.Hall{ID: 1, Name: "思明区办税服务厅"}, Day: slot.Day, Items: []*appoint.Appointment{exampleAppt(), booked}}}
	}, staffSide}
}

// TestAppointmentJourney: a taxpayer books the demo hall's first free slot,
// the hall's clerk sees it on the day's list and checks the person in with
// a queue number; another bureau's clerk cannot.
func TestAppointmentJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		_ = own
		s, body := b.get("/hall/appointments/new?hall=1&service=2")
		b.expect(s, body, 200, `name="slot_id"`)
		var slot int64
		var day string
		if err := d.QueryRowContext(context.Background(), `SELECT id, day FROM appt_slots WHERE hall_id = 1 AND service_id = 2 AND booked = 0 ORDER BY day, start_time LIMIT 1`).Scan(&slot, &day); err != nil {
			t.Fatal(err)
		}
		s, body = b.post("/hall/appointments", url.Values{"hall": {"1"}, "service": {"2"}, "slot_id": {strconv.FormatInt(slot, 10)}})
		b.expect(s, body, 200, "预约成功", "办税辅导")
		s, body = b.post("/hall/appointments", url.Values{"hall": {"1"}, "service": {"2"}, "slot_id": {strconv.FormatInt(slot, 10)}})
		b.expect(s, body, 422, "您已预约该时段")
		var id int64
		_ = d.QueryRowContext(context.Background(), `SELECT id FROM appointments WHERE slot_id = $1`, slot).Scan(&id)
		other := staffBrowser(t, ts, "35010201")
		s, _ = other.post("/staff/appointments/"+strconv.FormatInt(id, 10)+"/checkin", nil)
		if s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk checks in a Xiamen appointment: %d", s)
		}
		clerk := staffBrowser(t, ts, "35020301")
		s, body = clerk.get("/staff/appointments?hall=1&day=" + day)
		clerk.expect(s, body, 200, "办税辅导", "签到")
		// The site's clock is fixed; the check-in needs the day to be today.
		if day == appoint.Today(now).String() {
			s, body = clerk.post("/staff/appointments/"+strconv.FormatInt(id, 10)+"/checkin", nil)
			clerk.expect(s, body, 200, "排队号 Y001")
		} else {
			s, body = clerk.post("/staff/appointments/"+strconv.FormatInt(id, 10)+"/checkin", nil)
			clerk.expect(s, body, 409, "只能在当天签到")
		}
		if strings.Contains(body, "13906001234") {
			t.Error("full phone on the staff list")
		}
	})
}

func init() {
	called := &appoint.QueueTicket{ID: 5, HallID: 1, Day: "2026-11-24", QueueNo: 7, Kind: appoint.KindAppointment, AppointmentID: 3,
		Taxpayer: "厦门鹭岛软件科技有限公司", ServiceName: "办税辅导", State: appoint.TicketCalled, TakenAt: when, CalledAt: when, Window: 2, ClerkName: "林海燕", WaitSeconds: 754}
	walkin := &appoint.QueueTicket{ID: 6, HallID: 1, Day: "2026-11-24", QueueNo: 8, Kind: appoint.KindWalkIn, State: appoint.TicketWaiting, TakenAt: when}
	hall := &appoint.Hall{ID: 1, Name: "思明区办税服务厅", Windows: 3}
	examples["staff_queue.html"] = example{func() page {
		return &staffQueuePage{Halls: roles, Hall: "1", Windows: roles, CanReport: true, Desk: &appoint.Desk{Hall: hall, Day: "2026-11-24", Mine: 2, Current: called,
			Windows: []appoint.HallWindow{{No: 1}, {No: 2, ClerkID: 4, ClerkName: "林海燕", ClerkNo: "35020301"}, {No: 3}}, Waiting: []*appoint.QueueTicket{walkin}}}
	}, staffSide}
	examples["staff_queue_take.html"] = example{func() page {
		return &staffTakePage{Halls: roles, Services: roles, Waiting: 4, basePage: basePage{Form: url.Values{"hall": {"1"}}}}
	}, staffSide}
	examples["staff_queue_report.html"] = example{func() page {
		row := &appoint.ReportRow{Window: 2, Handled: 31, Absent: 2, WaitSum: 31 * 540, Rated: 12, RatingSum: 55, Satisfied: 11}
		clerk := *row
		clerk.ClerkName, clerk.ClerkNo = "林海燕", "35020301"
		return &staffQueueReportPage{Halls: roles, Query: "hall=1&month=2026-11", Report: &appoint.Report{Hall: hall, Month: "2026-11",
			ByWindow: []*appoint.ReportRow{row}, ByClerk: []*appoint.ReportRow{&clerk}, Total: *row}}
	}, staffSide}
	done := *called
	done.State = appoint.TicketDone
	examples["hall_appointment.html"] = example{func() page {
		return &apptPage{Appt: exampleAppt(), Ticket: &done, basePage: basePage{Errors: map[string]string{"rating": "请选择评分（1–5星）"}}}
	}, taxpayerSide}
}
