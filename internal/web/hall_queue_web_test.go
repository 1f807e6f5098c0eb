package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/appoint"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// TestWindowCallingJourney: the hall's clerk signs in at a window, the
// desk takes a walk-in number, the clerk calls and finishes it, and the
// month's report (page, CSV) counts it; a second clerk cannot take the same
// window, another bureau's clerk does not see the hall, and a taxpayer
// cannot rate an appointment that was not served.
func TestWindowCallingJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		clerk := staffBrowser(t, ts, "35020301")
		s, body := clerk.get("/staff/appointments/queue?hall=1")
		clerk.expect(s, body, 200, "窗口叫号", "签入窗口")
		s, body = clerk.post("/staff/appointments/queue/signin", url.Values{"hall": {"1"}, "window": {"99"}})
		clerk.expect(s, body, 422, "请选择窗口")
		s, body = clerk.post("/staff/appointments/queue/signin", url.Values{"hall": {"1"}, "window": {"1"}})
		clerk.expect(s, body, 200, "已签入1号窗口")
		sup := staffBrowser(t, ts, "35020303")
		s, body = sup.post("/staff/appointments/queue/signin", url.Values{"hall": {"1"}, "window": {"1"}})
		sup.expect(s, body, 422, "1号窗口已有其他工作人员签入")
		s, body = clerk.post("/staff/appointments/queue/call", url.Values{"hall": {"1"}})
		clerk.expect(s, body, 422, "当前没有等候的号")
		s, body = clerk.get("/staff/appointments/queue/take?hall=1")
		clerk.expect(s, body, 200, "现场取号")
		s, body = clerk.post("/staff/appointments/queue/take", url.Values{"hall": {"1"}, "service": {"2"}})
		clerk.expect(s, body, 200, "已取号 A001")
		s, body = clerk.post("/staff/appointments/queue/call", url.Values{"hall": {"1"}})
		clerk.expect(s, body, 200, "请 A001 号到1号窗口办理", "正在办理", "办税辅导")
		s, body = clerk.post("/staff/appointments/queue/call", url.Values{"hall": {"1"}})
		clerk.expect(s, body, 422, "请先办结或过号当前的号")
		s, body = clerk.post("/staff/appointments/queue/finish", url.Values{"hall": {"1"}, "outcome": {"done"}})
		clerk.expect(s, body, 200, "A001 已办结")
		month := appoint.Today(now).String()[:7]
		s, body = clerk.get("/staff/appointments/queue/report?hall=1&month=" + month)
		clerk.expect(s, body, 403, "只有办税服务厅主管")
		s, body = sup.get("/staff/appointments/queue/report?hall=1&month=" + month)
		sup.expect(s, body, 200, "1号窗口", "满意率 = 4星、5星", "35020301")
		s, body = sup.get("/staff/appointments/queue/report?hall=1&month=" + month + "&format=csv")
		if s != 200 || !strings.Contains(body, "1号窗口,,1,0,") {
			t.Errorf("csv: %d %q", s, body)
		}
		s, body = sup.get("/staff/appointments/queue/report?hall=1&month=" + month + "&format=xlsx")
		if s != 200 || !strings.HasPrefix(body, "PK") {
			t.Errorf("xlsx: %d %.20q", s, body)
		}
		s, body = sup.get("/staff/appointments/queue/report?hall=1&month=2026-13")
		sup.expect(s, body, 422, "请选择月份")
		other := staffBrowser(t, ts, "35010201")
		if s, _ = other.get("/staff/appointments/queue?hall=1"); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk sees the Xiamen hall's queue: %d", s)
		}
		if s, _ = other.post("/staff/appointments/queue/take", url.Values{"hall": {"1"}}); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk takes a number at a Xiamen hall: %d", s)
		}
		// A booked, not served appointment cannot be rated.
		b, _ := enterpriseAdmin(t, ts, d)
		var slot int64
		if err := d.QueryRowContext(context.Background(), `SELECT id FROM appt_slots WHERE hall_id = 1 AND booked = 0 AND service_id = 1 ORDER BY day DESC LIMIT 1`).Scan(&slot); err != nil {
			t.Fatal(err)
		}
		s, body = b.post("/hall/appointments", url.Values{"hall": {"1"}, "service": {"1"}, "slot_id": {strconv.FormatInt(slot, 10)}})
		b.expect(s, body, 200, "预约成功")
		var id int64
		_ = d.QueryRowContext(context.Background(), `SELECT id FROM appointments WHERE slot_id = $1`, slot).Scan(&id)
		s, body = b.post("/hall/appointments/"+strconv.FormatInt(id, 10)+"/rate", url.Values{"rating": {"5"}})
		b.expect(s, body, 422, "尚未办结")
	})
}
