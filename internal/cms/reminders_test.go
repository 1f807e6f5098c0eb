package cms_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/messages"
)

// TestOverdueRemindersReachInboxes: an overdue column's maintainers (the
// site's content editors) get one in-site message, their supervisors a
// second one only after the grace period; running the check again, or on
// two nodes at once, sends nothing more; nobody of another bureau hears of
// it; the message is read in the recipient's own inbox only.
func TestOverdueRemindersReachInboxes(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		msgs := &messages.Service{DB: d, Now: func() time.Time { return *f.now }}
		inbox := func(a *auth.Actor) []*messages.StaffMessage {
			t.Helper()
			p, err := msgs.StaffInbox(auth.WithActor(ctx, a), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			return p.Items
		}
		// The column (7 days) was created two months ago: due on 10-08.
		// Three days past due the supervisors are not reminded yet.
		*f.now = time.Date(2026, 10, 11, 9, 0, 0, 0, time.UTC)
		if n, err := f.svc.CheckOverdue(ctx); err != nil || n != 1 {
			t.Fatalf("first check: %d new, %v", n, err)
		}
		for _, a := range []*auth.Actor{f.editor, f.editor2, f.editorReviewer} {
			got := inbox(a)
			if len(got) != 1 || !strings.Contains(got[0].Subject, "通知公告") || !strings.Contains(got[0].Body, "2026-10-08") {
				t.Fatalf("%s inbox: %+v", a.Name, got)
			}
			if !strings.HasPrefix(got[0].Link, "/staff/cms/articles/new?column=") {
				t.Errorf("link %q", got[0].Link)
			}
		}
		if got := inbox(f.reviewer); len(got) != 0 {
			t.Errorf("supervisor reminded within the grace period: %+v", got)
		}
		// Past the grace period, on two nodes at once and again.
		*f.now = time.Date(2026, 10, 16, 9, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make([]error, 3)
		for i := range errs {
			wg.Go(func() { _, errs[i] = f.svc.CheckOverdue(ctx) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n, err := f.svc.CheckOverdue(ctx); err != nil || n != 0 {
			t.Fatalf("check again: %d new, %v", n, err)
		}
		if got := inbox(f.editor); len(got) != 1 {
			t.Errorf("maintainer reminded %d times", len(got))
		}
		sup := inbox(f.reviewer)
		if len(sup) != 1 || !strings.Contains(sup[0].Subject, "逾期超过 7 天") || sup[0].Link == "" {
			t.Fatalf("supervisor inbox: %+v", sup)
		}
		if got := inbox(f.editorReviewer); len(got) != 2 {
			t.Errorf("editor who also reviews: %d messages, want both levels", len(got))
		}
		if got := inbox(f.otherEditor); len(got) != 0 {
			t.Errorf("another city's staff reminded: %+v", got)
		}
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM staff_messages`).Scan(&rows); err != nil || rows != 5 {
			t.Errorf("%d staff messages, want 5 (3 maintainers, 2 supervisors): %v", rows, err)
		}

		// Unread badge, opening, and another official's message.
		rc := auth.WithActor(ctx, f.reviewer)
		if n, more, err := msgs.StaffUnread(rc); err != nil || n != 1 || more {
			t.Errorf("unread %d %v %v", n, more, err)
		}
		m, err := msgs.StaffMarkRead(rc, sup[0].ID)
		if err != nil || !m.Read() {
			t.Fatalf("mark read: %+v %v", m, err)
		}
		if n, _, _ := msgs.StaffUnread(rc); n != 0 {
			t.Errorf("unread after reading: %d", n)
		}
		if _, err := msgs.StaffMarkRead(auth.WithActor(ctx, f.editor), sup[0].ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another official opens it: %v", err)
		}
		if _, err := msgs.StaffInbox(auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: 1, TaxpayerID: 1}), 0, 0); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a taxpayer reads a staff inbox: %v", err)
		}
	})
}

// TestStaffInboxPages: keyset pages of the staff inbox, newest first, and
// a keyed send that happens once.
func TestStaffInboxPages(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		msgs := &messages.Service{DB: d, Now: func() time.Time { return t0 }}
		for i := range 25 {
			if _, _, err := messages.SendStaff(ctx, d, t0, messages.StaffMessage{StaffID: f.editor.UserID, Kind: messages.KindNotice, Subject: "通知" + string(rune('A'+i))}); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if _, _, err := messages.SendStaff(ctx, d, t0, messages.StaffMessage{StaffID: f.editor.UserID, Kind: messages.KindReminder, Subject: "一次", DedupeKey: "k"}); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := messages.SendStaff(ctx, d, t0, messages.StaffMessage{StaffID: f.editor.UserID, Kind: "spam", Subject: " ", Link: "//evil.example"}); apperr.As(err) == nil || len(apperr.As(err).Fields) != 3 {
			t.Errorf("bad message: %v", err)
		}
		ec := auth.WithActor(ctx, f.editor)
		p1, err := msgs.StaffInbox(ec, 0, 20)
		if err != nil || len(p1.Items) != 20 || p1.Items[0].Subject != "一次" || p1.Next == 0 {
			t.Fatalf("page 1: %d %v", len(p1.Items), err)
		}
		p2, err := msgs.StaffInbox(ec, p1.Next, 20)
		if err != nil || len(p2.Items) != 6 || p2.Next != 0 || p2.Items[5].Subject != "通知A" {
			t.Fatalf("page 2: %d %v", len(p2.Items), err)
		}
		if n, more, _ := msgs.StaffUnread(ec); n != 26 || more {
			t.Errorf("unread %d", n)
		}
	})
}
