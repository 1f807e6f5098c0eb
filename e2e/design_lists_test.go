package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// phone is the width of a common phone screen, in CSS pixels.
const phone = 390

// cellLabels returns, for each cell of the body rows of the tables that
// match sel, its data-label and the content of its ::before (the label a
// phone shows), and whether the cell stays inside the viewport.
type cellLabel struct {
	Label  string `json:"label"`
	Before string `json:"before"`
	Right  int    `json:"right"`
}

func cellLabels(p *page, sel string) []cellLabel {
	p.t.Helper()
	return evalJSON[[]cellLabel](p, `Array.from(document.querySelectorAll(`+jsString(sel+" tbody td[data-label]")+`), td => ({
		label: td.dataset.label,
		before: getComputedStyle(td, "::before").content,
		right: Math.ceil(td.getBoundingClientRect().right)}))`)
}

// expectNoSideways fails when the page is wider than the screen.
func expectNoSideways(p *page) {
	p.t.Helper()
	sw := evalJSON[int](p, `document.documentElement.scrollWidth`)
	cw := evalJSON[int](p, `document.documentElement.clientWidth`)
	if sw > cw {
		wide := evalJSON[string](p, `Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName + "." + e.className + ": " + e.textContent.trim().slice(0, 30)).join(" | ")`)
		p.fatalf("page is %dpx wide on a %dpx screen; too wide: %s", sw, cw, wide)
	}
}

// TestListsOnAPhone: at 390px the clerk's taxpayer list is a stack of
// labelled cards (each cell shows its column's name), nothing runs past the
// screen, and the other lists behave alike.
func TestListsOnAPhone(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	c := newPage(t, s, "clerk")
	j := newJourney(t, c)

	j.step("clerk logs in on a phone", func(t *testing.T) {
		c.Do(chromedp.EmulateViewport(phone, 844))
		staffLogin(c, simingClerk)
	})

	j.step("taxpayer list shows labelled cards", func(t *testing.T) {
		if st := c.Click("taxpayers", `nav.menu a[href="/staff/taxpayers"]`); st != http.StatusOK {
			c.fatalf("status %d", st)
		}
		cells := cellLabels(c, "main table.responsive")
		if len(cells) < 5 {
			c.fatalf("%d labelled cells, want a list", len(cells))
		}
		for _, cell := range cells {
			if cell.Before != `"`+cell.Label+`"` {
				c.fatalf("cell labelled %q shows %s before its value", cell.Label, cell.Before)
			}
			if cell.Right > phone {
				c.fatalf("cell %q ends at %dpx on a %dpx screen", cell.Label, cell.Right, phone)
			}
		}
		// The head row is hidden; each row is a card named by its taxpayer.
		if h := evalJSON[int](c, `Math.round(document.querySelector("main table.responsive thead").getBoundingClientRect().height)`); h > 1 {
			c.fatalf("table head still shown (%dpx high)", h)
		}
		if d := evalJSON[string](c, `getComputedStyle(document.querySelector("main table.responsive tbody tr")).display`); d != "block" {
			c.fatalf("rows display as %q, want cards (block)", d)
		}
		expectNoSideways(c)
	})

	j.step("the workbench, the record and the password page fit the screen", func(t *testing.T) {
		for _, path := range []string{"/staff", "/account/password", "/staff/design"} {
			if st := c.Open("page"+strings.ReplaceAll(path, "/", "-"), path); st != http.StatusOK {
				c.fatalf("%s: status %d", path, st)
			}
			expectNoSideways(c)
		}
	})
}

// TestCareMode: the switch in the header turns care mode on (larger text),
// the choice stays on the next pages, and the switch turns it off again.
func TestCareMode(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	p := newPage(t, s, "older-visitor")
	j := newJourney(t, p)
	fontSize := func() float64 {
		return evalJSON[float64](p, `parseFloat(getComputedStyle(document.body).fontSize)`)
	}

	j.step("home page starts in normal mode", func(t *testing.T) {
		p.Do(chromedp.EmulateViewport(phone, 844))
		if st := p.Open("home", "/search?q="+"登记"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		if v, _ := p.Attr("form.care-switch button", "aria-pressed"); v != "false" {
			p.fatalf("switch aria-pressed=%q before it is pressed", v)
		}
		if f := fontSize(); f >= 18 {
			p.fatalf("body text %vpx before care mode", f)
		}
	})

	j.step("the switch turns care mode on and returns to the page", func(t *testing.T) {
		if st := p.Click("care-on", "form.care-switch button"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/search")
		if q := p.URL().Query().Get("q"); q != "登记" {
			p.fatalf("returned to q=%q, want the same search", q)
		}
		if !evalJSON[bool](p, `document.documentElement.classList.contains("care")`) {
			p.fatalf("<html> has no class care")
		}
		if f := fontSize(); f < 18 {
			p.fatalf("body text %vpx in care mode, want at least 18px", f)
		}
		if v, _ := p.Attr("form.care-switch button", "aria-pressed"); v != "true" {
			p.fatalf("switch aria-pressed=%q after it is pressed", v)
		}
		p.ExpectText(".flash", "已开启关怀模式")
		expectNoSideways(p)
	})

	j.step("care mode stays on for the next pages, which fit a phone", func(t *testing.T) {
		for _, path := range []string{"/", "/register/enterprise", "/login"} {
			if st := p.Open("care"+strings.ReplaceAll(path, "/", "-"), path); st != http.StatusOK {
				p.fatalf("%s: status %d", path, st)
			}
			if !evalJSON[bool](p, `document.documentElement.classList.contains("care")`) {
				p.fatalf("%s: care mode lost", path)
			}
			if f := fontSize(); f < 18 {
				p.fatalf("%s: body text %vpx", path, f)
			}
			expectNoSideways(p)
		}
		if h := evalJSON[float64](p, `document.querySelector("form[action='/login'] button[type=submit]").getBoundingClientRect().height`); h < 48 {
			p.fatalf("login button %vpx high in care mode, want at least 48", h)
		}
	})

	j.step("the switch turns care mode off", func(t *testing.T) {
		if st := p.Click("care-off", "form.care-switch button"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectPath("/login")
		if evalJSON[bool](p, `document.documentElement.classList.contains("care")`) {
			p.fatalf("care mode still on")
		}
	})
}
