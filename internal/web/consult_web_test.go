package web

import (
	"net/url"
	"regexp"
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
