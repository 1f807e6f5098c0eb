package web

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/money"
)

// Page is what every template receives.
type Page struct {
	Title  string
	Actor  *auth.Actor
	Flash  string
	Form   url.Values        // values typed, echoed back after an error
	Errors map[string]string // per-field messages
	Data   any
	Path   string
	Next   string
}

// Err returns the message for a field.
func (p *Page) Err(field string) string { return p.Errors[field] }

// Val returns the typed value of a field.
func (p *Page) Val(field string) string { return p.Form.Get(field) }

// Has reports whether a multi-valued field (checkboxes) holds v.
func (p *Page) Has(field, v string) bool {
	for _, x := range p.Form[field] {
		if x == v {
			return true
		}
	}
	return false
}

// IsStaff and IsTaxpayer guide the navigation.
func (p *Page) IsStaff() bool    { return p.Actor != nil && p.Actor.Kind == auth.Staff }
func (p *Page) IsTaxpayer() bool { return p.Actor != nil && p.Actor.Kind == auth.Taxpayer }

// Field is one form control with its label, value, hint and error.
type Field struct {
	Name, Label, Type, Value, Error, Hint, Auto string
	Required                                    bool
	Options                                     []Option
	Groups                                      []Group
}

type pageTemplate struct{ t *template.Template }

var cst = time.FixedZone("CST", 8*3600)

var funcs = template.FuncMap{
	"yuan": money.FormatYuan,
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04")
	},
	"staffRole":    func(c string) string { return auth.NameOf(auth.StaffRoles, c) },
	"taxpayerRole": func(c string) string { return auth.NameOf(auth.TaxpayerRoles, c) },
	"add":          func(a, b int) int { return a + b },
	"itoa":         func(i int64) string { return strconv.FormatInt(i, 10) },
	"join":         strings.Join,
	"field": func(p *Page, name, label, typ string, opts ...string) Field {
		f := Field{Name: name, Label: label, Type: typ, Value: p.Val(name), Error: p.Err(name), Required: true}
		if len(opts) > 0 {
			f.Hint = opts[0]
		}
		if len(opts) > 1 {
			f.Auto = opts[1]
		}
		if len(opts) > 2 && opts[2] == "optional" {
			f.Required = false
		}
		return f
	},
	"choice": func(p *Page, name, label string, options []Option, groups []Group, hint string) Field {
		return Field{Name: name, Label: label, Value: p.Val(name), Error: p.Err(name), Options: options, Groups: groups, Hint: hint, Required: true}
	},
	"mask": func(id string) string { // resident IDs are shown masked in lists
		if len(id) < 10 {
			return id
		}
		return id[:6] + strings.Repeat("*", len(id)-10) + id[len(id)-4:]
	},
}

// parseTemplates builds one template set per page: the layout, the shared
// partials and the page itself.
func parseTemplates() (map[string]*pageTemplate, error) {
	base, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/_*.html")
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*pageTemplate{}
	for _, f := range files {
		name := path.Base(f)
		if strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(assets, f)
		if err != nil {
			return nil, err
		}
		out[name] = &pageTemplate{t: t}
	}
	return out, nil
}

// render writes a page inside the layout. It renders into a buffer first so
// that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	if p.Actor == nil {
		p.Actor = auth.ActorFrom(r.Context())
	}
	p.Path = r.URL.Path
	if p.Form == nil {
		p.Form = url.Values{}
	}
	if p.Flash == "" {
		p.Flash = s.takeFlash(w, r)
	}
	pt, ok := s.pages[name]
	var buf bytes.Buffer
	if ok {
		err := pt.t.ExecuteTemplate(&buf, "layout", p)
		if err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			buf.WriteTo(w)
			return
		}
		s.Log.Error("template", "page", name, "err", err)
	}
	http.Error(w, "页面生成失败，请稍后再试", http.StatusInternalServerError)
}

// ok renders a page with status 200.
func (s *Server) ok(w http.ResponseWriter, r *http.Request, name string, p *Page) error {
	s.render(w, r, http.StatusOK, name, p)
	return nil
}

// formError re-renders a form with the messages of an Invalid error and the
// values typed; any other error is returned for the error page.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, err error, name string, p *Page) error {
	fields, ok := invalid(err)
	if !ok {
		return err
	}
	p.Errors = fields
	p.Form = r.PostForm
	s.render(w, r, http.StatusUnprocessableEntity, name, p)
	return nil
}
