package api

import (
	"encoding/json"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// A taxpayer user reads and saves their 定制服务 choices; a wrong phone is
// a 422 with the field's message; each user has their own.
func TestNotificationPreferencesAPI(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var code string
		e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`, nil, &code)
		admin := e.taxpayer(code, "admin")
		clerk := e.taxpayer(code, "banshui")
		res := e.do("GET", "/api/v1/my/notification-preferences", admin, nil, nil)
		var p notificationPrefs
		if res.status != 200 || json.Unmarshal([]byte(res.body), &p) != nil || len(p.EmailKinds) != 0 || p.UpdatedAt != nil {
			t.Fatalf("before saving: %d %s", res.status, res.body)
		}
		res = e.do("POST", "/api/v1/my/notification-preferences", admin, map[string]any{"phone": "12345", "sms_kinds": []string{"lastday"}}, nil)
		if res.status != 422 || jstr(t, res.body, "error.fields.phone") == "" {
			t.Fatalf("bad phone: %d %s", res.status, res.body)
		}
		res = e.do("POST", "/api/v1/my/notification-preferences", admin, map[string]any{"email": "caiwu@example.cn", "email_kinds": []string{"overdue", "deadline"},
			"phone": "13906001234", "sms_kinds": []string{"lastday"}}, nil)
		if res.status != 200 || json.Unmarshal([]byte(res.body), &p) != nil {
			t.Fatalf("save: %d %s", res.status, res.body)
		}
		if p.Email != "caiwu@example.cn" || len(p.EmailKinds) != 2 || p.EmailKinds[0] != "deadline" || p.EmailKinds[1] != "overdue" || p.SMSKinds[0] != "lastday" || p.UpdatedAt == nil {
			t.Fatalf("saved %+v", p)
		}
		res = e.do("GET", "/api/v1/my/notification-preferences", clerk, nil, nil)
		if res.status != 200 || json.Unmarshal([]byte(res.body), &p) != nil || p.Email != "" || len(p.EmailKinds) != 0 {
			t.Fatalf("another user's preferences: %d %s", res.status, res.body)
		}
	})
}
