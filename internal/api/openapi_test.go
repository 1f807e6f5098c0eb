package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The document is served from the route table and describes every route.
func TestOpenAPI(t *testing.T) {
	a := &API{}
	mux := http.NewServeMux()
	a.Register(mux)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1/openapi.json", nil))
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("%d %s", w.Code, w.Header().Get("Content-Type"))
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas         map[string]any `json:"schemas"`
			Responses       map[string]any `json:"responses"`
			SecuritySchemes map[string]any `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	if doc.Components.SecuritySchemes["bearerAuth"] == nil {
		t.Error("no bearerAuth scheme")
	}
	ids := map[string]bool{}
	for _, rt := range a.routes() {
		op := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if op == nil {
			t.Errorf("%s %s is not documented", rt.Method, rt.Path)
			continue
		}
		id, _ := op["operationId"].(string)
		if ids[id] {
			t.Errorf("duplicate operationId %s", id)
		}
		ids[id] = true
		if s, _ := op["summary"].(string); s == "" || isASCII(s) {
			t.Errorf("%s %s: summary %q should be Chinese", rt.Method, rt.Path, s)
		}
		responses, _ := op["responses"].(map[string]any)
		if responses[strconv.Itoa(rt.Status)] == nil {
			t.Errorf("%s %s: no %d response", rt.Method, rt.Path, rt.Status)
		}
		if (rt.Body != nil) != (op["requestBody"] != nil) {
			t.Errorf("%s %s: requestBody mismatch", rt.Method, rt.Path)
		}
		if (rt.Access != public) != (op["security"] != nil) {
			t.Errorf("%s %s: security mismatch", rt.Method, rt.Path)
		}
		if strings.Contains(rt.Path, "{id}") {
			params, _ := op["parameters"].([]any)
			if len(params) == 0 {
				t.Errorf("%s %s: path parameters undocumented", rt.Method, rt.Path)
			}
		}
		// Every route is also served: the mux knows its pattern.
		req := httptest.NewRequest(rt.Method, strings.NewReplacer("{id}", "1", "{iid}", "2").Replace(rt.Path), nil)
		if _, pattern := mux.Handler(req); pattern != rt.Method+" "+rt.Path {
			t.Errorf("%s %s is served by %q", rt.Method, rt.Path, pattern)
		}
	}
	// Every $ref points at something.
	for _, ref := range refRe.FindAllStringSubmatch(w.Body.String(), -1) {
		parts := strings.Split(ref[1], "/")
		var found bool
		switch parts[1] {
		case "schemas":
			found = doc.Components.Schemas[parts[2]] != nil
		case "responses":
			found = doc.Components.Responses[parts[2]] != nil
		}
		if !found {
			t.Errorf("dangling $ref %s", ref[1])
		}
	}
	for _, want := range []string{`"EnterpriseRequest"`, `user_password`, `"window_clerk"`, `"format": "date"`, `"ErrorBody"`} {
		if !strings.Contains(w.Body.String(), want) {
			t.Errorf("document lacks %s", want)
		}
	}
}

var refRe = regexp.MustCompile(`"\$ref": "#/([^"]+)"`)

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
