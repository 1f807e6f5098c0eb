package cms_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/org"
	"taxhall/internal/search"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

type fixture struct {
	svc                         *cms.Service
	now                         *time.Time
	editor, editor2, reviewer   *auth.Actor
	otherEditor, editorReviewer *auth.Actor
	column, otherColumn         int64
	city                        *org.Org
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	now := t0
	f := &fixture{now: &now}
	f.svc = &cms.Service{DB: d, Index: search.New(d), Now: func() time.Time { return *f.now }}
	prov, err := org.CreateRoot(ctx, d, t0, "35", "国家税务总局福建省税务局")
	if err != nil {
		t.Fatal(err)
	}
	xm, err := org.CreateChild(ctx, d, t0, prov, "3502", "国家税务总局厦门市税务局", "", "")
	if err != nil {
		t.Fatal(err)
	}
	fz, err := org.CreateChild(ctx, d, t0, prov, "3501", "国家税务总局福州市税务局", "", "")
	if err != nil {
		t.Fatal(err)
	}
	f.city = xm
	staff := func(o *org.Org, no, name string, roles ...string) *auth.Actor {
		id, err := org.InsertStaff(ctx, d, t0, o.ID, no, name, "", roles, "x")
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Actor{Kind: auth.Staff, UserID: id, Name: name, StaffNo: no, OrgID: o.ID, OrgPath: o.Path, Roles: roles}
	}
	f.editor = staff(xm, "35020004", "吴晓丽", auth.RoleContentEditor)
	f.editor2 = staff(xm, "35020014", "周编辑", auth.RoleContentEditor)
	f.reviewer = staff(xm, "35020005", "许国强", auth.RoleContentReviewer)
	f.editorReviewer = staff(xm, "35020015", "兼职审核", auth.RoleContentEditor, auth.RoleContentReviewer)
	f.otherEditor = staff(fz, "35010004", "福州编辑", auth.RoleContentEditor, auth.RoleContentReviewer)
	f.column, err = cms.InsertColumn(ctx, d, t0.AddDate(0, -2, 0), cms.NewColumn{SiteOrgID: xm.ID, Code: "notice", Name: "通知公告", Dept: "办公室", PeriodDays: 7})
	if err != nil {
		t.Fatal(err)
	}
	f.otherColumn, err = cms.InsertColumn(ctx, d, t0, cms.NewColumn{SiteOrgID: fz.ID, Code: "notice", Name: "通知公告", Dept: "办公室", PeriodDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func code(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}

func text(col int64) cms.Text {
	return cms.Text{ColumnID: col, Title: "关于2026年春节期间办税服务安排的通告", Summary: "春节期间办税服务厅暂停对外服务。", Body: "<p>根据国务院办公厅通知，<strong>2026年2月15日至23日</strong>办税服务厅暂停对外办公。</p>"}
}

func TestWorkflow(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, err := f.svc.Create(ctx, f.editor, text(f.column))
		if err != nil {
			t.Fatal(err)
		}
		state := func() string {
			a, err := f.svc.Get(ctx, f.editor, id)
			if err != nil {
				t.Fatal(err)
			}
			return a.State
		}
		// Illegal steps from draft.
		if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, ""); code(err) != apperr.Conflict {
			t.Errorf("approve a draft: %v", err)
		}
		if err := f.svc.Return(ctx, f.reviewer, id, "改"); code(err) != apperr.Conflict {
			t.Errorf("return a draft: %v", err)
		}
		if err := f.svc.Archive(ctx, f.editor, id); code(err) != apperr.Conflict {
			t.Errorf("archive a draft: %v", err)
		}
		// Roles: a reviewer does not write, an editor does not review.
		if _, err := f.svc.Create(ctx, f.reviewer, text(f.column)); code(err) != apperr.Forbidden {
			t.Errorf("reviewer creates: %v", err)
		}
		if err := f.svc.Submit(ctx, f.editor, id); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Approve(ctx, f.editor2, id, time.Time{}, ""); code(err) != apperr.Forbidden {
			t.Errorf("editor approves: %v", err)
		}
		if err := f.svc.Update(ctx, f.editor, id, text(f.column)); code(err) != apperr.Conflict {
			t.Errorf("edit under review: %v", err)
		}
		if err := f.svc.Submit(ctx, f.editor, id); code(err) != apperr.Conflict {
			t.Errorf("submit twice: %v", err)
		}
		// Another city's staff do not see it.
		if err := f.svc.Approve(ctx, f.otherEditor, id, time.Time{}, ""); code(err) != apperr.NotFound {
			t.Errorf("another city's reviewer: %v", err)
		}
		// Return needs a comment, then goes back to the author.
		if err := f.svc.Return(ctx, f.reviewer, id, " "); code(err) != apperr.Invalid {
			t.Errorf("return without comment: %v", err)
		}
		if err := f.svc.Return(ctx, f.reviewer, id, "请补充暂停服务期间的网上办税渠道。"); err != nil {
			t.Fatal(err)
		}
		if s := state(); s != cms.Returned {
			t.Fatalf("after return: %s", s)
		}
		fixed := text(f.column)
		fixed.Body += `<p>期间可通过网上办税服务厅办理。</p><script>alert(1)</script>`
		if err := f.svc.Update(ctx, f.editor, id, fixed); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Submit(ctx, f.editor, id); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, "同意发布"); err != nil {
			t.Fatal(err)
		}
		a, err := f.svc.Public(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.Version != 2 || strings.Contains(a.BodyHTML, "script") || !strings.Contains(a.BodyHTML, "网上办税服务厅") {
			t.Errorf("published: version %d body %q", a.Version, a.BodyHTML)
		}
		evs, vs, err := f.svc.History(ctx, f.editor, id)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range evs {
			steps = append(steps, e.Action)
		}
		if got := strings.Join(steps, ","); got != "create,submit,return,edit,submit,approve" || len(vs) != 2 {
			t.Errorf("history %s, %d versions", got, len(vs))
		}
		if cms.LastComment(evs) != "请补充暂停服务期间的网上办税渠道。" {
			t.Errorf("comment %q", cms.LastComment(evs))
		}
		// Published: searchable, then archived and gone.
		r, err := f.svc.Index.Search(ctx, search.Query{Text: "春节 办税服务", Kinds: []string{cms.SearchKind}})
		if err != nil || len(r.Hits) != 1 {
			t.Fatalf("search: %v %v", r.Hits, err)
		}
		if err := f.svc.Archive(ctx, f.editor, id); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Public(ctx, id); code(err) != apperr.NotFound {
			t.Errorf("archived public: %v", err)
		}
		if err := f.svc.Archive(ctx, f.editor, id); code(err) != apperr.Conflict {
			t.Errorf("archive twice: %v", err)
		}
		r, _ = f.svc.Index.Search(ctx, search.Query{Text: "春节 办税服务", Kinds: []string{cms.SearchKind}})
		if len(r.Hits) != 0 {
			t.Errorf("archived still found")
		}
	})
}

