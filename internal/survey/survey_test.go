package survey_test

import (
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/survey"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

const items = "单选：您对办税服务厅的整体印象？｜满意｜一般｜不满意\n多选：您常用哪些渠道？|网站|手机|大厅\n评分：请为窗口服务打分\n填空：您的建议"

func answers(single, scale string, multi ...string) survey.Answers {
	return survey.Answers{Choices: map[int][]string{1: {single}, 2: multi, 3: {scale}}, Texts: map[int]string{4: "希望延长周六服务时间"}}
}

// TestAnsweredOnceAndCounted: a Xiamen group survey is offered to the
// Siming taxpayer only; ten answers of the same user at once (two pools)
// record one; the results count it; a closed survey takes no answers.
func TestAnsweredOnceAndCounted(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		clock := func() time.Time { return now }
		svc := &survey.Service{DB: d, Now: clock}
		svc2 := &survey.Service{DB: dbtest.SecondPool(t, d), Now: clock}
		boss := w.Staff(t, w.Xiamen, "35020901", auth.RoleHallSupervisor)
		if _, err := svc.Create(ixtest.As(w.Staff(t, w.Xiamen, "35020902", auth.Role12366Agent)), survey.Input{Title: "x", Audience: "public", Items: items}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("agent creates: %v", err)
		}
		if _, err := svc.Create(ixtest.As(boss), survey.Input{Title: "满意度", Audience: "group", Items: "单选：只有一个选项｜是"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("one option: %v", err)
		}
		id, err := svc.Create(ixtest.As(boss), survey.Input{Title: "2026年纳税人满意度调查", Audience: "group", Items: items})
		if err != nil {
			t.Fatal(err)
		}
		a := w.User(t, w.TaxpayerA, "lin")
		b := w.User(t, w.TaxpayerB, "wang")
		if inv, err := svc.ForMe(ixtest.As(b)); err != nil || len(inv) != 0 {
			t.Fatalf("Fuzhou taxpayer is offered %v, %v", inv, err)
		}
		if _, _, err := svc.ForAnswer(ixtest.As(b), id); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("Fuzhou taxpayer opens it: %v", err)
		}
		if err := svc.Answer(ixtest.As(a), id, answers("7", "3")); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("option out of range: %v", err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 10)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				s := svc
				if i%2 == 1 {
					s = svc2
				}
				<-start
				errs[i] = s.Answer(ixtest.As(a), id, answers("0", "4", "0", "2"))
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case apperr.CodeOf(err) != apperr.Conflict:
				t.Errorf("unexpected: %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d answers recorded, want 1", ok)
		}
		inv, err := svc.ForMe(ixtest.As(a))
		if err != nil || len(inv) != 1 || !inv[0].Answered {
			t.Fatalf("ForMe after answering: %+v, %v", inv, err)
		}
		x, res, err := svc.Results(ixtest.As(boss), id)
		if err != nil {
			t.Fatal(err)
		}
		if x.Responses != 1 || res[0].Bars[0].Count != 1 || res[0].Bars[0].Percent != 100 || res[1].Bars[2].Count != 1 || res[1].Bars[1].Count != 0 ||
			res[2].Average != "4.0" || len(res[3].Texts) != 1 {
			t.Fatalf("results: %d %+v", x.Responses, res)
		}
		if _, _, err := svc.Results(ixtest.As(w.Staff(t, w.Fuzhou, "35010901", auth.RoleHallSupervisor)), id); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("Fuzhou supervisor sees results: %v", err)
		}
		if err := svc.Close(ixtest.As(boss), id); err != nil {
			t.Fatal(err)
		}
		if err := svc.Close(ixtest.As(boss), id); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second close: %v", err)
		}
		a2 := w.User(t, w.TaxpayerA, "chen")
		if err := svc.Answer(ixtest.As(a2), id, answers("1", "5")); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("answer after close: %v", err)
		}
	})
}
