package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/filingcal"
	"taxhall/internal/messages"
)

// exampleYear is 2026 on the embedded calendar, with an official deadline
// in May, for the template examples.
func exampleYear() *filingcal.Year {
	cal := calendar.Default()
	dl, err := calendar.NewDeadlines(cal, map[calendar.YearMonth]calendar.Date{{Y: 2026, M: time.May}: calendar.MustDate("2026-05-25")})
	if err != nil {
		panic(err)
	}
	y := &filingcal.Year{Year: 2026, Notice: true}
	for i := range 12 {
		ym := calendar.YearMonth{Y: 2026, M: time.Month(i + 1)}
		y.Months[i] = filingcal.Month{Deadline: dl.FilingDeadline(2026, ym.M), Computed: dl.Computed(ym), Quarterly: i%3 == 0, Reason: "春节假期在1日至15日共 9 天，顺延 9 个工作日"}
	}
	y.Months[4].Official = &filingcal.Official{Month: calendar.YearMonth{Y: 2026, M: time.May}, Date: calendar.MustDate("2026-05-25"), Source: "税总办征科函〔2026〕1号", EnteredBy: "王管理", EnteredAt: when}
	for _, d := range cal.Days(2026) {
		y.Days = append(y.Days, filingcal.Day{Day: d})
	}
	y.Days[0].Entered = &filingcal.Entry{Date: y.Days[0].Date, Rest: true, Name: "元旦", EnteredBy: "王管理", EnteredAt: when}
	y.Annual = []filingcal.Period{{Name: "企业所得税年度汇算清缴", Basis: "企业所得税法第五十四条", From: calendar.MustDate("2026-01-01"), To: calendar.MustDate("2026-06-01"), Postponed: "5月31日为休息日，顺延"}}
	return y
}

func init() {
	exampleMessage := &messages.Message{ID: 7, TaxpayerID: 1, Kind: messages.KindReminder, Subject: "5月征期提醒", Body: "请于5月22日前申报。\n逾期将加收滞纳金。", Link: "/calendar", CreatedAt: when}
	read := *exampleMessage
	read.ID, read.ReadAt, read.Link = 6, when, ""
	examples["calendar.html"] = example{func() page {
		y := exampleYear()
		return &calendarPage{Year: y, Holidays: groupHolidays(y.Days), PrevURL: "/calendar?year=2025", NextURL: "/calendar?year=2027"}
	}, everyone}
	examples["staff_calendar.html"] = example{func() page {
		return &staffCalendarPage{Year: exampleYear(), Years: roles, Months: roles, Kinds: roles, YearText: "2026",
			basePage: basePage{Form: url.Values{"year": {"2026"}, "dl_date": {"2026-06-12"}}, Errors: map[string]string{"dl_date": "申报期限不能早于当月15日"}}}
	}, staffSide}
	examples["staff_calendar_remove.html"] = example{func() page {
		return &calendarRemovePage{Heading: "确认删除", Facts: []Option{{"日期", "10月8日"}}, Action: "/staff/calendar/days/remove",
			Hidden: []Option{{"date", "2026-10-08"}}, Warning: "删除后重新推算。", Button: "确认删除", Back: "/staff/calendar"}
	}, staffSide}
	examples["hall_messages.html"] = example{func() page {
		return &messagesPage{Messages: []*messages.Message{exampleMessage, &read}, First: true, NextURL: "/hall/messages?after=6"}
	}, taxpayerSide}
	examples["hall_message.html"] = example{func() page { return &messagePage{Message: exampleMessage} }, taxpayerSide}
}

func TestGroupHolidays(t *testing.T) {
	var days []filingcal.Day
	for _, d := range calendar.Default().Days(2026) {
		days = append(days, filingcal.Day{Day: d})
	}
	groups := groupHolidays(days)
	var spring *holidayGroup
	for i := range groups {
		if groups[i].Name == "春节" {
			spring = &groups[i]
		}
	}
	// 国务院办公厅关于2026年部分节假日安排的通知: 春节 2月15日至23日放假调休，
	// 共9天；2月14日（星期六）、2月28日（星期六）上班。
	if spring == nil || fmt.Sprint(spring.Rest) != "[{2月15日（星期日） 2月23日（星期一） 9}]" ||
		fmt.Sprint(spring.Work) != "[2月14日（星期六） 2月28日（星期六）]" {
		t.Fatalf("春节 2026: %+v", spring)
	}
}

