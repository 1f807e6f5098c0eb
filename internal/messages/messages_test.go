package messages_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/messages"
)

var now = time.Date(2026, 5, 10, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// hall seeds two enterprises and returns actors: two users of the first
// (admin and caiwu) and the admin of the second.
type hall struct {
	d                *db.DB
	svc              *messages.Service
	a1, a2, b        *auth.Actor
	tpA, tpB, userA2 int64
}

func newHall(t *testing.T, d *db.DB) *hall {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 2, Now: now, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	h := &hall{d: d, svc: &messages.Service{DB: d, Now: func() time.Time { return now }}}
	actor := func(tp int64, username string) *auth.Actor {
		var id int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM taxpayer_users WHERE taxpayer_id = $1 AND username = $2`, tp, username).Scan(&id); err != nil {
			t.Fatalf("user %s of %d: %v", username, tp, err)
		}
		return &auth.Actor{Kind: auth.Taxpayer, UserID: id, TaxpayerID: tp}
	}
	rows, err := d.QueryContext(ctx, `SELECT id FROM taxpayers WHERE kind = 'enterprise' ORDER BY id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	var tps []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		tps = append(tps, id)
	}
	rows.Close()
	if len(tps) != 2 {
		t.Fatalf("want 2 enterprises, got %v", tps)
	}
	h.tpA, h.tpB = tps[0], tps[1]
	h.a1, h.a2, h.b = actor(h.tpA, "admin"), actor(h.tpA, "caiwu"), actor(h.tpB, "admin")
	h.userA2 = h.a2.UserID
	return h
}

func as(a *auth.Actor) context.Context { return auth.WithActor(context.Background(), a) }

func (h *hall) send(t *testing.T, m messages.Message) int64 {
	t.Helper()
	id, created, err := messages.Send(context.Background(), h.d, now, m)
	if err != nil || !created {
		t.Fatalf("send %+v: %d %v %v", m, id, created, err)
	}
	return id
}

func TestInboxIsTheUsersOwn(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		all := h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindReminder, Subject: "5月征期提醒", Body: "请于5月20日前申报。", Link: "/calendar?year=2026"})
		toA2 := h.send(t, messages.Message{TaxpayerID: h.tpA, UserID: h.userA2, Kind: messages.KindNotice, Subject: "给财务负责人"})
		other := h.send(t, messages.Message{TaxpayerID: h.tpB, Kind: messages.KindNotice, Subject: "另一家企业的通知"})

		ids := func(a *auth.Actor) []int64 {
			t.Helper()
			p, err := h.svc.Inbox(as(a), 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, m := range p.Items {
				out = append(out, m.ID)
			}
			return out
		}
		if got := fmt.Sprint(ids(h.a1)); got != fmt.Sprint([]int64{all}) {
			t.Errorf("admin of A sees %s, want only the message to every user", got)
		}
		if got := fmt.Sprint(ids(h.a2)); got != fmt.Sprint([]int64{toA2, all}) {
			t.Errorf("caiwu of A sees %s, want %v newest first", got, []int64{toA2, all})
		}
		if got := fmt.Sprint(ids(h.b)); got != fmt.Sprint([]int64{other}) {
			t.Errorf("B sees %s", got)
		}

		// Another taxpayer's message, or another user's, is "not found",
		// as a missing one: existence does not leak. Nothing is written.
		for _, c := range []struct {
			who *auth.Actor
			id  int64
		}{{h.b, all}, {h.a1, toA2}, {h.a1, other}, {h.a1, 999999}} {
			if _, err := h.svc.Get(as(c.who), c.id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("Get(%d) as user %d: %v, want not found", c.id, c.who.UserID, err)
			}
			if _, err := h.svc.MarkRead(as(c.who), c.id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("MarkRead(%d) as user %d: %v, want not found", c.id, c.who.UserID, err)
			}
		}
		var reads int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM message_reads`).Scan(&reads); err != nil || reads != 0 {
			t.Fatalf("refused reads wrote %d rows (%v)", reads, err)
		}

		// Read state is per user: A's admin reading the message to all
		// leaves it unread for caiwu.
		unread := func(a *auth.Actor) int {
			n, more, err := h.svc.Unread(as(a))
			if err != nil || more {
				t.Fatalf("unread: %d %v %v", n, more, err)
			}
			return n
		}
		if n := unread(h.a1); n != 1 {
			t.Errorf("admin unread %d, want 1", n)
		}
		m, err := h.svc.MarkRead(as(h.a1), all)
		if err != nil || !m.Read() || m.Body != "请于5月20日前申报。" || m.Link != "/calendar?year=2026" {
			t.Fatalf("MarkRead: %+v %v", m, err)
		}
		first := m.ReadAt
		h.svc.Now = func() time.Time { return now.Add(time.Hour) }
		if m, err = h.svc.MarkRead(as(h.a1), all); err != nil || !m.ReadAt.Equal(first) {
			t.Errorf("reading again moved the read time: %v → %v (%v)", first, m.ReadAt, err)
		}
		if n := unread(h.a1); n != 0 {
			t.Errorf("admin unread %d after reading, want 0", n)
		}
		if n := unread(h.a2); n != 2 {
			t.Errorf("caiwu unread %d, want 2 (the admin's reading is not theirs)", n)
		}

		// Staff have no inbox.
		staff := &auth.Actor{Kind: auth.Staff, UserID: 1, OrgPath: "/1/"}
		if _, err := h.svc.Inbox(as(staff), 0, 10); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("staff inbox: %v", err)
		}
		if _, err := h.svc.Inbox(context.Background(), 0, 10); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("anonymous inbox: %v", err)
		}
	})
}

func TestInboxPagesByID(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		var sent []int64
		for i := range 25 {
			sent = append(sent, h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: fmt.Sprintf("通知 %d", i)}))
		}
		var got []int64
		after, pages := int64(0), 0
		for {
			p, err := h.svc.Inbox(as(h.a1), after, 10)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, m := range p.Items {
				got = append(got, m.ID)
			}
			if p.Next == 0 {
				break
			}
			after = p.Next
		}
		if pages != 3 || len(got) != 25 {
			t.Fatalf("%d pages, %d messages, want 3 and 25", pages, len(got))
		}
		for i, id := range got {
			if id != sent[len(sent)-1-i] {
				t.Fatalf("message %d is %d, want %d (newest first, none twice)", i, id, sent[len(sent)-1-i])
			}
		}
		// A full last page still says it is the last.
		p, err := h.svc.Inbox(as(h.a1), sent[5], 5)
		if err != nil || len(p.Items) != 5 || p.Next != 0 {
			t.Errorf("the five oldest: %d items, next %d, %v", len(p.Items), p.Next, err)
		}
	})
}

func TestUnreadStopsAt99(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		err := d.Tx(context.Background(), func(tx *sql.Tx) error {
			for i := range 99 {
				if _, _, err := messages.Send(context.Background(), tx, now, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: fmt.Sprint("通知", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		n, more, err := h.svc.Unread(as(h.a1))
		if err != nil || n != 99 || more {
			t.Fatalf("99 unread: %d %v %v", n, more, err)
		}
		h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "第一百条"})
		n, more, err = h.svc.Unread(as(h.a1))
		if err != nil || n != 99 || !more {
			t.Fatalf("100 unread: %d %v %v, want 99 and more (99+)", n, more, err)
		}
	})
}

func TestSendChecksTheMessage(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		for _, c := range []struct {
			name  string
			m     messages.Message
			field string
		}{
			{"no taxpayer", messages.Message{Kind: messages.KindNotice, Subject: "x"}, "taxpayer_id"},
			{"unknown kind", messages.Message{TaxpayerID: h.tpA, Kind: "spam", Subject: "x"}, "kind"},
			{"no subject", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "  "}, "subject"},
			{"control character", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "a\x00b"}, "subject"},
			{"absolute link", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "x", Link: "https://evil.example/"}, "link"},
			{"protocol-relative link", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "x", Link: "//evil.example/hall"}, "link"},
			{"backslash link", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "x", Link: "/\\evil.example"}, "link"},
			{"relative link", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "x", Link: "hall/returns"}, "link"},
			{"javascript link", messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "x", Link: "javascript:alert(1)"}, "link"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, err := messages.Send(context.Background(), d, now, c.m)
				var e *apperr.Error
				if !errors.As(err, &e) || e.Code != apperr.Invalid || e.Fields[c.field] == "" {
					t.Fatalf("err %v, want a message on %s", err, c.field)
				}
			})
		}
		var n int
		if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("refused sends stored %d messages (%v)", n, err)
		}
		if msg := messages.CheckLink("/hall/returns/12?from=mail#top"); msg != "" {
			t.Errorf("a path of the site is refused: %s", msg)
		}
	})
}

// TestSendOncePerKey: the same reminder sent twice (a retried job) or by two
// nodes at once is one message; the constraint decides, not a read first.
func TestSendOncePerKey(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		ctx := context.Background()
		m := messages.Message{TaxpayerID: h.tpA, Kind: messages.KindReminder, Subject: "6月征期提醒", DedupeKey: "deadline:2026-06"}
		first, created, err := messages.Send(ctx, d, now, m)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		again, created, err := messages.Send(ctx, d, now, m)
		if err != nil || created || again != first {
			t.Fatalf("second send: id %d created %v %v, want %d and not created", again, created, err, first)
		}
		// The key is per taxpayer: B gets its own.
		m.TaxpayerID = h.tpB
		if idB, created, err := messages.Send(ctx, d, now, m); err != nil || !created || idB == first {
			t.Fatalf("B's reminder: %d %v %v", idB, created, err)
		}
		// Messages without a key are never merged.
		h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "无键"})
		h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindNotice, Subject: "无键"})

		// Two pools, as two nodes, each in its own transaction, released
		// together by a barrier; a few rounds so that they really overlap.
		d2 := dbtest.SecondPool(t, d)
		for round := range 5 {
			key := fmt.Sprintf("deadline:2026-07:%d", round)
			var wg sync.WaitGroup
			start := make(chan struct{})
			ids := make([]int64, 2)
			made := make([]bool, 2)
			errs := make([]error, 2)
			for i, pool := range []*db.DB{d, d2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = pool.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
						var err error
						ids[i], made[i], err = messages.Send(ctx, tx, now, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindReminder, Subject: "7月征期提醒", DedupeKey: key})
						return err
					})
				}()
			}
			close(start)
			wg.Wait()
			if errs[0] != nil || errs[1] != nil {
				t.Fatalf("round %d: %v / %v", round, errs[0], errs[1])
			}
			if ids[0] != ids[1] || made[0] == made[1] {
				t.Fatalf("round %d: ids %v created %v, want one message created once", round, ids, made)
			}
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND dedupe_key = $2`, h.tpA, key).Scan(&n); err != nil || n != 1 {
				t.Fatalf("round %d: %d messages (%v)", round, n, err) // one message per key
			}
		}
	})
}

// TestSendJoinsTheCallersTransaction: a message sent in a transaction that
// rolls back was never sent.
func TestSendJoinsTheCallersTransaction(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		boom := errors.New("the return was not saved")
		err := d.Tx(context.Background(), func(tx *sql.Tx) error {
			if _, _, err := messages.Send(context.Background(), tx, now, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindReturn, Subject: "申报成功", DedupeKey: "return:1"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if p, err := h.svc.Inbox(as(h.a1), 0, 10); err != nil || len(p.Items) != 0 {
			t.Fatalf("rolled-back message visible: %v %v", p, err)
		}
		// And the key is free again.
		h.send(t, messages.Message{TaxpayerID: h.tpA, Kind: messages.KindReturn, Subject: "申报成功", DedupeKey: "return:1"})
	})
}
