package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/api"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
)

// apiCall sends a JSON request with a bearer token ("" for none) and
// decodes the answer into out (if not nil).
func apiCall(t *testing.T, h http.Handler, method, path, token string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req := httptest.NewRequest(method, api.Prefix+path, r)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if out != nil && rec.Code < 300 {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			t.Fatalf("%s %s: %v %s", method, path, err, rec.Body.String())
		}
	}
	return rec.Code
}

// TestInteractionAPI: an intake token (its own kind) files SMS questions
// into its bureau's queue and opens nothing else, and no session token
// opens the intake route; an anonymous complaint is followed up by number
// and code; a taxpayer asks, sees the answer, rates once; a survey is
// answered once.
func TestInteractionAPI(t *testing.T) {
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
		admin := login(map[string]string{"kind": "staff", "staff_no": "35020001", "password": demo.Password})
		agent := login(map[string]string{"kind": "staff", "staff_no": "35020003", "password": demo.Password})
		var code string
		_ = d.QueryRowContext(ctx, `SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1 OFFSET 2`).Scan(&code)
		user := login(map[string]string{"kind": "taxpayer", "code": code, "username": "admin", "password": demo.Password})

		// Intake.
		var tok struct{ Token, Channel string }
		if s := apiCall(t, h, "POST", "/admin/intake-tokens", agent, map[string]string{"channel": "sms", "name": "短信平台"}, nil); s != 403 {
			t.Errorf("agent issues an intake token: %d", s)
		}
		if s := apiCall(t, h, "POST", "/admin/intake-tokens", admin, map[string]string{"channel": "sms", "name": "厦门12366短信平台"}, &tok); s != 201 || !strings.HasPrefix(tok.Token, "itk_") {
			t.Fatalf("issue: %d %+v", s, tok)
		}
		sms := map[string]string{"phone": "13906003333", "body": "请问个体户季度销售额多少以下免征增值税？"}
		for who, token := range map[string]string{"admin session": admin, "taxpayer session": user, "bad intake": "itk_nope", "none": ""} {
			if s := apiCall(t, h, "POST", "/intake/questions", token, sms, nil); s != 401 {
				t.Errorf("intake as %s: %d, want 401", who, s)
			}
		}
		if s := apiCall(t, h, "GET", "/me", tok.Token, nil, nil); s != 401 {
			t.Errorf("intake token on /me: %d", s)
		}
		if s := apiCall(t, h, "GET", "/my/questions", tok.Token, nil, nil); s != 401 {
			t.Errorf("intake token on /my/questions: %d", s)
		}
		var asked struct {
			ID         int64
			TrackingNo string `json:"tracking_no"`
		}
		if s := apiCall(t, h, "POST", "/intake/questions", tok.Token, sms, &asked); s != 201 || asked.TrackingNo == "" {
			t.Fatalf("intake: %d %+v", s, asked)
		}
		var channel, org string
		_ = d.QueryRowContext(ctx, `SELECT q.channel, o.division_code FROM questions q JOIN orgs o ON o.id = q.org_id WHERE q.id = $1`, asked.ID).Scan(&channel, &org)
		if channel != "sms" || org != "3502" {
			t.Errorf("intake question: channel %s bureau %s", channel, org)
		}
		if _, err := d.ExecContext(ctx, `UPDATE intake_tokens SET revoked_at = 'x'`); err != nil {
			t.Fatal(err)
		}
		if s := apiCall(t, h, "POST", "/intake/questions", tok.Token, sms, nil); s != 401 {
			t.Errorf("revoked token: %d", s)
		}

		// Complaint: file anonymously, track, add.
		var xiamen int64
		_ = d.QueryRowContext(ctx, `SELECT id FROM orgs WHERE division_code = '3502'`).Scan(&xiamen)
		var filed struct {
			TrackingNo string `json:"tracking_no"`
			Code       string
		}
		if s := apiCall(t, h, "POST", "/complaints", "", map[string]any{"kind": "complaint", "org_id": xiamen, "subject": "接口投诉", "body": "办税服务厅空调坏了一周没人修。"}, &filed); s != 201 {
			t.Fatalf("file: %d", s)
		}
		var cv struct {
			State   string
			Entries []struct{ Author, Body string }
		}
		if s := apiCall(t, h, "POST", "/complaints/track", "", map[string]string{"tracking_no": filed.TrackingNo, "code": "WRONGCODE1"}, nil); s != 404 {
			t.Errorf("wrong code: %d", s)
		}
		if s := apiCall(t, h, "POST", "/complaints/track/additions", "", map[string]string{"tracking_no": filed.TrackingNo, "code": filed.Code, "body": "补充：是二楼大厅。"}, &cv); s != 200 ||
			cv.State != "open" || len(cv.Entries) != 1 || cv.Entries[0].Author != "filer" {
			t.Errorf("addition: %d %+v", s, cv)
		}

		// Ask, answer (web side), rate once.
		if s := apiCall(t, h, "POST", "/consult/questions", user, map[string]any{"org_id": xiamen, "tax_type": "vat", "subject": "接口咨询", "body": "留抵退税怎么申请？"}, &asked); s != 201 {
			t.Fatalf("ask: %d", s)
		}
		if s := apiCall(t, h, "POST", "/my/questions/"+strconv.FormatInt(asked.ID, 10)+"/rating", user, map[string]int{"rating": 5}, nil); s != 409 {
			t.Errorf("rate before the answer: %d", s)
		}
		var agentID int64
		_ = d.QueryRowContext(ctx, `SELECT id FROM staff WHERE staff_no = '35020003'`).Scan(&agentID)
		if _, err := d.ExecContext(ctx, `UPDATE questions SET state = 'answered', claimed_by = $1, answered_at = created_at WHERE id = $2`, agentID, asked.ID); err != nil {
			t.Fatal(err)
		}
		var qv struct{ Rating int }
		if s := apiCall(t, h, "POST", "/my/questions/"+strconv.FormatInt(asked.ID, 10)+"/rating", user, map[string]int{"rating": 4}, &qv); s != 200 || qv.Rating != 4 {
			t.Errorf("rate: %d %+v", s, qv)
		}
		if s := apiCall(t, h, "POST", "/my/questions/"+strconv.FormatInt(asked.ID, 10)+"/rating", user, map[string]int{"rating": 1}, nil); s != 409 {
			t.Errorf("second rating: %d", s)
		}

		// The demo survey, answered once.
		var surveys struct{ Items []struct{ ID int64 } }
		if s := apiCall(t, h, "GET", "/my/surveys", user, nil, &surveys); s != 200 || len(surveys.Items) == 0 {
			t.Fatalf("surveys: %d %+v", s, surveys)
		}
		sid := strconv.FormatInt(surveys.Items[0].ID, 10)
		ans := map[string]any{"answers": []map[string]any{{"position": 1, "choices": []int{1}}, {"position": 2, "choices": []int{0, 3}}, {"position": 3, "choices": []int{5}}}}
		var sv struct{ Answered bool }
		if s := apiCall(t, h, "POST", "/my/surveys/"+sid+"/answers", user, ans, &sv); s != 201 || !sv.Answered {
			t.Errorf("answer: %d %+v", s, sv)
		}
		if s := apiCall(t, h, "POST", "/my/surveys/"+sid+"/answers", user, ans, nil); s != 409 {
			t.Errorf("second answer: %d", s)
		}
	})
}
