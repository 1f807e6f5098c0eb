package api

import (
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
)

// routeTypes is every type a route decodes or encodes, and the error body.
func routeTypes() []reflect.Type {
	out := []reflect.Type{reflect.TypeFor[errorBody]()}
	for _, rt := range (&API{}).routes() {
		for _, typ := range []reflect.Type{rt.Handler.req, rt.Handler.resp} {
			if typ != nil {
				out = append(out, typ)
			}
		}
	}
	return out
}

// unknownEnums walks t and the types it contains and lists every enum tag
// that names no set of enumSets (or an empty one).
func unknownEnums(t reflect.Type, sets map[string][]string, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t == reflect.TypeFor[time.Time]() {
		return nil
	}
	seen[t] = true
	var bad []string
	for i := range t.NumField() {
		f := t.Field(i)
		if set, ok := f.Tag.Lookup("enum"); ok && len(sets[set]) == 0 {
			bad = append(bad, t.Name()+"."+f.Name+": enum:\""+set+"\"")
		}
		bad = append(bad, unknownEnums(f.Type, sets, seen)...)
	}
	return bad
}

// A typo in an enum tag fails here, not silently as an empty list in the
// document.
func TestEnumTagsNameKnownSets(t *testing.T) {
	sets := enumSets()
	seen := map[reflect.Type]bool{}
	for _, typ := range routeTypes() {
		for _, bad := range unknownEnums(typ, sets, seen) {
			t.Errorf("unknown enum set: %s", bad)
		}
	}
	if len(seen) < 20 {
		t.Errorf("walked only %d types", len(seen))
	}
	// The walk finds a typo however deep it sits.
	type inner struct {
		Role string `json:"role" enum:"taxpayer_role"`
	}
	type outer struct {
		Users []*inner `json:"users"`
	}
	if bad := unknownEnums(reflect.TypeFor[outer](), sets, map[reflect.Type]bool{}); len(bad) != 1 {
		t.Errorf("typo not found: %v", bad)
	}
}

// Every status apperr can produce has a documented response.
func TestErrorResponsesCoverEveryCode(t *testing.T) {
	for _, c := range apperr.Codes() {
		if errorResponses[apperr.Status(c)].name == "" {
			t.Errorf("code %s (%d) has no error response", c, apperr.Status(c))
		}
	}
}

// Query types hold only query parameters of the kinds decodeQuery reads;
// body types hold none; a 204 route has no response type and vice versa.
func TestRouteTypes(t *testing.T) {
	for _, rt := range (&API{}).routes() {
		where := rt.Method + " " + rt.Path
		if q := rt.query(); q != nil {
			for i := range q.NumField() {
				f := q.Field(i)
				k := f.Type.Kind()
				if f.Tag.Get("query") == "" || k != reflect.String && k != reflect.Int && k != reflect.Int64 {
					t.Errorf("%s: query field %s needs a query tag and a string or integer type", where, f.Name)
				}
			}
		}
		if rt.hasBody() && strings.Contains(string(rt.Handler.req.Field(0).Tag), "query:") {
			t.Errorf("%s: body type %s has query tags", where, rt.Handler.req)
		}
		if (rt.Handler.resp == nil) != (rt.status() == http.StatusNoContent) {
			t.Errorf("%s: status %d with response type %v", where, rt.status(), rt.Handler.resp)
		}
	}
}

// Routes exports the table: every route, its access and its id wildcards.
func TestRoutesExport(t *testing.T) {
	a := &API{}
	infos := a.Routes()
	if len(infos) != len(a.routes()) {
		t.Fatalf("%d infos for %d routes", len(infos), len(a.routes()))
	}
	byPattern := map[string]RouteInfo{}
	for _, ri := range infos {
		byPattern[ri.Method+" "+ri.Path] = ri
	}
	for pattern, want := range map[string]RouteInfo{
		"GET /api/v1/taxpayers/{id}":                            {Access: StaffUser, Object: "taxpayer", IDs: []string{"id"}},
		"POST /api/v1/taxpayers/{id}/identifications/{iid}/end": {Access: StaffUser, Object: "taxpayer", IDs: []string{"id", "iid"}, Body: true},
		"GET /api/v1/my/taxpayer":                               {Access: TaxpayerUser},
		"PATCH /api/v1/my/users/{id}":                           {Access: TaxpayerUser, Object: "taxpayer_user", IDs: []string{"id"}, Body: true},
		"POST /api/v1/auth/token":                               {Access: Public, Body: true},
		"GET /api/v1/orgs/{id}":                                 {Access: StaffUser, Object: "org", IDs: []string{"id"}},
		"POST /api/v1/staff/{id}/password":                      {Access: AdminUser, Object: "staff", IDs: []string{"id"}, Body: true},
	} {
		got, ok := byPattern[pattern]
		if !ok || got.Access != want.Access || got.Object != want.Object || !slices.Equal(got.IDs, want.IDs) || got.Body != want.Body || got.HasID() != (len(want.IDs) > 0) {
			t.Errorf("%s: %+v, want %+v", pattern, got, want)
		}
	}
}

// Every route that takes an id says what the id designates, so that the
// authorization matrix (internal/app/authz_test.go) can resolve it for
// another taxpayer and another bureau; a route without an id names none.
func TestRoutesNameTheirObject(t *testing.T) {
	for _, ri := range (&API{}).Routes() {
		switch {
		case ri.HasID() && ri.Object == "":
			t.Errorf("%s %s takes an id but names no Object: set the route's Object (taxpayer, taxpayer_user, org, staff…)", ri.Method, ri.Path)
		case !ri.HasID() && ri.Object != "":
			t.Errorf("%s %s takes no id but names Object %q", ri.Method, ri.Path, ri.Object)
		}
	}
}
