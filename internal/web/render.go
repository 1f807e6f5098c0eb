package web

import (
	"bytes"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/ids"
	"taxhall/internal/money"
)

// basePage is what the layout needs. Every page type embeds it (pkgsite's
// basePage), so a template can only ask for fields its page type has: a
// typo fails TestEveryTemplateRendersItsPageType, not a request.
type basePage struct {
	Title  string
	Actor  *auth.Actor
	Can    Can    // what the actor may do, from the capabilities' predicates
	Menu   Menu   // the main menu for the actor, current page marked
	Bureau string // the provincial bureau's name, from the org tree
	Flash  string
	Alert  string            // a page-level problem not tied to a field (design.md: Notices)
	Form   url.Values        // values typed, echoed back after an error
	Errors map[string]string // per-field messages; "_" is about the whole form
	// Outcome heads the error summary instead of "提交的信息有 N 处需要修改"
	// where the failure is the outcome of the whole form ("登录未成功").
	Outcome string
	Path    string
	Here    string // the page's path and query, where the care switch returns
	Next    string // where a login form returns to
	Care    bool   // care mode (关怀模式) is on: the layout puts class="care" on <html>

	controls []string   // names of the form controls rendered, in page order (see noteControl)
	posted   url.Values // the form posted, when the request is a POST
}

func (p *basePage) base() *basePage { return p }

// page is any page type: a struct embedding basePage.
type page interface{ base() *basePage }

// Err returns the message for a field.
func (p *basePage) Err(field string) string { return p.Errors[field] }

// Val returns the typed value of a field.
func (p *basePage) Val(field string) string { return p.Form.Get(field) }

// Has reports whether a multi-valued field (checkboxes) holds v.
func (p *basePage) Has(field, v string) bool {
	for _, x := range p.Form[field] {
		if x == v {
			return true
		}
	}
	return false
}

// IsStaff and IsTaxpayer guide the navigation.
func (p *basePage) IsStaff() bool    { return p.Actor != nil && p.Actor.Kind == auth.Staff }
func (p *basePage) IsTaxpayer() bool { return p.Actor != nil && p.Actor.Kind == auth.Taxpayer }

// A view ties a template to the one page type it renders: a handler cannot
// give home.html a search page, and the template test knows which type to
// render each template with.
type view[P any, PP interface {
	*P
	page
}] struct{ name string }

// viewInfo records a view for the template test.
type viewInfo struct {
	name string
	typ  reflect.Type
}

// views lists every view declared with newView.
var views []viewInfo

func newView[P any, PP interface {
	*P
	page
}](name string) view[P, PP] {
	views = append(views, viewInfo{name, reflect.TypeFor[P]()})
	return view[P, PP]{name}
}

// render writes the page with a status.
func (v view[P, PP]) render(s *Server, w http.ResponseWriter, r *http.Request, status int, p PP) {
	s.render(w, r, status, v.name, p)
}

// ok renders the page with status 200.
func (v view[P, PP]) ok(s *Server, w http.ResponseWriter, r *http.Request, p PP) error {
	s.render(w, r, http.StatusOK, v.name, p)
	return nil
}