// TestPublicCalendar: /calendar needs no login and shows the year's
// deadlines with their reasons, the annual periods and the holidays.
func TestPublicCalendar(t *testing.T) {
	ts := site(t, dbtest.NewSQLite(t))
	b := newBrowser(t, ts)
	s, body := b.get("/calendar?year=2026")
	// 税总办征科函〔2025〕64号: 2月24日, 5月22日, 10月26日.
	b.expect(s, body, 200, "<h1>2026年征期日历</h1>", "<strong>2月24日</strong> 星期二", "15日在春节假期中，顺延至假期后第一个工作日",
		"<strong>5月22日</strong> 星期五", "劳动节假期在1日至15日共 5 天，顺延 5 个工作日", "<strong>10月26日</strong>", "<strong>3月16日</strong> 星期一",
		"15日为休息日，顺延至下一个工作日", "月度申报、季度申报", "个人所得税综合所得年度汇算", "5月31日为休息日，顺延", "调休上班：<span class=\"nw\">2月14日（星期六）</span>、<span class=\"nw\">2月28日（星期六）</span>",
		`href="/calendar?year=2025"`, `href="/calendar?year=2027"`)
	if strings.Contains(body, "尚未发布") {
		t.Error("2026's notice is embedded, but the page says it is not out")
	}
	// The clock of the test site is November 2026: no year means 2026, and
	// 2027 (notice not embedded) is provisional and the last year shown.
	s, body = b.get("/calendar")
	b.expect(s, body, 200, "<h1>2026年征期日历</h1>")
	s, body = b.get("/calendar?year=2027")
	b.expect(s, body, 200, "尚未发布2027年部分节假日安排的通知", "暂定")
	if strings.Contains(body, `href="/calendar?year=2028"`) {
		t.Error("2027 links to 2028, beyond the calendar")
	}
	for _, q := range []string{"2006", "2028", "abc", "-1"} {
		s, body := b.get("/calendar?year=" + q)
		b.expect(s, body, http.StatusNotFound, "征期日历提供 2007 年至 2027 年")
	}
	// The home page and the search lead there.
	s, body = b.get("/")
	b.expect(s, body, 200, `href="/calendar"`)
	for _, q := range []string{"征期", "申报期限", "征期日历", "放假"} {
		s, body := b.get("/search?q=" + url.QueryEscape(q))
		b.expect(s, body, 200, `<a class="tile" href="/calendar">`)
	}
}

