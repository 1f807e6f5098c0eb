package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/org"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// serveReturns starts the API with the returns service on d and returns
// its address.
func serveReturns(t *testing.T, d *db.DB) string {
	t.Helper()
	now := func() time.Time { return testNow }
	tps := &taxpayer.Service{DB: d, Now: now}
	a := &API{Auth: auth.NewService(d, now), Orgs: &org.Service{DB: d, Now: now}, Taxpayers: tps,
		Returns: &returns.Service{DB: d, Now: now, Taxpayers: tps, Calendar: returns.DefaultDeadlines()},
		Log:     slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	a.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// newReturnsEnv is newEnv with the returns service.
func newReturnsEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	if _, err := demo.Seed(context.Background(), d, demo.Options{Enterprises: 6, Individuals: 2, Now: testNow, PasswordHash: demoHash()}); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, url: serveReturns(t, d)}
}

// smallScale registers an enterprise in 思明 identified for quarterly
// small-scale VAT from 2025-01-01, with an administrator (legal
// representative) admin, a tax clerk banshui and an agent daili.
func (e *env) smallScale(code string) int64 {
	e.t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	e.query(`SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = $1`, []any{simingClerk}, &bureau, &staff)
	tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: code, Name: "接口申报" + code[len(code)-4:] + "有限公司", DivisionCode: "350203",
		Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: testNow.AddDate(-2, 0, 0)}
	if err := taxpayer.InsertTaxpayer(ctx, e.d, testNow, tp); err != nil {
		e.t.Fatal(err)
	}
	for _, u := range []struct{ name, role string }{{"admin", auth.TPLegalRep}, {"banshui", auth.TPClerk}, {"daili", auth.TPAgent}} {
		if _, err := taxpayer.InsertUser(ctx, e.d, testNow, tp.ID, u.name, "张三", "13800000000", u.role, u.role == auth.TPLegalRep, demoHash()); err != nil {
			e.t.Fatal(err)
		}
	}
	if _, err := taxpayer.InsertIdentification(ctx, e.d, testNow, tp.ID, "vat_small", taxpayer.Quarterly, "2025-01-01", staff); err != nil {
		e.t.Fatal(err)
	}
	return tp.ID
}

func key(k string) map[string]string { return map[string]string{"Idempotency-Key": k} }

// fieldsOf is the error.fields of a response (their keys hold dots, which
// the scenario paths cannot address).
func fieldsOf(t *testing.T, body string) map[string]string {
	t.Helper()
	var b errorBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		t.Fatalf("not an error body: %s", body)
	}
	return b.Error.Fields
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	e.query(q, args, &n)
	return n
}

