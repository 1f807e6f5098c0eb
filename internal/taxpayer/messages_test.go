package taxpayer_test

import (
	"context"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// TestMessagesSayWhatIsWrong (issue 7 finding 10): an empty box is asked
// for ("请填写…"), a filled one told the rule it breaks, never the other
// way round.
func TestMessagesSayWhatIsWrong(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := context.Background()
		in := e.enterprise("350203")
		in.Name, in.LegalRepName, in.Address = "甲", "", "湖里"
		in.User.Username, in.User.Name = "", "王"
		in.User.Password, in.User.PasswordConfirm = "", ""
		_, err := e.tp.RegisterEnterprise(ctx, in)
		got := fields(err)
		for field, want := range map[string]string{
			"name":                  "纳税人名称至少 2 个字",
			"legal_rep_name":        "请填写法定代表人姓名",
			"address":               "详细地址（街道、门牌号）至少 4 个字",
			"user_username":         "请填写用户名",
			"user_name":             "管理员姓名至少 2 个字",
			"user_password":         "请填写密码",
			"user_password_confirm": "",
		} {
			if got[field] != want {
				t.Errorf("%s: %q, want %q", field, got[field], want)
			}
		}

		in = e.enterprise("350203")
		in.DivisionCode, in.User.PasswordConfirm, in.User.Username = "", "", "self"
		got = fields(second(e.tp.RegisterEnterprise(ctx, in)))
		for field, want := range map[string]string{
			"division_code":         "请选择所在区县",
			"user_password_confirm": "请再次输入密码",
			"user_username":         "用户名“self”为系统保留，请换一个",
		} {
			if got[field] != want {
				t.Errorf("%s: %q, want %q", field, got[field], want)
			}
		}
	})
}
