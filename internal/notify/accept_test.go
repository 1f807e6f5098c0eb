package notify

import (
	"bufio"
	"context"
	"database/sql"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/jobs"
)

// hangUpOnQuit is a minimal SMTP server on loopback (no TLS, no AUTH, as a
// relay on loopback is configured with NoTLS) that accepts every message
// with 250 and then drops the connection when the client says QUIT — the
// failure after acceptance that used to make the outbox send again.
type hangUpOnQuit struct {
	addr     string
	mu       sync.Mutex
	accepted int
}

func startHangUp(t *testing.T) *hangUpOnQuit {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	s := &hangUpOnQuit{addr: ln.Addr().String()}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *hangUpOnQuit) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { _, _ = c.Write([]byte(line + "\r\n")) }
	say("220 127.0.0.1 ESMTP test")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 127.0.0.1")
		case strings.HasPrefix(cmd, "MAIL"), strings.HasPrefix(cmd, "RCPT"), strings.HasPrefix(cmd, "RSET"), strings.HasPrefix(cmd, "NOOP"):
			say("250 OK")
		case cmd == "DATA":
			say("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			s.mu.Lock()
			s.accepted++
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			return // hang up without 221
		default:
			say("502 not implemented")
		}
	}
}

func (s *hangUpOnQuit) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// TestRecordedAtAcceptance: the server accepts the e-mail and then drops
// the connection on QUIT. The message counts as sent: the outbox records it
// at the server's 250 (before QUIT), the job succeeds, and a rerun of the
// job (a worker that died before completing it) sends nothing again.
func TestRecordedAtAcceptance(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		srv := startHangUp(t)
		m := &SMTP{Addr: srv.addr, From: "noreply@etax.example.cn", Mode: NoTLS, Timeout: 5 * time.Second}
		calls := 0
		if err := m.SendAccepted(ctx, "a@example.cn", "测试", "正文", "k1", func() error { calls++; return nil }); err != nil || calls != 1 {
			t.Fatalf("SendAccepted: %v, accepted called %d times", err, calls)
		}
		w := ixtest.New(t, d)
		subscriber(t, d, w, "caiwu", "caiwu@example.cn", Deadline)
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := Fanout(ctx, tx, Event{Category: Deadline, TaxpayerID: w.TaxpayerA, Subject: "申报期限提醒", Body: "本月征期将于11月16日截止。", Key: "notify:deadline:accept"})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		t1 := time.Now().Add(time.Second)
		o := &Outbox{DB: d, Now: func() time.Time { return t1 }, Mailer: m}
		c, err := jobs.Claim(ctx, d, []string{KindEmail}, "node", t1, time.Minute)
		if err != nil || c == nil {
			t.Fatal(c, err)
		}
		if err := o.sendEmail(ctx, c); err != nil {
			t.Fatalf("send with a failed QUIT: %v", err)
		}
		if err := o.sendEmail(ctx, c); err != nil { // the rerun
			t.Fatal(err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_sent WHERE dedupe_key = $1`, KindEmail+"/"+c.Key).Scan(&n); err != nil || n != 1 {
			t.Errorf("notify_sent: %d rows (%v)", n, err)
		}
		if got := srv.count(); got != 2 { // k1 above, then the reminder once
			t.Errorf("server accepted %d messages, want 2", got)
		}
	})
}
