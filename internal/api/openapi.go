package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"taxhall/internal/apperr"
	"taxhall/internal/input"
)

func (a *API) metaRoutes() []route {
	return []route{
		{Pattern: "GET /openapi.json", Tag: tagMeta, Access: Public,
			Summary: "OpenAPI 3.1 接口文档", Handler: raw(a.openAPI)},
	}
}

// obj is a JSON object of the OpenAPI document.
type obj = map[string]any

// spec is the document, built once from the route table. It depends on the
// table's metadata only, not on the API's services.
var spec struct {
	once sync.Once
	json []byte
	err  error
}

func (a *API) openAPI(w http.ResponseWriter, r *http.Request) error {
	spec.once.Do(func() { spec.json, spec.err = json.MarshalIndent(buildSpec(a.routes()), "", "  ") })
	if spec.err != nil {
		return spec.err
	}
	b := spec.json
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b) // a failed write means the client has gone
	return nil
}

var pathParamRe = regexp.MustCompile(`\{(\w+)\}`)

// errorResponses are the shared error responses, by status; every status
// of apperr's table has one (a test checks).
var errorResponses = map[int]struct{ name, doc string }{
	400: {"BadRequest", "请求体不是有效的 JSON、包含未知字段，文字含有无法识别的字符、控制字符或超过 2000 字，或查询参数格式错误（code=bad_request），fields 给出出错的字段"},
	401: {"Unauthenticated", "未登录、令牌无效或已过期（code=unauthenticated），响应头带 WWW-Authenticate: Bearer"},
	403: {"Forbidden", "已登录但无权办理（code=forbidden）"},
	404: {"NotFound", "资源不存在或不在您的管辖范围内（code=not_found）"},
	405: {"MethodNotAllowed", "该路径不支持此方法（code=method_not_allowed），响应头 Allow 列出支持的方法"},
	409: {"Conflict", "与当前状态冲突（code=conflict）"},
	413: {"TooLarge", "请求体超过上限：JSON 为 1 MiB，文件导入见该接口说明（code=too_large）"},
	415: {"UnsupportedMediaType", "请求体须为 application/json；文件导入接口为该接口列出的类型（code=unsupported_media_type）"},
	422: {"Invalid", "提交的信息有误，fields 按字段给出中文说明（code=invalid）"},
	429: {"TooMany", "尝试次数过多，已暂时限制（code=too_many）"},
	500: {"Internal", "系统内部错误（code=internal）"},
	503: {"Unavailable", "暂时无法办理，如服务器缺少生成 PDF 的中文字体（code=unavailable）"},
}

// possibleErrors is every error code the route may answer: those every route
// of its kind has, then its own Errors. Any route answers 401 to a bad
// token, even a public one (see authenticate).
func (rt *route) possibleErrors() []apperr.Code {
	codes := []apperr.Code{apperr.Internal, apperr.Unauthenticated}
	if rt.Handler.req != nil {
		codes = append(codes, apperr.BadRequest)
	}
	if rt.hasBody() || rt.Handler.upload != nil {
		codes = append(codes, apperr.TooLarge, apperr.UnsupportedType)
	}
	if rt.Access > AnyUser {
		codes = append(codes, apperr.Forbidden)
	}
	if strings.Contains(rt.Path, "{") {
		codes = append(codes, apperr.NotFound)
	}
	return append(codes, rt.Errors...)
}

// buildSpec renders the route table as an OpenAPI 3.1 document.
func buildSpec(routes []route) obj {
	g := newSchemaGen()
	errRef := g.schema(typeOf(errorBody{}))
	paths := obj{}
	for _, rt := range routes {
		item, _ := paths[rt.Path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = g.operation(rt)
	}
	responses := obj{}
	for _, e := range errorResponses {
		responses[e.name] = obj{"description": e.doc, "content": obj{"application/json": obj{"schema": errRef}}}
	}
	var tagList []obj
	for _, t := range tags {
		tagList = append(tagList, obj{"name": t.Name, "description": t.Doc})
	}
	return obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "办税服务厅 API",
			"version": "1.0.0",
			"description": "办税服务厅的 JSON 接口。请求体均为 JSON（Content-Type: application/json，不超过 1 MiB，不接受未知字段）；" +
				"需要登录的接口在 Authorization 请求头中携带 POST /api/v1/auth/token 取得的 Bearer 令牌，本接口不读取 Cookie。" +
				"出错时返回 {\"error\":{\"code\",\"message\",\"fields\"}}，message 和 fields 为可直接展示的中文说明。",
		},
		"servers": []obj{{"url": "/"}},
		"tags":    tagList,
		"paths":   paths,
		"components": obj{
			"schemas":   g.components,
			"responses": responses,
			"securitySchemes": obj{"bearerAuth": obj{"type": "http", "scheme": "bearer",
				"description": "POST /api/v1/auth/token 返回的访问令牌，有效期 24 小时"},
				"intakeToken": obj{"type": "http", "scheme": "bearer",
					"description": "短信平台、热线系统的接入令牌（itk_ 开头），由管理员签发，只能用于 POST /api/v1/intake/questions"}},
		},
	}
}

