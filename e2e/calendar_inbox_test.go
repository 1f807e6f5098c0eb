package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"taxhall/internal/demo"
	"taxhall/internal/messages"
)

// TestCalendarAndInboxOnAPhone: at 390px the public 征期日历 is a stack of
// labelled month cards that fits the screen; a taxpayer sees the unread
// count in the menu, opens the reminder (which marks it read) and follows
// its link to the calendar.
func TestCalendarAndInboxOnAPhone(t *testing.T) {
	requireBrowser(t)
	s := newSite(t)
	p := newPage(t, s, "taxpayer")
	j := newJourney(t, p)
	var code string
	var tp int64
	if err := s.DB.QueryRowContext(context.Background(), `SELECT id, code FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 1`).Scan(&tp, &code); err != nil {
		t.Fatal(err)
	}

	j.step("the public calendar fits a phone", func(t *testing.T) {
		p.Do(chromedp.EmulateViewport(phone, 844))
		if st := p.Open("calendar", "/calendar"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "征期日历")
		if n := p.Count("main table.calendar tbody tr"); n != 12 {
			p.fatalf("%d months", n)
		}
		for _, c := range cellLabels(p, "main table.calendar") {
			if !strings.Contains(c.Before, c.Label) {
				p.fatalf("cell %q shows %s before it on a phone", c.Label, c.Before)
			}
		}
		expectNoSideways(p)
	})

	j.step("a taxpayer sees the unread reminder in the menu", func(t *testing.T) {
		if _, _, err := messages.Send(context.Background(), s.DB, time.Now(), messages.Message{TaxpayerID: tp, Kind: messages.KindReminder,
			Subject: "申报期限提醒", Body: "本月申报期限见征期日历。", Link: "/calendar"}); err != nil {
			t.Fatal(err)
		}
		if st := p.Open("login-form", "/login"); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.Do(typeInto("#f-code", code), typeInto("#f-username", "admin"), typeInto("#f-password", demo.Password))
		if st := p.Click("login", `form[action="/login"] button[type=submit]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText(`nav.menu a[href="/hall/messages"] .badge`, "1")
	})

	j.step("the inbox fits a phone and opening the message marks it read", func(t *testing.T) {
		if st := p.Click("inbox", `nav.menu a[href="/hall/messages"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main table", "申报期限提醒", "未读")
		expectNoSideways(p)
		if st := p.Click("message", `main table a[href^="/hall/messages/"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "申报期限提醒")
		if n := p.Count(`nav.menu a[href="/hall/messages"] .badge`); n != 0 {
			p.fatalf("the badge stays after reading")
		}
		expectNoSideways(p)
		if st := p.Click("follow", `main a.btn[href="/calendar"]`); st != http.StatusOK {
			p.fatalf("status %d", st)
		}
		p.ExpectText("main h1", "征期日历")
	})
}