// The whole life of a return through the API: the form, my periods, a
// draft with a mistake, a refused submission, the accepted one with its
// document, a replay, a second original, a correction, a zero return, the
// history and who may see what.
func TestReturnsAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newReturnsEnv(t, d)
		tpID := e.smallScale("91350203APIRET001X")
		e.smallScale("91350203APIRET002X")
		clerk, boss, agent := e.taxpayer("91350203APIRET001X", "banshui"), e.taxpayer("91350203APIRET001X", "admin"), e.taxpayer("91350203APIRET001X", "daili")
		other := e.taxpayer("91350203APIRET002X", "admin")
		siming, huli := e.staff(simingClerk), e.staff(huliClerk)
		draft := "/api/v1/my/drafts/vat_small/2026Q3"
		mistake := map[string]any{"cells": map[string]string{"1.goods": "100000", "2.goods": "200000"}}
		fixed := map[string]any{"form": "vat_small", "period": "2026Q3", "cells": map[string]string{"1.goods": "300,000.00", "2.goods": ""}}

		e.run([]scenario{
			{name: "forms are public", method: "GET", url: "/api/v1/forms", status: 200,
				want: []expect{has("items.*.code", "vat_small")}},
			{name: "a form's definition", method: "GET", url: "/api/v1/forms/vat_small", status: 200, want: []expect{
				eq("tax_type", "vat_small"), eq("zero", true), eq("detail", false), eq("periods", []string{"month", "quarter"}),
				eq("columns.0", map[string]string{"code": "goods", "name": "货物及劳务"}),
				eq("lines.0.no", "1"), eq("lines.0.section", "一、计税依据"),
				eq("lines.0.cells.0", map[string]string{"column": "goods", "key": "1.goods", "kind": "entered"}),
				eq("lines.0.cells.2", map[string]string{"column": "goods_ytd", "key": "1.goods_ytd", "kind": "computed"}),
				eq("lines.3.cells.0", map[string]string{"column": "goods", "kind": "absent"}),
				eq("lines.22.merged", true), eq("lines.22.cells.0.key", "23"), eq("lines.22.cells.1.kind", "absent"),
				has("entered", "21.services"), lacks("entered", "9.goods"), has("cells", "9.goods"), lacks("cells", "4.goods")}},
			{name: "a companion form", method: "GET", url: "/api/v1/forms/fs_is", status: 200, want: []expect{
				eq("tax_type", "cit"), eq("companion", true), eq("standard", "sbas"), eq("zero", false),
				eq("lines.0.cells", []map[string]string{{"column": "ytd", "key": "1.ytd", "kind": "entered"}, {"column": "period", "key": "1.period", "kind": "entered"}})}},
			{name: "no such form", method: "GET", url: "/api/v1/forms/nope", status: 404},
			{name: "forms need no token, but a bad one is refused", method: "GET", url: "/api/v1/forms", token: "x", status: 401},

			{name: "my periods", method: "GET", url: "/api/v1/my/periods", token: clerk, status: 200, want: []expect{
				eq("items.0.period", "2026Q4"), eq("items.0.status", "open"),
				eq("items.1.period", "2026Q3"), eq("items.1.status", "overdue"), eq("items.1.form", "vat_small"),
				eq("items.1.period_start", "2026-07-01"), eq("items.1.draft", false), absent("items.1.return"), present("items.1.deadline")}},
			{name: "periods are for taxpayers", method: "GET", url: "/api/v1/my/periods", token: siming, status: 403},

			{name: "an empty form", method: "GET", url: draft, token: clerk, status: 200, want: []expect{
				eq("saved", false), eq("cells", map[string]string{}), eq("valid", true), eq("preview.tax_due", "0.00"), absent("existing")}},
			{name: "a draft with a mistake is saved", method: "PUT", url: draft, token: clerk, body: mistake, status: 200, want: []expect{
				eq("saved", true), eq("valid", false), absent("preview"), eq("cells", mistake["cells"]), present("errors")}},
			{name: "another user resumes it", method: "GET", url: draft, token: boss, status: 200, want: []expect{
				eq("saved", true), eq("saved_by", "张三"), eq("cells", mistake["cells"])}},
			{name: "a computed cell is refused, not saved", method: "PUT", url: draft, token: clerk, status: 422,
				body: map[string]any{"cells": map[string]string{"9.goods": "1"}}},
			{name: "the period shows the draft", method: "GET", url: "/api/v1/my/periods", token: clerk, status: 200, want: []expect{
				eq("items.1.draft", true), present("items.1.draft_at")}},
		})

		t.Run("the draft's errors are keyed by cell", func(t *testing.T) {
			res := e.with(t).do("GET", draft, clerk, nil, nil)
			var v draftView
			if err := json.Unmarshal([]byte(res.body), &v); err != nil || !strings.Contains(v.Errors["cells.2.goods"], "200,000.00") {
				t.Fatalf("%s", res.body)
			}
			checkKeys(t, decodeJSON(t, res.body).(map[string]any), reflect.TypeFor[draftView]())
			res = e.with(t).do("PUT", draft, clerk, map[string]any{"cells": map[string]string{"9.goods": "1", "x": "1"}}, nil)
			f := fieldsOf(t, res.body)
			if res.status != 422 || !strings.Contains(f["cells.9.goods"], "由系统计算") || f["cells.x"] == "" {
				t.Errorf("%d %v", res.status, f)
			}
		})

		t.Run("a submission with a mistake is refused on the cell", func(t *testing.T) {
			res := e.with(t).do("POST", "/api/v1/my/returns", clerk,
				map[string]any{"form": "vat_small", "period": "2026Q3", "cells": mistake["cells"]}, key("api-key-0001"))
			if f := fieldsOf(t, res.body); res.status != 422 || !strings.Contains(f["cells.2.goods"], "不能大于第1栏") {
				t.Fatalf("%d %s", res.status, res.body)
			}
			if n := e.with(t).count(`SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1`, tpID); n != 0 {
				t.Errorf("%d returns", n)
			}
		})

		e.run([]scenario{
			{name: "no Idempotency-Key", method: "POST", url: "/api/v1/my/returns", token: clerk, body: fixed, status: 400,
				want: []expect{eq("error.code", "bad_request"), eq("error.fields.Idempotency-Key", "缺少幂等键")}},
			{name: "a bad Idempotency-Key", method: "POST", url: "/api/v1/my/returns", token: clerk, body: fixed, header: key("short"), status: 400,
				want: []expect{present("error.fields.Idempotency-Key")}},
			{name: "an unknown form", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0009"), status: 422,
				body: map[string]any{"form": "nope", "period": "2026Q3"}, want: []expect{present("error.fields.form")}},
			{name: "a period not ended", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0009"), status: 422,
				body: map[string]any{"form": "vat_small", "period": "2026Q4"}, want: []expect{has("error.message", "尚未结束")}},
			{name: "a bad period", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0009"), status: 422,
				body: map[string]any{"form": "vat_small", "period": "2026Q5"}, want: []expect{present("error.fields.period")}},
			{name: "an agent may not file", method: "POST", url: "/api/v1/my/returns", token: agent, header: key("api-key-0009"), body: fixed, status: 403},
			{name: "staff may not file", method: "POST", url: "/api/v1/my/returns", token: siming, header: key("api-key-0009"), body: fixed, status: 403},
		})

		var id, ack string
		t.Run("fixed: 201 with the acknowledgement and the document", func(t *testing.T) {
			res := e.with(t).do("POST", "/api/v1/my/returns", clerk, fixed, key("api-key-0001"))
			if res.status != 201 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			var s submissionView
			if err := json.Unmarshal([]byte(res.body), &s); err != nil {
				t.Fatal(err)
			}
			r := s.Return
			id, ack = itoa(r.ID), r.AckNo
			sum := sha256.Sum256([]byte(r.Document))
			var stored, storedHash string
			e.with(t).query(`SELECT doc, sha256 FROM returns WHERE id = $1`, []any{r.ID}, &stored, &storedHash)
			switch {
			case s.Replayed || r.Version != 1 || !r.Current || r.Zero || r.PreviousID != 0:
				t.Errorf("return %+v", r)
			case r.Document != stored || r.SHA256 != storedHash || r.SHA256 != hex.EncodeToString(sum[:]) || len(ack) != 18:
				t.Errorf("document or hash: %s %s %s", r.SHA256, storedHash, r.Document)
			// 300,000 in 2026Q3: 1% VAT 3,000 and the surcharges halved, 180 (国家税务总局公告2023年第1号、财政部 税务总局公告2023年第12号).
			case r.TaxDue != "3180.00" || r.TaxDueFen != 318_000 || r.Difference != "3180.00" || r.Lines["1.goods"] != "300000.00" || r.Lines["20.goods"] != "3000.00":
				t.Errorf("amounts %s %d %s %v", r.TaxDue, r.TaxDueFen, r.Difference, r.Lines)
			case r.Entered["1.goods"] != "300,000.00" || r.Period != "2026Q3" || r.Deadline != "2026-10-26" || !r.Late:
				t.Errorf("entered %v, period %s, deadline %s, late %v", r.Entered, r.Period, r.Deadline, r.Late)
			case len(r.Versions) != 1 || len(r.Events) < 2 || r.Events[len(r.Events)-1].Kind != returns.EventAccepted || r.RulesVersion == "":
				t.Errorf("versions %v, events %v", r.Versions, r.Events)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(r.Document), &doc); err != nil || doc["tax_due"] != "3180.00" || doc["taxpayer_code"] != "91350203APIRET001X" {
				t.Errorf("document %v %v", doc, err)
			}
			checkKeys(t, decodeJSON(t, res.body).(map[string]any), reflect.TypeFor[submissionView]())
			checkKeys(t, jget(t, res.body, "return").(map[string]any), reflect.TypeFor[returnView]())
		})
		if id == "" {
			t.FailNow()
		}
		ref := map[string]any{"id": jget(t, `{"id":`+id+`}`, "id"), "ack_no": ack, "version": 1, "tax_due": "3180.00", "tax_due_fen": 318000}

		e.run([]scenario{
			{name: "the same key again: 200, the same acknowledgement", method: "POST", url: "/api/v1/my/returns", token: clerk, body: fixed,
				header: key("api-key-0001"), status: 200, want: []expect{eq("replayed", true), eq("return.ack_no", ack), eq("return.id", ref["id"])}},
			{name: "the same key by another user of the taxpayer", method: "POST", url: "/api/v1/my/returns", token: boss, body: fixed,
				header: key("api-key-0001"), status: 200, want: []expect{eq("return.ack_no", ack)}},
			{name: "the same key for another period", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0001"), status: 409,
				body: map[string]any{"form": "vat_small", "period": "2026Q2", "zero": true}, want: []expect{has("error.message", ack), absent("error.existing")}},
			{name: "another key: 409 naming the return filed", method: "POST", url: "/api/v1/my/returns", token: clerk, body: fixed,
				header: key("api-key-0002"), status: 409, want: []expect{eq("error.code", "conflict"), eq("error.existing", ref), has("error.message", "更正申报")}},
			{name: "the draft is gone, the form names the return", method: "GET", url: draft, token: clerk, status: 200,
				want: []expect{eq("saved", false), eq("existing", ref)}},
			{name: "no new draft for a filed period", method: "PUT", url: draft, token: clerk, body: mistake, status: 409,
				want: []expect{eq("error.existing.id", ref["id"])}},
			{name: "the period is filed late", method: "GET", url: "/api/v1/my/periods", token: clerk, status: 200, want: []expect{
				eq("items.1.status", "late"), eq("items.1.return", ref), eq("items.1.draft", false)}},
			{name: "my return", method: "GET", url: "/api/v1/my/returns/" + id, token: boss, status: 200,
				want: []expect{eq("ack_no", ack), eq("taxpayer_name", "接口申报001X有限公司"), eq("events.0.kind", "drafted")}},
			{name: "another taxpayer's return is not found", method: "GET", url: "/api/v1/my/returns/" + id, token: other, status: 404,
				want: []expect{lacks("error.message", ack)}},
			{name: "nor can it correct it, key or not", method: "POST", url: "/api/v1/my/returns/" + id + "/corrections", token: other, status: 404,
				body: map[string]any{"cells": map[string]string{"1.goods": "1"}}},
			{name: "an agent without a delegation does not see it", method: "GET", url: "/api/v1/my/returns/" + id, token: agent, status: 404},
			{name: "nor the periods", method: "GET", url: "/api/v1/my/periods", token: agent, status: 200, want: []expect{count("items", 0)}},
			{name: "a return that does not exist", method: "GET", url: "/api/v1/my/returns/999999999", token: boss, status: 404},
			{name: "staff of its bureau", method: "GET", url: "/api/v1/returns/" + id, token: siming, status: 200,
				want: []expect{eq("ack_no", ack), eq("versions.0.id", ref["id"])}},
			{name: "staff of another bureau", method: "GET", url: "/api/v1/returns/" + id, token: huli, status: 404},
			{name: "the taxpayer's returns for its bureau", method: "GET", url: "/api/v1/taxpayers/" + itoa(tpID) + "/returns", token: siming, status: 200,
				want: []expect{eq("items.*.ack_no", []string{ack}), eq("next", 0)}},
			{name: "not for another bureau", method: "GET", url: "/api/v1/taxpayers/" + itoa(tpID) + "/returns", token: huli, status: 404},
			{name: "the staff view is for staff", method: "GET", url: "/api/v1/returns/" + id, token: boss, status: 403},

			{name: "a tax clerk may not correct", method: "POST", url: "/api/v1/my/returns/" + id + "/corrections", token: clerk, status: 403,
				header: key("api-key-0003"), body: map[string]any{"cells": map[string]string{"1.goods": "330000"}}},
			{name: "the original's key on a correction", method: "POST", url: "/api/v1/my/returns/" + id + "/corrections", token: boss, status: 409,
				header: key("api-key-0001"), body: map[string]any{"cells": map[string]string{"1.goods": "330000"}}, want: []expect{has("error.message", ack)}},
			{name: "a correction needs a key too", method: "POST", url: "/api/v1/my/returns/" + id + "/corrections", token: boss, status: 400,
				body: map[string]any{"cells": map[string]string{"1.goods": "330000"}}},
			{name: "a correction with a mistake", method: "POST", url: "/api/v1/my/returns/" + id + "/corrections", token: boss, status: 422,
				header: key("api-key-0003"), body: map[string]any{"cells": map[string]string{"1.goods": "330000", "3.goods": "400000"}}},
			{name: "a correction draft", method: "PUT", url: draft, token: boss, status: 200,
				body: map[string]any{"cells": map[string]string{"1.goods": "330000"}, "correction_of": ref["id"]},
				want: []expect{eq("correction_of", ref["id"]), eq("valid", true), eq("preview.tax_due", "3498.00")}},
			{name: "its draft opened with correction_of", method: "GET", url: draft + "?correction_of=" + id, token: boss, status: 200,
				want: []expect{eq("saved", true), eq("correction_of", ref["id"])}},
			{name: "correction_of of another period", method: "GET", url: "/api/v1/my/drafts/vat_small/2026Q2?correction_of=" + id, token: boss, status: 422,
				want: []expect{present("error.fields.correction_of")}},
		})

		var corrID string
		t.Run("a correction: a new version, once per key", func(t *testing.T) {
			body := map[string]any{"cells": map[string]string{"1.goods": "330000"}}
			res := e.with(t).do("POST", "/api/v1/my/returns/"+id+"/corrections", boss, body, key("api-key-0003"))
			if res.status != 201 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			corrID = jid(t, res.body, "return.id")
			// 330,000: 3,300 VAT and 198 surcharges; the difference is 318 more.
			if v := jget(t, res.body, "return").(map[string]any); v["version"] != 2.0 || v["previous_id"] != ref["id"] || v["tax_due"] != "3498.00" ||
				v["difference"] != "318.00" || v["late"] != true || v["corrects"] == "" || len(v["versions"].([]any)) != 2 {
				t.Errorf("%s", res.body)
			}
			again := e.with(t).do("POST", "/api/v1/my/returns/"+id+"/corrections", boss, body, key("api-key-0003"))
			if again.status != 200 || jid(t, again.body, "return.id") != corrID || jget(t, again.body, "replayed") != true {
				t.Errorf("%d %s", again.status, again.body)
			}
			stale := e.with(t).do("POST", "/api/v1/my/returns/"+id+"/corrections", boss, body, key("api-key-0004"))
			if stale.status != 409 {
				t.Errorf("correcting a corrected version: %d %s", stale.status, stale.body)
			}
			if n := e.with(t).count(`SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1`, tpID); n != 2 {
				t.Errorf("%d returns", n)
			}
		})

		e.run([]scenario{
			{name: "zero with cells is refused", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0005"), status: 422,
				body: map[string]any{"form": "vat_small", "period": "2026Q2", "zero": true, "cells": map[string]string{"1.goods": "5"}},
				want: []expect{present("error.fields.zero")}},
			{name: "a zero return", method: "POST", url: "/api/v1/my/returns", token: clerk, header: key("api-key-0005"), status: 201,
				body: map[string]any{"form": "vat_small", "period": "2026Q2", "zero": true},
				want: []expect{eq("return.zero", true), eq("return.tax_due", "0.00"), eq("return.period", "2026Q2"), eq("replayed", false)}},
			{name: "the history, newest first", method: "GET", url: "/api/v1/my/returns", token: clerk, status: 200,
				want: []expect{count("items", 3), eq("items.1.id", jget(t, `{"id":`+corrID+`}`, "id")), eq("items.2.current", false), eq("next", 0)}},
			{name: "corrected versions", method: "GET", url: "/api/v1/my/returns?status=corrected", token: clerk, status: 200,
				want: []expect{eq("items.*.ack_no", []string{ack})}},
			{name: "by year and tax", method: "GET", url: "/api/v1/my/returns?year=2025&tax_type=vat_small", token: clerk, status: 200,
				want: []expect{count("items", 0)}},
			{name: "a page of one", method: "GET", url: "/api/v1/my/returns?limit=1", token: clerk, status: 200,
				want: []expect{count("items", 1), eq("items.0.period", "2026Q2")}},
			{name: "a bad status", method: "GET", url: "/api/v1/my/returns?status=paid", token: clerk, status: 422, want: []expect{present("error.fields.status")}},
			{name: "a bad tax type", method: "GET", url: "/api/v1/my/returns?tax_type=nope", token: clerk, status: 422},
			{name: "limit over 100", method: "GET", url: "/api/v1/my/returns?limit=101", token: clerk, status: 400},
			{name: "another taxpayer sees none of them", method: "GET", url: "/api/v1/my/returns", token: other, status: 200, want: []expect{count("items", 0)}},
			{name: "a draft for 2025Q1", method: "PUT", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 200,
				body: map[string]any{"cells": map[string]string{"1.goods": "1000"}}, want: []expect{eq("saved", true)}},
			{name: "no detail on this form", method: "PUT", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 422,
				body: map[string]any{"cells": map[string]string{}, "detail": []any{}}, want: []expect{present("error.fields.detail")}},
			{name: "deleted", method: "DELETE", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 204},
			{name: "gone", method: "GET", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 200, want: []expect{eq("saved", false)}},
			{name: "deleting nothing is fine", method: "DELETE", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 204},
			{name: "a draft of no form", method: "DELETE", url: "/api/v1/my/drafts/nope/2025Q1", token: clerk, status: 404},
			{name: "PUT is listed among the allowed methods", method: "POST", url: "/api/v1/my/drafts/vat_small/2025Q1", token: clerk, status: 405},
		})

		t.Run("the next cursor pages through", func(t *testing.T) {
			first := e.with(t).do("GET", "/api/v1/my/returns?limit=2", clerk, nil, nil)
			next := jid(t, first.body, "next")
			rest := e.with(t).do("GET", "/api/v1/my/returns?limit=2&before="+next, clerk, nil, nil)
			if next == "0" || jid(t, rest.body, "items.0.id") != id || jid(t, rest.body, "next") != "0" {
				t.Errorf("%s / %s", first.body, rest.body)
			}
			res := e.with(t).do("POST", "/api/v1/my/drafts/vat_small/2025Q1", clerk, nil, nil)
			if allow := res.header.Get("Allow"); !strings.Contains(allow, "PUT") || !strings.Contains(allow, "DELETE") {
				t.Errorf("Allow: %q", allow)
			}
		})
	})
}

