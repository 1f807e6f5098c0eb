package api

import (
	"net/http"
	"slices"

	"taxhall/internal/apperr"
	"taxhall/internal/obs"
)

// internalMessage is all a client learns about a 500.
const internalMessage = "系统繁忙，请稍后再试；如问题持续，请联系12366纳税服务热线"

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code" doc:"错误代码" enum:"error_codes"`
	Message string            `json:"message" doc:"可直接展示给用户的中文说明"`
	Fields  map[string]string `json:"fields,omitempty" doc:"按字段的中文说明，键为请求体中的字段名（注册接口中管理员用户的字段带 user_ 前缀）"`
	// Existing is set by errorExtras (returns.go).
	Existing *returnRef `json:"existing,omitempty" doc:"重复申报（409）时已受理的那份申报"`
}

// errorCodes lists the codes a client can see, for the OpenAPI document.
func errorCodes() []string {
	var out []string
	for _, c := range apperr.Codes() {
		out = append(out, string(c))
	}
	slices.Sort(out)
	return out
}

// fail writes err as JSON with the status of its code. Internal errors are
// logged with their cause and answered with a generic message.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	status := apperr.Status(e.Code)
	body := errorBody{Error: errorDetail{Code: string(e.Code), Message: e.Message, Fields: e.Fields}}
	errorExtras(err, &body.Error)
	if status >= http.StatusInternalServerError {
		status = http.StatusInternalServerError
		body.Error = errorDetail{Code: string(apperr.Internal), Message: internalMessage}
		obs.Logger(r.Context(), a.log()).Error("api: internal error",
			"method", r.Method, "path", r.URL.Path, "pattern", r.Pattern, "err", err)
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="taxhall"`)
	}
	writeJSON(w, status, body)
}