// formError re-renders a form with the messages of an Invalid error and the
// values typed; any other error is returned for the error page.
func (v view[P, PP]) formError(s *Server, w http.ResponseWriter, r *http.Request, err error, p PP) error {
	fields, ok := invalid(err)
	if !ok {
		return err
	}
	b := p.base()
	b.Errors = fields
	b.Form = r.PostForm
	s.render(w, r, http.StatusUnprocessableEntity, v.name, p)
	return nil
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
	"neg":          func(n int) int { return -n },
	"inc":          func(n int) int { return n + 1 },
	"negFen":       func(n int64) int64 { return -n },
	"capital":      money.Capital,
	"taxpayerRole": func(c string) string { return auth.NameOf(auth.TaxpayerRoles, c) },
	"add":          func(a, b int) int { return a + b },
	"itoa":         func(i int64) string { return strconv.FormatInt(i, 10) },
	"join":         strings.Join,
	// The one masking rule (package ids) for pages and API alike: lists and
	// summaries mask, full values only on the record page of someone
	// entitled to them.
	"maskResidentID":   ids.MaskResidentID,
	"maskPhone":        ids.MaskPhone,
	"maskTaxpayerCode": ids.MaskTaxpayerCode,
	// phrases splits a bureau's name into phrases that a line may break
	// between but not inside (design.md: Typography).
	"phrases": phrases,
	"static":  staticURL,
	// Form controls: {{template "input" (field . "code" "识别号" | hint "…" | auto "off" | optional)}}.
	"field":      newField,
	"as":         func(typ string, f Field) Field { f.Type = typ; return f },
	"code":       func(f Field) Field { f.Class, f.Auto, f.NoSpell = "w-code", "off", true; return f },
	"class":      func(c string, f Field) Field { f.Class = c; return f },
	"orgOptions": orgOptions,
	"hint":       func(h string, f Field) Field { f.Hint = h; return f },
	"auto":       func(a string, f Field) Field { f.Auto = a; return f },
	"optional":   func(f Field) Field { f.Required = false; return f },
	"options":    func(o []Option, f Field) Field { f.Options = o; return f },
	"groups":     func(g []Group, f Field) Field { f.Groups = g; return f },
}

// Field is one form control with its label, value, hint and error, built
// in a template by field and the modifiers as, hint, auto, optional, code,
// class, options and groups, and written by the partials input, select,
// check (one checkbox) and checks (a group) of _layout.html, whose markup
// docs/design.md ("Form field") describes.
type Field struct {
	Name, Label, Type, Value, Error, Hint, Auto, Class string
	Required, NoSpell                                  bool
	Values                                             []string // every value of the name (checkboxes)
	Options                                            []Option
	Groups                                             []Group
}

// ID is the id of the control (of the first box of a group): the target of
// the error summary's link.
func (f Field) ID() string { return "f-" + f.Name }

// DescribedBy lists the ids of the hint and the error that the page holds
// for the field, "" when it holds neither: aria-describedby never names an
// id that does not exist.
func (f Field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID()+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID()+"-error")
	}
	return strings.Join(ids, " ")
}

// Has reports whether the box with value v is ticked.
func (f Field) Has(v string) bool { return slices.Contains(f.Values, v) }

// newField is a required text field showing the value typed and its error.
// It notes the control on its page, so that the error summary lists the
// errors in the order of the fields on the page.
func newField(p page, name, label string) Field {
	b := p.base()
	b.noteControl(name)
	return Field{Name: name, Label: label, Type: "text", Value: b.Val(name), Values: b.Form[name], Error: b.Err(name), Required: true}
}

// noteControl records that the page renders a control for name.
func (p *basePage) noteControl(name string) {
	if !slices.Contains(p.controls, name) {
		p.controls = append(p.controls, name)
	}
}

// SummaryItem is one line of the error summary: the message of a field and
// the id of its control ("" when the page has no control of that name).
type SummaryItem struct{ ID, Message string }

// ErrorSummary is what the layout shows first in <main> when a form failed
// (docs/design.md, "Error summary").
type ErrorSummary struct {
	Heading string
	Form    string // the message about the whole form ("_")
	Kept    string // the sentence about the values kept, "" when none were
	Items   []SummaryItem
}