// Two nodes of the hall (two handlers, two connection pools) receive the
// same submission at once: one return is created, every answer carries its
// acknowledgement, the first 201 and the others 200.
func TestReturnsAPIConcurrentIdempotency(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newReturnsEnv(t, d)
		d.SetMaxOpenConns(8)
		d2 := dbtest.SecondPool(t, d)
		nodes := []string{e.url, serveReturns(t, d2)}
		tpID := e.smallScale("91350203APIRETC01X")
		token := e.taxpayer("91350203APIRETC01X", "banshui")
		for _, period := range []string{"2026Q3", "2026Q2", "2026Q1"} {
			k := returns.NewKey()
			body, _ := json.Marshal(map[string]any{"form": "vat_small", "period": period, "cells": map[string]string{"1.goods": "300000"}})
			const n = 8
			statuses := make([]int, n)
			acks := make([]string, n)
			errs := make([]error, n)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range n {
				wg.Go(func() {
					<-start
					req, _ := http.NewRequest("POST", nodes[i%2]+"/api/v1/my/returns", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Idempotency-Key", k)
					res, err := http.DefaultClient.Do(req)
					if err != nil {
						errs[i] = err
						return
					}
					defer res.Body.Close()
					var s submissionView
					b, _ := io.ReadAll(res.Body)
					statuses[i] = res.StatusCode
					if err := json.Unmarshal(b, &s); err != nil || s.Return.AckNo == "" {
						errs[i] = fmt.Errorf("%d %s", res.StatusCode, b)
						return
					}
					acks[i] = s.Return.AckNo
				})
			}
			close(start)
			wg.Wait()
			created := 0
			for i := range n {
				if errs[i] != nil {
					t.Errorf("%s request %d: %v", period, i, errs[i])
				}
				if statuses[i] == 201 {
					created++
				} else if statuses[i] != 200 {
					t.Errorf("%s request %d: status %d", period, i, statuses[i])
				}
				if acks[i] != acks[0] {
					t.Errorf("%s: acknowledgements %v", period, acks)
				}
			}
			start2 := strings.Replace(strings.Replace(period, "Q3", "-07-01", 1), "Q2", "-04-01", 1)
			start2 = strings.Replace(start2, "Q1", "-01-01", 1)
			rows := e.count(`SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1 AND period_start = $2`, tpID, start2)
			liabilities := e.count(`SELECT COUNT(*) FROM tax_liabilities WHERE taxpayer_id = $1 AND period_start = $2`, tpID, start2)
			if created != 1 || rows != 1 || liabilities != 1 {
				t.Errorf("%s: %d created, %d returns, %d liabilities", period, created, rows, liabilities)
			}
		}
	})
}

