package web

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

func init() {
	live := &consult.IntakeToken{ID: 2, OrgName: "国家税务总局厦门市税务局", Channel: consult.SMS, Name: "厦门12366短信平台", CreatedBy: "陈建国", CreatedAt: when}
	ended := &consult.IntakeToken{ID: 1, OrgName: "国家税务总局厦门市税务局", Channel: consult.Hotline, Name: "旧热线系统", CreatedBy: "陈建国", CreatedAt: when, RevokedAt: when.Add(time.Hour)}
	examples["staff_intake_tokens.html"] = example{func() page {
		return &intakeTokensPage{Tokens: []*consult.IntakeToken{live, ended}, Channels: intakeChannels, Issued: "itk_0123456789abcdef0123456789abcdef0123456789abcdef", IssuedTo: "厦门12366短信平台"}
	}, staffSide}
	examples["staff_intake_token_revoke.html"] = example{func() page { return &intakeRevokePage{Token: live} }, staffSide}
}

// TestIntakeTokenRevoke: the administrator issues a token (shown once),
// the token files a question, the administrator revokes it on the
// confirmation page and the next question with it is refused; another
// bureau's administrator cannot see or revoke it.
func TestIntakeTokenRevoke(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		admin := staffBrowser(t, ts, "35020001")
		s, body := admin.get("/staff/intake-tokens")
		admin.expect(s, body, 200, "12366接入令牌", "签发令牌")
		s, body = admin.post("/staff/intake-tokens", url.Values{"channel": {"fax"}, "name": {""}})
		admin.expect(s, body, 422, "请选择渠道", "请填写接入系统的名称")
		s, body = admin.post("/staff/intake-tokens", url.Values{"channel": {"sms"}, "name": {"测试短信平台"}})
		admin.expect(s, body, 200, "令牌只显示这一次", "测试短信平台")
		token := regexp.MustCompile(`itk_[0-9a-f]{48}`).FindString(body)
		if token == "" {
			t.Fatalf("no token on the page")
		}
		svc := &consult.Service{DB: d, Now: func() time.Time { return now }}
		ctx := context.Background()
		if _, err := svc.AuthenticateIntake(ctx, token); err != nil {
			t.Fatalf("fresh token: %v", err)
		}
		var id int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM intake_tokens WHERE name = '测试短信平台'`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		path := "/staff/intake-tokens/" + strconv.FormatInt(id, 10) + "/revoke"
		other := staffBrowser(t, ts, "35010201") // not an administrator, and of Fuzhou
		if s, _ = other.get(path); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk sees the Xiamen token: %d", s)
		}
		if s, _ = other.post(path, nil); s != 404 && s != 403 {
			t.Errorf("Fuzhou clerk revokes the Xiamen token: %d", s)
		}
		s, body = admin.get(path)
		admin.expect(s, body, 200, "确认停用接入令牌", "测试短信平台")
		s, body = admin.post(path, nil)
		admin.expect(s, body, 200, "已停用“测试短信平台”", "已停用")
		if _, err := svc.AuthenticateIntake(ctx, token); err == nil {
			t.Errorf("revoked token still accepted")
		}
		s, body = admin.post(path, nil)
		admin.expect(s, body, 409, "该接入令牌已停用")
	})
}
