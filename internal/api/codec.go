package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/input"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// decode reads a JSON request body into v: JSON content type only, at most
// maxBody bytes, no unknown fields, exactly one value, and every string in
// it acceptable text (see checkText).
func decode(w http.ResponseWriter, r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apperr.New(apperr.UnsupportedType, "请求体须为 JSON，并设置 Content-Type: application/json")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.New(apperr.BadRequest, "请求体只能包含一个 JSON 对象")
	}
	return checkText(reflect.ValueOf(v))
}

// decodeError explains a decoding failure in Chinese.
func decodeError(err error) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return apperr.New(apperr.TooLarge, "请求体不能超过 1 MiB")
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.BadRequest, "请求体不能为空，请提交 JSON 对象")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return apperr.New(apperr.BadRequest, "请求体应为 JSON 对象")
		}
		msg := "字段类型不正确，应为" + jsonKind(typeErr.Type.Kind().String())
		return &apperr.Error{Code: apperr.BadRequest, Message: "字段 " + field + " 的类型不正确", Fields: map[string]string{field: msg}, Err: err}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return &apperr.Error{Code: apperr.BadRequest, Message: "请求体包含未知字段 " + field, Fields: map[string]string{field: "未知字段"}, Err: err}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return &apperr.Error{Code: apperr.BadRequest, Message: "请求体不是有效的 JSON", Err: err}
	}
	return &apperr.Error{Code: apperr.BadRequest, Message: "无法解析请求体", Err: err}
}

func jsonKind(goKind string) string {
	switch {
	case goKind == "string":
		return "字符串"
	case goKind == "bool":
		return "布尔值"
	case strings.HasPrefix(goKind, "int"), strings.HasPrefix(goKind, "uint"):
		return "整数"
	case goKind == "slice":
		return "数组"
	case goKind == "struct", goKind == "map":
		return "对象"
	}
	return goKind
}

// writeJSON writes v with the given status; a nil v writes no body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		// Our own types always encode; this is a programming error.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"error":{"code":"internal","message":"`+internalMessage+`"}}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	// A failed write means the client has gone; the status is sent and
	// there is no one left to tell.
	_, _ = w.Write(buf.Bytes())
}

// checkText refuses text that input.Check refuses anywhere in a decoded
// body: nested objects, arrays and map keys included. encoding/json has
// already turned invalid UTF-8 into U+FFFD and \u0000 into NUL, both of
// which Check refuses, so no bad byte reaches a service (PostgreSQL would
// answer SQLSTATE 22021, a 500). Nested fields are named parent_child, as
// the registration's user_ fields are.
func checkText(v reflect.Value) error {
	var bad map[string]string
	walkText(v, "", func(field, s string) {
		if msg := input.Check(s, input.MaxValue); msg != "" {
			if bad == nil {
				bad = map[string]string{}
			}
			if _, seen := bad[field]; !seen {
				bad[field] = msg
			}
		}
	})
	if bad == nil {
		return nil
	}
	return &apperr.Error{Code: apperr.BadRequest, Message: "请求体中有字段含有无法识别的字符、控制字符或过长的文字", Fields: bad}
}

// walkText calls fn with every string in v and the JSON name of the field
// holding it.
func walkText(v reflect.Value, field string, fn func(field, s string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkText(v.Elem(), field, fn)
		}
	case reflect.String:
		fn(field, v.String())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-" || !f.IsExported() && !f.Anonymous:
				continue
			case f.Anonymous && name == "":
				walkText(v.Field(i), field, fn) // flattened, as encoding/json does
				continue
			case name == "":
				name = f.Name
			}
			if field != "" {
				name = field + "_" + name
			}
			walkText(v.Field(i), name, fn)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkText(v.Index(i), field, fn)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			walkText(it.Key(), field, fn)
			walkText(it.Value(), field, fn)
		}
	}
}

// decodeQuery fills the struct v points to from the query string. Each
// field tagged query:"name" is one parameter: strings are trimmed and hold
// at most input.MaxQuery characters of acceptable text; integers are
// parsed and held to the field's min and max tags. Every other parameter
// is ignored, but its text is checked too, so no bad byte is logged.
func decodeQuery(r *http.Request, v any) error {
	q := r.URL.Query()
	if bad := input.Values(q, input.MaxValue); bad != nil {
		return &apperr.Error{Code: apperr.BadRequest, Message: "查询参数含有无法识别的字符或控制字符", Fields: bad}
	}
	rv := reflect.ValueOf(v).Elem()
	bad := map[string]string{}
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		name := f.Tag.Get("query")
		s := strings.TrimSpace(q.Get(name))
		if name == "" || s == "" {
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			if msg := input.Check(s, input.MaxQuery); msg != "" {
				bad[name] = msg
				continue
			}
			rv.Field(i).SetString(s)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				bad[name] = "应为整数"
				continue
			}
			if lo, ok := intTag(f, "min"); ok && n < lo {
				bad[name] = "不能小于 " + strconv.FormatInt(lo, 10)
				continue
			}
			if hi, ok := intTag(f, "max"); ok && n > hi {
				bad[name] = "不能大于 " + strconv.FormatInt(hi, 10)
				continue
			}
			if rv.Field(i).OverflowInt(n) {
				bad[name] = "超出范围"
				continue
			}
			rv.Field(i).SetInt(n)
		default:
			panic("api: query parameter " + name + " has unsupported type " + f.Type.String())
		}
	}
	if len(bad) > 0 {
		msg := "查询参数格式不正确"
		if len(bad) == 1 {
			for name, m := range bad {
				msg = "查询参数 " + name + " " + m
			}
		}
		return &apperr.Error{Code: apperr.BadRequest, Message: msg, Fields: bad}
	}
	return nil
}

// intTag reads an integer struct tag such as min:"1".
func intTag(f reflect.StructField, key string) (int64, bool) {
	s, ok := f.Tag.Lookup(key)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		panic("api: bad " + key + " tag on " + f.Name)
	}
	return n, true
}