// Whatever a client puts in the cells, the answer is a client error on the
// cell (or the edge's 400 for bytes that are not text), never a 500, and
// nothing is filed; a draft keeps what was typed.
func TestReturnsAPIBadCells(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newReturnsEnv(t, d)
		tpID := e.smallScale("91350203APIRETB01X")
		clerk := e.taxpayer("91350203APIRETB01X", "banshui")
		for i, v := range []string{"abc", "1e5", "-5", "－5", "12.345", "99999999999999999999", "0x10", "NaN", "+-1", "1.2.3", ".",
			strings.Repeat("0", 33) + "1", "1" + strings.Repeat(" ", 40) + "2", "<script>", "1;DROP TABLE returns", "∞", "壹佰元"} {
			body := map[string]any{"form": "vat_small", "period": "2025Q1", "cells": map[string]string{"1.goods": v}}
			res := e.do("POST", "/api/v1/my/returns", clerk, body, key(fmt.Sprintf("bad-cell-%04d", i)))
			if res.status != 422 || fieldsOf(t, res.body)["cells.1.goods"] == "" {
				t.Errorf("%q: %d %s", v, res.status, res.body)
			}
			// A draft keeps what was typed, with the message on the cell.
			res = e.do("PUT", "/api/v1/my/drafts/vat_small/2025Q1", clerk, map[string]any{"cells": map[string]string{"1.goods": v}}, nil)
			var dv draftView
			_ = json.Unmarshal([]byte(res.body), &dv)
			switch {
			case len([]rune(strings.TrimSpace(v))) > maxCell:
				if res.status != 422 {
					t.Errorf("draft %q: %d %s", v, res.status, res.body)
				}
			case res.status != 200 || dv.Cells["1.goods"] != strings.TrimSpace(v) || dv.Errors["cells.1.goods"] == "" || dv.Valid:
				t.Errorf("draft %q: %d %s", v, res.status, res.body)
			}
		}
		for name, raw := range map[string]string{
			"NUL":               `{"form":"vat_small","period":"2025Q1","cells":{"1.goods":"1\u00002"}}`,
			"invalid UTF-8":     "{\"form\":\"vat_small\",\"period\":\"2025Q1\",\"cells\":{\"1.goods\":\"\xff\xfe\"}}",
			"bad key bytes":     "{\"form\":\"vat_small\",\"period\":\"2025Q1\",\"cells\":{\"\xc0\xae\":\"1\"}}",
			"escape in a key":   `{"form":"vat_small","period":"2025Q1","cells":{"1.goods\u001b":"1"}}`,
			"a number":          `{"form":"vat_small","period":"2025Q1","cells":{"1.goods":300000}}`,
			"an array of cells": `{"form":"vat_small","period":"2025Q1","cells":["1"]}`,
			"bad form bytes":    "{\"form\":\"\xff\",\"period\":\"2025Q1\"}",
			"NUL period":        `{"form":"vat_small","period":"2025\u0000Q1"}`,
		} {
			res := e.do("POST", "/api/v1/my/returns", clerk, raw, key("bad-bytes-0001"))
			if res.status != 400 {
				t.Errorf("%s: %d %s", name, res.status, res.body)
			}
		}
		for _, path := range []string{"/api/v1/my/drafts/%FF/2025Q1", "/api/v1/my/drafts/vat_small/%00", "/api/v1/my/drafts/vat_small/2025Q1%FF",
			"/api/v1/forms/%C0%AE", "/api/v1/my/returns/%FF", "/api/v1/my/returns/99999999999999999999"} {
			for _, m := range []string{"GET", "DELETE"} {
				if res := e.do(m, path, clerk, nil, nil); res.status >= 500 || res.status < 400 && res.status != 405 {
					t.Errorf("%s %s: %d %s", m, path, res.status, res.body)
				}
			}
		}
		if n := e.count(`SELECT COUNT(*) FROM returns WHERE taxpayer_id = $1`, tpID); n != 0 {
			t.Errorf("%d returns filed", n)
		}
	})
}

