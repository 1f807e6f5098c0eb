package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/app"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/demo"
)

const (
	// testTimeout bounds a whole test: every browser action of its tabs.
	testTimeout = 90 * time.Second
	// findTimeout bounds the wait for one element on a page that has loaded.
	findTimeout = 10 * time.Second
	// artifactTimeout bounds the capture of a screenshot and the HTML.
	artifactTimeout = 15 * time.Second
)

// demoHash is the argon2id hash of demo.Password, computed once per binary.
var demoHash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

// site is the whole taxhall site over its own temporary database with the
// demo data, served on a loopback port.
type site struct {
	URL      string
	DB       *db.DB
	deadline time.Time

	mu    sync.Mutex
	shots int // step screenshots taken, for their order in file names
}

// newSite starts the site for one test.
func newSite(t *testing.T) *site {
	t.Helper()
	requireBrowser(t)
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "taxhall.db")
	cfg, err := app.ParseFlags("serve", []string{"--db", dbPath, "--secure-cookies=false", "--log-format", "text", "--log-level", "info"}, io.Discard)
	if err != nil {
		t.Fatalf("flags: %v", err)
	}
	logs := &syncBuffer{}
	log := app.NewLogger(cfg, logs)
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 10, Individuals: 5, Now: time.Now(), PasswordHash: demoHash()}); err != nil {
		t.Fatalf("seed: %v", err)
	}
	a, err := app.New(cfg, log, d)
	if err != nil {
		t.Fatalf("app: %v", err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log (tail):\n%s", logs.tail(6000))
		}
	})
	deadline := time.Now().Add(testTimeout)
	if d, ok := t.Deadline(); ok && d.Before(deadline) {
		deadline = d.Add(-5 * time.Second) // leave time for the artifacts
	}
	return &site{URL: srv.URL, DB: d, deadline: deadline}
}

// page is one browser tab in a browser context of its own, so that each
// page has its own cookies: two pages of a test are two different people.
type page struct {
	owner *testing.T // the test that opened the tab
	t     *testing.T // the test acting now: owner, or a journey step
	s     *site
	name  string          // the person, in file names: "taxpayer", "clerk"
	tab   context.Context // the tab, without deadline (for artifacts)
	ctx   context.Context // the tab, with the test's deadline
	step  string          // the step running or last done, in file names
	saved bool            // failure artifacts already written
}

// newPage opens a tab on the shared browser. On a failure of the test the
// tab saves a screenshot, its URL and its HTML.
func newPage(t *testing.T, s *site, name string) *page {
	t.Helper()
	requireBrowser(t)
	tab, cancelTab := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	// The first Do opens the tab and binds it to tab (no deadline); a
	// watchdog covers a browser that does not answer.
	opened := make(chan error, 1)
	go func() { opened <- chromedp.Do(tab) }()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("open a tab for %s: %v", name, err)
		}
	case <-time.After(30 * time.Second):
		cancelTab()
		t.Fatalf("open a tab for %s: no answer after 30s", name)
	}
	ctx, cancel := context.WithDeadline(tab, s.deadline)
	t.Cleanup(cancel)
	p := &page{owner: t, t: t, s: s, name: name, tab: tab, ctx: ctx, step: "start"}
	// Cleanups run last-in first-out: this one runs while the tab is open.
	// A failed journey step has saved the artifacts already, named after it.
	t.Cleanup(func() {
		if t.Failed() && !p.saved {
			p.saveFailure(t)
		}
	})
	return p
}

// journey runs the steps of one journey in order, each a subtest that
// checks one behaviour. The steps share the site, the pages and what earlier
// steps made (a taxpayer's code, a record's address), so each step needs
// every step before it: after a step fails (or is left out by -run), the
// steps that follow are skipped with a message naming it, instead of failing
// for a reason that is not theirs.
type journey struct {
	t       *testing.T
	pages   []*page
	blocked string // why the next steps cannot run; "" while all passed
}

// newJourney starts a journey of t over pages opened with newPage(t, …)
// beforehand: a page opened inside a step would close when the step ends.
func newJourney(t *testing.T, pages ...*page) *journey {
	return &journey{t: t, pages: pages}
}

