package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// decode reads a JSON request body into v: JSON content type only, at most
// maxBody bytes, no unknown fields, exactly one value.
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
	return nil
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
		io.WriteString(w, `{"error":{"code":"internal","message":"`+internalMessage+`"}}`+"\n")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// reply writes a handler's result with its route's success status, so that
// the status in the route table is the one clients get.
func reply(w http.ResponseWriter, r *http.Request, v any) error {
	status := http.StatusOK
	if rt, ok := r.Context().Value(routeKey).(*route); ok && rt.Status != 0 {
		status = rt.Status
	}
	if status == http.StatusNoContent {
		v = nil
	}
	writeJSON(w, status, v)
	return nil
}

// queryInt reads an optional integer query parameter (0 when absent).
func queryInt(r *http.Request, name string) (int64, error) {
	s := strings.TrimSpace(r.URL.Query().Get(name))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &apperr.Error{Code: apperr.BadRequest, Message: "查询参数 " + name + " 应为整数", Fields: map[string]string{name: "应为整数"}}
	}
	return n, nil
}
