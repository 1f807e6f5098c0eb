// Package api is the hall's JSON API under /api/v1, for the mobile app and
// third-party tax software. Like the web pages it only translates: each
// handler decodes a request, calls one service method and encodes the
// result; authorization and every rule live in the services.
//
// Clients authenticate with a bearer token from POST /api/v1/auth/token.
// Cookies are never read here, so the API cannot be driven by cross-site
// requests from a browser that happens to be logged in to the web hall.
package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
)

// API holds the services the endpoints wrap.
type API struct {
	Auth      *auth.Service
	Orgs      *org.Service
	Taxpayers *taxpayer.Service
	Log       *slog.Logger
}

// Prefix is where the API lives.
const Prefix = "/api/v1"

// access says who a route is meant for. The services decide for real; the
// adapter only uses it to answer 401 to anonymous callers of non-public
// routes, and the OpenAPI document to describe the security requirement.
type access int

const (
	public       access = iota
	anyUser             // any logged-in taxpayer user or staff member
	taxpayerUser        // a taxpayer user
	staffUser           // a staff member (the service checks the role)
	adminUser           // a staff member with the admin role
)

// param is a query parameter of a route.
type param struct {
	Name string
	Type string // "string" or "integer"
	Doc  string // Chinese description
	Enum string // enum set name, see enumSets
}

// route is one endpoint. The table in routes.go drives both Register and the
// OpenAPI document, so they cannot drift apart.
type route struct {
	Method  string
	Path    string // ServeMux path, identical to the OpenAPI path
	Tag     string
	Summary string // Chinese, one line
	Doc     string // Chinese, optional longer description
	Access  access
	Query   []param
	Body    any // zero value of the request body type; nil when none
	Status  int // the success status
	Resp    any // zero value of the response type; nil for 204
	handle  func(w http.ResponseWriter, r *http.Request) error
}

type ctxKey int

const routeKey ctxKey = 0

// Register adds every route to mux, plus a JSON 404/405 for anything else
// under the prefix.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.routes() {
		mux.Handle(rt.Method+" "+rt.Path, a.adapt(rt))
	}
	mux.Handle(Prefix+"/", a.fallback(mux))
}

func (a *API) log() *slog.Logger {
	if a.Log != nil {
		return a.Log
	}
	return slog.Default()
}

// adapt turns a route into an http.Handler: it records the client address,
// resolves the bearer token to an actor, runs the handler and writes its
// error as JSON.
func (a *API) adapt(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w)
		ctx := auth.WithIP(r.Context(), httpx.ClientIP(r))
		ctx = context.WithValue(ctx, routeKey, &rt)
		ctx, err := a.authenticate(ctx, r, rt)
		r = r.WithContext(ctx)
		if err == nil {
			err = rt.handle(w, r)
		}
		if err != nil {
			a.fail(w, r, err)
		}
	})
}

func setHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
}

// authenticate returns ctx with the actor of the request's bearer token. A
// token that does not work is refused even on public routes, so that a
// client learns at once that it must log in again.
func (a *API) authenticate(ctx context.Context, r *http.Request, rt route) (context.Context, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		if rt.Access != public {
			return ctx, apperr.New(apperr.Unauthenticated, "请先登录：在 Authorization 请求头中携带 Bearer 访问令牌")
		}
		return ctx, nil
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return ctx, apperr.New(apperr.Unauthenticated, "Authorization 请求头格式应为：Bearer <访问令牌>")
	}
	actor, err := a.Auth.AuthenticateAPI(ctx, token)
	if err != nil {
		return ctx, err
	}
	return auth.WithActor(ctx, actor), nil
}

// fallback answers requests under the prefix that match no route: 405 with
// an Allow header when the path exists for other methods, else 404.
func (a *API) fallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setHeaders(w)
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" && p != Prefix+"/" {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			a.fail(w, r, apperr.New(apperr.MethodNotAllowed, "该接口不支持 "+r.Method+" 方法"))
			return
		}
		a.fail(w, r, apperr.New(apperr.NotFound, "接口不存在，请查阅 "+Prefix+"/openapi.json"))
	})
}
