// Package api is the hall's JSON API under /api/v1, for the mobile app and
// third-party tax software. Like the web pages it only translates: each
// handler decodes a request, calls one service method and encodes the
// result; authorization and every rule live in the services.
//
// Each capability binds its own routes (authRoutes in auth.go,
// taxpayerRoutes in taxpayers.go, ...); routes.go concatenates them. A
// route's handler is a typed function wrapped by handle, which decodes its
// request type, encodes its response type and records both for the OpenAPI
// document, so the document cannot describe other types than the handler
// uses.
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
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/certs"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/filingcal"
	"taxhall/internal/httpx"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/iitw"
	"taxhall/internal/kb"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
	"taxhall/internal/survey"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
	"taxhall/internal/training"
	"taxhall/internal/workflow"
)

// API holds the services the endpoints wrap.
type API struct {
	Auth      *auth.Service
	Orgs      *org.Service
	Taxpayers *taxpayer.Service
	Returns   *returns.Service
	Employees *iitw.Roster
	Sources   *taxsource.Service // the tax sources (税源)
	Messages  *messages.Service  // the taxpayer's inbox
	Calendar  *filingcal.Service // the filing calendar
	Workflow  *workflow.Service  // on-application items and the staff's tasks
	// Interaction (interact.go).
	Consult    *consult.Service
	Complaints *complaints.Service
	Appoint    *appoint.Service
	Survey     *survey.Service
	KB         *kb.Service
	Training   *training.Service
	Payments   *payment.Service    // payment through the bank link
	Notify     *notify.Service     // 定制服务 (e-mail and SMS choices)
	Certs      *certs.Service      // certificates and their verification
	IITRecords *iitrecords.Service // a natural person's 纳税记录
	IITAnnual  *iitannual.Service  // the annual reconciliation's refunds
	Log        *slog.Logger
	Public     PublicServices // the library, guides, search and lists (public.go)
}

// Prefix is where the API lives.
const Prefix = "/api/v1"

// Access says who a route is meant for. The adapter answers 401 to
// anonymous callers of non-public routes and 403 to the other side of the
// hall (allows), as the web pages' audience does; the services decide the
// rest (roles, scope). The OpenAPI document describes it as the security
// requirement.
type Access int

const (
	Public       Access = iota
	AnyUser             // any logged-in taxpayer user or staff member
	TaxpayerUser        // a taxpayer user
	StaffUser           // a staff member (the service checks the role)
	AdminUser           // a staff member with the admin role
	// IntakeClient is the SMS platform or hotline system of a bureau,
	// with an intake token (consult.IntakePrefix), never a user's token.
	IntakeClient
)

var accessNames = [...]string{"public", "any_user", "taxpayer_user", "staff_user", "admin_user", "intake_client"}

func (a Access) String() string { return accessNames[a] }

// allows refuses a logged-in actor from the other side of the hall: staff
// on a taxpayer route, a taxpayer user on a staff route (who would
// otherwise reach, say, the staff view of their own record).
func (a Access) allows(actor *auth.Actor) error {
	switch {
	case a == TaxpayerUser && actor.Kind != auth.Taxpayer:
		return apperr.New(apperr.Forbidden, "此功能仅限纳税人使用")
	case (a == StaffUser || a == AdminUser) && actor.Kind != auth.Staff:
		return apperr.New(apperr.Forbidden, "此功能仅限税务工作人员使用")
	}
	return nil
}

// route is one endpoint. The capability tables drive both Register and the
// OpenAPI document, so they cannot drift apart.
type route struct {
	Pattern string // "METHOD /path" below Prefix, as in a ServeMux pattern
	Tag     string
	Summary string // Chinese, one line
	Doc     string // Chinese, optional longer description
	Access  Access
	// Object names what the path's first id ({id}) designates, as in the web
	// route table: "taxpayer", "taxpayer_user", "org" or "staff"; "" when
	// the path takes no id. A nested {iid} is an identification of that
	// taxpayer. The authorization matrix (internal/app) resolves it.
	Object string
	// Values are the path's wildcards that name a code, not an id ({code},
	// {form}, {period}): documented as strings and left out of
	// RouteInfo.IDs. Every other wildcard is a numeric id.
	Values []pathValue
	// Idempotent routes require an Idempotency-Key header: the first
	// request answers Status (201), a repeat with the same key 200 with the
	// same object and creates nothing (the response reports replayed()).
	Idempotent bool
	Status     int           // success status; 0 means 200, or 204 when the handler returns noContent
	Errors     []apperr.Code // errors the route's service may return beyond those every route has (see statuses)
	Handler    handler

	// Method and Path are filled in by routes() from Pattern and Prefix.
	Method, Path string
}

