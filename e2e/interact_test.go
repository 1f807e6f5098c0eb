package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/db"
)

// TestInteractionJourneys: the interaction functions in a real browser.
//   - A visitor reports anonymously, the bureau replies, the visitor follows
//     up with the tracking number and code and sees the reply.
//   - A taxpayer books a slot of today at the Siming hall and the hall's
//     supervisor checks them in (a queue number).
//   - The taxpayer asks the 12366, the Xiamen agent claims and answers, the
//     taxpayer rates the answer.
//   - The taxpayer answers the demo survey, which is then closed to them.
func TestInteractionJourneys(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	anon := newPage(t, s, "visitor")
	tp := newPage(t, s, "taxpayer")
	boss := newPage(t, s, "xiamen-admin")
	hall := newPage(t, s, "hall-supervisor")
	agent := newPage(t, s, "agent")
	j := newJourney(t, anon, tp, boss, hall, agent)
	ctx := context.Background()
	var simingHall, simingOrg int64
	if err := s.DB.QueryRowContext(ctx, `SELECT h.id, o.id FROM halls h JOIN orgs o ON o.id = h.org_id WHERE o.division_code = '350203' ORDER BY h.id LIMIT 1`).Scan(&simingHall, &simingOrg); err != nil {
		t.Fatal(err)
	}
	var tpCode string
	if err := s.DB.QueryRowContext(ctx, `SELECT t.code FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin'
		WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 1 OFFSET 3`).Scan(&tpCode); err != nil {
		t.Fatal(err)
	}

	var number, code string
	j.step("visitor reports anonymously", func(t *testing.T) {
		if st := anon.Open("complaint-form", "/complaints"); st != http.StatusOK {
			anon.fatalf("status %d", st)
		}
		anon.Do(choose("#f-kind", "report"), choose("#f-org_id", strconv.FormatInt(simingOrg, 10)),
			typeInto("#f-subject", "某商铺长期不开发票"), typeInto("#f-body", "思明区某路口的一家餐馆长期以没有发票为由拒开发票。"))
		if st := anon.Click("submit", `form[action="/complaints"] button[type=submit]`); st != http.StatusOK {
			anon.fatalf("status %d", st)
		}
		number, code = anon.Text("#tracking-no"), anon.Text("#query-code")
		if number == "" || code == "" {
			anon.fatalf("no number or code")
		}
	})
	j.step("the bureau replies", func(t *testing.T) {
		staffLogin(boss, "35020001")
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM complaints WHERE tracking_no = $1`, number).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if st := boss.Open("case", "/staff/complaints/"+strconv.FormatInt(id, 10)); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		boss.Do(typeInto("#f-reply", "已转稽查部门核实，感谢您的举报。"))
		if st := boss.Click("reply", `form[action$="/reply"] button[type=submit]`); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
	})
	j.step("the administrator issues and revokes an intake token", func(t *testing.T) {
		if st := boss.Open("intake-tokens", "/staff/intake-tokens"); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		boss.Do(choose("#f-channel", "sms"), typeInto("#f-name", "厦门12366短信平台（测试）"))
		if st := boss.Click("issue", `form[action="/staff/intake-tokens"] button[type=submit]`); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		if tok := boss.Text("#issued-token"); !strings.HasPrefix(tok, "itk_") {
			boss.fatalf("token shown: %q", tok)
		}
		if st := boss.Click("revoke-form", `a[href$="/revoke"]`); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		boss.ExpectText("h1", "确认停用接入令牌")
		boss.Do(chromedp.EmulateViewport(phone, 844))
		expectNoSideways(boss)
		boss.Do(chromedp.EmulateViewport(1280, 900))
		if st := boss.Click("revoke", `form[action$="/revoke"] button[type=submit]`); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		boss.ExpectText(".flash", "已停用")
		boss.Do(chromedp.EmulateViewport(phone, 844))
		if st := boss.Open("intake-tokens-phone", "/staff/intake-tokens"); st != http.StatusOK {
			boss.fatalf("status %d", st)
		}
		expectNoSideways(boss)
		boss.Do(chromedp.EmulateViewport(1280, 900))
	})
	j.step("visitor follows up with number and code and sees the reply", func(t *testing.T) {
		if st := anon.Open("track-form", "/complaints/track"); st != http.StatusOK {
			anon.fatalf("status %d", st)
		}
		anon.Do(typeInto("#f-tracking_no", number), typeInto("#f-code", code))
		if st := anon.Click("track", `form[action="/complaints/track"] button[type=submit]`); st != http.StatusOK {
			anon.fatalf("status %d", st)
		}
		anon.ExpectText("main", "已转稽查部门核实，感谢您的举报。", "某商铺长期不开发票")
	})

	var slot int64
	j.step("taxpayer books a slot of today", func(t *testing.T) {
		now := time.Now()
		start := now.Add(3 * time.Hour).Truncate(time.Minute).In(cst) // after the booking cut-off (appoint.CutOff, 2 hours)
		if start.Day() != now.In(cst).Day() {
			t.Skip("too late in the day (China time) for a slot of today")
		}
		var service int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM appt_services ORDER BY id LIMIT 1`).Scan(&service); err != nil {
			t.Fatal(err)
		}
		if err := s.DB.QueryRowContext(ctx, `INSERT INTO appt_slots (hall_id, service_id, window_no, day, start_time, end_time, starts_at, capacity, booked)
			VALUES ($1, $2, 1, $3, $4, $5, $6, 3, 0) RETURNING id`, simingHall, service, start.Format("2006-01-02"), start.Format("15:04"),
			start.Add(30*time.Minute).Format("15:04"), db.TS(start)).Scan(&slot); err != nil {
			t.Fatal(err)
		}
		taxpayerLogin(tp, tpCode)
		if st := tp.Open("book-form", "/hall/appointments/new?hall="+strconv.FormatInt(simingHall, 10)+"&service="+strconv.FormatInt(service, 10)); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.Do(chromedp.Click(chromedp.CSS(`input[name=slot_id][value="` + strconv.FormatInt(slot, 10) + `"]`)))
		if tp.Count("#f-item") > 0 {
			tp.Do(typeInto("#f-item", "增值税专用发票最高开票限额变更"))
		}
		if st := tp.Click("book", `form[action="/hall/appointments"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", start.Format("15:04"))
	})
	j.step("the hall's supervisor checks the taxpayer in", func(t *testing.T) {
		if slot == 0 {
			t.Skip("no slot of today was booked")
		}
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM appointments WHERE slot_id = $1`, slot).Scan(&id); err != nil {
			t.Fatal(err)
		}
		staffLogin(hall, "35020303")
		day := time.Now().In(cst).Format("2006-01-02")
		if st := hall.Open("day-list", "/staff/appointments?hall="+strconv.FormatInt(simingHall, 10)+"&day="+day); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		if st := hall.Click("check-in", `form[action="/staff/appointments/`+strconv.FormatInt(id, 10)+`/checkin"] button`); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.ExpectText(".flash", "已签到，排队号")
	})
	j.step("the clerk signs in at a window, calls the number and finishes", func(t *testing.T) {
		if slot == 0 {
			t.Skip("no slot of today was booked")
		}
		h := strconv.FormatInt(simingHall, 10)
		if st := hall.Open("queue", "/staff/appointments/queue?hall="+h); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.Do(choose("#f-window", "1"))
		if st := hall.Click("sign-in", `form[action="/staff/appointments/queue/signin"] button[type=submit]`); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.ExpectText(".flash", "已签入1号窗口")
		if st := hall.Click("call", `form[action="/staff/appointments/queue/call"] button[type=submit]`); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.ExpectText(".flash", "到1号窗口办理")
		hall.ExpectText("main", "正在办理")
		if st := hall.Click("finish", `form[action="/staff/appointments/queue/finish"] input[value=done] ~ button`); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.ExpectText(".flash", "已办结", "邀请纳税人评价")
	})
	j.step("the taxpayer rates the window's service", func(t *testing.T) {
		if slot == 0 {
			t.Skip("no slot of today was booked")
		}
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM appointments WHERE slot_id = $1`, slot).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if tp.Count(`a[href="/hall"]`) == 0 {
			taxpayerLogin(tp, tpCode)
		}
		if st := tp.Open("appointment", "/hall/appointments/"+strconv.FormatInt(id, 10)); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "已办结", "1号窗口")
		// Without a choice the form says so on the stars.
		if st := tp.Click("rate-empty", `form[action$="/rate"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			tp.fatalf("empty rating: status %d", st)
		}
		tp.ExpectText("#f-rating-error", "请选择评分")
		tp.Do(chromedp.Click(chromedp.CSS(`input[name=rating][value="5"]`)), typeInto("#f-comment", "窗口讲解清楚，等候不久"))
		if st := tp.Click("rate", `form[action$="/rate"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText(".flash", "感谢您的评价")
		tp.ExpectText("main", "5 星", "窗口讲解清楚")
	})
	j.step("the month's window report shows the rating", func(t *testing.T) {
		if slot == 0 {
			t.Skip("no slot of today was booked")
		}
		month := time.Now().In(cst).Format("2006-01")
		if st := hall.Open("report", "/staff/appointments/queue/report?hall="+strconv.FormatInt(simingHall, 10)+"&month="+month); st != http.StatusOK {
			hall.fatalf("status %d", st)
		}
		hall.ExpectText("#by-window + table", "1号窗口", "5.00", "100.0%")
		hall.ExpectText("#by-clerk + table", "35020303")
	})
	j.step("the window pages and the rated appointment fit a phone", func(t *testing.T) {
		if slot == 0 {
			t.Skip("no slot of today was booked")
		}
		h := strconv.FormatInt(simingHall, 10)
		hall.Do(chromedp.EmulateViewport(phone, 844))
		for _, path := range []string{"/staff/appointments/queue?hall=" + h, "/staff/appointments/queue/take?hall=" + h, "/staff/appointments/queue/report?hall=" + h} {
			if st := hall.Open("phone"+strings.ReplaceAll(strings.Split(path, "?")[0], "/", "-"), path); st != http.StatusOK {
				hall.fatalf("%s: status %d", path, st)
			}
			expectNoSideways(hall)
		}
		hall.Do(chromedp.EmulateViewport(1280, 900))
		var id int64
		if err := s.DB.QueryRowContext(ctx, `SELECT id FROM appointments WHERE slot_id = $1`, slot).Scan(&id); err != nil {
			t.Fatal(err)
		}
		tp.Do(chromedp.EmulateViewport(phone, 844))
		if st := tp.Open("phone-appointment", "/hall/appointments/"+strconv.FormatInt(id, 10)); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		expectNoSideways(tp)
		tp.Do(chromedp.EmulateViewport(1280, 900))
	})

	var qid, answer string
	j.step("taxpayer asks the 12366", func(t *testing.T) {
		if tp.Count(`a[href="/hall"]`) == 0 {
			taxpayerLogin(tp, tpCode)
		}
		if st := tp.Open("ask-form", "/consult"); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		// Search before you ask: the knowledge base suggests its entry on
		// 研发费用加计扣除 (the demo's); the taxpayer asks anyway.
		tp.Do(typeInto("#f-look", "研发费用加计扣除比例是多少"))
		if st := tp.Click("look", `form[action="/consult"][method="get"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText(".suggestions", "12366知识库", "研发费用")
		if tp.Count(".suggestions .result") == 0 {
			tp.fatalf("no knowledge-base suggestion")
		}
		if v := tp.Value("#f-subject"); v != "研发费用加计扣除比例是多少" {
			tp.fatalf("the ask form did not keep the question: %q", v)
		}
		var xiamen int64
		_ = s.DB.QueryRowContext(ctx, `SELECT id FROM orgs WHERE division_code = '3502'`).Scan(&xiamen)
		tp.Do(choose("#f-org_id", strconv.FormatInt(xiamen, 10)), choose("#f-tax_type", "cit"),
			typeInto("#f-subject", "浏览器测试：研发费用加计扣除"), typeInto("#f-body", "制造业企业研发费用加计扣除比例是多少？"))
		if st := tp.Click("ask", `form[action="/consult"][method="post"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "咨询已提交")
		if err := s.DB.QueryRowContext(ctx, `SELECT CAST(id AS TEXT) FROM questions WHERE subject = '浏览器测试：研发费用加计扣除'`).Scan(&qid); err != nil {
			t.Fatal(err)
		}
	})
	j.step("the agent claims and answers", func(t *testing.T) {
		staffLogin(agent, "35020003")
		if st := agent.Open("question", "/staff/questions/"+qid); st != http.StatusOK {
			agent.fatalf("status %d", st)
		}
		if st := agent.Click("claim", `input[value=claim] ~ button`); st != http.StatusOK {
			agent.fatalf("status %d", st)
		}
		// The knowledge base's entry is suggested beside the question; the
		// agent inserts its answer and sends it.
		agent.ExpectText("#kb-title + .results", "研发费用")
		if st := agent.Click("use-suggestion", `aside.suggestions a[href*="?use="]`); st != http.StatusOK {
			agent.fatalf("status %d", st)
		}
		answer = agent.Value("#f-answer")
		if !strings.Contains(answer, "加计扣除") {
			agent.fatalf("the suggestion was not inserted: %q", answer)
		}
		if st := agent.Click("answer", `input[value=answer] ~ .actions button`); st != http.StatusOK {
			agent.fatalf("status %d", st)
		}
		agent.ExpectText(".flash", "答复已发送")
	})
	j.step("the asker sees the answer and rates it", func(t *testing.T) {
		if st := tp.Open("thread", "/hall/questions/"+qid); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "加计扣除", string([]rune(answer)[:min(len([]rune(answer)), 20)]))
		tp.Do(chromedp.Click(chromedp.CSS(`input[name=rating][value="5"]`)))
		if st := tp.Click("rate", `form[action$="/rate"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "5 分")
		if tp.Count(`form[action$="/rate"]`) != 0 {
			tp.fatalf("the rating form is still offered")
		}
	})

	j.step("the taxpayer answers the survey once", func(t *testing.T) {
		var sid string
		if err := s.DB.QueryRowContext(ctx, `SELECT CAST(id AS TEXT) FROM surveys ORDER BY id LIMIT 1`).Scan(&sid); err != nil {
			t.Fatal(err)
		}
		if st := tp.Open("interact", "/hall/interact"); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		if st := tp.Click("surveys", `a[href="/hall/surveys"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		if st := tp.Click("survey", `a[href="/hall/surveys/`+sid+`"]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.Do(chromedp.Click(chromedp.CSS(`input[name=i1][value="1"]`)), chromedp.Click(chromedp.CSS(`input[name=i2][value="0"]`)),
			chromedp.Click(chromedp.CSS(`input[name=i2][value="2"]`)), chromedp.Click(chromedp.CSS(`input[name=i3][value="4"]`)),
			typeInto("#f-i4", "希望增加直播课程。"))
		if st := tp.Click("answer", `form[action="/hall/surveys/`+sid+`"] button[type=submit]`); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		tp.ExpectText("main", "您已参与本次调查")
		if st := tp.Open("again", "/hall/surveys/"+sid); st != http.StatusOK {
			tp.fatalf("status %d", st)
		}
		if tp.Count(`form[action="/hall/surveys/`+sid+`"]`) != 0 {
			tp.fatalf("the survey form is offered again")
		}
		var n int
		_ = s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1`, sid).Scan(&n)
		if n != 3 {
			t.Errorf("%d responses, want 3 (two of the demo and this one)", n)
		}
		if !strings.Contains(tp.Text("nav.menu"), "互动服务") {
			tp.fatalf("no 互动服务 in the menu")
		}
	})
}