// The document says what a client of the returns routes must know: the
// Idempotency-Key header and the replay's 200, the codes in the path as
// strings, the existing return in a 409's body.
func TestReturnsOpenAPI(t *testing.T) {
	doc := openAPIDoc(t)
	for path, want := range map[string]any{
		"paths./api/v1/my/returns.post.parameters.0.name":                                  "Idempotency-Key",
		"paths./api/v1/my/returns.post.parameters.0.in":                                    "header",
		"paths./api/v1/my/returns.post.parameters.0.required":                              true,
		"paths./api/v1/my/returns/{id}/corrections.post.parameters.1.name":                 "Idempotency-Key",
		"paths./api/v1/my/drafts/{form}/{period}.put.parameters.0.schema.type":             "string",
		"paths./api/v1/my/drafts/{form}/{period}.put.parameters.1.schema.examples.0":       "2025Q2",
		"paths./api/v1/forms/{code}.get.parameters.0.schema.type":                          "string",
		"paths./api/v1/my/returns/{id}.get.parameters.0.schema.type":                       "integer",
		"components.schemas.ErrorDetail.properties.existing.allOf.0.$ref":                  "#/components/schemas/ReturnRef",
		"components.schemas.FormCell.properties.kind.enum.1":                               "computed",
		"paths./api/v1/my/returns.get.parameters.2.schema.enum.0":                          "current",
		"paths./api/v1/my/returns.post.responses.200.content.application/json.schema.$ref": "#/components/schemas/Submission",
		"paths./api/v1/my/returns.post.responses.201.content.application/json.schema.$ref": "#/components/schemas/Submission",
	} {
		if got, ok := lookup(doc, path); !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", path, got, want)
		}
	}
	// An idempotent route's response reports a replay, or its 200 would
	// never be sent.
	replayerType := reflect.TypeFor[replayer]()
	n := 0
	for _, rt := range (&API{}).routes() {
		if rt.Idempotent {
			if rt.Tag == tagReturns { // the payment routes have their own
				n++
			}
			if rt.Handler.resp == nil || !rt.Handler.resp.Implements(replayerType) || rt.status() != http.StatusCreated {
				t.Errorf("%s %s: idempotent with response %v", rt.Method, rt.Path, rt.Handler.resp)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d idempotent routes", n)
	}
	// The route table exports path codes apart from ids.
	infos := map[string]RouteInfo{}
	for _, ri := range (&API{}).Routes() {
		infos[ri.Method+" "+ri.Path] = ri
	}
	if ri := infos["PUT /api/v1/my/drafts/{form}/{period}"]; ri.HasID() || ri.Object != "" || !ri.Body ||
		!reflect.DeepEqual(ri.Values, map[string]string{"form": "vat_small", "period": "2025Q2"}) {
		t.Errorf("drafts route %+v", ri)
	}
	if ri := infos["POST /api/v1/my/returns/{id}/corrections"]; !reflect.DeepEqual(ri.IDs, []string{"id"}) || ri.Object != "return" || ri.Values != nil {
		t.Errorf("corrections route %+v", ri)
	}
}

// A detail form through the API: the withholding file is checked by the
// import route, its detail filed as the return's detail (parsed JSON),
// the employees' lines computed into the summary lines and the document.
func TestReturnsAPIDetailForm(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newReturnsEnv(t, d)
		var code string
		e.query(`SELECT t.code FROM taxpayers t JOIN tax_identifications i ON i.taxpayer_id = t.id
			WHERE t.kind = 'enterprise' AND t.status = 'active' AND i.tax_type = 'iit_withholding' AND i.end_date = '' ORDER BY t.id LIMIT 1`, nil, &code)
		tok := e.taxpayer(code, "admin")
		periods := e.do("GET", "/api/v1/my/periods", tok, nil, nil)
		var ps list[periodView]
		if err := json.Unmarshal([]byte(periods.body), &ps); err != nil {
			t.Fatal(err)
		}
		period := ""
		for _, p := range ps.Items {
			if p.Form == "iit" && (p.Status == returns.StatusDue || p.Status == returns.StatusOverdue) {
				period = p.Period
				break
			}
		}
		if period == "" {
			t.Fatalf("no iit period to file: %s", periods.body)
		}
		csv := "证件号码,姓名,本期收入,子女教育\n" + validCheck("35020619900101000") + ",欧阳明轩,32000,2000\n"
		imp := e.do("POST", "/api/v1/my/returns/import?form=iit&period="+period, tok, csv, map[string]string{"Content-Type": "text/csv"})
		if imp.status != 200 {
			t.Fatalf("import: %d %s", imp.status, imp.body)
		}
		var detail any
		if err := json.Unmarshal([]byte(jstr(t, imp.body, "detail")), &detail); err != nil {
			t.Fatal(err)
		}
		// Not on a form without a detail, nor as a cell.
		if res := e.do("POST", "/api/v1/my/returns", tok, map[string]any{"form": "iit", "period": period, "cells": map[string]string{"_detail": "[]"}},
			key("iit-api-0001")); res.status != 422 || fieldsOf(t, res.body)["cells._detail"] == "" {
			t.Errorf("_detail as a cell: %d %s", res.status, res.body)
		}
		if res := e.do("POST", "/api/v1/my/returns", tok, map[string]any{"form": "iit", "period": period}, key("iit-api-0001")); res.status != 422 ||
			fieldsOf(t, res.body)["detail"] == "" {
			t.Errorf("no detail: %d %s", res.status, res.body)
		}
		draft := e.do("PUT", "/api/v1/my/drafts/iit/"+period, tok, map[string]any{"cells": map[string]string{}, "detail": detail}, nil)
		if draft.status != 200 || jget(t, draft.body, "valid") != true || !reflect.DeepEqual(jget(t, draft.body, "detail"), detail) {
			t.Fatalf("draft: %d %s", draft.status, draft.body)
		}
		res := e.do("POST", "/api/v1/my/returns", tok, map[string]any{"form": "iit", "period": period, "detail": detail}, key("iit-api-0001"))
		if res.status != 201 {
			t.Fatalf("%d %s", res.status, res.body)
		}
		var s submissionView
		if err := json.Unmarshal([]byte(res.body), &s); err != nil {
			t.Fatal(err)
		}
		// 32,000 a month less 5,000 and 2,000: the withholding depends on
		// the months before, but the income line is this month's.
		if r := s.Return; r.Lines["1"] != "32000.00" || r.Detail == nil || r.TaxDueFen <= 0 || !strings.Contains(r.Document, `"detail":`) {
			t.Errorf("return %+v", r)
		}
	})
}
