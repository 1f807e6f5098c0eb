package web

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"taxhall/internal/calendar"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

func exampleQuestion() *consult.Question {
	return &consult.Question{ID: 5, TrackingNo: "ZX2026112312345678", OrgName: "国家税务总局厦门市税务局", Channel: consult.Web, TaxType: "vat", Subject: "免税标准",
		Body: "小规模纳税人季度免税标准？", AskerName: "林先生", Phone: "13906001234", State: "answered", DueOn: calendar.MustDate("2026-11-26"), Rating: 5, RatingComment: "清楚",
		CreatedAt: when, Entries: []consult.Entry{{Author: "agent", StaffName: "黄志明", Body: "季度30万元以下免征。", CreatedAt: when}, {Author: "asker", Body: "追问", CreatedAt: when}}}
}

func init() {
	examples["consult.html"] = example{func() page {
		return &consultPage{TaxTypes: roles, Bureaus: roles, QA: []consult.QA{{ID: 1, TaxType: "vat", Question: "免税标准？", Answer: "30万元。"}},
			basePage: basePage{Errors: map[string]string{"body": "请具体描述您的问题，至少 5 个字"}}}
	}, everyone}
	examples["consult_asked.html"] = example{func() page {
		return &consultAskedPage{Asked: &consult.Asked{ID: 5, TrackingNo: "ZX2026112312345678", Code: "ABCDEFGH23", DueOn: calendar.MustDate("2026-11-26")}}
	}, everyone}
	examples["hall_questions.html"] = example{func() page { return &questionListPage{Items: []*consult.Question{exampleQuestion()}} }, taxpayerSide}
	examples["hall_question.html"] = example{func() page {
		q := exampleQuestion()
		q.Rating = 0
		return &questionPage{Q: q, basePage: basePage{Errors: map[string]string{"rating": "请选择1到5分"}}}
	}, taxpayerSide}
	examples["staff_questions.html"] = example{func() page {
		return &questionListPage{Items: []*consult.Question{exampleQuestion()}, State: "open", NextURL: "/staff/questions?after=5"}
	}, staffSide}
	examples["staff_question.html"] = example{func() page {
		q := exampleQuestion()
		q.State = "claimed"
		return &questionPage{Q: q, Bureaus: roles, Mine: true}
	}, staffSide}
}