func (g *schemaGen) operation(rt route) obj {
	op := obj{"operationId": operationID(rt), "summary": rt.Summary, "tags": []string{rt.Tag}}
	if rt.Doc != "" {
		op["description"] = rt.Doc
	}
	var params []obj
	for _, m := range pathParamRe.FindAllStringSubmatch(rt.Path, -1) {
		if v, ok := rt.value(m[1]); ok {
			params = append(params, obj{"name": m[1], "in": "path", "required": true, "description": v.Doc,
				"schema": obj{"type": "string", "pattern": v.Pattern, "examples": []string{v.Example}}})
			continue
		}
		params = append(params, obj{"name": m[1], "in": "path", "required": true,
			"schema": obj{"type": "integer", "format": "int64", "minimum": 1}})
	}
	if rt.Idempotent {
		params = append(params, idempotencyKeyParam)
	}
	if q := rt.query(); q != nil {
		params = append(params, g.queryParams(q)...)
	}
	if params != nil {
		op["parameters"] = params
	}
	success := obj{"description": "成功"}
	switch {
	case rt.Handler.download != "":
		success["content"] = obj{rt.Handler.download: obj{"schema": obj{"type": "string", "format": "binary"}}}
	case rt.Handler.resp != nil:
		success["content"] = obj{"application/json": obj{"schema": g.schema(rt.Handler.resp)}}
	}
	if rt.hasBody() {
		op["requestBody"] = obj{"required": true, "content": obj{"application/json": obj{"schema": g.schema(rt.Handler.req)}}}
	}
	if types := rt.Handler.upload; types != nil {
		content := obj{}
		for _, t := range types {
			content[t] = obj{"schema": obj{"type": "string", "format": "binary"}}
			if t == "multipart/form-data" {
				content[t] = obj{"schema": obj{"type": "object", "required": []string{"file"},
					"properties": obj{"file": obj{"type": "string", "format": "binary", "description": "上传的文件"}}}}
			}
		}
		op["requestBody"] = obj{"required": true, "content": content}
	}
	switch rt.Access {
	case Public:
	case IntakeClient:
		op["security"] = []obj{{"intakeToken": []string{}}}
	default:
		op["security"] = []obj{{"bearerAuth": []string{}}}
	}
	responses := obj{strconv.Itoa(rt.status()): success}
	if rt.Idempotent {
		replay := obj{"description": "同一 Idempotency-Key 此前已提交成功：返回同一对象（replayed 为 true），不会再次创建"}
		replay["content"] = success["content"]
		responses[strconv.Itoa(http.StatusOK)] = replay
	}
	for _, c := range rt.possibleErrors() {
		s := apperr.Status(c)
		responses[strconv.Itoa(s)] = obj{"$ref": "#/components/responses/" + errorResponses[s].name}
	}
	op["responses"] = responses
	return op
}

// idempotencyKeyParam is the header an Idempotent route requires.
var idempotencyKeyParam = obj{"name": "Idempotency-Key", "in": "header", "required": true,
	"description": "幂等键：8 至 64 位字母、数字、“-”或“_”，每份申报由客户端生成一个（如 UUID）。网络中断后用同一幂等键重试，" +
		"只会得到同一份申报的回执，不会重复申报；缺少或格式不对时返回 400。",
	"schema": obj{"type": "string", "minLength": 8, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]{8,64}$"}}

// queryParams documents the fields of a query type (see decodeQuery).
func (g *schemaGen) queryParams(t reflect.Type) []obj {
	var out []obj
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("query")
		if name == "" {
			continue
		}
		s := obj{"type": "string", "maxLength": input.MaxQuery}
		if k := f.Type.Kind(); k == reflect.Int || k == reflect.Int64 {
			s = obj{"type": "integer"}
			if n, ok := intTag(f, "min"); ok {
				s["minimum"] = n
			}
			if n, ok := intTag(f, "max"); ok {
				s["maximum"] = n
			}
		}
		if set := f.Tag.Get("enum"); set != "" {
			s["enum"] = g.enums[set]
		}
		out = append(out, obj{"name": name, "in": "query", "required": false, "description": f.Tag.Get("doc"), "schema": s})
	}
	return out
}

// operationID derives a stable camel-case id: GET /api/v1/my/users/{id} is
// getMyUsersById.
func operationID(rt route) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(rt.Method))
	for _, seg := range strings.Split(strings.TrimPrefix(rt.Path, Prefix+"/"), "/") {
		if strings.HasPrefix(seg, "{") {
			b.WriteString("By")
			seg = strings.Trim(seg, "{}")
		}
		for _, word := range strings.FieldsFunc(seg, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			b.WriteString(strings.ToUpper(word[:1]) + word[1:])
		}
	}
	return b.String()
}
