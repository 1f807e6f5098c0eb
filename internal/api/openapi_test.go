package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/apperr"
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
		t.Run(rt.Method+" "+rt.Path, func(t *testing.T) {
			op := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
			if op == nil {
				t.Fatal("not documented")
			}
			id, _ := op["operationId"].(string)
			if ids[id] {
				t.Errorf("duplicate operationId %s", id)
			}
			ids[id] = true
			if s, _ := op["summary"].(string); s == "" || isASCII(s) {
				t.Errorf("summary %q should be Chinese", s)
			}
			responses, _ := op["responses"].(map[string]any)
			if responses[strconv.Itoa(rt.status())] == nil {
				t.Errorf("no %d response", rt.status())
			}
			for _, c := range rt.possibleErrors() {
				if responses[strconv.Itoa(apperr.Status(c))] == nil {
					t.Errorf("error %s (%d) not documented", c, apperr.Status(c))
				}
			}
			if (rt.hasBody() || rt.Handler.upload != nil) != (op["requestBody"] != nil) {
				t.Error("requestBody mismatch")
			}
			if (rt.Access != Public) != (op["security"] != nil) {
				t.Error("security mismatch")
			}
			var pathParams []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p := p.(map[string]any); p["in"] == "path" {
					pathParams = append(pathParams, p["name"].(string))
				}
			}
			var wildcards []string
			for _, m := range pathParamRe.FindAllStringSubmatch(rt.Path, -1) {
				wildcards = append(wildcards, m[1])
			}
			if !slices.Equal(pathParams, wildcards) {
				t.Errorf("path parameters %v documented, path has %v", pathParams, wildcards)
			}
			// Every route is also served: the mux knows its pattern.
			req := httptest.NewRequest(rt.Method, strings.NewReplacer("{id}", "1", "{iid}", "2").Replace(rt.Path), nil)
			if _, pattern := mux.Handler(req); pattern != rt.Method+" "+rt.Path {
				t.Errorf("served by %q", pattern)
			}
		})
	}
	t.Run("every $ref points at something", func(t *testing.T) {
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
	})
	t.Run("details reach the document", func(t *testing.T) {
		full := openAPIDoc(t)
		for path, want := range map[string]any{
			"paths./api/v1/registrations/enterprise.post.description":                        "user_password",
			"components.schemas.StaffRequest.properties.roles.items.enum":                    "window_clerk",
			"components.schemas.IdentifyRequest.properties.start_date.format":                "date",
			"components.schemas.TaxpayerItem.properties.legal_rep_id.description":            "已脱敏",
			"paths./api/v1/taxpayers.get.parameters":                                         nil,
			"components.schemas.ErrorDetail.properties.code.enum":                            "bad_request",
			"paths./api/v1/taxpayers.get.responses.200.content.application/json.schema.$ref": "#/components/schemas/TaxpayerPage",
		} {
			got, ok := lookup(full, path) // no key used here contains a dot
			if !ok {
				t.Errorf("no %s", path)
				continue
			}
			switch g := got.(type) {
			case string:
				if !strings.Contains(g, want.(string)) {
					t.Errorf("%s = %q, want %q in it", path, g, want)
				}
			case []any:
				if want != nil && !slices.Contains(g, want) {
					t.Errorf("%s = %v, want %v in it", path, g, want)
				}
			}
		}
	})
}

// openAPIDoc builds the document as a client sees it, decoded.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	b, err := json.Marshal(buildSpec((&API{}).routes()))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Every request and response schema of the document is the one of the
// handler's type parameters: the $ref names the Go type and the component's
// properties are the type's JSON fields, computed here independently of
// the schema generator.
func TestOpenAPISchemasAreTheHandlerTypes(t *testing.T) {
	doc := openAPIDoc(t)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	paths := doc["paths"].(map[string]any)
	// check compares a documented schema with a Go type.
	var check func(where string, schema map[string]any, typ reflect.Type)
	check = func(where string, schema map[string]any, typ reflect.Type) {
		if typ.Kind() == reflect.Map {
			if schema["type"] != "object" {
				t.Errorf("%s: schema %v for %s", where, schema, typ)
			}
			return
		}
		if typ.Kind() != reflect.Struct {
			t.Fatalf("%s: %s is not a struct", where, typ)
		}
		if strings.Contains(typ.Name(), "[") { // list[T]: inline, items of T
			items, _ := schema["properties"].(map[string]any)["items"].(map[string]any)
			if items == nil || items["type"] != "array" {
				t.Errorf("%s: %s documented as %v", where, typ, schema)
				return
			}
			check(where+" items", items["items"].(map[string]any), typ.Field(0).Type.Elem())
			return
		}
		ref, _ := schema["$ref"].(string)
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if want := strings.ToUpper(typ.Name()[:1]) + strings.TrimSuffix(typ.Name()[1:], "View"); name != want {
			t.Errorf("%s: documented as %q, handler type %s", where, ref, typ)
			return
		}
		comp, _ := schemas[name].(map[string]any)
		props, _ := comp["properties"].(map[string]any)
		if got, want := slices.Sorted(mapKeys(props)), jsonFields(typ); !slices.Equal(got, want) {
			t.Errorf("%s: schema %s has %v, type %s has %v", where, name, got, typ, want)
		}
	}
	for _, rt := range (&API{}).routes() {
		where := rt.Method + " " + rt.Path
		op := paths[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if rt.hasBody() {
			body := op["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)
			check(where+" request", body["schema"].(map[string]any), rt.Handler.req)
		}
		if q := rt.query(); q != nil {
			var documented []string
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				if p := p.(map[string]any); p["in"] == "query" {
					documented = append(documented, p["name"].(string))
				}
			}
			var fields []string
			for i := range q.NumField() {
				fields = append(fields, q.Field(i).Tag.Get("query"))
			}
			if !slices.Equal(documented, fields) {
				t.Errorf("%s: query parameters %v documented, type %s has %v", where, documented, q, fields)
			}
		}
		success := op["responses"].(map[string]any)[strconv.Itoa(rt.status())].(map[string]any)
		content, _ := success["content"].(map[string]any)
		if rt.Handler.resp == nil {
			if content != nil || rt.status() != http.StatusNoContent {
				t.Errorf("%s: no response type but %d with %v", where, rt.status(), content)
			}
			continue
		}
		if rt.Handler.download != "" {
			if s, _ := content[rt.Handler.download].(map[string]any)["schema"].(map[string]any); s["format"] != "binary" {
				t.Errorf("%s: a download documented as %v", where, content)
			}
			continue
		}
		check(where+" response", content["application/json"].(map[string]any)["schema"].(map[string]any), rt.Handler.resp)
	}
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// jsonFields lists the JSON names of a struct's fields, sorted.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...) // flattened, as encoding/json does
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
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
