package api

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ids"
)

const provinceAdmin = "35000001" // admin of the provincial bureau: sees every taxpayer

// API views publish exactly their own fields, and lists mask personal data
// with the ids package's rule while the record of one shows it in full.
func TestViewsMaskPersonalData(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.staff(provinceAdmin)
		type full struct{ code, kind, legalRepID, phone string }
		fullOf := func(t *testing.T, id float64) full {
			var f full
			e.with(t).query(`SELECT code, kind, legal_rep_id, phone FROM taxpayers WHERE id = $1`, []any{int64(id)}, &f.code, &f.kind, &f.legalRepID, &f.phone)
			return f
		}

		for _, kind := range []string{"individual", "enterprise"} {
			t.Run(kind+" list is masked", func(t *testing.T) {
				res := e.with(t).do("GET", "/api/v1/taxpayers?page_size=100&kind="+kind, admin, nil, nil)
				items, _ := jget(t, res.body, "items").([]any)
				if res.status != 200 || len(items) == 0 {
					t.Fatalf("%d %s", res.status, res.body)
				}
				for _, it := range items {
					item := it.(map[string]any)
					checkKeys(t, item, reflect.TypeFor[taxpayerItem]())
					f := fullOf(t, item["id"].(float64))
					if item["code"] != ids.MaskTaxpayerCode(f.code, f.kind) || kind == "individual" && item["code"] == f.code {
						t.Errorf("code %v, full %s", item["code"], f.code)
					}
					if item["phone"] != ids.MaskPhone(f.phone) || item["phone"] == f.phone {
						t.Errorf("phone %v, full %s", item["phone"], f.phone)
					}
					if got, _ := item["legal_rep_id"].(string); got != ids.MaskResidentID(f.legalRepID) || f.legalRepID != "" && got == f.legalRepID {
						t.Errorf("legal_rep_id %q, full %s", got, f.legalRepID)
					}
				}
			})
			t.Run(kind+" record is full", func(t *testing.T) {
				res := e.with(t).do("GET", "/api/v1/taxpayers?page_size=1&kind="+kind, admin, nil, nil)
				id := jid(t, res.body, "items.0.id")
				res = e.with(t).do("GET", "/api/v1/taxpayers/"+id, admin, nil, nil)
				if res.status != 200 {
					t.Fatalf("%d %s", res.status, res.body)
				}
				checkKeys(t, decodeJSON(t, res.body).(map[string]any), reflect.TypeFor[taxpayerDetail]())
				tp := jget(t, res.body, "taxpayer").(map[string]any)
				checkKeys(t, tp, reflect.TypeFor[taxpayerView]())
				f := fullOf(t, tp["id"].(float64))
				if tp["code"] != f.code || tp["phone"] != f.phone || f.legalRepID != "" && tp["legal_rep_id"] != f.legalRepID {
					t.Errorf("record %v, want %+v", tp, f)
				}
			})
		}

		t.Run("my taxpayer is full", func(t *testing.T) {
			var code, phone string
			e.with(t).query(`SELECT code, phone FROM taxpayers WHERE kind = 'individual' ORDER BY id LIMIT 1`, nil, &code, &phone)
			res := e.with(t).do("GET", "/api/v1/my/taxpayer", e.with(t).taxpayer(code, ""), nil, nil)
			if jstr(t, res.body, "taxpayer.code") != code || jstr(t, res.body, "taxpayer.phone") != phone {
				t.Errorf("%d %s", res.status, res.body)
			}
			checkKeys(t, jget(t, res.body, "taxpayer").(map[string]any), reflect.TypeFor[taxpayerView]())
		})

		t.Run("user list masks phones, user record does not", func(t *testing.T) {
			var code string
			e.with(t).query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`, nil, &code)
			tok := e.with(t).taxpayer(code, "admin")
			res := e.with(t).do("GET", "/api/v1/my/users", tok, nil, nil)
			items, _ := jget(t, res.body, "items").([]any)
			if len(items) < 2 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			for _, it := range items {
				item := it.(map[string]any)
				checkKeys(t, item, reflect.TypeFor[userItem]())
				id := int64(item["id"].(float64))
				var phone string
				e.with(t).query(`SELECT phone FROM taxpayer_users WHERE id = $1`, []any{id}, &phone)
				if item["phone"] != ids.MaskPhone(phone) || item["phone"] == phone {
					t.Errorf("list phone %v, full %s", item["phone"], phone)
				}
				one := e.with(t).do("GET", "/api/v1/my/users/"+itoa(id), tok, nil, nil)
				checkKeys(t, decodeJSON(t, one.body).(map[string]any), reflect.TypeFor[userView]())
				if jstr(t, one.body, "phone") != phone {
					t.Errorf("record phone %s, want %s", one.body, phone)
				}
			}
		})

		t.Run("staff list masks phones, staff record does not", func(t *testing.T) {
			res := e.with(t).do("GET", "/api/v1/staff", admin, nil, nil)
			items, _ := jget(t, res.body, "items").([]any)
			if len(items) == 0 {
				t.Fatalf("%d %s", res.status, res.body)
			}
			var masked int
			for _, it := range items {
				item := it.(map[string]any)
				checkKeys(t, item, reflect.TypeFor[staffItem]())
				var phone string
				e.with(t).query(`SELECT phone FROM staff WHERE id = $1`, []any{int64(item["id"].(float64))}, &phone)
				if item["phone"] != ids.MaskPhone(phone) {
					t.Errorf("list phone %v, full %s", item["phone"], phone)
				}
				if phone != "" {
					masked++
				}
			}
			if masked == 0 {
				t.Error("no staff member with a phone: the masking is untested")
			}
			id := jid(t, res.body, "items.0.id")
			one := e.with(t).do("GET", "/api/v1/staff/"+id, admin, nil, nil)
			checkKeys(t, decodeJSON(t, one.body).(map[string]any), reflect.TypeFor[staffView]())
			var phone string
			e.with(t).query(`SELECT phone FROM staff WHERE id = $1`, []any{int64(jget(t, one.body, "id").(float64))}, &phone)
			if jstr(t, one.body, "phone") != phone {
				t.Errorf("record phone %s, want %s", one.body, phone)
			}
		})
	})
}

// checkKeys fails unless obj's keys are the JSON fields of typ: none
// outside the view, and every field without omitempty present.
func checkKeys(t *testing.T, obj map[string]any, typ reflect.Type) {
	t.Helper()
	fields := jsonFields(typ)
	for k := range obj {
		if !slices.Contains(fields, k) {
			t.Errorf("%s: key %q is not a field of the view", typ.Name(), k)
		}
	}
	for i := range typ.NumField() {
		name, opts, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if _, ok := obj[name]; !ok && !strings.Contains(opts, "omitempty") {
			t.Errorf("%s: field %q missing", typ.Name(), name)
		}
	}
}
