package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"taxhall/internal/db/dbtest"
)

// The tax source endpoints: register a building and a parcel, read them
// back decoded, page the list, refuse bad input with per-field messages,
// end once, and answer 404 to another taxpayer.
func TestSourceEndpoints(t *testing.T) {
	e := newEnv(t, dbtest.NewSQLite(t))
	var code, other string
	e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' AND status = 'active' ORDER BY id LIMIT 1`, nil, &code)
	e.query(`SELECT code FROM taxpayers WHERE kind = 'enterprise' AND status = 'active' AND code <> $1 ORDER BY id LIMIT 1`, []any{code}, &other)
	tok, otherTok := e.taxpayer(code, "admin"), e.taxpayer(other, "admin")

	res := e.do("POST", "/api/v1/my/sources/buildings", tok, map[string]any{"name": "思明区中山路50号店面", "division": "350203",
		"original_value": "800000", "area": "95.5", "usage": "commercial", "rented": true, "annual_rent": "120000", "from_date": "2018-01-01"}, nil)
	if res.status != http.StatusCreated {
		t.Fatalf("add: %d %s", res.status, res.body)
	}
	var b buildingView
	if err := json.Unmarshal([]byte(res.body), &b); err != nil || b.OriginalValue != "800000.00" || b.Area != "95.50" || !b.Rented ||
		b.AnnualRent != "120000.00" || !b.Held || b.ToDate != "" {
		t.Errorf("building = %+v %v", b, err)
	}

	res = e.do("POST", "/api/v1/my/sources/buildings", tok, map[string]any{"name": "厦", "division": "350203", "original_value": "0",
		"area": "1", "usage": "office", "from_date": "2018-01-01"}, nil)
	var bad struct {
		Error struct{ Fields map[string]string } `json:"error"`
	}
	if res.status != http.StatusUnprocessableEntity || json.Unmarshal([]byte(res.body), &bad) != nil ||
		bad.Error.Fields["name"] == "" || bad.Error.Fields["original_value"] != "房产原值应大于 0" {
		t.Errorf("bad input: %d %s", res.status, res.body)
	}

	res = e.do("POST", "/api/v1/my/sources/parcels", tok, map[string]any{"name": "思明区湖滨南路1号地块", "division": "350203",
		"area": "1000", "grade": "2", "from_date": "2019-05-20"}, nil)
	var p parcelView
	if res.status != http.StatusCreated || json.Unmarshal([]byte(res.body), &p) != nil || p.GradeName != "二级土地" || p.City != "xiamen" {
		t.Errorf("parcel: %d %s", res.status, res.body)
	}

	var list buildingPage
	res = e.do("GET", "/api/v1/my/sources/buildings?limit=1", tok, nil, nil)
	if res.status != 200 || json.Unmarshal([]byte(res.body), &list) != nil || len(list.Items) != 1 || list.Next == 0 {
		t.Fatalf("list: %d %s", res.status, res.body)
	}
	res = e.do("GET", fmt.Sprintf("/api/v1/my/sources/buildings?limit=1&after=%d", list.Next), tok, nil, nil)
	if json.Unmarshal([]byte(res.body), &list) != nil || len(list.Items) != 1 || list.Items[0].ID != b.ID {
		t.Errorf("page 2: %s", res.body)
	}

	path := fmt.Sprintf("/api/v1/my/sources/buildings/%d", b.ID)
	if res = e.do("GET", path, otherTok, nil, nil); res.status != http.StatusNotFound {
		t.Errorf("another taxpayer: %d", res.status)
	}
	if res = e.do("POST", path+"/end", tok, map[string]string{"to_date": "2026-06-20"}, nil); res.status != 200 ||
		json.Unmarshal([]byte(res.body), &b) != nil || b.ToDate != "2026-06-20" || b.Held {
		t.Errorf("end: %d %s", res.status, res.body)
	}
	if res = e.do("POST", path+"/end", tok, map[string]string{"to_date": "2026-06-21"}, nil); res.status != http.StatusConflict {
		t.Errorf("end twice: %d %s", res.status, res.body)
	}
	if res = e.do("PUT", path, tok, map[string]string{"name": "思明区中山路50号店面"}, nil); res.status != http.StatusConflict {
		t.Errorf("edit an ended source: %d %s", res.status, res.body)
	}
}
