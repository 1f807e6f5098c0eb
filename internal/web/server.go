// Package web is the server-rendered hall: the public pages, the taxpayer
// hall and the staff platform. Handlers parse a form, call one service
// method and render or redirect; decisions live in the services.
package web

import (
	"context"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"taxhall/internal/certs"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/filingcal"
	"taxhall/internal/guides"
	"taxhall/internal/httpx"
	"taxhall/internal/iitw"
	"taxhall/internal/kb"
	"taxhall/internal/laws"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/obs"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/publists"
	"taxhall/internal/returns"
	"taxhall/internal/search"
	"taxhall/internal/stats"
	"taxhall/internal/survey"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
	"taxhall/internal/training"
)

//go:embed all:templates static
var assets embed.FS

// Server holds what the pages need.
type Server struct {
	DB            *db.DB
	Auth          *auth.Service
	Orgs          *org.Service
	Taxpayers     *taxpayer.Service
	Returns       *returns.Service
	Employees     *iitw.Roster        // the roster of employers withholding on wages
	Sources       *taxsource.Service  // the tax sources (税源) of property and land use tax
	Messages      *messages.Service   // the taxpayer's inbox (站内信)
	Calendar      *filingcal.Service  // the filing calendar (征期日历)
	Laws          *laws.Service       // the regulation library (法规库)
	Search        *search.Index       // full-text search of the library, guides and articles
	Guides        *guides.Catalog     // the tax guides (办税指南)
	CMS           *cms.Service        // the bureau sites' columns and articles (信息公开)
	Lists         *publists.Service   // the public lists (公开名单)
	Stats         *stats.Recorder     // visits and searches of the public pages; nil counts nothing
	Payments      *payment.Service    // payment through the bank link (缴税)
	Workflow      *workflow.Service   // on-application items and the staff platform
	Uploads       *uploads.Service    // uploaded files (materials)
	Notify        *notify.Service     // 定制服务: e-mail and SMS choices, the SMS outbox
	Appoint       *appoint.Service    // service appointments (服务预约)
	Complaints    *complaints.Service // complaints, reports, director's mailbox
	Consult       *consult.Service    // the 12366 consultation queue
	Survey        *survey.Service     // online surveys (网上调查)
	Training      *training.Service   // the training centre (纳税人学堂)
	KB            *kb.Service         // the 12366 knowledge base (知识库)
	Certs         *certs.Service      // certificates (完税证明) and their public verification
	IITRecords    *iitrecords.Service // a natural person's 纳税记录
	IITAnnual     *iitannual.Service  // the annual reconciliation's refunds
	Log           *slog.Logger
	SecureCookies bool // set Secure on cookies even without TLS (behind a TLS proxy)

	pages  map[string]*pageTemplate
	bureau *bureauCache

	pcache *pageCache // the public page cache (pagecache.go)
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
	srv.pcache = &pageCache{entries: map[string]*cachedPage{}}
	if srv.Search == nil && srv.DB != nil {
		srv.Search = search.New(srv.DB)
	}
	if srv.Guides == nil {
		if srv.Guides, err = guides.Load(); err != nil {
			return nil, err
		}
	}
	if srv.CMS == nil && srv.DB != nil {
		srv.CMS = &cms.Service{DB: srv.DB, Index: srv.Search, Now: time.Now}
	}
	if srv.Lists == nil && srv.DB != nil {
		srv.Lists = &publists.Service{DB: srv.DB, Now: time.Now}
	}
	if srv.Laws == nil && srv.DB != nil {
		srv.Laws = &laws.Service{DB: srv.DB, Index: srv.Search, Now: time.Now}
	}
	if srv.KB == nil && srv.DB != nil {
		srv.KB = &kb.Service{DB: srv.DB, Index: srv.Search, Now: time.Now}
	}
	srv.bureau = &bureauCache{}
	return srv, nil
}

// handler is a page handler; a returned error is rendered by one adapter.
type handler func(w http.ResponseWriter, r *http.Request) error

// Register adds the site's routes (the table in routes.go) to mux.
func (s *Server) Register(mux *http.ServeMux) {
	for _, rt := range s.routes() {
		if rt.raw != nil {
			mux.Handle(rt.Method+" "+rt.Pattern, rt.raw)
			continue
		}
		mux.Handle(rt.Method+" "+rt.Pattern, s.hBody(rt.For, rt.Body, rt.h))
	}
}

