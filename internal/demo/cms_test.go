package demo

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/search"
)

func TestSeedCMS(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		if _, err := Seed(ctx, d, Options{Enterprises: 2, Individuals: 1, Now: now, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		seeded, err := SeedCMS(ctx, d, now)
		if err != nil || !seeded {
			t.Fatalf("seeded %v: %v", seeded, err)
		}
		t.Logf("SeedCMS in %v", time.Since(start))
		if again, err := SeedCMS(ctx, d, now); err != nil || again {
			t.Errorf("second seed: %v %v", again, err)
		}
		svc := &cms.Service{DB: d, Index: search.New(d), Now: func() time.Time { return now }}
		sites, err := svc.Sites(ctx)
		if err != nil || len(sites) != 3 {
			t.Fatalf("sites %v %v", sites, err)
		}
		for _, st := range sites {
			tree, err := svc.Tree(ctx, st.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			second := 0
			for _, top := range tree {
				second += len(top.Children)
				for _, c := range top.Children {
					list, _, err := svc.ColumnArticles(ctx, c.ID, cms.Cursor{})
					if err != nil || len(list) == 0 {
						t.Errorf("%s › %s: %d articles %v", st.Name, c.Name, len(list), err)
					}
				}
			}
			if len(tree) < 5 || second < 30 {
				t.Errorf("%s: %d top-level, %d second-level columns", st.Name, len(tree), second)
			}
			admin := &auth.Actor{Kind: auth.Staff, UserID: 1, OrgID: st.OrgID, OrgPath: st.Path, Roles: []string{auth.RoleAdmin}}
			fr, err := svc.FreshnessOf(ctx, admin, st.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			overdue := 0
			for _, f := range fr {
				if f.OverdueDays > 0 {
					overdue++
				}
			}
			if overdue == 0 || overdue > 10 {
				t.Errorf("%s: %d overdue columns", st.Name, overdue)
			}
		}
		if ok, err := SeedLists(ctx, d, now); err != nil || !ok {
			t.Fatalf("lists: %v %v", ok, err)
		}
		var quotas, irregular int
		_ = d.QueryRowContext(ctx, `SELECT count(*) FROM business_quotas`).Scan(&quotas)
		_ = d.QueryRowContext(ctx, `SELECT count(*) FROM taxpayers WHERE status = 'irregular'`).Scan(&irregular)
		if quotas != 16 || irregular == 0 {
			t.Errorf("%d quotas, %d 非正常户", quotas, irregular)
		}
		r, err := search.New(d).Search(ctx, search.Query{Text: "小规模纳税人", Kinds: []string{cms.SearchKind}})
		if err != nil || len(r.Hits) == 0 {
			t.Errorf("demo articles not searchable: %v", err)
		}
	})
}
