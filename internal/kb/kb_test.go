package kb_test

import (
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/kb"
	"taxhall/internal/search"
)

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newService(d *db.DB) *kb.Service {
	ix := search.New(d)
	ix.Now = func() time.Time { return now }
	return &kb.Service{DB: d, Index: ix, Now: func() time.Time { return now }}
}

var vatEntry = kb.Input{Question: "小规模纳税人月销售额多少以下免征增值税？", TaxType: "vat", ValidFrom: "2026-01-01",
	Answer: "增值税小规模纳税人发生应税销售行为，合计月销售额未超过10万元（以1个季度为1个纳税期的，季度销售额未超过30万元）的，免征增值税。",
	Refs:   "《中华人民共和国增值税法》第二十四条 | /laws/1#a24\n财政部 税务总局公告"}

func TestReviewAndSearch(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := newService(d)
		agent := w.Staff(t, w.Xiamen, "A01", auth.Role12366Agent)
		reviewer := w.Staff(t, w.Xiamen, "R01", auth.RoleContentReviewer)
		reviewer2 := w.Staff(t, w.Xiamen, "R02", auth.RoleContentReviewer)
		clerk := w.Staff(t, w.Xiamen, "C01", auth.RoleWindowClerk)

		e, err := svc.Create(ixtest.As(agent), vatEntry)
		if err != nil {
			t.Fatal(err)
		}
		if e.State != kb.Draft || len(e.Refs) != 2 || e.Refs[0].URL != "/laws/1#a24" {
			t.Fatalf("created %+v", e)
		}
		if _, err := svc.Create(ixtest.As(clerk), vatEntry); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("clerk creates: %v", err)
		}
		bad := vatEntry
		bad.Refs, bad.ValidTo = "依据 | http://evil.example/", "2025-01-01"
		if err := asInvalid(t)(svc.Create(ixtest.As(agent), bad)); err.Fields["refs"] == "" || err.Fields["valid_to"] == "" {
			t.Fatalf("bad input: %+v", err.Fields)
		}
		// A draft is not found by the public.
		if r, err := svc.Search(t.Context(), "免征增值税", "", 0, 0); err != nil || len(r.Hits) != 0 {
			t.Fatalf("draft found: %+v %v", r, err)
		}
		if err := svc.Approve(ixtest.As(agent), e.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("agent approves: %v", err)
		}
		// A reviewer who wrote the entry cannot approve it.
		own, err := svc.Create(ixtest.As(reviewer), kb.Input{Question: "六税两费减征的对象有哪些？", Answer: "增值税小规模纳税人、小型微利企业和个体工商户可以在50%的税额幅度内减征资源税、城市维护建设税、房产税、城镇土地使用税、印花税（不含证券交易印花税）、耕地占用税和教育费附加、地方教育附加。", TaxType: "六税两费", ValidFrom: "2023-01-01", ValidTo: "2027-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Approve(ixtest.As(reviewer), own.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("reviewer approves own entry: %v", err)
		}
		// The database refuses it too.
		if _, err := d.ExecContext(t.Context(), `UPDATE kb_entries SET state = 'published', reviewed_by = author_id WHERE id = $1`, own.ID); err == nil {
			t.Fatal("database let the author review the entry")
		}
		if err := svc.Approve(ixtest.As(reviewer2), own.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Approve(ixtest.As(reviewer), e.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Approve(ixtest.As(reviewer2), e.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("second approval: %v", err)
		}
		r, err := svc.Search(t.Context(), "小规模 免征增值税", "", 0, 0)
		if err != nil || len(r.Hits) != 1 || r.Hits[0].Entry.ID != e.ID || r.Hits[0].URL == "" {
			t.Fatalf("search: %+v %v", r, err)
		}
		if r, _ := svc.Search(t.Context(), "小规模", "cit", 0, 0); len(r.Hits) != 0 {
			t.Fatalf("tax type filter ignored: %+v", r.Hits)
		}
		if _, err := svc.Public(t.Context(), e.ID); err != nil {
			t.Fatal(err)
		}
		// Editing sends it back to review and out of the public's sight.
		ed := vatEntry
		ed.Answer += "（已更新）"
		if err := svc.Update(ixtest.As(reviewer), e.ID, ed); err != nil {
			t.Fatal(err)
		}
		if r, _ := svc.Search(t.Context(), "免征增值税", "", 0, 0); len(r.Hits) != 0 {
			t.Fatalf("edited entry still found: %+v", r.Hits)
		}
		if err := svc.Approve(ixtest.As(reviewer), e.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("the editor approves own edit: %v", err)
		}
		if err := svc.Approve(ixtest.As(reviewer2), e.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.Archive(ixtest.As(agent), e.ID); err != nil {
			t.Fatal(err)
		}
		if r, _ := svc.Search(t.Context(), "免征增值税", "", 0, 0); len(r.Hits) != 0 {
			t.Fatalf("archived entry found: %+v", r.Hits)
		}
		if _, err := svc.Public(t.Context(), e.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("archived entry shown: %v", err)
		}
		p, err := svc.List(ixtest.As(agent), kb.Published, 0)
		if err != nil || len(p.Items) != 1 || p.Items[0].ID != own.ID {
			t.Fatalf("list: %+v %v", p, err)
		}
	})
}

// TestExpiredNotSuggested: an entry whose validity has ended, or not yet
// begun, is neither found nor shown, though published.
func TestExpiredNotSuggested(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		svc := newService(d)
		agent := w.Staff(t, w.Xiamen, "A01", auth.Role12366Agent)
		reviewer := w.Staff(t, w.Xiamen, "R01", auth.RoleHallSupervisor)
		mk := func(q, from, to string) int64 {
			e, err := svc.Create(ixtest.As(agent), kb.Input{Question: q, Answer: "季度销售额未超过45万元的免征增值税。", TaxType: "vat", ValidFrom: from, ValidTo: to})
			if err != nil {
				t.Fatal(err)
			}
			if err := svc.Approve(ixtest.As(reviewer), e.ID); err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
		old := mk("小规模纳税人免税额度（2021年政策）", "2021-04-01", "2022-12-31")
		future := mk("小规模纳税人免税额度（2027年政策）", "2027-01-01", "")
		current := mk("小规模纳税人免税额度", "2026-01-01", "2026-11-02") // last day today
		r, err := svc.Search(t.Context(), "免税额度", "", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) != 1 || r.Hits[0].Entry.ID != current {
			t.Fatalf("hits %+v, want only %d", r.Hits, current)
		}
		for _, id := range []int64{old, future} {
			if _, err := svc.Public(t.Context(), id); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("entry %d shown: %v", id, err)
			}
		}
		// A day of 2027 on another node: the index follows the calendar.
		later := time.Date(2027, 1, 2, 9, 0, 0, 0, now.Location())
		svc2 := &kb.Service{DB: d, Index: svc.Index, Now: func() time.Time { return later }}
		r, err = svc2.Search(t.Context(), "免税额度", "", 0, 0)
		if err != nil || len(r.Hits) != 1 || r.Hits[0].Entry.ID != future {
			t.Fatalf("2027: hits %+v %v, want only %d", r.Hits, err, future)
		}
		var n int
		if err := d.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM search_docs WHERE kind = 'kb'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("index holds %d rows, want the one valid entry", n)
		}
	})
}

func asInvalid(t *testing.T) func(*kb.Entry, error) *apperr.Error {
	return func(_ *kb.Entry, err error) *apperr.Error {
		t.Helper()
		e := apperr.As(err)
		if e == nil || e.Code != apperr.Invalid {
			t.Fatalf("want Invalid, got %v", err)
		}
		return e
	}
}

func TestKeywords(t *testing.T) {
	for in, want := range map[string]string{
		"小规模纳税人季度免税标准是多少？": "小规 模纳 税人 季度 免税 标准",
		"赡养老人":       "赡养 老人",
		"电子合同要交印花税吗": "电子 合同 交印 花税",
	} {
		if got := kb.Keywords(in); got != want {
			t.Errorf("Keywords(%q) = %q, want %q", in, got, want)
		}
	}
}
