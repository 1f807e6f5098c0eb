package cms_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/jobs"
	"taxhall/internal/search"
)

// TestPolicyNotices: a policy article tagged with two tax types, published,
// reaches by paged jobs every taxpayer with an open identification of
// either, once (a taxpayer with both too); others get nothing; the e-mail
// and SMS of users who chose 政策推送 are queued once; running the pages
// again sends nothing; an article of another column sends nothing.
func TestPolicyNotices(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 12, Individuals: 2, Now: now, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		if _, err := demo.SeedCMS(ctx, d, now); err != nil {
			t.Fatal(err)
		}
		svc := &cms.Service{DB: d, Index: search.New(d), Now: func() time.Time { return now }}
		actor := func(no string) *auth.Actor {
			a := &auth.Actor{Kind: auth.Staff, StaffNo: no}
			var roles string
			if err := d.QueryRowContext(ctx, `SELECT s.id, s.roles, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.staff_no = $1`, no).
				Scan(&a.UserID, &roles, &a.OrgID, &a.OrgPath); err != nil {
				t.Fatal(err)
			}
			a.Roles = strings.Split(roles, ",")
			return a
		}
		editor, reviewer := actor("35020004"), actor("35020005")
		column := func(code string) int64 {
			var id int64
			if err := d.QueryRowContext(ctx, `SELECT c.id FROM cms_columns c WHERE c.site_org_id = $1 AND c.code = $2`, editor.OrgID, code).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		// One user of a vat_small taxpayer chose 政策推送 by SMS.
		var smsTaxpayer int64
		if err := d.QueryRowContext(ctx, `SELECT MIN(taxpayer_id) FROM tax_identifications WHERE tax_type = 'vat_small' AND end_date = ''`).Scan(&smsTaxpayer); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, taxpayer_id, phone, sms_kinds, updated_at)
			SELECT MIN(id), taxpayer_id, '13800000000', 'policy', '2026-12-01' FROM taxpayer_users WHERE taxpayer_id = $1 GROUP BY taxpayer_id`, smsTaxpayer); err != nil {
			t.Fatal(err)
		}
		publish := func(col int64, tags ...string) int64 {
			id, err := svc.Create(ctx, editor, cms.Text{ColumnID: col, Title: "关于小微企业“六税两费”减免政策的公告", Summary: "延续实施至2027年底。",
				Body: "<p>对增值税小规模纳税人、小型微利企业减半征收。</p>", TaxTags: tags})
			if err != nil {
				t.Fatal(err)
			}
			_ = svc.Submit(ctx, editor, id)
			if err := svc.Approve(ctx, reviewer, id, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			return id
		}
		if _, err := svc.Create(ctx, editor, cms.Text{ColumnID: column("policy-docs"), Title: "标签不对的文章", Body: "<p>x</p>", TaxTags: []string{"nope"}}); apperr.As(err) == nil || apperr.As(err).Fields["tax_tags"] == "" {
			t.Errorf("unknown tax tag: %v", err)
		}
		other := publish(column("news-work"), "vat_small")
		art := publish(column("policy-docs"), "vat_small", "cit")
		var jobsQueued int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, cms.KindPolicy).Scan(&jobsQueued); err != nil || jobsQueued != 1 {
			t.Fatalf("policy jobs after publishing: %d (want 1, for the policy column only) %v", jobsQueued, err)
		}

		// The queued chain, run by a job runner, three identifications a page.
		old := cms.PolicyPageSize
		cms.PolicyPageSize = 3
		t.Cleanup(func() { cms.PolicyPageSize = old })
		r := &jobs.Runner{DB: d}
		svc.RegisterJobs(r)
		pages := 0
		for {
			ran, err := r.RunOne(ctx, []string{cms.KindPolicy}, "test")
			if err != nil {
				t.Fatal(err)
			}
			if !ran {
				break
			}
			pages++
		}
		var want, got, dup, stray int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(DISTINCT taxpayer_id) FROM tax_identifications WHERE tax_type IN ('vat_small', 'cit') AND end_date = ''`).Scan(&want); err != nil {
			t.Fatal(err)
		}
		key := "policy:" + itoa(art)
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE dedupe_key = $1`, key).Scan(&got)
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT taxpayer_id FROM messages WHERE dedupe_key = $1 GROUP BY taxpayer_id HAVING COUNT(*) > 1) x`, key).Scan(&dup)
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages m WHERE m.dedupe_key = $1 AND NOT EXISTS (
			SELECT 1 FROM tax_identifications i WHERE i.taxpayer_id = m.taxpayer_id AND i.tax_type IN ('vat_small', 'cit') AND i.end_date = '')`, key).Scan(&stray)
		if want < 4 || got != want || dup != 0 || stray != 0 || pages < 3 {
			t.Fatalf("notices: %d of %d identified taxpayers, %d twice, %d not identified, in %d pages", got, want, dup, stray, pages)
		}
		var sms int
		_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = 'notify.sms' AND dedupe_key LIKE $1`, "%"+key).Scan(&sms)
		if sms != 1 {
			t.Errorf("%d texts queued for the user who chose 政策推送 by SMS, want 1", sms)
		}
		// Again (a page that ran twice, a second node): nothing new.
		if n, err := svc.RunPolicy(ctx, art); err != nil || n != 0 {
			t.Errorf("again: %d new, %v", n, err)
		}
		if n, err := svc.RunPolicy(ctx, other); err != nil || n != 0 {
			t.Errorf("an article outside the policy columns: %d sent, %v", n, err)
		}
		// Scheduled: the notices start when it is published, not before.
		id, err := svc.Create(ctx, editor, cms.Text{ColumnID: column("policy-reading"), Title: "解读：企业所得税汇算清缴新变化", Body: "<p>要点如下。</p>", TaxTags: []string{"cit"}})
		if err != nil {
			t.Fatal(err)
		}
		_ = svc.Submit(ctx, editor, id)
		if err := svc.Approve(ctx, reviewer, id, now.Add(2*time.Hour), ""); err != nil {
			t.Fatal(err)
		}
		queued := func() (n int) {
			_ = d.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = $1 AND dedupe_key = $2`, cms.KindPolicy, itoa(id)+":0:0").Scan(&n)
			return n
		}
		if queued() != 0 {
			t.Error("notices queued before the scheduled time")
		}
		now = now.Add(3 * time.Hour)
		if n, err := svc.PublishDue(ctx); err != nil || n != 1 || queued() != 1 {
			t.Errorf("scheduled publication: %d published, %d policy jobs, %v", n, queued(), err)
		}
	})
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
