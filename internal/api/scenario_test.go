package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// scenario is one request and what it must answer: a table row in the
// manner of pocketbase's tests.ApiScenario. The body is decoded and checked
// by path, never by substring.
type scenario struct {
	name   string
	method string
	url    string
	token  string
	body   any
	header map[string]string
	status int
	want   []expect
}

// expect is one check of a decoded JSON body. path is dotted: object keys,
// array indexes, and "*" for every element of an array (the values at the
// rest of the path, collected into an array).
type expect struct {
	path string
	op   string
	val  any
}

// eq: the value at path equals v (compared as JSON).
func eq(path string, v any) expect { return expect{path, "eq", v} }

// has: the string at path contains v, or the array at path holds v.
func has(path string, v any) expect { return expect{path, "has", v} }

// lacks is the opposite of has.
func lacks(path string, v any) expect { return expect{path, "lacks", v} }

// every: the array at path is not empty and each of its elements equals v.
func every(path string, v any) expect { return expect{path, "every", v} }

// count: the array at path has n elements.
func count(path string, n int) expect { return expect{path, "len", n} }

// present: path exists.
func present(path string) expect { return expect{path, "present", nil} }

// absent: path does not exist.
func absent(path string) expect { return expect{path, "absent", nil} }

// run plays scenarios in order, each as a subtest; later ones may rely on
// earlier ones.
func (e *env) run(scenarios []scenario) {
	e.t.Helper()
	for _, sc := range scenarios {
		e.t.Run(sc.name, func(t *testing.T) {
			t.Helper()
			res := e.with(t).do(sc.method, sc.url, sc.token, sc.body, sc.header)
			if res.status != sc.status {
				t.Fatalf("%s %s = %d, want %d: %s", sc.method, sc.url, res.status, sc.status, res.body)
			}
			if res.body != "" && !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") {
				t.Errorf("Content-Type %q", res.header.Get("Content-Type"))
			}
			if len(sc.want) == 0 {
				return
			}
			doc := decodeJSON(t, res.body)
			for _, w := range sc.want {
				w.check(t, doc, res.body)
			}
		})
	}
}

func (w expect) check(t *testing.T, doc any, body string) {
	t.Helper()
	got, found := lookup(doc, w.path)
	want := w.val
	if w.op != "len" {
		want = normJSON(t, w.val)
	}
	switch w.op {
	case "present", "absent":
		if found != (w.op == "present") {
			t.Errorf("%s: found=%v, want %s: %s", w.path, found, w.op, body)
		}
	case "every":
		a, ok := got.([]any)
		if !ok || len(a) == 0 || slices.ContainsFunc(a, func(x any) bool { return !reflect.DeepEqual(x, want) }) {
			t.Errorf("%s = %#v, want every element %#v: %s", w.path, got, want, body)
		}
	case "len":
		a, ok := got.([]any)
		if !ok || len(a) != w.val.(int) {
			t.Errorf("%s = %#v, want an array of %d: %s", w.path, got, w.val, body)
		}
	case "eq":
		if !found || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v: %s", w.path, got, want, body)
		}
	case "has", "lacks":
		if !found {
			t.Errorf("%s missing: %s", w.path, body)
			return
		}
		var holds bool
		switch g := got.(type) {
		case string:
			sub, ok := want.(string)
			holds = ok && strings.Contains(g, sub)
		case []any:
			holds = slices.ContainsFunc(g, func(x any) bool { return reflect.DeepEqual(x, want) })
		default:
			t.Fatalf("%s: %s needs a string or an array, got %#v", w.path, w.op, got)
		}
		if holds != (w.op == "has") {
			t.Errorf("%s = %#v: %s %#v fails: %s", w.path, got, w.op, want, body)
		}
	}
}

// lookup follows a dotted path into decoded JSON.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, true
	}
	parts := strings.Split(path, ".")
	for i, k := range parts {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[k]; !ok {
				return nil, false
			}
		case []any:
			if k == "*" {
				rest := strings.Join(parts[i+1:], ".")
				out := []any{}
				for _, el := range x {
					r, ok := lookup(el, rest)
					if inner, isArray := r.([]any); ok && isArray && strings.Contains(rest, "*") {
						out = append(out, inner...) // a.*.b.*: one flat array
					} else if ok {
						out = append(out, r)
					}
				}
				return out, true
			}
			n, err := strconv.Atoi(k)
			if err != nil || n < 0 || n >= len(x) {
				return nil, false
			}
			v = x[n]
		default:
			return nil, false
		}
	}
	return v, true
}

// normJSON turns a Go value into what decoding its JSON gives, so that 1
// and float64(1), []string and []any compare equal.
func normJSON(t *testing.T, v any) any {
	t.Helper()
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, string(b))
}

func decodeJSON(t *testing.T, body string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", body, err)
	}
	return v
}

// with returns e reporting to t.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

// jget follows a dotted path (object keys, array indexes) into a JSON body.
func jget(t *testing.T, body, path string) any {
	t.Helper()
	v, ok := lookup(decodeJSON(t, body), path)
	if !ok {
		t.Fatalf("no %s in %s", path, body)
	}
	return v
}

func jstr(t *testing.T, body, path string) string {
	t.Helper()
	s, _ := jget(t, body, path).(string)
	return s
}

func jid(t *testing.T, body, path string) string {
	t.Helper()
	n, ok := jget(t, body, path).(float64)
	if !ok {
		t.Fatalf("no number at %s in %s", path, body)
	}
	return strconv.FormatInt(int64(n), 10)
}
