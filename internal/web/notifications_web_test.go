package web

import (
	"net/url"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/notify"
)

func init() {
	examples["hall_notifications.html"] = example{func() page {
		return &notificationsPage{Kinds: noticeKindOptions(), Saved: true, basePage: basePage{
			Form:   url.Values{"email": {"caiwu@example.cn"}, "email_kinds": {"deadline", "answer"}, "phone": {"1390000"}, "sms_kinds": {"lastday"}},
			Errors: map[string]string{"phone": "手机号码应为 11 位数字，以 1 开头"}}}
	}, taxpayerSide}
	examples["staff_sms_outbox.html"] = example{func() page {
		return &smsOutboxPage{Texts: []*notify.Text{{ID: 3, Key: "notify.sms/u2:1:notify:lastday:2026-11-16", Phone: "13900002222",
			Body: "【电子税务局】今天是本月申报缴款的最后一天", CreatedAt: when}}, NextURL: "/staff/sms-outbox?before=3"}
	}, staffSide}
}

// TestNotificationPreferences: a taxpayer user chooses e-mail and SMS
// kinds; a wrong phone is refused with the field's message and the values
// kept; the saved choices come back checked; the in-site inbox needs no
// choice. Staff read the SMS outbox only as admins or hall supervisors.
func TestNotificationPreferences(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, _ := enterpriseAdmin(t, ts, d)
		s, body := b.get("/hall/notifications")
		b.expect(s, body, 200, "定制服务", "申报期限临近提醒", "通过短信接收")
		s, body = b.post("/hall/notifications", url.Values{"email_kinds": {"deadline"}, "phone": {"1390000"}, "sms_kinds": {"lastday"}})
		b.expect(s, body, 422, "选择了邮件提醒，请填写电子邮箱", "手机号码应为 11 位数字", `value="1390000"`)
		s, body = b.post("/hall/notifications", url.Values{"email": {"caiwu@example.cn"}, "email_kinds": {"deadline", "overdue"},
			"phone": {"13912345678"}, "sms_kinds": {"lastday"}})
		b.expect(s, body, 200, "提醒设置已保存", `value="caiwu@example.cn"`)
		for _, want := range []string{`value="deadline" checked`, `value="overdue" checked`, `value="lastday" checked`} {
			if strings.Count(body, want) != 1 {
				t.Errorf("%s appears %d times", want, strings.Count(body, want))
			}
		}
		var ek, sk string
		if err := d.QueryRowContext(t.Context(), `SELECT email_kinds, sms_kinds FROM notify_prefs`).Scan(&ek, &sk); err != nil || ek != "deadline,overdue" || sk != "lastday" {
			t.Fatalf("stored %q %q %v", ek, sk, err)
		}
		if s, body := staffBrowser(t, ts, "35000001").get("/staff/sms-outbox"); s != 200 || !strings.Contains(body, "短信发件箱") {
			t.Errorf("admin: %d", s)
		}
		if s, _ := staffBrowser(t, ts, "35020003").get("/staff/sms-outbox"); s != 403 {
			t.Errorf("12366 agent: %d, want 403", s)
		}
	})
}
