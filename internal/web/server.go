// Package web is the server-rendered hall: the public pages, the taxpayer
// hall and the staff platform. Handlers parse a form, call one service
// method and render or redirect; decisions live in the services.
package web

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/httpx"
	"taxhall/internal/obs"
	"taxhall/internal/org"
	"taxhall/internal/taxpayer"
)

//go:embed all:templates static
var assets embed.FS

// Server holds what the pages need.
type Server struct {
	DB            *db.DB
	Auth          *auth.Service
	Orgs          *org.Service
	Taxpayers     *taxpayer.Service
	Log           *slog.Logger
	SecureCookies bool // set Secure on cookies even without TLS (behind a TLS proxy)

	pages map[string]*pageTemplate
}

// New parses the templates once.
func New(s Server) (*Server, error) {
	srv := &s
	if srv.Log == nil {
		srv.Log = slog.Default()
	}
	pages, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	srv.pages = pages
	return srv, nil
}

// handler is a page handler; a returned error is rendered by one adapter.
type handler func(w http.ResponseWriter, r *http.Request) error

// Register adds the site's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(assets, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.Handle("GET /{$}", s.h(s.home))
	mux.Handle("GET /search", s.h(s.search))

	mux.Handle("GET /login", s.h(s.loginForm))
	mux.Handle("POST /login", s.h(s.loginSubmit))
	mux.Handle("GET /staff/login", s.h(s.staffLoginForm))
	mux.Handle("POST /staff/login", s.h(s.staffLoginSubmit))
	mux.Handle("POST /logout", s.h(s.logout))
	mux.Handle("GET /account/password", s.h(s.passwordForm))
	mux.Handle("POST /account/password", s.h(s.passwordSubmit))

	mux.Handle("GET /register", s.h(s.registerChoice))
	mux.Handle("GET /register/enterprise", s.h(s.registerEnterpriseForm))
	mux.Handle("POST /register/enterprise", s.h(s.registerEnterpriseSubmit))
	mux.Handle("GET /register/individual", s.h(s.registerIndividualForm))
	mux.Handle("POST /register/individual", s.h(s.registerIndividualSubmit))

	mux.Handle("GET /hall", s.h(s.hallHome))
	mux.Handle("GET /hall/users", s.h(s.hallUsers))
	mux.Handle("GET /hall/users/new", s.h(s.hallUserNew))
	mux.Handle("POST /hall/users", s.h(s.hallUserCreate))
	mux.Handle("GET /hall/users/{id}", s.h(s.hallUserEdit))
	mux.Handle("POST /hall/users/{id}", s.h(s.hallUserUpdate))
	mux.Handle("POST /hall/users/{id}/password", s.h(s.hallUserPassword))

	mux.Handle("GET /staff", s.h(s.staffHome))
	mux.Handle("GET /staff/taxpayers", s.h(s.staffTaxpayers))
	mux.Handle("GET /staff/taxpayers/{id}", s.h(s.staffTaxpayer))
	mux.Handle("POST /staff/taxpayers/{id}/identifications", s.h(s.staffIdentify))
	mux.Handle("POST /staff/taxpayers/{id}/identifications/{iid}/end", s.h(s.staffIdentificationEnd))

	mux.Handle("GET /staff/orgs", s.h(s.staffOrgs))
	mux.Handle("POST /staff/orgs", s.h(s.staffOrgCreate))
	mux.Handle("GET /staff/orgs/{id}", s.h(s.staffOrgEdit))
	mux.Handle("POST /staff/orgs/{id}", s.h(s.staffOrgUpdate))
	mux.Handle("GET /staff/staff", s.h(s.staffStaffList))
	mux.Handle("GET /staff/staff/new", s.h(s.staffStaffNew))
	mux.Handle("POST /staff/staff", s.h(s.staffStaffCreate))
	mux.Handle("GET /staff/staff/{id}", s.h(s.staffStaffEdit))
	mux.Handle("POST /staff/staff/{id}", s.h(s.staffStaffUpdate))
	mux.Handle("POST /staff/staff/{id}/password", s.h(s.staffStaffPassword))
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// h loads the session's actor, sets security headers, runs the handler and
// renders its error.
func (s *Server) h(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("X-Frame-Options", "DENY")
		hdr.Set("Referrer-Policy", "same-origin")
		hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		ctx := auth.WithIP(r.Context(), httpx.ClientIP(r))
		if c, err := r.Cookie(cookieName(s.secure(r))); err == nil && c.Value != "" {
			if a, err := s.Auth.AuthenticateWeb(ctx, c.Value); err == nil {
				ctx = auth.WithActor(ctx, a)
			} else if apperr.CodeOf(err) == apperr.Unauthenticated {
				s.clearSession(w, r)
			} else {
				s.fail(w, r.WithContext(ctx), err)
				return
			}
		}
		r = r.WithContext(ctx)
		if err := fn(w, r); err != nil {
			s.fail(w, r, err)
		}
	})
}

// fail renders err: a login redirect when unauthenticated, else an error
// page with the status of its code.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := apperr.CodeOf(err)
	if code == apperr.Unauthenticated {
		// A page asks for a login and comes back afterwards. A form posted
		// after the session expired shows the login form with the reason and
		// returns to the form's page (what was typed cannot be kept).
		page, title, target := "login.html", "纳税人登录", "/login"
		if strings.HasPrefix(r.URL.Path, "/staff") {
			page, title, target = "staff_login.html", "税务人员登录", "/staff/login"
		}
		if r.Method == http.MethodGet {
			http.Redirect(w, r, target+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		next := ""
		if ref, perr := url.Parse(r.Referer()); perr == nil && ref.Host == r.Host {
			next = ref.RequestURI()
		}
		s.render(w, r, http.StatusUnauthorized, page, &Page{Title: title, Next: next,
			Errors: map[string]string{"_": "登录已超时或尚未登录，请重新登录后再办理。"}})
		return
	}
	status := apperr.Status(code)
	msg := "系统繁忙，请稍后再试。如问题持续，请拨打12366纳税服务热线。"
	if e := apperr.As(err); e != nil && code != apperr.Internal {
		msg = e.Message
	}
	if status >= 500 {
		obs.Logger(r.Context(), s.Log).Error("request failed", "err", err, "path", r.URL.Path)
	}
	s.render(w, r, status, "error.html", &Page{Title: titleOf[status], Data: map[string]any{"Status": status, "Message": msg}})
}

var titleOf = map[int]string{
	http.StatusUnprocessableEntity: "填写有误",
	http.StatusNotFound:            "页面不存在",
	http.StatusForbidden:           "无权访问",
	http.StatusConflict:            "操作冲突",
	http.StatusUnauthorized:        "请先登录",
	http.StatusTooManyRequests:     "操作过于频繁",
	http.StatusInternalServerError: "系统繁忙",
}

var errLogin = apperr.New(apperr.Unauthenticated, "请先登录")

// NotFound renders the 404 page for paths no route matches.
func (s *Server) NotFound() http.Handler {
	return s.h(func(w http.ResponseWriter, r *http.Request) error {
		return apperr.New(apperr.NotFound, "您访问的页面不存在，请从首页重新进入。")
	})
}

// invalid reports whether err carries per-field messages to show on a form.
func invalid(err error) (map[string]string, bool) {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Invalid {
		if e.Fields == nil {
			return map[string]string{"_": e.Message}, true
		}
		return e.Fields, true
	}
	return nil, false
}
