package notify

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/jobs"
	"taxhall/internal/notify/smtptest"
)

// t0 is the test clock: jobs are enqueued at the real time, so the
// clock starts a second after it.
var t0 = time.Now().Add(time.Second)

// subscriber is a user of taxpayer A who chose e-mail and SMS for kinds.
func subscriber(t *testing.T, d *db.DB, w *ixtest.World, name, email string, kinds ...string) int64 {
	t.Helper()
	u := w.User(t, w.TaxpayerA, name)
	svc := &Service{DB: d, Now: func() time.Time { return t0 }}
	if err := svc.Save(ixtest.As(u), Prefs{Email: email, Phone: "13906001234", EmailKinds: kinds, SMSKinds: kinds}); err != nil {
		t.Fatal(err)
	}
	return u.UserID
}

func mailer(srv *smtptest.Server) *SMTP {
	return &SMTP{Addr: srv.Addr, User: smtptest.User, Password: smtptest.Password, From: "noreply@etax.example.cn", TLSConfig: srv.Client, Timeout: 5 * time.Second}
}

// drain runs the runner's jobs until none is due.
func drain(t *testing.T, r *jobs.Runner) int {
	t.Helper()
	n := 0
	for {
		ran, err := r.RunOne(context.Background(), r.Kinds(), "test")
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return n
		}
		n++
	}
}

// The fan-out follows the preferences: the user who chose decisions gets
// an e-mail and a text, the other user nothing; a second fan-out of the
// same event adds nothing; the e-mail arrives at a real SMTP server
// (STARTTLS, AUTH) with its subject, recipient and Chinese body intact.
func TestFanoutAndSMTP(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := ixtest.New(t, d)
		subscriber(t, d, w, "caiwu", "caiwu@example.cn", Decision, Payment)
		subscriber(t, d, w, "banshui", "banshui@example.cn", Deadline)
		e := Event{Category: Decision, TaxpayerID: w.TaxpayerA, Subject: "您的申请SQ001已办结", Body: "审核环节：同意\n意见：资料齐全，准予变更。",
			Link: "/hall/applications/7", Key: "workflow:task:9"}
		for range 2 {
			if err := d.Tx(ctx, func(tx *sql.Tx) error { _, err := Fanout(ctx, tx, e); return err }); err != nil {
				t.Fatal(err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind IN ('notify.email', 'notify.sms')`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("%d outbox jobs, want 2 (one e-mail, one text): %v", n, err)
		}
		t0 := time.Now().Add(time.Second)
		srv := smtptest.Start(t, "127.0.0.1:0")
		o := &Outbox{DB: d, Now: func() time.Time { return t0 }, Mailer: mailer(srv), SMS: &TableGateway{DB: d, Now: func() time.Time { return t0 }}, BaseURL: "https://etax.example.cn"}
		r := &jobs.Runner{DB: d}
		o.Register(r)
		if ran := drain(t, r); ran != 2 {
			t.Fatalf("ran %d jobs", ran)
		}
		got := srv.Mail()
		if len(got) != 1 {
			t.Fatalf("%d e-mails: %+v", len(got), got)
		}
		m := got[0]
		if m.Subject != e.Subject || len(m.To) != 1 || m.To[0] != "caiwu@example.cn" || m.From != "noreply@etax.example.cn" {
			t.Errorf("e-mail %+v", m)
		}
		for _, want := range []string{"审核环节：同意", "资料齐全，准予变更。", "https://etax.example.cn/hall/applications/7", "定制服务"} {
			if !strings.Contains(m.Body, want) {
				t.Errorf("body lacks %q:\n%s", want, m.Body)
			}
		}
		texts, _, err := Texts(ctx, d, 0, 10)
		if err != nil || len(texts) != 1 || texts[0].Phone != "13906001234" || !strings.HasPrefix(texts[0].Body, "【电子税务局】您的申请SQ001已办结") {
			t.Fatalf("texts %+v %v", texts, err)
		}
	})
}

// The SMTP server is down: the e-mail waits (retried with backoff) and
// arrives once the server is back on the same address.
func TestSMTPDownThenBack(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := ixtest.New(t, d)
		subscriber(t, d, w, "caiwu", "caiwu@example.cn", Payment)
		// A free port with nobody listening.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		for i := range 3 {
			e := Event{Category: Payment, TaxpayerID: w.TaxpayerA, Subject: fmt.Sprintf("缴款成功：¥%d.00", 100+i), Body: "银行已扣款。", Key: fmt.Sprintf("payment:R%d", i)}
			if err := d.Tx(ctx, func(tx *sql.Tx) error { _, err := Fanout(ctx, tx, e); return err }); err != nil {
				t.Fatal(err)
			}
		}
		clock := time.Now().Add(time.Second)
		o := &Outbox{DB: d, Now: func() time.Time { return clock }, Mailer: &SMTP{Addr: addr, User: smtptest.User, Password: smtptest.Password,
			From: "noreply@etax.example.cn", Timeout: 2 * time.Second}}
		r := &jobs.Runner{DB: d, Now: func() time.Time { return clock }}
		o.Register(r)
		if ran := drain(t, r); ran != 3 {
			t.Fatalf("ran %d", ran)
		}
		var ready int
		var lastErr string
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*), MAX(last_error) FROM jobs WHERE kind = 'notify.email' AND state = 'ready' AND attempts = 1`).Scan(&ready, &lastErr); err != nil || ready != 3 || lastErr == "" {
			t.Fatalf("after the failure: %d ready, error %q, %v", ready, lastErr, err)
		}
		// Still down a little later: tried again, still waiting.
		clock = clock.Add(10 * time.Second)
		drain(t, r)
		srv := smtptest.Start(t, addr)
		o.Mailer.(*SMTP).TLSConfig = srv.Client
		clock = clock.Add(time.Hour)
		if ran := drain(t, r); ran != 3 {
			t.Fatalf("after the server came back ran %d", ran)
		}
		if got := srv.Mail(); len(got) != 3 {
			t.Fatalf("%d e-mails arrived, want 3", len(got))
		}
		var done int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND state = 'done'`).Scan(&done); err != nil || done != 3 {
			t.Fatalf("%d done %v", done, err)
		}
	})
}

// Two workers (two connection pools, as two nodes) drain a batch while a
// third was killed mid-batch: it had sent one e-mail without marking its
// job done, and claimed another without sending. After its lease the others
// take both over; every e-mail arrives exactly once.
func TestOutboxOnceWhenAWorkerDies(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := ixtest.New(t, d)
		subscriber(t, d, w, "caiwu", "caiwu@example.cn", Deadline)
		const m = 12
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := range m {
				e := Event{Category: Deadline, TaxpayerID: w.TaxpayerA, Subject: fmt.Sprintf("申报期限提醒 %02d", i), Body: "本月征期将于11月16日截止。", Key: fmt.Sprintf("notify:deadline:%d", i)}
				if _, err := Fanout(ctx, tx, e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		srv := smtptest.Start(t, "127.0.0.1:0")
		t0 := time.Now().Add(time.Second)
		now := func() time.Time { return t0 }
		dead := &Outbox{DB: d, Now: now, Mailer: mailer(srv)}
		// The dying worker: sends the first, is killed before Complete;
		// claims the second and is killed before sending.
		c1, err := jobs.Claim(ctx, d, []string{KindEmail}, "dying", t0, time.Minute)
		if err != nil || c1 == nil {
			t.Fatal(c1, err)
		}
		if err := dead.sendEmail(ctx, c1); err != nil {
			t.Fatal(err)
		}
		c2, err := jobs.Claim(ctx, d, []string{KindEmail}, "dying", t0, time.Minute)
		if err != nil || c2 == nil {
			t.Fatal(c2, err)
		}
		later := func() time.Time { return t0.Add(2 * time.Minute) }
		var wg sync.WaitGroup
		start := make(chan struct{})
		for node, pool := range []*db.DB{d, dbtest.SecondPool(t, d)} {
			o := &Outbox{DB: pool, Now: later, Mailer: mailer(srv)}
			r := &jobs.Runner{DB: pool, Now: later}
			o.Register(r)
			for g := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					for {
						ran, err := r.RunOne(ctx, []string{KindEmail}, fmt.Sprintf("node%d/%d", node, g))
						if err != nil {
							t.Error(err)
							return
						}
						if !ran {
							return
						}
					}
				}()
			}
		}
		close(start)
		wg.Wait()
		seen := map[string]int{}
		for _, e := range srv.Mail() {
			seen[e.Subject]++
		}
		if len(seen) != m {
			t.Fatalf("%d distinct e-mails arrived, want %d", len(seen), m)
		}
		for s, c := range seen {
			if c != 1 {
				t.Errorf("%q arrived %d times", s, c)
			}
		}
		var left int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.email' AND state <> 'done'`).Scan(&left); err != nil || left != 0 {
			t.Fatalf("%d jobs not done: %v", left, err)
		}
		// The dead worker comes back: its claims are stale.
		if err := jobs.Complete(ctx, d, c1, later()); err != jobs.ErrLostLease {
			t.Fatalf("stale complete: %v", err)
		}
	})
}