// Summary is the error summary of the page, nil when there is no error. The
// field errors come in the order of the controls on the page (noted while
// the content was rendered: see Server.execute); errors of names without a
// control follow, without a link.
func (p *basePage) Summary() *ErrorSummary {
	if len(p.Errors) == 0 {
		return nil
	}
	sum := &ErrorSummary{Form: p.Errors["_"]}
	listed := map[string]bool{"_": true}
	for _, name := range p.controls {
		if msg, ok := p.Errors[name]; ok && !listed[name] {
			sum.Items = append(sum.Items, SummaryItem{ID: "f-" + name, Message: msg})
			listed[name] = true
		}
	}
	var rest []string
	for name := range p.Errors {
		if !listed[name] {
			rest = append(rest, name)
		}
	}
	slices.Sort(rest)
	for _, name := range rest {
		sum.Items = append(sum.Items, SummaryItem{Message: p.Errors[name]})
	}
	switch {
	case p.Outcome != "":
		sum.Heading = p.Outcome
	case len(sum.Items) > 0:
		sum.Heading = "提交的信息有 " + strconv.Itoa(len(sum.Items)) + " 处需要修改"
	default:
		sum.Heading = "提交未成功"
	}
	sum.Kept = p.keptSentence()
	return sum
}

// keptSentence says that the values typed were kept, only when some were:
// a control of the page (other than a password) whose value was posted and
// is shown again. Passwords never come back, and the sentence says so when
// the page has password boxes.
func (p *basePage) keptSentence() string {
	kept, passwords := false, false
	for _, name := range p.controls {
		if isPassword(name) {
			passwords = true
			continue
		}
		if p.posted.Get(name) != "" && p.Val(name) != "" {
			kept = true
		}
	}
	switch {
	case !kept:
		return ""
	case passwords:
		return "除密码外，已填写的内容已为您保留。"
	default:
		return "已填写的内容已为您保留。"
	}
}

// isPassword reports whether a form field holds a password, by the
// convention of the forms (password, user_password, current_password …).
func isPassword(name string) bool { return strings.Contains(name, "password") }

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

// fill completes the base page from the request: actor, permissions, menu,
// bureau name and flash.
func (s *Server) fill(w http.ResponseWriter, r *http.Request, b *basePage) {
	if b.Actor == nil {
		b.Actor = auth.ActorFrom(r.Context())
	}
	b.Can = canOf(b.Actor)
	b.Path = r.URL.Path
	b.Here = here(r)
	b.Care = careOn(r)
	b.Menu = menuWith(b.Actor, b.Path, s.menuTaxTypes(r))
	s.unreadBadge(r, b)
	s.staffUnreadBadge(r, b)
	b.Bureau = s.bureauName(r.Context())
	if b.Form == nil {
		b.Form = url.Values{}
	}
	if r.Method == http.MethodPost {
		b.posted = r.PostForm
	}
	if b.Flash == "" && w != nil {
		b.Flash = s.takeFlash(w, r)
	}
}

// render writes a page inside the layout. It renders into a buffer first so
// that a template error becomes a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	s.fill(w, r, p.base())
	var buf bytes.Buffer
	if err := s.execute(&buf, name, p); err != nil {
		s.Log.Error("template", "page", name, "err", err)
		http.Error(w, "页面生成失败，请稍后再试", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w) // the client went away: nothing left to tell it
}

func (s *Server) execute(buf *bytes.Buffer, name string, p page) error {
	pt, ok := s.pages[name]
	if !ok {
		return &missingTemplate{name}
	}
	if len(p.base().Errors) > 0 {
		// The error summary comes first in <main> and lists the errors in
		// the order of the fields, which the content shows later: a first
		// rendering of the content notes its controls (newField).
		if err := pt.t.ExecuteTemplate(io.Discard, "content", p); err != nil {
			return err
		}
	}
	return pt.t.ExecuteTemplate(buf, "layout", p)
}

type missingTemplate struct{ name string }

func (e *missingTemplate) Error() string { return "no template " + e.name }

// phrases splits a bureau's name after "国家税务总局", so that a heading
// breaks between "国家税务总局" and "福建省税务局", never inside either.
func phrases(name string) []string {
	const head = "国家税务总局"
	if rest, ok := strings.CutPrefix(name, head); ok && rest != "" {
		return []string{head, rest}
	}
	return []string{name}
}
