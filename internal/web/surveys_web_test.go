package web

import (
	"net/url"
	"regexp"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/survey"
)

func exampleSurvey() *survey.Survey {
	return &survey.Survey{ID: 3, OrgName: "国家税务总局厦门市税务局", Title: "2026年度纳税人满意度调查", Intro: "请回答。", Audience: "public", State: "open", CreatedAt: when, Responses: 2,
		Items: []survey.Item{{ID: 1, Position: 1, Kind: survey.Single, Prompt: "总体评价？", Options: []string{"满意", "不满意"}},
			{ID: 2, Position: 2, Kind: survey.Multiple, Prompt: "渠道？", Options: []string{"网站", "大厅"}},
			{ID: 3, Position: 3, Kind: survey.Scale, Prompt: "打分"}, {ID: 4, Position: 4, Kind: survey.Text, Prompt: "建议"}}}
}

func init() {
	examples["hall_surveys.html"] = example{func() page {
		return &surveyListPage{Invitations: []survey.Invitation{{Survey: exampleSurvey()}, {Survey: exampleSurvey(), Answered: true}}}
	}, taxpayerSide}
	examples["hall_survey.html"] = example{func() page {
		return &surveyPage{S: exampleSurvey(), Picked: map[string]bool{"i2=1": true}, basePage: basePage{Errors: map[string]string{"i1": "请回答：“总体评价？”"}}}
	}, taxpayerSide}
	examples["hall_interact.html"] = example{func() page { return &interactPage{Surveys: 2} }, taxpayerSide}
	examples["staff_surveys.html"] = example{func() page { return &surveyListPage{Surveys: []*survey.Survey{exampleSurvey()}} }, staffSide}
	examples["staff_survey_new.html"] = example{func() page {
		p := surveyNew()
		p.Errors = map[string]string{"items": "第 1 行应以“单选：”“多选：”“评分：”或“填空：”开头"}
		return p
	}, staffSide}
	results := func() page {
		x := exampleSurvey()
		return &surveyResultsPage{S: x, Results: []survey.ItemResult{
			{Item: x.Items[0], Answered: 2, Bars: []survey.Bar{{Label: "满意", Count: 1, Percent: 50}, {Label: "不满意", Count: 1, Percent: 50}}},
			{Item: x.Items[2], Answered: 2, Average: "4.5", Bars: []survey.Bar{{Label: "5 分", Count: 1, Percent: 50}}},
			{Item: x.Items[3], Answered: 1, Texts: []string{"延时服务"}}}}
	}
	examples["staff_survey.html"] = example{results, staffSide}
	examples["staff_survey_close.html"] = example{results, staffSide}
}

// TestSurveyJourney: the demo's public survey is offered to an enterprise
// administrator, who answers it once (a second post is refused, the page
// says so); the Xiamen administrator sees the counts as bars and closes
// it through the confirmation page; a Fuzhou administrator cannot see it.
func TestSurveyJourney(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, _ := enterpriseAdmin(t, ts, d)
		var id string
		if err := d.QueryRowContext(t.Context(), `SELECT CAST(id AS TEXT) FROM surveys WHERE title = '2026年度纳税人满意度调查'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		s, body := b.get("/hall/surveys")
		b.expect(s, body, 200, "2026年度纳税人满意度调查")
		// The demo answered for the first two enterprises: use a third user.
		var code string
		_ = d.QueryRowContext(t.Context(), `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET 2`).Scan(&code)
		c := newBrowser(t, ts)
		s, body = c.post("/login", url.Values{"code": {code}, "username": {"admin"}, "password": {demo.Password}})
		c.expect(s, body, 200, "我的办税")
		s, body = c.get("/hall/surveys/" + id)
		c.expect(s, body, 200, "提交问卷", `id="f-i1"`, `type="checkbox" name="i2"`)
		s, body = c.post("/hall/surveys/"+id, url.Values{"i2": {"1"}, "i3": {"4"}})
		c.expect(s, body, 422, `<a href="#f-i1">`, `value="1" checked`)
		s, body = c.post("/hall/surveys/"+id, url.Values{"i1": {"1"}, "i2": {"0", "3"}, "i3": {"4"}, "i4": {"窗口再多一些"}})
		c.expect(s, body, 200, "感谢您参与调查", "您已参与本次调查")
		s, body = c.post("/hall/surveys/"+id, url.Values{"i1": {"0"}, "i2": {"0"}, "i3": {"5"}})
		c.expect(s, body, 422, "每人只能回答一次")

		boss := staffBrowser(t, ts, "35020001")
		s, body = boss.get("/staff/surveys/" + id)
		boss.expect(s, body, 200, "3 人作答", "窗口再多一些", `class="bar-fill"`, "平均 4.3 分")
		if m := regexp.MustCompile(`满意</span>\s*<svg[^>]*>.*?width="(\d+)"[^/]*class="bar-fill"`).FindStringSubmatch(body); m == nil || m[1] != "33" {
			t.Errorf("bar of 满意: %v", m)
		}
		if s, _ := staffBrowser(t, ts, "35010001").get("/staff/surveys/" + id); s != 404 {
			t.Errorf("Fuzhou admin: %d", s)
		}
		s, body = boss.get("/staff/surveys/" + id + "/close")
		boss.expect(s, body, 200, "确认结束调查")
		s, body = boss.post("/staff/surveys/"+id+"/close", nil)
		boss.expect(s, body, 200, "调查已结束")
		s, body = boss.post("/staff/surveys", url.Values{"title": {"窗口服务调查"}, "audience": {"group"}, "items": {"问答：你好"}})
		boss.expect(s, body, 422, "第 1 行应以")
	})
}
