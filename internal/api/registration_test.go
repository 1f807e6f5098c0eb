package api

import (
	"math/rand/v2"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
)

func TestRegistrationAndIdentification(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := rand.New(rand.NewPCG(1, 2))
		code := ids.GenerateUSCC(r, "350203")
		repID := ids.GenerateResidentID(r, "350203", time.Date(1980, 5, 1, 0, 0, 0, 0, time.UTC), true)
		badCheck := code[:17] + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[(indexOf(code[17])+1)%31])
		ent := func(code, password string) map[string]any {
			return map[string]any{
				"code": code, "name": "厦门鹭岛云帆科技有限公司", "legal_rep_name": "陈建国", "legal_rep_id": repID,
				"division_code": "350203", "address": "厦门市思明区湖滨南路100号", "industry_code": "65",
				"registered_capital": "1,000,000.00", "accounting_standard": "sbas", "phone": "0592-5551234", "email": "finance@yunfan.example.com",
				"user": map[string]any{"username": "boss", "name": "陈建国", "phone": "13912345678", "role": "legal_rep",
					"password": password, "password_confirm": password},
			}
		}
		const pw = "Yunfan#Tax2026"
		person := ids.GenerateResidentID(r, "350206", time.Date(1990, 3, 8, 0, 0, 0, 0, time.UTC), false)
		e.run([]scenario{
			{name: "enterprise", method: "POST", url: "/api/v1/registrations/enterprise", body: ent(code, pw), status: 201,
				want: []expect{eq("username", "boss"), eq("taxpayer.code", code), eq("taxpayer.bureau_name", "国家税务总局厦门市思明区税务局"),
					eq("taxpayer.status", "pending"), eq("taxpayer.registered_capital_fen", 100000000), eq("taxpayer.status_name", "新办待认定"),
					eq("taxpayer.legal_rep_id", repID), eq("taxpayer.phone", "0592-5551234")}},
			{name: "duplicate", method: "POST", url: "/api/v1/registrations/enterprise", body: ent(code, pw), status: 422,
				want: []expect{eq("error.code", "invalid"), has("error.fields.code", "该统一社会信用代码已经登记")}},
			{name: "bad check character", method: "POST", url: "/api/v1/registrations/enterprise", body: ent(badCheck, pw), status: 422,
				want: []expect{present("error.fields.code")}},
			{name: "weak password", method: "POST", url: "/api/v1/registrations/enterprise", body: ent(ids.GenerateUSCC(r, "350203"), "short"),
				status: 422, want: []expect{eq("error.fields.user_password", "密码至少需要10位")}},
			{name: "everything missing", method: "POST", url: "/api/v1/registrations/enterprise", body: `{}`, status: 422,
				want: []expect{present("error.fields.code"), present("error.fields.name"), present("error.fields.division_code"), present("error.fields.user_username")}},
			{name: "individual, weak password", method: "POST", url: "/api/v1/registrations/individual", status: 422,
				body: map[string]string{"resident_id": person, "name": "林小梅", "phone": "13800001234", "division_code": "350206",
					"password": "short", "password_confirm": "short"},
				want: []expect{eq("error.fields.password", "密码至少需要10位")}},
		})
		business := ids.GenerateBusinessUSCC(r, "350203")
		biz := map[string]string{"code": business, "name": "思明区老林小吃店", "operator_name": "林国平",
			"operator_id":   ids.GenerateResidentID(r, "350203", time.Date(1966, 4, 5, 0, 0, 0, 0, time.UTC), true),
			"division_code": "350203", "address": "中山路12号", "industry_code": "62", "phone": "13906001111",
			"username": "lingp", "password": pw, "password_confirm": pw}
		e.run([]scenario{
			{name: "individual business", method: "POST", url: "/api/v1/registrations/business", body: biz, status: 201,
				want: []expect{eq("username", "lingp"), eq("taxpayer.code", business), eq("taxpayer.kind", "enterprise"),
					eq("taxpayer.individual_business", true), eq("taxpayer.kind_name", "个体工商户"), eq("taxpayer.legal_rep_name", "林国平"),
					eq("taxpayer.bureau_name", "国家税务总局厦门市思明区税务局")}},
			{name: "business code on the enterprise path", method: "POST", url: "/api/v1/registrations/enterprise",
				body: ent(ids.GenerateBusinessUSCC(r, "350203"), pw), status: 422, want: []expect{has("error.fields.code", "个体工商户登记")}},
			{name: "enterprise code on the business path", method: "POST", url: "/api/v1/registrations/business",
				body: map[string]string{"code": ids.GenerateUSCC(r, "350203")}, status: 422,
				want: []expect{has("error.fields.code", "以92开头"), present("error.fields.user_username")}},
		})
		individual := map[string]string{"resident_id": person, "name": "林小梅", "phone": "13800001234", "division_code": "350206",
			"password": "Xiaomei#2026pw", "password_confirm": "Xiaomei#2026pw"}
		e.run([]scenario{
			{name: "individual", method: "POST", url: "/api/v1/registrations/individual", status: 201, body: individual,
				want: []expect{eq("username", "self"), eq("taxpayer.code", person), eq("taxpayer.kind", "individual"),
					eq("taxpayer.bureau_name", "国家税务总局厦门市湖里区税务局")}},
			{name: "individual again", method: "POST", url: "/api/v1/registrations/individual", status: 422, body: individual,
				want: []expect{has("error.fields.resident_id", "该身份证号码已经注册")}},
			{name: "individual login", method: "POST", url: "/api/v1/auth/token", status: 201,
				body: map[string]string{"kind": "taxpayer", "code": person, "password": "Xiaomei#2026pw"},
				want: []expect{eq("actor.taxpayer_kind", "individual"), eq("actor.taxpayer_code", person)}},
		})

		// The new enterprise is in the 思明区 register, not in 湖里区's.
		siming, huli := e.staff(simingClerk), e.staff(huliClerk)
		e.run([]scenario{
			{name: "in the siming register", method: "GET", url: "/api/v1/taxpayers?q=" + code, token: siming, status: 200,
				want: []expect{eq("total", 1), eq("items.0.code", code), eq("items.0.status", "pending"),
					eq("items.0.bureau_name", "国家税务总局厦门市思明区税务局")}},
			{name: "not in the huli register", method: "GET", url: "/api/v1/taxpayers?q=" + code, token: huli, status: 200,
				want: []expect{eq("total", 0), eq("items", []any{})}},
		})
		id := jid(t, e.do("GET", "/api/v1/taxpayers?q="+code, siming, nil, nil).body, "items.0.id")

		idents := "/api/v1/taxpayers/" + id + "/identifications"
		e.run([]scenario{
			{name: "bad period", method: "POST", url: idents, token: siming, status: 422,
				body: map[string]string{"tax_type": "cit", "period": "year", "start_date": "2026-12-01"},
				want: []expect{eq("error.fields", map[string]string{"period": "企业所得税的申报期限只能是按月或按季"})}},
			{name: "before registration", method: "POST", url: idents, token: siming, status: 422,
				body: map[string]string{"tax_type": "cit", "period": "quarter", "start_date": "2020-01-01"}, want: []expect{present("error.fields.start_date")}},
			{name: "unknown tax type", method: "POST", url: idents, token: siming, status: 422,
				body: map[string]string{"tax_type": "nope", "period": "month", "start_date": "2026-12-01"}, want: []expect{present("error.fields.tax_type")}},
			{name: "vat small", method: "POST", url: idents, token: siming, status: 201,
				body: map[string]string{"tax_type": "vat_small", "period": "quarter", "start_date": "2026-12-01"}},
			{name: "still pending after one", method: "GET", url: "/api/v1/taxpayers/" + id, token: siming, status: 200,
				want: []expect{eq("taxpayer.status", "pending"), eq("identifications.*.tax_type", []string{"vat_small"})}},
			{name: "suggestions", method: "GET", url: "/api/v1/taxpayers/" + id + "/identification-suggestions", token: siming, status: 200,
				want: []expect{eq("items.*.tax_type", []string{"vat_small", "vat_general", "surcharges", "cit", "iit_withholding", "social_insurance", "consumption", "property", "land_use"}),
					eq("items.*.checked", []bool{false, false, true, true, true, true, false, false, false}),
					eq("items.0.identified", "增值税（小规模纳税人） 按季 自 2026-12-01"), eq("items.1.identified", "增值税（小规模纳税人） 按季 自 2026-12-01"),
					eq("items.3.period", "quarter"), eq("items.3.period_name", "按季"), present("items.3.reason"), present("items.3.start_date"), absent("items.3.identified")}},
			{name: "batch with a bad line records nothing", method: "POST", url: idents + "/batch", token: siming, status: 422,
				body: map[string]any{"items": []map[string]string{
					{"tax_type": "cit", "period": "quarter", "start_date": "2026-12-01"},
					{"tax_type": "surcharges", "period": "quarter", "start_date": "2020-01-01"},
					{"tax_type": "vat_general", "period": "month", "start_date": "2027-01-01"}}},
				want: []expect{eq("error.code", "invalid"), eq("error.fields", map[string]string{
					"items.1.start_date": "附加税费（城建税、教育费附加、地方教育附加）：有效期起不能早于登记日期 2026-11-23"})}},
			{name: "batch overlapping one in force records nothing", method: "POST", url: idents + "/batch", token: siming, status: 422,
				body: map[string]any{"items": []map[string]string{
					{"tax_type": "cit", "period": "quarter", "start_date": "2026-12-01"},
					{"tax_type": "vat_general", "period": "month", "start_date": "2027-01-01"}}},
				want: []expect{eq("error.fields", map[string]string{
					"items.1.tax_type": "增值税（一般纳税人）：该纳税人已有增值税（小规模纳税人）认定（自 2026-12-01 起），请先终止原认定再重新认定"})}},
			{name: "nothing recorded", method: "GET", url: idents, token: siming, status: 200, want: []expect{eq("items.*.tax_type", []string{"vat_small"})}},
			{name: "empty batch", method: "POST", url: idents + "/batch", token: siming, status: 422, body: map[string]any{"items": []any{}},
				want: []expect{eq("error.fields", map[string]string{"items": "请至少勾选一个税（费）种"})}},
			{name: "batch", method: "POST", url: idents + "/batch", token: siming, status: 201,
				body: map[string]any{"items": []map[string]string{
					{"tax_type": "cit", "period": "quarter", "start_date": "2026-12-01"},
					{"tax_type": "surcharges", "period": "quarter", "start_date": "2026-12-01"},
					{"tax_type": "iit_withholding", "period": "month", "start_date": "2026-12-01"}}},
				want: []expect{eq("items.*.tax_type", []string{"cit", "surcharges", "iit_withholding"}), eq("items.2.period_name", "按月")}},
			{name: "complete", method: "POST", url: "/api/v1/taxpayers/" + id + "/identification-complete", token: siming, status: 200,
				want: []expect{eq("status", "active"), eq("status_name", "正常"), eq("code", code)}},
			{name: "complete again", method: "POST", url: "/api/v1/taxpayers/" + id + "/identification-complete", token: siming, status: 409,
				want: []expect{eq("error.code", "conflict"), has("error.message", "不是新办待认定")}},
			{name: "now active", method: "GET", url: "/api/v1/taxpayers/" + id, token: siming, status: 200,
				want: []expect{eq("taxpayer.status", "active"), eq("identifications.*.tax_type", []string{"vat_small", "cit", "surcharges", "iit_withholding"})}},
			{name: "vat general overlaps", method: "POST", url: idents, token: siming, status: 422,
				body: map[string]string{"tax_type": "vat_general", "period": "month", "start_date": "2027-01-01"},
				want: []expect{has("error.fields.tax_type", "该纳税人已有增值税（小规模纳税人）认定")}},
		})
		iid := jid(t, e.do("GET", idents, siming, nil, nil).body, "items.0.id")
		e.run([]scenario{
			{name: "end before start", method: "POST", url: idents + "/" + iid + "/end", token: siming, status: 422,
				body: map[string]string{"end_date": "2026-11-30"}, want: []expect{present("error.fields.end_date")}},
			{name: "end vat small", method: "POST", url: idents + "/" + iid + "/end", token: siming, status: 204,
				body: map[string]string{"end_date": "2026-12-31"}},
			{name: "unknown identification", method: "POST", url: idents + "/999999/end", token: siming, status: 404,
				body: map[string]string{"end_date": "2026-12-31"}},
			{name: "vat general after the end", method: "POST", url: idents, token: siming, status: 201,
				body: map[string]string{"tax_type": "vat_general", "period": "month", "start_date": "2027-01-01"},
				want: []expect{eq("tax_type", "vat_general"), eq("tax_type_name", "增值税（一般纳税人）")}},
		})
	})
}

func indexOf(c byte) int {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for i := range len(alphabet) {
		if alphabet[i] == c {
			return i
		}
	}
	return 0
}
