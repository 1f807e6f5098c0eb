package app

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// TestInteractionStaffAPI: the knowledge base through the API (an agent
// writes, a reviewer publishes, the public finds and reads it, archive
// withdraws it), the staff side of surveys (create, results, close) and of
// training (schedule, a taxpayer registers, the registrants, attendance),
// and revoking an intake token.
func TestInteractionStaffAPI(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 3, Individuals: 1, Now: Now(), PasswordHash: demoHash()}); err != nil {
			t.Fatal(err)
		}
		c, _ := ParseFlags("serve", nil, io.Discard)
		a, err := New(c, NewLogger(c, io.Discard), d)
		if err != nil {
			t.Fatal(err)
		}
		h := a.Handler
		login := func(body map[string]string) string {
			var out struct{ Token string }
			if s := apiCall(t, h, "POST", "/auth/token", "", body, &out); s != 201 {
				t.Fatalf("login %v: %d", body, s)
			}
			return out.Token
		}
		staff := func(no string) string {
			return login(map[string]string{"kind": "staff", "staff_no": no, "password": demo.Password})
		}
		admin, supervisor, agent, reviewer := staff("35020001"), staff("35020002"), staff("35020003"), staff("35020005")
		fuzhou := staff("35010201")
		var code string
		_ = d.QueryRowContext(ctx, `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET 2`).Scan(&code)
		user := login(map[string]string{"kind": "taxpayer", "code": code, "username": "admin", "password": demo.Password})

		// Knowledge base.
		type entry struct {
			ID       int64
			Question string
			State    string
		}
		var e entry
		bad := map[string]string{"question": "", "answer": "答", "tax_type": "nope", "valid_from": "2026-13-01"}
		if s := apiCall(t, h, "POST", "/staff/kb/entries", agent, bad, nil); s != 422 {
			t.Errorf("bad entry: %d", s)
		}
		in := map[string]string{"question": "跨境电商综合试验区零售出口货物免税怎么申报", "answer": "符合条件的零售出口货物，试行增值税、消费税无票免税政策，在申报时填写免税销售额。",
			"tax_type": "vat", "refs": "财税〔2018〕103号", "valid_from": "2026-01-01"}
		if s := apiCall(t, h, "POST", "/staff/kb/entries", user, in, nil); s != 403 {
			t.Errorf("taxpayer writes an entry: %d", s)
		}
		if s := apiCall(t, h, "POST", "/staff/kb/entries", agent, in, &e); s != 201 || e.State != "draft" {
			t.Fatalf("create: %d %+v", s, e)
		}
		path := fmt.Sprintf("/staff/kb/entries/%d", e.ID)
		if s := apiCall(t, h, "GET", fmt.Sprintf("/kb/entries/%d", e.ID), "", nil, nil); s != 404 {
			t.Errorf("public reads a draft: %d", s)
		}
		in["answer"] += "（已更新）"
		if s := apiCall(t, h, "PUT", path, agent, in, &e); s != 200 {
			t.Errorf("update: %d", s)
		}
		if s := apiCall(t, h, "POST", path+"/approve", agent, nil, nil); s != 403 && s != 409 {
			t.Errorf("the author approves their own entry: %d", s)
		}
		if s := apiCall(t, h, "POST", path+"/approve", reviewer, nil, &e); s != 200 || e.State != "published" {
			t.Fatalf("approve: %d %+v", s, e)
		}
		var found struct {
			Items []struct {
				Entry   entry
				Snippet string
			}
		}
		if s := apiCall(t, h, "GET", "/kb/search?q="+url.QueryEscape("跨境电商 零售出口"), "", nil, &found); s != 200 || len(found.Items) == 0 || found.Items[0].Entry.ID != e.ID {
			t.Errorf("public search: %d %+v", s, found)
		}
		var pub entry
		if s := apiCall(t, h, "GET", fmt.Sprintf("/kb/entries/%d", e.ID), "", nil, &pub); s != 200 || pub.ID != e.ID || pub.State != "" {
			t.Errorf("public entry: %d %+v (state is staff-only)", s, pub)
		}
		if s := apiCall(t, h, "POST", path+"/archive", agent, nil, &e); s != 200 || e.State != "archived" {
			t.Errorf("archive: %d %+v", s, e)
		}
		if s := apiCall(t, h, "GET", fmt.Sprintf("/kb/entries/%d", e.ID), "", nil, nil); s != 404 {
			t.Errorf("public reads an archived entry: %d", s)
		}
		var page struct {
			Items []entry
			Next  int64
		}
		if s := apiCall(t, h, "GET", "/staff/kb/entries?state=archived", agent, nil, &page); s != 200 || len(page.Items) == 0 || page.Items[0].ID != e.ID {
			t.Errorf("staff list: %d %+v", s, page)
		}

		// Surveys, the staff side.
		var sv struct {
			ID        int64
			State     string
			Responses int
		}
		survey := map[string]string{"title": "办税服务厅窗口服务满意度", "audience": "public", "items": "评分：您对窗口服务的评价\n单选：等候时间｜10分钟以内｜10至30分钟｜30分钟以上"}
		if s := apiCall(t, h, "POST", "/staff/surveys", agent, survey, nil); s != 403 {
			t.Errorf("agent creates a survey: %d", s)
		}
		if s := apiCall(t, h, "POST", "/staff/surveys", supervisor, map[string]string{"title": "", "audience": "public", "items": "问答"}, nil); s != 422 {
			t.Errorf("bad survey: %d", s)
		}
		if s := apiCall(t, h, "POST", "/staff/surveys", supervisor, survey, &sv); s != 201 || sv.State != "open" {
			t.Fatalf("create survey: %d %+v", s, sv)
		}
		answer := map[string]any{"answers": []map[string]any{{"position": 1, "choices": []int{5}}, {"position": 2, "choices": []int{0}}}}
		if s := apiCall(t, h, "POST", fmt.Sprintf("/my/surveys/%d/answers", sv.ID), user, answer, nil); s != 201 {
			t.Errorf("answer: %d", s)
		}
		var res struct {
			Survey struct{ Responses int }
			Items  []struct {
				Answered int
				Average  string
				Bars     []struct{ Count int }
			}
		}
		if s := apiCall(t, h, "GET", fmt.Sprintf("/staff/surveys/%d/results", sv.ID), supervisor, nil, &res); s != 200 || res.Survey.Responses != 1 || len(res.Items) != 2 || res.Items[0].Average != "5.0" || res.Items[1].Bars[0].Count != 1 {
			t.Errorf("results: %d %+v", s, res)
		}
		if s := apiCall(t, h, "GET", fmt.Sprintf("/staff/surveys/%d/results", sv.ID), fuzhou, nil, nil); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk reads the results: %d", s)
		}
		if s := apiCall(t, h, "POST", fmt.Sprintf("/staff/surveys/%d/close", sv.ID), supervisor, nil, nil); s != 204 {
			t.Errorf("close: %d", s)
		}
		if s := apiCall(t, h, "POST", fmt.Sprintf("/staff/surveys/%d/close", sv.ID), supervisor, nil, nil); s != 409 {
			t.Errorf("close twice: %d", s)
		}

		// Training.
		start := Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		var tr struct {
			ID         int64
			Registered int
		}
		session := map[string]any{"topic": "vat", "title": "小规模纳税人增值税申报实务", "start": start, "minutes": 90, "capacity": 2, "place": "思明区办税服务厅三楼培训室"}
		if s := apiCall(t, h, "POST", "/staff/training/sessions", agent, session, nil); s != 403 {
			t.Errorf("agent schedules: %d", s)
		}
		if s := apiCall(t, h, "POST", "/staff/training/sessions", supervisor, map[string]any{"topic": "vat", "title": "", "start": "tomorrow"}, nil); s != 422 {
			t.Errorf("bad session: %d", s)
		}
		if s := apiCall(t, h, "POST", "/staff/training/sessions", supervisor, session, &tr); s != 201 {
			t.Fatalf("schedule: %d", s)
		}
		if s := apiCall(t, h, "POST", fmt.Sprintf("/my/training/%d/registration", tr.ID), user, nil, nil); s != 204 {
			t.Errorf("register: %d", s)
		}
		if s := apiCall(t, h, "POST", fmt.Sprintf("/my/training/%d/registration", tr.ID), user, nil, nil); s != 409 {
			t.Errorf("register twice: %d", s)
		}
		var upcoming struct {
			Items []struct {
				ID   int64
				Mine *bool
			}
		}
		if s := apiCall(t, h, "GET", "/training/sessions", user, nil, &upcoming); s != 200 {
			t.Errorf("upcoming: %d", s)
		}
		mine := false
		for _, x := range upcoming.Items {
			if x.ID == tr.ID && x.Mine != nil && *x.Mine {
				mine = true
			}
		}
		if !mine {
			t.Errorf("the session is not marked as registered: %+v", upcoming)
		}
		var regs struct {
			Items []struct {
				ID         int64
				AttendedAt *time.Time `json:"attended_at"`
			}
		}
		regPath := fmt.Sprintf("/staff/training/sessions/%d/registrations", tr.ID)
		if s := apiCall(t, h, "GET", regPath, supervisor, nil, &regs); s != 200 || len(regs.Items) != 1 || regs.Items[0].AttendedAt != nil {
			t.Fatalf("registrations: %d %+v", s, regs)
		}
		if s := apiCall(t, h, "GET", regPath, fuzhou, nil, nil); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk reads the registrants: %d", s)
		}
		att := fmt.Sprintf("/staff/training/sessions/%d/attendance", tr.ID)
		if s := apiCall(t, h, "POST", att, supervisor, map[string]int64{"registration_id": regs.Items[0].ID}, nil); s != 409 {
			t.Errorf("attendance two days early: %d", s)
		}
		if _, err := d.ExecContext(ctx, `UPDATE training_sessions SET starts_at = $1 WHERE id = $2`, db.TS(Now().Add(-5*time.Minute)), tr.ID); err != nil {
			t.Fatal(err)
		}
		if s := apiCall(t, h, "POST", att, supervisor, map[string]int64{"registration_id": regs.Items[0].ID + 999}, nil); s != 422 {
			t.Errorf("attendance of a stranger: %d", s)
		}
		if s := apiCall(t, h, "POST", att, supervisor, map[string]int64{"registration_id": regs.Items[0].ID}, nil); s != 204 {
			t.Errorf("attendance: %d", s)
		}
		var staffList struct {
			Items []struct {
				ID       int64
				Attended *int
			}
		}
		if s := apiCall(t, h, "GET", "/staff/training/sessions", supervisor, nil, &staffList); s != 200 {
			t.Errorf("staff sessions: %d", s)
		}
		for _, x := range staffList.Items {
			if x.ID == tr.ID && (x.Attended == nil || *x.Attended != 1) {
				t.Errorf("attended %v, want 1", x.Attended)
			}
		}

		// Intake tokens: list and revoke.
		var tok struct {
			ID    int64
			Token string
		}
		if s := apiCall(t, h, "POST", "/admin/intake-tokens", admin, map[string]string{"channel": "hotline", "name": "厦门12366热线"}, &tok); s != 201 {
			t.Fatalf("issue: %d", s)
		}
		var toks struct {
			Items []struct {
				ID        int64
				Name      string
				RevokedAt *time.Time `json:"revoked_at"`
			}
		}
		if s := apiCall(t, h, "GET", "/admin/intake-tokens", admin, nil, &toks); s != 200 || len(toks.Items) == 0 || toks.Items[0].ID != tok.ID || toks.Items[0].RevokedAt != nil {
			t.Errorf("tokens: %d %+v", s, toks)
		}
		if strings.Contains(fmt.Sprint(toks), tok.Token) {
			t.Errorf("the list shows the token")
		}
		call := map[string]string{"phone": "13906004444", "body": "热线来电：请问印花税按次申报还是按期申报？"}
		if s := apiCall(t, h, "POST", "/intake/questions", tok.Token, call, nil); s != 201 {
			t.Errorf("intake before revoke: %d", s)
		}
		revoke := fmt.Sprintf("/admin/intake-tokens/%d/revoke", tok.ID)
		if s := apiCall(t, h, "POST", revoke, agent, nil, nil); s != 403 {
			t.Errorf("agent revokes: %d", s)
		}
		if s := apiCall(t, h, "POST", revoke, admin, nil, nil); s != 200 {
			t.Errorf("revoke: %d", s)
		}
		if s := apiCall(t, h, "POST", "/intake/questions", tok.Token, call, nil); s != 401 {
			t.Errorf("intake after revoke: %d", s)
		}
		if s := apiCall(t, h, "POST", revoke, admin, nil, nil); s != 409 {
			t.Errorf("revoke twice: %d", s)
		}
	})
}