// pathValue is a path wildcard that holds a code rather than an id.
type pathValue struct {
	Name    string
	Doc     string // Chinese
	Pattern string // a regular expression for the document
	Example string
}

// value returns the route's declaration of the path wildcard name, if it
// is a code.
func (rt *route) value(name string) (pathValue, bool) {
	for _, v := range rt.Values {
		if v.Name == name {
			return v, true
		}
	}
	return pathValue{}, false
}

// status is the success status of the route.
func (rt *route) status() int {
	switch {
	case rt.Status != 0:
		return rt.Status
	case rt.Handler.resp == nil:
		return http.StatusNoContent
	}
	return http.StatusOK
}

// RouteInfo describes an endpoint to tests outside the package, for example
// an authorization matrix that calls every route with an id as a principal
// of another taxpayer or bureau.
type RouteInfo struct {
	Method string
	Path   string // full path with {name} wildcards, e.g. /api/v1/taxpayers/{id}
	Access Access
	Object string   // what {id} designates (see route.Object)
	IDs    []string // names of the path's id wildcards, in order
	Body   bool     // the route reads a JSON request body
	// Values are the path's other wildcards with an example value each
	// ({form}: "vat_small"), to build a path that reaches the handler.
	Values map[string]string
}

// HasID reports whether the path names an object by id.
func (ri RouteInfo) HasID() bool { return len(ri.IDs) > 0 }

// Routes lists every endpoint of the API.
func (a *API) Routes() []RouteInfo {
	var out []RouteInfo
	for _, rt := range a.routes() {
		ri := RouteInfo{Method: rt.Method, Path: rt.Path, Access: rt.Access, Object: rt.Object, Body: rt.hasBody()}
		for _, m := range pathParamRe.FindAllStringSubmatch(rt.Path, -1) {
			if v, ok := rt.value(m[1]); ok {
				if ri.Values == nil {
					ri.Values = map[string]string{}
				}
				ri.Values[m[1]] = v.Example
				continue
			}
			ri.IDs = append(ri.IDs, m[1])
		}
		out = append(out, ri)
	}
	return out
}

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
		ctx, err := a.authenticate(ctx, r, rt)
		r = r.WithContext(ctx)
		if err == nil {
			err = rt.Handler.serve(w, r, &rt)
		}
		if err != nil {
			if observeError != nil {
				observeError(&rt, apperr.CodeOf(err))
			}
			a.fail(w, r, err)
		}
	})
}

// observeError, when set (by the tests), sees the code of every error a
// route answers, so that the tests can fail on an error status the
// document does not list for the route.
var observeError func(rt *route, code apperr.Code)

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
		if rt.Access != Public {
			return ctx, apperr.New(apperr.Unauthenticated, "请先登录：在 Authorization 请求头中携带 Bearer 访问令牌")
		}
		return ctx, nil
	}
	scheme, token, _ := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return ctx, apperr.New(apperr.Unauthenticated, "Authorization 请求头格式应为：Bearer <访问令牌>")
	}
	if rt.Access == IntakeClient {
		// Only an intake token opens an intake route, and it opens
		// nothing else (AuthenticateAPI knows no such token).
		in, err := a.Consult.AuthenticateIntake(ctx, token)
		if err != nil {
			return ctx, err
		}
		return consult.WithIntake(ctx, in), nil
	}
	actor, err := a.Auth.AuthenticateAPI(ctx, token)
	if err != nil {
		return ctx, err
	}
	if err := rt.Access.allows(actor); err != nil {
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
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
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