func TestAuthorCannotApproveOwn(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, err := f.svc.Create(ctx, f.editorReviewer, text(f.column))
		if err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Submit(ctx, f.editorReviewer, id); err != nil {
			t.Fatal(err)
		}
		err = f.svc.Approve(ctx, f.editorReviewer, id, time.Time{}, "")
		if code(err) != apperr.Forbidden || !strings.Contains(err.Error(), "不能审核自己撰写的文章") {
			t.Errorf("own approve: %v", err)
		}
		if err := f.svc.Return(ctx, f.editorReviewer, id, "自己退回"); code(err) != apperr.Forbidden {
			t.Errorf("own return: %v", err)
		}
		if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, ""); err != nil {
			t.Errorf("another reviewer: %v", err)
		}
	})
}

func TestScheduledPublishing(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, _ := f.svc.Create(ctx, f.editor, text(f.column))
		_ = f.svc.Submit(ctx, f.editor, id)
		at := t0.Add(2 * time.Hour)
		if err := f.svc.Approve(ctx, f.reviewer, id, at, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Public(ctx, id); code(err) != apperr.NotFound {
			t.Errorf("scheduled is public: %v", err)
		}
		if n, err := f.svc.PublishDue(ctx); err != nil || n != 0 {
			t.Errorf("before time: %d %v", n, err)
		}
		*f.now = at.Add(time.Minute)
		// Two nodes run the scheduler at once: one publishes.
		svc2 := &cms.Service{DB: dbtest.SecondPool(t, d), Index: search.New(d), Now: f.svc.Now}
		var wg sync.WaitGroup
		counts := make([]int, 2)
		start := make(chan struct{})
		for i, s := range []*cms.Service{f.svc, svc2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				n, err := s.PublishDue(ctx)
				if err != nil {
					t.Error(err)
				}
				counts[i] = n
			}()
		}
		close(start)
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Errorf("published %v times", counts)
		}
		a, err := f.svc.Public(ctx, id)
		if err != nil || !a.PublishedAt.Equal(*f.now) {
			t.Errorf("public after time: %v %v", a.PublishedAt, err)
		}
		evs, _, _ := f.svc.History(ctx, f.editor, id)
		if evs[len(evs)-1].Action != "publish" || evs[len(evs)-1].Staff != "" {
			t.Errorf("last step %+v", evs[len(evs)-1])
		}
	})
}

func TestConcurrentApprove(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		id, _ := f.svc.Create(ctx, f.editor, text(f.column))
		_ = f.svc.Submit(ctx, f.editor, id)
		svc2 := &cms.Service{DB: dbtest.SecondPool(t, d), Index: search.New(d), Now: f.svc.Now}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, step := range []func() error{
			func() error { return f.svc.Approve(ctx, f.reviewer, id, time.Time{}, "") },
			func() error { return svc2.Return(ctx, f.editorReviewer, id, "退回") },
		} {
			wg.Add(1)
			go func() { defer wg.Done(); <-start; errs[i] = step() }()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if code(err) != apperr.Conflict {
				t.Errorf("loser: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("approve and return at once: %v", errs)
		}
		evs, _, _ := f.svc.History(ctx, f.editor, id)
		if len(evs) != 3 {
			t.Errorf("%d steps logged", len(evs))
		}
	})
}