// step runs f as the subtest name. The pages act for the subtest, so that
// their fatalf fails the step; when the step fails, each page that has been
// used saves its screenshot, URL and HTML named after the step.
func (j *journey) step(name string, f func(t *testing.T)) {
	j.t.Helper()
	if j.blocked != "" {
		j.t.Run(name, func(t *testing.T) { t.Skipf("skipped: %s", j.blocked) })
		return
	}
	ran := false
	ok := j.t.Run(name, func(t *testing.T) {
		ran = true
		for _, p := range j.pages {
			p.t = t
		}
		t.Cleanup(func() {
			if !t.Failed() {
				return
			}
			for _, p := range j.pages {
				if p.step != "start" { // an unused tab shows nothing
					p.saveFailure(t)
				}
				p.saved = true
			}
		})
		f(t)
	})
	for _, p := range j.pages {
		p.t = p.owner
	}
	switch {
	case !ok:
		j.blocked = fmt.Sprintf("needs step %q, which failed", name)
	case !ran:
		j.blocked = fmt.Sprintf("needs step %q, which did not run (-run)", name)
	}
}

// fatalf fails the test with the page and step in the message.
func (p *page) fatalf(format string, args ...any) {
	p.t.Helper()
	p.t.Fatalf("[%s, step %s] %s", p.name, p.step, fmt.Sprintf(format, args...))
}

// begin names the step that runs now.
func (p *page) begin(step string) { p.step = step }

// done ends a main step: with TAXHALL_SCREENSHOTS_ALL=1 it saves a
// screenshot of the page for review.
func (p *page) done() {
	p.t.Helper()
	if os.Getenv("TAXHALL_SCREENSHOTS_ALL") != "1" {
		return
	}
	p.s.mu.Lock()
	p.s.shots++
	n := p.s.shots
	p.s.mu.Unlock()
	base := fmt.Sprintf("%s-%02d-%s-%s", fileSafe(p.t.Name()), n, p.name, fileSafe(p.step))
	ctx, cancel := context.WithTimeout(p.ctx, artifactTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.fatalf("step screenshot: %v", err)
	}
	if err := writeArtifact(base+".png", png); err != nil {
		p.fatalf("step screenshot: %v", err)
	}
}

// saveFailure writes a full-page PNG, the URL and the HTML of the tab,
// named after t, the failed test or journey step, and reports them in t.
func (p *page) saveFailure(t *testing.T) {
	p.saved = true
	base := fmt.Sprintf("%s-%s-%s-FAILED", fileSafe(t.Name()), p.name, fileSafe(p.step))
	ctx, cancel := context.WithTimeout(p.tab, artifactTimeout)
	defer cancel()
	var saved []string
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		t.Logf("[%s] no failure screenshot: %v", p.name, err)
	} else if err := writeArtifact(base+".png", png); err != nil {
		t.Logf("[%s] %v", p.name, err)
	} else {
		saved = append(saved, base+".png")
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		loc = "(unknown: " + err.Error() + ")"
	}
	if err := writeArtifact(base+".url.txt", []byte(loc+"\n")); err == nil {
		saved = append(saved, base+".url.txt")
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err != nil {
		t.Logf("[%s] no failure HTML: %v", p.name, err)
	} else if err := writeArtifact(base+".html", []byte("<!-- "+loc+" -->\n"+html)); err == nil {
		saved = append(saved, base+".html")
	}
	t.Logf("[%s] failed at step %q on %s; saved in %s: %s", p.name, p.step, loc, shotDir(), strings.Join(saved, ", "))
}

// Open loads the path of the site and returns the HTTP status.
func (p *page) Open(step, path string) int {
	p.t.Helper()
	p.begin(step)
	resp, err := chromedp.Run(p.ctx, chromedp.NavigateResponse(p.s.URL+path))
	if err != nil {
		p.fatalf("open %s: %v", path, err)
	}
	p.done()
	return status(resp.Status)
}

// Do runs actions on the current page that load no new page, such as
// typing into a form.
func (p *page) Do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.fatalf("%v", err)
	}
}

