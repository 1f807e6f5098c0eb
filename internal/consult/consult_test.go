package consult_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

type fixedCal struct{}

func (fixedCal) Calendar(context.Context) (*calendar.Calendar, error) { return calendar.Default(), nil }

type notes struct{ got []consult.Notice }

func (n *notes) Notify(_ context.Context, _ db.Querier, x consult.Notice) error {
	n.got = append(n.got, x)
	return nil
}

// TestOneAgentClaims: twenty agents of the bureau, on two pools, claim one
// question at once; exactly one gets it.
func TestOneAgentClaims(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := &consult.Service{DB: d, Now: func() time.Time { return now }, Cal: fixedCal{}}
		svc2 := &consult.Service{DB: dbtest.SecondPool(t, d), Now: svc.Now, Cal: fixedCal{}}
		u := w.User(t, w.TaxpayerA, "lin")
		q, err := svc.Ask(ixtest.As(u), consult.Input{OrgID: w.Xiamen.ID, Channel: consult.Web, TaxType: "vat", Subject: "小规模纳税人季度免税额度", Body: "季度销售额30万元以下是否免征增值税？"})
		if err != nil {
			t.Fatal(err)
		}
		agents := make([]*auth.Actor, 20)
		for i := range agents {
			agents[i] = w.Staff(t, w.Xiamen, fmt.Sprintf("350200%02d", 10+i), auth.Role12366Agent)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, len(agents))
		for i := range agents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := svc
				if i%2 == 1 {
					s = svc2
				}
				<-start
				errs[i] = s.Claim(ixtest.As(agents[i]), q.ID)
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch {
			case err == nil:
				if winner >= 0 {
					t.Errorf("agents %d and %d both claimed", winner, i)
				}
				winner = i
			case apperr.CodeOf(err) != apperr.Conflict:
				t.Errorf("agent %d: %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("nobody claimed")
		}
		// Another bureau's agent neither sees nor claims it.
		fz := ixtest.As(w.Staff(t, w.Fuzhou, "35010003", auth.Role12366Agent))
		if err := svc.Claim(fz, q.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("Fuzhou agent: %v", err)
		}
		loser := ixtest.As(agents[(winner+1)%len(agents)])
		if err := svc.Answer(loser, q.ID, "x"); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("answer by a non-holder: %v", err)
		}
		if err := svc.Answer(ixtest.As(agents[winner]), q.ID, "季度销售额未超过30万元的小规模纳税人免征增值税。"); err != nil {
			t.Fatal(err)
		}
		var n int
		_ = d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM messages WHERE taxpayer_id = $1 AND user_id = $2`, w.TaxpayerA, u.UserID).Scan(&n)
		if n != 1 {
			t.Errorf("%d messages to the asker, want 1", n)
		}
		mine, err := svc.MyQuestion(ixtest.As(u), q.ID)
		if err != nil || mine.State != "answered" || len(mine.Entries) != 1 {
			t.Fatalf("asker sees %v %+v", err, mine)
		}
		if _, err := svc.MyQuestion(ixtest.As(w.User(t, w.TaxpayerB, "wang")), q.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("other taxpayer: %v", err)
		}
		if err := svc.Rate(context.Background(), mine, 5, "很清楚"); err != nil {
			t.Fatal(err)
		}
		if err := svc.Rate(context.Background(), mine, 1, ""); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second rating: %v", err)
		}
		if err := svc.FollowUp(context.Background(), mine, "那么月销售额10万元呢？"); err != nil {
			t.Fatal(err)
		}
		p, err := svc.Queue(fz, "open", 0)
		if err != nil || len(p.Items) != 0 {
			t.Errorf("Fuzhou queue: %v %d", err, len(p.Items))
		}
		p, err = svc.Queue(ixtest.As(agents[0]), "open", 0)
		if err != nil || len(p.Items) != 1 {
			t.Errorf("Xiamen queue after follow-up: %v %d", err, len(p.Items))
		}
	})
}

func TestPhoneAskerAndHotlineAndReview(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		n := &notes{}
		svc := &consult.Service{DB: d, Now: func() time.Time { return now }, Cal: fixedCal{}, Notifier: n}
		in := consult.Input{OrgID: w.Xiamen.ID, Channel: consult.Web, TaxType: "iit", Subject: "专项附加扣除", Body: "赡养老人扣除标准是多少？"}
		if _, err := svc.Ask(context.Background(), in); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("anonymous without contact: %v", err)
		}
		in.Phone = "13906001234"
		asked, err := svc.Ask(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		hot := in
		hot.Channel = consult.Hotline
		if _, err := svc.Ask(context.Background(), hot); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("hotline by the public: %v", err)
		}
		agent := ixtest.As(w.Staff(t, w.Xiamen, "35020003", auth.Role12366Agent))
		if _, err := svc.Ask(agent, hot); err != nil {
			t.Fatal(err)
		}
		if err := svc.Claim(agent, asked.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Answer(agent, asked.ID, "每月3000元。"); err != nil {
			t.Fatal(err)
		}
		if len(n.got) != 1 || n.got[0].Phone != "13906001234" {
			t.Errorf("notifier got %+v", n.got)
		}
		q, err := svc.Track(context.Background(), asked.TrackingNo, asked.Code)
		if err != nil || len(q.Entries) != 1 {
			t.Fatalf("track: %v", err)
		}
		if err := svc.Propose(agent, asked.ID, "赡养老人专项附加扣除标准是多少？", "每月3000元。"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Pending(agent); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("agent reviews: %v", err)
		}
		rev := ixtest.As(w.Staff(t, w.Xiamen, "35020005", auth.RoleContentReviewer))
		pend, err := svc.Pending(rev)
		if err != nil || len(pend) != 1 {
			t.Fatalf("pending %v %d", err, len(pend))
		}
		if pub, _ := svc.Published(context.Background(), 10); len(pub) != 0 {
			t.Error("published before review")
		}
		if err := svc.Review(rev, pend[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if pub, _ := svc.Published(context.Background(), 10); len(pub) != 1 {
			t.Error("not published after review")
		}
	})
}