// The 12366 answer to an asker without an account goes to the e-mail
// address and the phone they left, once per answer.
func TestConsultNotifier(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		o := &Outbox{DB: d, Now: func() time.Time { return t0 }, SMS: &TableGateway{DB: d, Now: func() time.Time { return t0 }}}
		n := consult.Notice{Phone: "13906001234", Email: "lin@example.cn", Subject: "您的咨询已答复：免税标准", Body: "12366 已答复您的咨询，请凭编号 ZX1 和查询码查看。", DedupeKey: "question:5", TrackingNo: "ZX1"}
		for range 2 {
			if err := d.Tx(ctx, func(tx *sql.Tx) error { return o.Notify(ctx, tx, n) }); err != nil {
				t.Fatal(err)
			}
		}
		mail, _ := jobs.Get(ctx, d, KindEmail, "direct:question:5")
		text, _ := jobs.Get(ctx, d, KindSMS, "direct:question:5")
		if mail == nil || text == nil || !strings.Contains(mail.PayloadRaw, "lin@example.cn") || !strings.Contains(text.PayloadRaw, "【电子税务局】") {
			t.Fatalf("jobs %+v %+v", mail, text)
		}
		r := &jobs.Runner{DB: d}
		o.Register(r) // no mailer: the e-mail waits, the text goes
		if ran := drain(t, r); ran != 1 {
			t.Fatalf("ran %d", ran)
		}
		if mail, _ := jobs.Get(ctx, d, KindEmail, "direct:question:5"); mail.State != jobs.Ready {
			t.Fatalf("e-mail job %s without a mailer", mail.State)
		}
	})
}
