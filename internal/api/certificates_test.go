package api

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/money"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/pdfdoc/pdftest"
)

// A natural person reads their 纳税记录 and the reconciliation's prefill
// with its sources, previews and files the reconciliation through the
// returns API (a refund request follows), issues the year's record as a
// certificate exactly once per key, downloads it, and anyone verifies it
// publicly, seeing only its face; a forged code reveals nothing and the
// number is throttled.
func TestIndividualCertificatesAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var personCode, personName string
		e.query(`SELECT t.code, t.name FROM taxpayers t WHERE t.id = (SELECT MIN(person_taxpayer_id) FROM iit_person_lines WHERE year = 2025)`, nil, &personCode, &personName)
		var wantIncome, wantTax, employers int64
		e.query(`SELECT SUM(income), SUM(tax), COUNT(DISTINCT employer_taxpayer_id) FROM iit_person_lines WHERE resident_id = $1 AND year = 2025`,
			[]any{personCode}, &wantIncome, &wantTax, &employers)
		var otherCode string
		e.query(`SELECT code FROM taxpayers WHERE kind = 'individual' AND code <> $1 ORDER BY id LIMIT 1`, []any{personCode}, &otherCode)
		var firmCode string
		e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`, nil, &firmCode)
		me, other, firm := e.taxpayer(personCode, ""), e.taxpayer(otherCode, ""), e.taxpayer(firmCode, "admin")

		e.run([]scenario{
			{name: "records of the year", method: "GET", url: "/api/v1/my/iit/records?year=2025", token: me, status: 200,
				want: []expect{eq("year", 2025), has("years", 2025), eq("totals.income_fen", wantIncome), eq("totals.tax_fen", wantTax),
					eq("totals.employers", employers), present("items.0.employer_name"), present("items.0.month")}},
			{name: "an enterprise has no record", method: "GET", url: "/api/v1/my/iit/records", token: firm, status: 403},
			{name: "anonymous", method: "GET", url: "/api/v1/my/iit/annual", status: 401},
			{name: "prefill with its sources", method: "GET", url: "/api/v1/my/iit/annual?year=2025", token: me, status: 200,
				want: []expect{eq("form", "iit_annual"), eq("period", "2025"), eq("open", true), eq("past_deadline", true),
					eq("prefill.tax_fen", wantTax), count("sources", int(employers)), absent("filed"), eq("refunds", []any{})}},
			{name: "preview", method: "GET", url: "/api/v1/my/drafts/iit_annual/2025", token: me, status: 200},
			{name: "a bad year-end deduction", method: "POST", url: "/api/v1/my/returns", token: me, header: map[string]string{"Idempotency-Key": "annual-bad-0001"},
				body: map[string]any{"form": "iit_annual", "period": "2025", "cells": map[string]string{"7": "-5"}}, status: 422,
				want: []expect{present("error.fields")}},
		})

		sources := jget(t, e.do("GET", "/api/v1/my/iit/annual?year=2025", me, nil, nil).body, "sources").([]any)
		var sum float64
		for _, s := range sources {
			sum += s.(map[string]any)["tax_fen"].(float64)
		}
		if int64(sum) != wantTax {
			t.Errorf("sources sum to %v, want %d", sum, wantTax)
		}

		// Serious illness: 95,000 self-paid, 80,000 deducted — a refund.
		res := e.do("POST", "/api/v1/my/returns", me, map[string]any{"form": "iit_annual", "period": "2025", "cells": map[string]string{"7": "95000"}},
			map[string]string{"Idempotency-Key": "annual-2025-0001"})
		if res.status != 201 {
			t.Fatalf("file: %d %s", res.status, res.body)
		}
		e.run([]scenario{
			{name: "filed with a refund request", method: "GET", url: "/api/v1/my/iit/annual?year=2025", token: me, status: 200,
				want: []expect{eq("filed.result", "refund"), eq("filed.late", true), count("refunds", 1), eq("refunds.0.state", "requested"),
					eq("filed.steps.4.label", "应退税额"), has("filed.steps.2.formula", "−")}},
			{name: "another person sees none of it", method: "GET", url: "/api/v1/my/iit/annual?year=2025", token: other, status: 200,
				want: []expect{absent("filed"), eq("refunds", []any{})}},
		})

		issue := func(key string, year int) response {
			return e.do("POST", "/api/v1/my/iit/records/certificates", me, map[string]any{"year": year}, map[string]string{"Idempotency-Key": key})
		}
		res = issue("record-2025-0001", 2025)
		if res.status != 201 {
			t.Fatalf("issue: %d %s", res.status, res.body)
		}
		checkKeys(t, decodeJSON(t, res.body).(map[string]any), reflect.TypeFor[certificateView]())
		id, no, code := jid(t, res.body, "id"), jstr(t, res.body, "no"), jstr(t, res.body, "verify_code")
		if again := issue("record-2025-0001", 2025); again.status != 200 || jid(t, again.body, "id") != id || jget(t, again.body, "replayed") != true {
			t.Errorf("replay: %d %s", again.status, again.body)
		}
		if res := issue("record-2025-0001", 2024); res.status != 409 {
			t.Errorf("key reused for another year: %d %s", res.status, res.body)
		}
		if res := e.do("POST", "/api/v1/my/iit/records/certificates", me, map[string]any{"year": 2025}, nil); res.status != 400 {
			t.Errorf("no key: %d", res.status)
		}
		var n int
		e.query(`SELECT COUNT(*) FROM certificates WHERE cert_no = $1`, []any{no}, &n)
		if n != 1 {
			t.Errorf("%d certificates", n)
		}

		e.run([]scenario{
			{name: "listed", method: "GET", url: "/api/v1/my/certificates?kind=iit_record", token: me, status: 200,
				want: []expect{eq("items.0.no", no), eq("items.0.total_fen", wantTax), eq("next", 0)}},
			{name: "its lines", method: "GET", url: "/api/v1/my/certificates/" + id, token: me, status: 200,
				want: []expect{present("items.0.income_fen"), present("items.0.agent"), has("verify_url", "/verify?")}},
			{name: "not another's", method: "GET", url: "/api/v1/my/certificates/" + id, token: other, status: 404},
			{name: "nor its PDF", method: "GET", url: "/api/v1/my/certificates/" + id + "/pdf", token: other, status: 404},
			{name: "no tax certificate without payments", method: "POST", url: "/api/v1/my/certificates", token: me,
				header: map[string]string{"Idempotency-Key": "paid-0000-0001"}, body: map[string]any{"from": "2025-01-01", "to": "2025-12-31"}, status: 422},
			{name: "a range the wrong way round", method: "POST", url: "/api/v1/my/certificates", token: me,
				header: map[string]string{"Idempotency-Key": "paid-0000-0002"}, body: map[string]any{"from": "2025-12-01", "to": "2025-01-31"}, status: 422,
				want: []expect{present("error.fields.to")}},
		})

		if _, err := pdfdoc.FindFont(""); err == nil {
			res := e.do("GET", "/api/v1/my/certificates/"+id+"/pdf", me, nil, nil)
			if res.status != 200 || res.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.body, "%PDF") ||
				!strings.Contains(res.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("pdf: %d %v %.20q", res.status, res.header, res.body)
			}
			// Each line's employer, month, income and tax, and the year's totals.
			text, err := pdftest.Text([]byte(res.body))
			if err != nil {
				t.Fatal(err)
			}
			flat := strings.ReplaceAll(text, "\n", "")
			var month, employer string
			var income, tax int64
			e.query(`SELECT substr(period_start, 1, 7), employer_name, income, tax FROM iit_person_lines WHERE resident_id = $1 AND year = 2025
				ORDER BY period_start DESC LIMIT 1`, []any{personCode}, &month, &employer, &income, &tax)
			for _, want := range []string{"个人所得税纳税记录", personName, month, employer, money.FormatYuan(income), money.FormatYuan(tax),
				"收入合计", "¥" + money.FormatYuan(wantIncome), "¥" + money.FormatYuan(wantTax), "人民币" + money.Capital(wantTax), "第 1 页"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the record's PDF lacks %q:\n%s", want, text)
				}
			}
		}

		// Public verification: the face only, the code partly masked.
		res = e.do("GET", "/api/v1/certificates/verify?no="+no+"&code="+strings.ToLower(code), "", nil, nil)
		if res.status != 200 || jget(t, res.body, "genuine") != true || jstr(t, res.body, "taxpayer_name") != personName ||
			jstr(t, res.body, "taxpayer_code") == personCode || jget(t, res.body, "total_fen") != float64(wantTax) {
			t.Errorf("verify: %d %s", res.status, res.body)
		}
		checkKeys(t, decodeJSON(t, res.body).(map[string]any), reflect.TypeFor[verificationView]())
		if strings.Contains(res.body, code) || strings.Contains(res.body, "income") {
			t.Errorf("verification reveals more than the face: %s", res.body)
		}
		forged := "22222222" + code[len(code)-4:]
		res = e.do("GET", "/api/v1/certificates/verify?no="+no+"&code="+forged, "", nil, nil)
		if res.status != 200 || jget(t, res.body, "genuine") != false || strings.Contains(res.body, personName) {
			t.Errorf("forged: %d %s", res.status, res.body)
		}
		if res := e.do("GET", "/api/v1/certificates/verify?no="+no, "", nil, nil); res.status != 422 {
			t.Errorf("no code: %d %s", res.status, res.body)
		}
		// 2 attempts so far on this number; the 21st within the window is refused.
		last := 0
		for i := 3; i <= 21; i++ {
			last = e.do("GET", "/api/v1/certificates/verify?no="+no+"&code=X"+strconv.Itoa(i), "", nil, nil).status
		}
		if last != 429 {
			t.Errorf("21st attempt on one number: %d, want 429", last)
		}
	})
}