// Click clicks the element (a link or a submit button) with a real mouse
// event, waits until the page that it loads has loaded, and returns the HTTP
// status of that page (after redirects).
func (p *page) Click(step, sel string) int {
	p.t.Helper()
	p.begin(step)
	resp, err := chromedp.RunResponse(p.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.fatalf("click %s: %v", sel, err)
	}
	if resp == nil {
		p.fatalf("click %s: the page loaded without a response", sel)
	}
	p.done()
	return status(resp.Status)
}

// Text returns the visible text of the first element that matches sel,
// waiting for it to be visible.
func (p *page) Text(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, findTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		p.fatalf("no visible %s: %v", sel, err)
	}
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.fatalf("text of %s: %v", sel, err)
	}
	return s
}

// ExpectText checks that the visible text of sel holds every string.
func (p *page) ExpectText(sel string, wants ...string) {
	p.t.Helper()
	got := p.Text(sel)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			p.fatalf("%s: want text %q in %q", sel, w, clip(got))
		}
	}
}

// Count returns how many elements match sel now.
func (p *page) Count(sel string) int {
	p.t.Helper()
	return evalJSON[int](p, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// Value returns the current value of the form control sel.
func (p *page) Value(sel string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, findTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel), chromedp.NodeReady))
	if err != nil {
		p.fatalf("value of %s: %v", sel, err)
	}
	return v
}

// Attr returns an attribute of the first element that matches sel.
func (p *page) Attr(sel, name string) (string, bool) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, findTimeout)
	defer cancel()
	r, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name, chromedp.NodeReady))
	if err != nil {
		p.fatalf("attribute %s of %s: %v", name, sel, err)
	}
	return r.Value, r.Exists
}

// URL returns the address of the page, parsed.
func (p *page) URL() *url.URL {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.fatalf("location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		p.fatalf("location %q: %v", loc, err)
	}
	return u
}

// ExpectPath checks the path of the page.
func (p *page) ExpectPath(want string) {
	p.t.Helper()
	if got := p.URL().Path; got != want {
		p.fatalf("path %q, want %q", got, want)
	}
}

// Title returns the document title.
func (p *page) Title() string {
	p.t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.Title())
	if err != nil {
		p.fatalf("title: %v", err)
	}
	return s
}

// RowTexts returns the visible text of each row of the tables that match
// sel (a CSS selector of tbody rows).
func (p *page) RowTexts(sel string) []string {
	p.t.Helper()
	return evalJSON[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%s), r => r.innerText)`, jsString(sel)))
}

// evalJSON runs a script on the page and returns its result.
func evalJSON[T any](p *page, script string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](script))
	if err != nil {
		p.fatalf("script %s: %v", script, err)
	}
	return v
}

// typeInto empties a text field and types s into it key by key, as a person
// would (Chinese characters arrive as typed characters too).
func typeInto(sel, s string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		setValue(sel, ""),
		chromedp.SendKeys(chromedp.CSS(sel), s),
	)
}

// choose picks the option with the value in a select, or sets the value of
// an input that has no keyboard-friendly format (type=date).
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.CSS(sel)),
		setValue(sel, value),
	)
}

// setValue sets the value of a form control from JavaScript and fires the
// events that a person's change would. (chromedp.SetValue cannot set an
// empty value in v0.23.0: the empty argument reaches the page as undefined,
// and an input then holds "undefined".)
func setValue(sel, value string) chromedp.Action[chromedp.Void] {
	script := fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) { throw new Error("no element " + %[1]s); }
		e.value = %s;
		if (e.value !== %[2]s) { throw new Error("cannot set " + %[1]s + " to " + %[2]s); }
		e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true}));
	})()`, jsString(sel), jsString(value))
	return chromedp.Evaluate[chromedp.Void](script)
}

// status converts a protocol status code.
func status(s int64) int { return int(s) }

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func clip(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

// shotDir is where screenshots go: $TAXHALL_SCREENSHOTS, else e2e/failures
// (go test runs in the package directory).
func shotDir() string {
	if d := os.Getenv("TAXHALL_SCREENSHOTS"); d != "" {
		return d
	}
	return "failures"
}

func writeArtifact(name string, data []byte) error {
	dir := shotDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("screenshot folder: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, name), data, 0o644)
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// fileSafe turns a test or step name into a file name part.
func fileSafe(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }

// syncBuffer collects the server log for a failure report.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) tail(n int) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.b.String()
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}