// securityHeaders are sent with every response of the site.
func (s *Server) securityHeaders(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	if s.secure(r) {
		// Served over TLS (or behind a TLS proxy, --secure-cookies): the
		// browser must not try plain HTTP for two years.
		hdr.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
}

// h loads the session's actor, sets security headers, reads and checks the
// form, keeps the route to its audience, runs the handler and renders its
// error.
func (s *Server) h(who Audience, fn handler) http.Handler { return s.hBody(who, 0, fn) }

// hBody is h with the request body bounded by limit bytes instead of
// maxFormBytes (0): an upload route reads its own multipart body.
func (s *Server) hBody(who Audience, limit int64, fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.securityHeaders(w, r)
		// Pages carry personal data, and every page has a form (search,
		// logout): no shared or browser cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		ctx := auth.WithIP(r.Context(), httpx.ClientIP(r))
		if c, err := r.Cookie(cookieName(s.secure(r))); err == nil && c.Value != "" {
			if a, err := s.Auth.AuthenticateWeb(ctx, c.Value); err == nil {
				ctx = auth.WithActor(ctx, a)
			} else if apperr.CodeOf(err) == apperr.Unauthenticated {
				// The browser had a session that has ended: a page that
				// needs a login says why it asks again.
				s.clearSession(w, r)
				ctx = context.WithValue(ctx, expiredKey{}, true)
			} else {
				s.fail(w, r.WithContext(ctx), err)
				return
			}
		}
		r = r.WithContext(ctx)
		err := readForm(w, r, limit)
		if err == nil {
			err = who.allows(auth.ActorFrom(ctx))
		}
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
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
		view, title, target := loginView, "纳税人登录", "/login"
		if strings.HasPrefix(r.URL.Path, "/staff") {
			view, title, target = staffLoginView, "税务人员登录", "/staff/login"
		}
		expired, _ := r.Context().Value(expiredKey{}).(bool)
		if r.Method == http.MethodGet {
			to := target + "?next=" + url.QueryEscape(r.URL.RequestURI())
			if expired {
				to += "&reason=expired"
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
		next := ""
		if ref, perr := url.Parse(r.Referer()); perr == nil && ref.Host == r.Host {
			next = safeNext(ref.RequestURI(), "")
		}
		msg := "登录已超时或尚未登录，请重新登录后再办理。"
		if expired {
			msg = expiredMessage + "后再办理。"
		}
		view.render(s, w, r, http.StatusUnauthorized, &basePage{Title: title, Next: next, Outcome: "请重新登录",
			Errors: map[string]string{"_": msg}})
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
	errorView.render(s, w, r, status, &errorPage{basePage: basePage{Title: titleOf[status]}, Status: status, Message: msg,
		RequestID: obs.RequestID(r.Context())})
}

var titleOf = map[int]string{
	http.StatusBadRequest:            "请求有误",
	http.StatusUnprocessableEntity:   "填写有误",
	http.StatusNotFound:              "页面不存在",
	http.StatusForbidden:             "无权访问",
	http.StatusConflict:              "操作冲突",
	http.StatusUnauthorized:          "请先登录",
	http.StatusTooManyRequests:       "操作过于频繁",
	http.StatusRequestEntityTooLarge: "提交内容过大",
	http.StatusMethodNotAllowed:      "请求方式有误",
	http.StatusInternalServerError:   "系统繁忙",
	http.StatusServiceUnavailable:    "暂时无法办理",
}

var errLogin = apperr.New(apperr.Unauthenticated, "请先登录")

// expiredKey marks a request whose session cookie named a session that has
// ended (idle or absolute timeout, logout elsewhere, password change).
type expiredKey struct{}

// expiredMessage is what the login page says after a redirect with
// reason=expired.
const expiredMessage = "登录已超时，请重新登录"

// errRole is a staff member whose roles do not allow the page.
var errRole = apperr.New(apperr.Forbidden, "您的岗位没有此项权限")

// allow returns errRole unless the predicate held.
func allow(ok bool) error {
	if !ok {
		return errRole
	}
	return nil
}

// NotFound renders the 404 page for paths no route matches.
func (s *Server) NotFound() http.Handler {
	return s.h(Public, func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound
	})
}

var errNotFound = apperr.New(apperr.NotFound, "您访问的地址不存在，可能已更改或输入有误。")

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