// TestConsultJourney: a taxpayer asks, the Xiamen agent claims and answers,
// the asker sees the answer and rates it once; a Fuzhou agent cannot see it.
func TestConsultJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, _ := enterpriseAdmin(t, ts, d)
		s, body := b.get("/consult")
		b.expect(s, body, 200, "常见问答", "赡养老人")
		org := regexp.MustCompile(`<option value="(\d+)">国家税务总局厦门市税务局</option>`).FindStringSubmatch(body)[1]
		s, body = b.post("/consult", url.Values{"org_id": {org}, "tax_type": {"vat"}, "subject": {"留抵退税条件"}, "body": {"增量留抵退税需要满足哪些条件？"}})
		b.expect(s, body, 200, "咨询已提交")
		var id string
		_ = d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM questions WHERE subject = '留抵退税条件'`).Scan(&id)
		if s, _ := staffBrowser(t, ts, "35010003").get("/staff/questions/" + id); s != 404 {
			t.Errorf("Fuzhou agent: %d", s)
		}
		agent := staffBrowser(t, ts, "35020003")
		s, body = agent.get("/staff/questions")
		agent.expect(s, body, 200, "留抵退税条件", "短信", "热线")
		s, body = agent.post("/staff/questions/"+id+"/act", url.Values{"action": {"claim"}})
		agent.expect(s, body, 200, "已受理")
		s, body = agent.post("/staff/questions/"+id+"/act", url.Values{"action": {"answer"}, "answer": {"请参阅财政部 税务总局公告2022年第14号。"}})
		agent.expect(s, body, 200, "答复已发送")
		s, body = b.get("/hall/questions/" + id)
		b.expect(s, body, 200, "请参阅财政部 税务总局公告2022年第14号。", "提交评价")
		s, body = b.post("/hall/questions/"+id+"/rate", url.Values{"rating": {"5"}, "comment": {"很及时"}})
		b.expect(s, body, 200, "感谢您的评价", "5 分")
		s, body = b.post("/hall/questions/"+id+"/rate", url.Values{"rating": {"1"}})
		b.expect(s, body, 422, "已评价")
	})
}

func init() {
	examples["staff_question_new.html"] = example{func() page {
		p := questionNew()
		p.Errors = map[string]string{"phone": "请留下手机号码或电子邮箱，以便接收答复"}
		return p
	}, staffSide}
	examples["staff_qa.html"] = example{func() page {
		return &qaReviewPage{Items: []consult.QA{{ID: 1, TaxType: "vat", Question: "免税标准？", Answer: "30万元。", State: "pending"}}}
	}, staffSide}
	examples["qa.html"] = example{func() page {
		return &qaListPage{Items: []consult.QA{{ID: 1, TaxType: "vat", Question: "免税标准？", Answer: "30万元。", PublishedOn: "2026-11-20"}},
			TaxTypes: roles, NextURL: "/qa?before=1"}
	}, everyone}
}

// TestHotlineEntryReviewAndPublicList: the Xiamen agent enters a hotline
// question into the queue; the Xiamen content reviewer publishes the
// demo's pending Q&A, which then shows on the public list (filtered by its
// tax type); a Fuzhou reviewer sees nothing to review and cannot publish it.
func TestHotlineEntryReviewAndPublicList(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		agent := staffBrowser(t, ts, "35020003")
		s, body := agent.post("/staff/questions", url.Values{"channel": {"hotline"}, "tax_type": {"iit"}, "subject": {"来电：专项附加扣除"}, "body": {"来电人询问3岁以下婴幼儿照护扣除标准。"}})
		agent.expect(s, body, 422, "请留下手机号码")
		s, body = agent.post("/staff/questions", url.Values{"channel": {"hotline"}, "tax_type": {"iit"}, "subject": {"来电：专项附加扣除"}, "body": {"来电人询问3岁以下婴幼儿照护扣除标准。"}, "phone": {"13906002222"}})
		agent.expect(s, body, 200, "已录入队列", "热线", "13906002222")
		if s, _ := newBrowser(t, ts).get("/staff/questions/new"); s != 303 && s != 200 {
			t.Errorf("anonymous: %d", s)
		}
		var id string
		var question string
		if err := d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT), question FROM public_qa WHERE state = 'pending' ORDER BY id LIMIT 1`).Scan(&id, &question); err != nil {
			t.Fatal(err)
		}
		fz := staffBrowser(t, ts, "35010005")
		if s, body := fz.get("/staff/qa"); s == 200 && strings.Contains(body, question) {
			t.Error("a Fuzhou reviewer sees the Xiamen Q&A")
		}
		if s, body := fz.post("/staff/qa/review", url.Values{"qa_id": {id}, "decision": {"publish"}}); s != 422 && s != 403 || strings.Contains(body, "已公开发布") {
			t.Errorf("Fuzhou reviewer publishes: %d", s)
		}
		reviewer := staffBrowser(t, ts, "35020005")
		s, body = reviewer.get("/staff/qa")
		reviewer.expect(s, body, 200, question, "公开发布")
		s, body = reviewer.post("/staff/qa/review", url.Values{"qa_id": {id}, "decision": {"publish"}})
		reviewer.expect(s, body, 200, "已公开发布", "没有待审核的问答")
		s, body = reviewer.post("/staff/qa/review", url.Values{"qa_id": {id}, "decision": {"publish"}})
		reviewer.expect(s, body, 422, "已审核")
		var tt string
		_ = d.QueryRowContext(t.Context(), `SELECT tax_type FROM public_qa WHERE id = $1`, id).Scan(&tt)
		pub := newBrowser(t, ts)
		s, body = pub.get("/qa?tax_type=" + tt)
		pub.expect(s, body, 200, question)
		s, body = pub.get("/qa?tax_type=si")
		pub.expect(s, body, 200, "该税种暂无公开的问答")
	})
}