// TestCalendarEditor: only the provincial bureau's administrators edit; a
// bad deadline comes back with its message and the values typed; an
// official deadline shows on the public page at once; removing asks first.
func TestCalendarEditor(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	province := staffBrowser(t, ts, "35000001")
	s, body := province.get("/staff/calendar?year=2026")
	province.expect(s, body, 200, "<h1>征期日历维护</h1>", `aria-current="page">征期日历</a>`, "国务院通知（内置）", `name="dl_source"`, `name="day_name"`)

	// Others: city administrators and clerks 403 with the reason, taxpayers
	// 403 (the other side), nobody is sent to the login.
	for _, no := range []string{"35020001", "35020301"} {
		b := staffBrowser(t, ts, no)
		s, body := b.get("/staff/calendar")
		b.expect(s, body, http.StatusForbidden, "只有省税务局的系统管理员可以维护征期日历")
		if strings.Contains(body, `href="/staff/calendar"`) {
			t.Errorf("%s: the menu offers the editor", no)
		}
		s, body = b.post("/staff/calendar/deadlines", url.Values{"year": {"2026"}, "dl_month": {"6"}, "dl_date": {"2026-06-22"}, "dl_source": {"x"}})
		b.expect(s, body, http.StatusForbidden)
		s, body = b.get("/staff/calendar/days/remove?date=2026-10-01")
		b.expect(s, body, http.StatusForbidden)
	}
	tp, _ := enterpriseAdmin(t, ts, d)
	s, body = tp.get("/staff/calendar")
	tp.expect(s, body, http.StatusForbidden)
	anon := noRedirects(t, ts)
	req, _ := http.NewRequest("GET", ts.URL+"/staff/calendar", nil)
	if s, _ := anon.do(req); s != http.StatusSeeOther {
		t.Errorf("anonymous: %d, want a redirect to the login", s)
	}

	// A deadline before the 15th: the message on the field, the values kept.
	s, body = province.post("/staff/calendar/deadlines", url.Values{"year": {"2026"}, "dl_month": {"6"}, "dl_date": {"2026-06-12"}, "dl_source": {"税总办征科函〔2026〕9号"}})
	province.expect(s, body, http.StatusUnprocessableEntity, "申报期限不能早于当月15日", `href="#f-dl_date"`, `value="税总办征科函〔2026〕9号"`, `value="2026-06-12"`)
	s, body = province.post("/staff/calendar/deadlines", url.Values{"year": {"2026"}, "dl_month": {"6"}, "dl_date": {"2026-06-20"}, "dl_source": {"x"}})
	province.expect(s, body, http.StatusUnprocessableEntity, "2026-06-20（星期六）是休息日，申报期限应为工作日")
	s, body = province.post("/staff/calendar/days", url.Values{"year": {"2026"}, "day_kind": {"rest"}, "day_from": {"2027-01-01"}, "day_name": {"元旦"}})
	province.expect(s, body, http.StatusUnprocessableEntity, "日期应在 2026 年内")

	s, body = province.post("/staff/calendar/deadlines", url.Values{"year": {"2026"}, "dl_month": {"6"}, "dl_date": {"2026-06-23"}, "dl_source": {"税总办征科函〔2026〕9号"}})
	province.expect(s, body, 200, "已录入 2026年6月的申报期限 2026-06-23", "官方公布")
	pub := newBrowser(t, ts)
	s, body = pub.get("/calendar?year=2026")
	pub.expect(s, body, 200, "<strong>6月23日</strong>", "按国家税务总局公布的期限（税总办征科函〔2026〕9号）；按节假日推算应为 2026-06-15")

	// Removing asks first, then the computed deadline is back.
	s, body = province.get("/staff/calendar/deadlines/remove?year=2026&month=6")
	province.expect(s, body, 200, "确认删除官方申报期限", "删除后，该月申报期限按节假日推算为 6月15日（星期一）", `<button class="btn warning" type="submit">确认删除</button>`)
	s, body = province.post("/staff/calendar/deadlines/remove", url.Values{"year": {"2026"}, "month": {"6"}})
	province.expect(s, body, 200, "已删除 2026年6月的官方申报期限")
	s, body = pub.get("/calendar?year=2026")
	pub.expect(s, body, 200, "<strong>6月15日</strong>")

	// Entering next year's holiday moves its deadline and ends "暂定".
	s, body = province.post("/staff/calendar/days", url.Values{"year": {"2027"}, "day_kind": {"rest"}, "day_from": {"2027-10-01"}, "day_to": {"2027-10-07"}, "day_name": {"国庆节"}})
	province.expect(s, body, 200, "已录入 7 天“国庆节”安排")
	s, body = pub.get("/calendar?year=2027")
	pub.expect(s, body, 200, "国庆节假期在1日至15日共")
	if strings.Contains(body, "尚未发布") {
		t.Error("2027 still without notice after its holidays were entered")
	}
	s, body = province.get("/staff/calendar/days/remove?date=2027-10-03")
	province.expect(s, body, 200, "确认删除节假日安排", "10月3日（星期日）", `name="date" value="2027-10-03"`)
	s, body = province.post("/staff/calendar/days/remove", url.Values{"date": {"2027-10-03"}})
	province.expect(s, body, 200, "已删除 2027-10-03 的录入")
	s, body = province.get("/staff/calendar/days/remove?date=2027-10-03")
	province.expect(s, body, http.StatusNotFound, "没有录入该日期")

	var audits int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'calendar_day.%' OR action LIKE 'filing_deadline.%'`).Scan(&audits); err != nil || audits != 10 {
		t.Errorf("%d audit entries (%v), want 10 (deadline entered and removed, 7 days entered, 1 removed)", audits, err)
	}
}

// TestInboxPages: the hall's menu counts the unread messages, the inbox
// shows them bold with 未读, opening one marks it read and offers its link,
// and another taxpayer's message is not found.
func TestInboxPages(t *testing.T) {
	d := dbtest.NewSQLite(t)
	ts := site(t, d)
	b, own := enterpriseAdmin(t, ts, d)
	ctx := context.Background()
	var other, caiwu int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayers WHERE kind = 'enterprise' AND id <> $1 ORDER BY id LIMIT 1`, own).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = 'caiwu'`, own).Scan(&caiwu); err != nil {
		t.Fatal(err)
	}
	s, body := b.get("/hall")
	b.expect(s, body, 200, `href="/hall/messages">我的消息</a>`)
	s, body = b.get("/hall/messages")
	b.expect(s, body, 200, "暂时没有消息")

	send := func(m messages.Message) int64 {
		t.Helper()
		id, _, err := messages.Send(ctx, d, now, m)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := send(messages.Message{TaxpayerID: own, Kind: messages.KindNotice, Subject: "关于发票的通知"})
	reminder := send(messages.Message{TaxpayerID: own, Kind: messages.KindReminder, Subject: "12月征期提醒", Body: "请于12月15日前申报。\n逾期将加收滞纳金。", Link: "/calendar?year=2026"})
	toCaiwu := send(messages.Message{TaxpayerID: own, UserID: caiwu, Kind: messages.KindNotice, Subject: "只给财务负责人"})
	foreign := send(messages.Message{TaxpayerID: other, Kind: messages.KindNotice, Subject: "别家的通知"})

	s, body = b.get("/hall")
	b.expect(s, body, 200, `我的消息 <span class="badge">2<span class="sr">条未读</span></span>`)
	s, body = b.get("/hall/messages")
	b.expect(s, body, 200, "<strong>12月征期提醒</strong>", "<strong>关于发票的通知</strong>", `<span class="badge">未读</span>`, "2026-11-23")
	if strings.Contains(body, "只给财务负责人") || strings.Contains(body, "别家的通知") {
		t.Error("the inbox shows another user's or another taxpayer's message")
	}
	if strings.Index(body, "12月征期提醒") > strings.Index(body, "关于发票的通知") {
		t.Error("the inbox is not newest first")
	}
	s, body = b.get(fmt.Sprintf("/hall/messages/%d", reminder))
	b.expect(s, body, 200, "<h1>12月征期提醒</h1>", "请于12月15日前申报。\n逾期将加收滞纳金。", `<a class="btn" href="/calendar?year=2026">前往办理</a>`,
		`我的消息 <span class="badge">1<span class="sr">条未读</span></span>`, `aria-current="true">我的消息`)
	s, body = b.get("/hall/messages")
	b.expect(s, body, 200, "<strong>关于发票的通知</strong>", "已读")
	if strings.Contains(body, "<strong>12月征期提醒</strong>") {
		t.Error("a read message is still bold")
	}
	for _, id := range []int64{toCaiwu, foreign} {
		s, body := b.get(fmt.Sprintf("/hall/messages/%d", id))
		b.expect(s, body, http.StatusNotFound, "消息不存在")
		if strings.Contains(body, "只给财务负责人") || strings.Contains(body, "别家的通知") {
			t.Errorf("message %d leaks in its 404", id)
		}
	}
	_ = first
	// 99+ for a flood.
	for i := range 120 {
		send(messages.Message{TaxpayerID: own, Kind: messages.KindNotice, Subject: fmt.Sprint("通知", i)})
	}
	s, body = b.get("/hall/messages")
	b.expect(s, body, 200, `<span class="badge">99&#43;<span class="sr">条未读</span></span>`, `href="/hall/messages?after=`, "更早的消息")
	// Staff have no inbox and no badge.
	clerk := staffBrowser(t, ts, "35020301")
	s, body = clerk.get("/hall/messages")
	clerk.expect(s, body, http.StatusForbidden)
	_ = auth.Taxpayer
}
