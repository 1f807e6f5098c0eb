package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"taxhall/internal/calendar"
	"taxhall/internal/complaints"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

func exampleCase() *complaints.Case {
	return &complaints.Case{ID: 4, TrackingNo: "TS2026112312345678", Kind: "complaint", OrgName: "国家税务总局厦门市思明区税务局", Subject: "排队过久",
		Body: "排队两个小时。\n希望改进。", Anonymous: true, ContactPhone: "13906001234", State: complaints.Replied, DueOn: calendar.MustDate("2026-12-07"), CreatedAt: when,
		Entries: []complaints.Entry{{Author: "filer", Body: "补充说明", CreatedAt: when}, {Author: "staff", StaffName: "陈雅琴", Body: "已增开窗口。", CreatedAt: when}}}
}

func init() {
	examples["complaints.html"] = example{func() page {
		return &complaintsPage{Kinds: roles, Bureaus: roles, Latest: []complaints.PublicReply{{Kind: "complaint", OrgName: "思明区税务局", Subject: "排队", Reply: "已改进", FiledOn: "2026-11-01", RepliedOn: "2026-11-05"}},
			basePage: basePage{Errors: map[string]string{"body": "请具体说明情况，至少 10 个字"}, Form: url.Values{"subject": {"x"}}}}
	}, everyone}
	examples["complaint_filed.html"] = example{func() page {
		return &complaintFiledPage{Filed: &complaints.Filed{ID: 4, TrackingNo: "TS2026112312345678", Code: "ABCDEFGH23", DueOn: calendar.MustDate("2026-12-07")}}
	}, everyone}
	examples["complaint_track.html"] = example{func() page {
		return &complaintCasePage{Case: exampleCase(), Number: "TS2026112312345678", Code: "ABCDEFGH23"}
	}, everyone}
	examples["hall_complaints.html"] = example{func() page { return &complaintListPage{Items: []*complaints.Case{exampleCase()}} }, taxpayerSide}
	examples["hall_complaint.html"] = example{func() page { return &complaintCasePage{Case: exampleCase()} }, taxpayerSide}
	examples["staff_complaints.html"] = example{func() page {
		return &complaintListPage{Items: []*complaints.Case{exampleCase()}, State: "open", NextURL: "/staff/complaints?after=3"}
	}, staffSide}
	examples["staff_complaint.html"] = example{func() page {
		c := exampleCase()
		c.State = complaints.Open
		return &complaintCasePage{Case: c, Overdue: true, basePage: basePage{Errors: map[string]string{"reply": "请填写答复内容"}}}
	}, staffSide}
	examples["staff_complaint_stats.html"] = example{func() page {
		return &complaintStatsPage{Rows: []complaints.Stat{{OrgName: "思明区税务局", Kind: "complaint", Total: 3, Open: 1, Overdue: 1}}}
	}, staffSide}
}

// TestAnonymousComplaintJourney: report anonymously, follow up by number
// and code, add information; the bureau's supervisor replies and the filer
// sees the reply; a wrong code finds nothing.
func TestAnonymousComplaintJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		anon := newBrowser(t, ts)
		s, body := anon.get("/complaints")
		b := anon
		b.expect(s, body, 200, "最新答复", "经核实")
		if strings.Contains(body, "13906001234") {
			t.Error("public page shows a phone number")
		}
		org := regexp.MustCompile(`<option value="(\d+)">国家税务总局厦门市思明区税务局</option>`).FindStringSubmatch(body)[1]
		s, body = b.post("/complaints", url.Values{"kind": {"complaint"}, "org_id": {org}, "subject": {"窗口人员态度差"}, "body": {"今天上午在发票窗口被工作人员呵斥。"}})
		b.expect(s, body, 200, "查询码只显示这一次")
		no := regexp.MustCompile(`id="tracking-no">(\w+)<`).FindStringSubmatch(body)[1]
		code := regexp.MustCompile(`id="query-code">(\w+)<`).FindStringSubmatch(body)[1]
		s, body = b.post("/complaints/track", url.Values{"tracking_no": {no}, "code": {"WRONGWRONG"}})
		b.expect(s, body, 422, "未找到该件")
		s, body = b.post("/complaints/track", url.Values{"tracking_no": {no}, "code": {code}})
		b.expect(s, body, 200, "窗口人员态度差", "办理中")
		s, body = b.post("/complaints/track", url.Values{"tracking_no": {no}, "code": {code}, "add": {"1"}, "body": {"补充：时间约为上午10点。"}})
		b.expect(s, body, 200, "补充内容已提交", "补充：时间约为上午10点。")

		var id string
		_ = d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM complaints WHERE tracking_no = $1`, no).Scan(&id)
		other := staffBrowser(t, ts, "35010203")
		if s, _ := other.get("/staff/complaints/" + id); s != 404 {
			t.Errorf("Fuzhou supervisor: %d", s)
		}
		sup := staffBrowser(t, ts, "35020303")
		s, body = sup.get("/staff/complaints/" + id)
		sup.expect(s, body, 200, "补充：时间约为上午10点。")
		s, body = sup.post("/staff/complaints/"+id+"/reply", url.Values{"reply": {"已约谈当事窗口人员并致歉。"}, "publish": {"1"}})
		sup.expect(s, body, 200, "答复已提交")
		s, body = b.post("/complaints/track", url.Values{"tracking_no": {no}, "code": {code}})
		b.expect(s, body, 200, "已约谈当事窗口人员并致歉。", "已答复")
		s, body = sup.get("/staff/complaints/stats")
		sup.expect(s, body, 200, "投诉")
	})
}
