package taxpayer_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

// TestIndividualBusinessRegistration (issue 7 finding 11): a 个体工商户
// registers with its operator, no capital and no e-mail, and is stored as
// an enterprise-kind taxpayer marked as an individual business; each path
// sends the other's codes to the right form.
func TestIndividualBusinessRegistration(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		ctx := auth.WithIP(context.Background(), "10.1.1.1")
		code := ids.GenerateBusinessUSCC(e.r, "350203")
		in := taxpayer.BusinessInput{Code: code, Name: "思明区老林小吃店", OperatorName: "林国平",
			OperatorID:   ids.GenerateResidentID(e.r, "350203", time.Date(1966, 4, 5, 0, 0, 0, 0, time.UTC), true),
			DivisionCode: "350203", Address: "中山路12号", IndustryCode: "62", Phone: "13906001111",
			Username: "lingp", Password: "Xiaochi#2026", PasswordConfirm: "Xiaochi#2026"}
		reg, err := e.tp.RegisterBusiness(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if reg.Taxpayer.Kind != taxpayer.Enterprise || !reg.Taxpayer.IsBusiness() || reg.Taxpayer.KindName() != "个体工商户" || reg.Username != "lingp" {
			t.Errorf("registered %+v", reg.Taxpayer)
		}
		sess, err := e.auth.LoginTaxpayer(ctx, code, "lingp", "Xiaochi#2026", auth.Web, "")
		if err != nil {
			t.Fatal(err)
		}
		mine, _, err := e.tp.MyRecord(auth.WithActor(ctx, sess.Actor))
		if err != nil {
			t.Fatal(err)
		}
		if mine.SubKind != taxpayer.IndividualBusiness || mine.RepTitle() != "经营者" || mine.LegalRepName != "林国平" || mine.RegisteredCapitalFen != 0 {
			t.Errorf("read back %+v", mine)
		}

		// An enterprise code on the business form, a business code on the enterprise form.
		in.Code = ids.GenerateUSCC(e.r, "350203")
		if got := fields(second(e.tp.RegisterBusiness(ctx, in)))["code"]; got != taxpayer.EnterpriseCodeOnBusinessForm {
			t.Errorf("91 code on the business form: %q", got)
		}
		ent := e.enterprise("350203")
		ent.Code = ids.GenerateBusinessUSCC(e.r, "350203")
		if got := fields(second(e.tp.RegisterEnterprise(ctx, ent)))["code"]; got != taxpayer.BusinessCodeOnEnterpriseForm {
			t.Errorf("92 code on the enterprise form: %q", got)
		}
		// Empty business form: asked for, the e-mail not.
		got := fields(second(e.tp.RegisterBusiness(ctx, taxpayer.BusinessInput{})))
		for field, want := range map[string]string{"code": "请填写统一社会信用代码", "operator_name": "请填写经营者姓名",
			"operator_id": "请填写经营者身份证号码", "phone": "请填写经营者手机号码", "user_username": "请填写用户名", "user_password": "请填写密码"} {
			if got[field] != want {
				t.Errorf("%s: %q, want %q", field, got[field], want)
			}
		}
		for _, field := range []string{"email", "user_name", "user_phone", "registered_capital", "legal_rep_name"} {
			if msg, ok := got[field]; ok {
				t.Errorf("%s flagged: %q", field, msg)
			}
		}
	})
}

func TestDivisionOfCode(t *testing.T) {
	for code, want := range map[string]string{"92350203MA2Y8K7L3Q": "350203", "91350206XXXXXXXXXX": "350206", "9135": "", "91ABCDEF": "", "91999999MA2Y8K7L3Q": ""} {
		got, ok := taxpayer.DivisionOfCode(code)
		if got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", code, got, ok, want)
		}
	}
}