func TestReminders(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		// The column (7 days) was created two months ago and never updated.
		for range 2 {
			n, err := f.svc.CheckOverdue(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_ = n
		}
		rs, err := f.svc.RemindersFor(ctx, f.editor)
		if err != nil || len(rs) != 1 || rs[0].Level != 1 || rs[0].Column != "通知公告" {
			t.Fatalf("editor reminders: %+v %v", rs, err)
		}
		rs, _ = f.svc.RemindersFor(ctx, f.reviewer)
		if len(rs) != 1 || rs[0].Level != 2 {
			t.Errorf("supervisor reminders: %+v", rs)
		}
		if rs, _ := f.svc.RemindersFor(ctx, f.otherEditor); len(rs) != 0 {
			t.Errorf("another city's editor sees %+v", rs)
		}
		var count int
		_ = d.QueryRowContext(ctx, `SELECT count(*) FROM cms_reminders`).Scan(&count)
		if count != 2 {
			t.Errorf("%d reminder rows after two checks, want 2", count)
		}
		// Publishing in the column clears it.
		id, _ := f.svc.Create(ctx, f.editor, text(f.column))
		_ = f.svc.Submit(ctx, f.editor, id)
		if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, ""); err != nil {
			t.Fatal(err)
		}
		if rs, _ := f.svc.RemindersFor(ctx, f.editor); len(rs) != 0 {
			t.Errorf("after publishing: %+v", rs)
		}
		fr, err := f.svc.FreshnessOf(ctx, f.reviewer, f.city.ID)
		if err != nil || len(fr) != 1 || fr[0].OverdueDays != 0 {
			t.Errorf("freshness %+v %v", fr, err)
		}
	})
}

// TestSanitize: real XSS payloads (OWASP filter evasion cheat sheet) lose
// their script; the text and safe markup stay.
func TestSanitize(t *testing.T) {
	for _, payload := range []string{
		`<script>alert('XSS')</script>`,
		`<IMG SRC="javascript:alert('XSS');">`,
		`<IMG SRC=JaVaScRiPt:alert('XSS')>`,
		`<img src=x onerror=alert(1)>`,
		`<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>`,
		`<a href="javascript:alert(1)">点我</a>`,
		`<a href=" &#14;  javascript:alert('XSS');">x</a>`,
		`<svg/onload=alert('XSS')>`,
		`<BODY ONLOAD=alert('XSS')>`,
		`<iframe src="https://evil.example/"></iframe>`,
		`<div style="background-image: url(javascript:alert('XSS'))">x</div>`,
		`<SCRIPT/XSS SRC="http://xss.rocks/xss.js"></SCRIPT>`,
		`<<SCRIPT>alert("XSS");//\<</SCRIPT>`,
		`<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>`,
		`<form action="https://evil.example/"><input name=p></form>`,
		`<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`,
		`<p onclick="alert(1)">文字</p>`,
	} {
		out := strings.ToLower(cms.Sanitize("<p>税务公告</p>" + payload))
		for _, bad := range []string{"<script", "javascript:", "onerror", "onload", "onclick", "<iframe", "<svg", "<object", "<form", "<meta", "style=", "<body"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s → %s (kept %s)", payload, out, bad)
			}
		}
		if !strings.Contains(out, "<p>税务公告</p>") {
			t.Errorf("%s → %s: text lost", payload, out)
		}
	}
	safe := `<h2>一、适用范围</h2><p>详见<a href="https://www.chinatax.gov.cn/">国家税务总局</a>。</p><ul><li>甲</li></ul><img src="/info/files/12" alt="图">`
	out := cms.Sanitize(safe)
	for _, keep := range []string{"<h2>一、适用范围</h2>", `href="https://www.chinatax.gov.cn/"`, "<li>甲</li>", `<img src="/info/files/12" alt="图">`} {
		if !strings.Contains(out, keep) {
			t.Errorf("safe markup lost %s: %s", keep, out)
		}
	}
	// Images only from the hall's own article files.
	for _, img := range []string{`<img src="https://example.gov.cn/a.png" alt="图">`, `<img src="//evil.example/info/files/1">`,
		`<img src="/info/files/1/../../../logout">`, `<img src="/info/files/1?track=1">`, `<img alt="无地址">`, `<IMG SRC="/staff/logout">`,
		`<img src="https://evil.example/info/files/1">`, `<picture><img src="x.png"></picture>`} {
		if out := cms.Sanitize("<p>税务公告</p>" + img); strings.Contains(strings.ToLower(out), "<img") || !strings.Contains(out, "<p>税务公告</p>") {
			t.Errorf("%s → %s", img, out)
		}
	}
}
