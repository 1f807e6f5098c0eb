package web

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/messages"
)

func init() {
	m := &messages.StaffMessage{ID: 4, StaffID: 6, Kind: messages.KindReminder, Subject: "栏目“通知公告 › 通知公告”已逾期 3 天未更新",
		Body: "国家税务总局厦门市税务局网站的栏目“通知公告 › 通知公告”更新周期为 7 天，应于 2026-10-08 前发布新信息，至今未更新。", Link: "/staff/cms/articles/new?column=3", CreatedAt: when}
	read := *m
	read.ID, read.ReadAt = 3, when
	examples["staff_messages.html"] = example{func() page {
		return &staffMessagesPage{Messages: []*messages.StaffMessage{m, &read}, First: true, NextURL: "/staff/messages?after=3"}
	}, staffSide}
	examples["staff_message.html"] = example{func() page { return &staffMessagePage{Message: m} }, staffSide}
}

// TestStaffInboxShowsColumnReminders: after the overdue check, a column's
// maintainer has an unread count on 我的消息, reads the reminder in their
// inbox, and the count goes; an official of another bureau has none.
func TestStaffInboxShowsColumnReminders(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h, srv := siteHandler(t, d)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		srv.CMS.Now = func() time.Time { return now }
		ctx := context.Background()
		if _, err := demo.SeedCMS(ctx, d, now.AddDate(0, 0, -10)); err != nil {
			t.Fatal(err)
		}
		if n, err := srv.CMS.CheckOverdue(ctx); err != nil || n == 0 {
			t.Fatalf("reminders: %d %v", n, err)
		}
		editor := staffBrowser(t, ts, "35020004")
		s, body := editor.get("/staff")
		editor.expect(s, body, 200, `href="/staff/messages"`)
		if !regexp.MustCompile(`我的消息 <span class="badge">\d+`).MatchString(body) {
			t.Fatal("no unread count on 我的消息")
		}
		s, body = editor.get("/staff/messages")
		editor.expect(s, body, 200, "未更新")
		m := regexp.MustCompile(`href="(/staff/messages/\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no message link")
		}
		s, body = editor.get(m[1])
		editor.expect(s, body, 200, "更新周期为")
		editor.expect(s, body, 200, "前往处理")
		if s, body = editor.get("/staff/messages?after=x"); s != 200 || !strings.Contains(body, "已读") {
			t.Errorf("after reading: %d", s)
		}
		// An official of another bureau (思明 clerk) neither has it nor opens it.
		clerk := staffBrowser(t, ts, "35020301")
		s, body = clerk.get("/staff/messages")
		clerk.expect(s, body, 200, "暂时没有消息")
		if s, _ = clerk.get(m[1]); s != 404 {
			t.Errorf("another official opens the reminder: %d", s)
		}
	})
}
