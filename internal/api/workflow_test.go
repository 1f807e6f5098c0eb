package api

import (
	"net/http"
	"strconv"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

var testPDF = []byte("%PDF-1.4\n%%EOF\n")

// An application through the API from submission to approval: the
// Idempotency-Key makes a retry one application, a second clerk's claim is
// refused with the holder's name, a return for correction is corrected by
// resubmission, the reviewer approves, the taxpayer rates, the supervisor's
// board counts; another taxpayer and another bureau's clerk get 404.
func TestWorkflowAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var tpCode, otherCode string
		e.query(`SELECT t.code FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
			WHERE o.division_code = '350203' AND t.kind = 'enterprise' ORDER BY t.id LIMIT 1`, nil, &tpCode)
		e.query(`SELECT t.code FROM taxpayers t WHERE t.kind = 'enterprise' AND t.code <> $1 ORDER BY t.id LIMIT 1`, []any{tpCode}, &otherCode)
		tp, other := e.taxpayer(tpCode, "admin"), e.taxpayer(otherCode, "admin")
		clerk, reviewer, huli := e.staff(simingClerk), e.staff(simingReviewer), e.staff(huliClerk)
		supervisor := e.staff("35020303")
		key := map[string]string{"Idempotency-Key": "api-flow-0001"}

		must := func(res response, status int) string {
			t.Helper()
			if res.status != status {
				t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
			}
			return res.body
		}

		// The catalogue is public.
		body := must(e.do("GET", "/api/v1/items", "", nil, nil), 200)
		if n := len(jget(t, body, "items").([]any)); n != 11 {
			t.Errorf("%d categories, want 11", n)
		}
		body = must(e.do("GET", "/api/v1/items/suspension", "", nil, nil), 200)
		if jstr(t, body, "name") != "停业登记" || jstr(t, body, "fields.0.name") != "from" || jstr(t, body, "materials.0.code") != "invoices" {
			t.Errorf("item: %s", body)
		}
		must(e.do("GET", "/api/v1/items/nope", "", nil, nil), 404)

		apply := map[string]any{"item": "suspension", "fields": map[string]string{"from": "2026-12-01", "to": "2026-12-31", "reason": "装修"},
			"materials": []map[string]any{{"material": "id_card", "name": "身份证.pdf", "content": testPDF}}}
		must(e.do("POST", "/api/v1/my/applications", tp, apply, nil), 400) // no Idempotency-Key
		bad := map[string]any{"item": "suspension", "fields": map[string]string{"from": "12/01"}}
		body = must(e.do("POST", "/api/v1/my/applications", tp, bad, map[string]string{"Idempotency-Key": "api-flow-bad1"}), 422)
		if jstr(t, body, "error.fields.f_from") == "" || jstr(t, body, "error.fields.f_to") == "" {
			t.Errorf("field errors: %s", body)
		}
		body = must(e.do("POST", "/api/v1/my/applications", tp, apply, key), 201)
		id := jid(t, body, "id")
		if jstr(t, body, "status") != "submitted" || jstr(t, body, "missing.0.code") != "invoices" || jstr(t, body, "files.0.name") != "身份证.pdf" {
			t.Errorf("submitted: %s", body)
		}
		body = must(e.do("POST", "/api/v1/my/applications", tp, apply, key), 200)
		if jid(t, body, "id") != id || jget(t, body, "replayed") != true {
			t.Errorf("replay: %s", body)
		}
		resume := map[string]any{"item": "resumption", "fields": map[string]string{"on": "2027-01-04", "contact": "张三", "phone": "13800000000"}}
		must(e.do("POST", "/api/v1/my/applications", tp, resume, key), 409) // the key was used for another item
		var n int
		e.query(`SELECT COUNT(*) FROM applications WHERE submit_token = 'api-flow-0001'`, nil, &n)
		if n != 1 {
			t.Errorf("%d applications for one key", n)
		}

		body = must(e.do("GET", "/api/v1/my/applications", tp, nil, nil), 200)
		if jid(t, body, "items.0.id") != id {
			t.Errorf("list: %s", body)
		}
		must(e.do("GET", "/api/v1/my/applications/"+id, other, nil, nil), 404)
		must(e.do("POST", "/api/v1/my/applications/"+id+"/withdraw", other, nil, nil), 404)

		// The pool: the clerk sees it, 湖里 does not (the item is 同城通办,
		// so 湖里's clerk may see it too, in the city pool).
		body = must(e.do("GET", "/api/v1/tasks?role=window_clerk", clerk, nil, nil), 200)
		taskID := ""
		for _, it := range jget(t, body, "items").([]any) {
			m := it.(map[string]any)
			if strconv.FormatFloat(m["application_id"].(float64), 'f', 0, 64) == id {
				taskID = strconv.FormatFloat(m["id"].(float64), 'f', 0, 64)
			}
		}
		if taskID == "" {
			t.Fatalf("task of application %s not in the pool: %s", id, body)
		}
		must(e.do("GET", "/api/v1/tasks?role=reviewer", clerk, nil, nil), 403)
		must(e.do("GET", "/api/v1/tasks", tp, nil, nil), 403)
		must(e.do("POST", "/api/v1/tasks/"+taskID+"/decisions", clerk, map[string]string{"decision": "pass"}, nil), 409) // not claimed
		body = must(e.do("POST", "/api/v1/tasks/"+taskID+"/claim", clerk, nil, nil), 200)
		if jstr(t, body, "task.state") != "claimed" || jstr(t, body, "task.handler_no") != simingClerk {
			t.Errorf("claim: %s", body)
		}
		body = must(e.do("POST", "/api/v1/tasks/"+taskID+"/claim", huli, nil, nil), 409)
		if jstr(t, body, "error.message") == "" {
			t.Errorf("second claim: %s", body)
		}
		must(e.do("POST", "/api/v1/tasks/"+taskID+"/decisions", clerk, map[string]string{"decision": "return"}, nil), 422) // no reasons
		body = must(e.do("POST", "/api/v1/tasks/"+taskID+"/decisions", clerk, map[string]string{"decision": "return", "opinion": "请补充发票领用簿"}, nil), 200)
		if jstr(t, body, "application.status") != "returned" || jget(t, body, "application.can_resubmit") != true {
			t.Errorf("return: %s", body)
		}

		fix := map[string]any{"fields": map[string]string{"from": "2026-12-01", "to": "2026-12-31", "reason": "装修"},
			"materials": []map[string]any{{"material": "invoices", "name": "发票领用簿.pdf", "content": testPDF}}}
		must(e.do("POST", "/api/v1/my/applications/"+id+"/resubmit", other, fix, nil), 404)
		body = must(e.do("POST", "/api/v1/my/applications/"+id+"/resubmit", tp, fix, nil), 200)
		if jstr(t, body, "status") != "submitted" || jget(t, body, "version").(float64) != 2 || len(jget(t, body, "missing").([]any)) != 0 {
			t.Errorf("resubmit: %s", body)
		}
		must(e.do("POST", "/api/v1/my/applications/"+id+"/resubmit", tp, fix, nil), 409)

		// Acceptance, then approval by the reviewer.
		var accept, approve int64
		e.query(`SELECT id FROM tasks WHERE application_id = $1 AND state = 'open'`, []any{id}, &accept)
		a := strconv.FormatInt(accept, 10)
		must(e.do("POST", "/api/v1/tasks/"+a+"/claim", clerk, nil, nil), 200)
		must(e.do("POST", "/api/v1/tasks/"+a+"/decisions", clerk, map[string]string{"decision": "pass"}, nil), 200)
		e.query(`SELECT id FROM tasks WHERE application_id = $1 AND state = 'open'`, []any{id}, &approve)
		p := strconv.FormatInt(approve, 10)
		// The supervisor's board counts the open approval task.
		body = must(e.do("GET", "/api/v1/board", supervisor, nil, nil), 200)
		if jget(t, body, "open").(float64) < 1 {
			t.Errorf("board: %s", body)
		}
		must(e.do("GET", "/api/v1/board", clerk, nil, nil), 403)
		body = must(e.do("POST", "/api/v1/tasks/"+p+"/assign", supervisor, map[string]string{"staff_no": simingReviewer}, nil), 200)
		if jstr(t, body, "task.handler_no") != simingReviewer || jget(t, body, "task.assigned") != true {
			t.Errorf("assign: %s", body)
		}
		must(e.do("POST", "/api/v1/tasks/"+p+"/decisions", reviewer, map[string]string{"decision": "return", "opinion": "x"}, nil), 422) // approval cannot return
		body = must(e.do("POST", "/api/v1/tasks/"+p+"/decisions", reviewer, map[string]string{"decision": "pass", "opinion": "同意"}, nil), 200)
		if jstr(t, body, "application.status") != "approved" || jstr(t, body, "application.result") == "" {
			t.Errorf("approve: %s", body)
		}
		body = must(e.do("GET", "/api/v1/tasks/mine", reviewer, nil, nil), 200)
		if len(jget(t, body, "items").([]any)) != 0 {
			t.Errorf("mine after deciding: %s", body)
		}

		// Ratings: once per decided node.
		rate := map[string]any{"task_id": approve, "rating": 5, "comment": "很快"}
		must(e.do("POST", "/api/v1/my/applications/"+id+"/ratings", other, rate, nil), 404)
		body = must(e.do("POST", "/api/v1/my/applications/"+id+"/ratings", tp, rate, nil), 200)
		if jget(t, body, "tasks.2.rating").(float64) != 5 {
			t.Errorf("rated: %s", body)
		}
		must(e.do("POST", "/api/v1/my/applications/"+id+"/ratings", tp, rate, nil), 409)
		must(e.do("POST", "/api/v1/my/applications/"+id+"/ratings", tp, map[string]any{"task_id": accept, "rating": 9}, nil), 422)
		must(e.do("POST", "/api/v1/my/applications/"+id+"/withdraw", tp, nil, nil), 409)

		must(e.do("GET", "/api/v1/tasks/"+p, e.staff("35010201"), nil, nil), 404) // 福州: another city
		_ = http.StatusOK
	})
}
