package cms_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// TestTopics: an editor gathers published articles of two columns in a
// topic, in order; the public sees only the published ones, and a topic
// with none is not shown; another city's staff cannot touch it.
func TestTopics(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		col2, err := cms.InsertColumn(ctx, d, t0, cms.NewColumn{SiteOrgID: f.city.ID, Code: "policy", Name: "政策解读", Dept: "法制科", PeriodDays: 30})
		if err != nil {
			t.Fatal(err)
		}
		publish := func(col int64, title string) int64 {
			tx := text(col)
			tx.Title = title
			id, err := f.svc.Create(ctx, f.editor, tx)
			if err != nil {
				t.Fatal(err)
			}
			_ = f.svc.Submit(ctx, f.editor, id)
			if err := f.svc.Approve(ctx, f.reviewer, id, time.Time{}, ""); err != nil {
				t.Fatal(err)
			}
			return id
		}
		a1 := publish(f.column, "2026年增值税法实施公告")
		a2 := publish(col2, "增值税法实施条例解读")
		draft, _ := f.svc.Create(ctx, f.editor, text(f.column))

		in := cms.TopicInput{SiteOrgID: f.city.ID, Code: "vat-law-2026", Title: "2026年增值税法实施", Summary: "增值税法自2026年1月1日起施行。"}
		if _, err := f.svc.SaveTopic(ctx, f.reviewer, 0, in); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a reviewer curates: %v", err)
		}
		if _, err := f.svc.SaveTopic(ctx, f.editor, 0, cms.TopicInput{SiteOrgID: f.city.ID, Code: "X Y", Title: ""}); apperr.As(err) == nil || len(apperr.As(err).Fields) != 2 {
			t.Errorf("bad topic: %v", err)
		}
		id, err := f.svc.SaveTopic(ctx, f.editor, 0, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SaveTopic(ctx, f.editor, 0, in); apperr.As(err) == nil || apperr.As(err).Fields["code"] == "" {
			t.Errorf("second topic with the code: %v", err)
		}
		if _, err := f.svc.SaveTopic(ctx, f.otherEditor, 0, cms.TopicInput{SiteOrgID: f.city.ID, Code: "x1", Title: "别人的"}); apperr.As(err) == nil || apperr.As(err).Fields["site"] == "" {
			t.Errorf("a topic on another city's site: %v", err)
		}
		// Empty: not public.
		if ts, _ := f.svc.PublicTopics(ctx); len(ts) != 0 {
			t.Errorf("an empty topic is listed: %+v", ts)
		}
		if _, _, err := f.svc.PublicTopic(ctx, id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("an empty topic is shown: %v", err)
		}
		for _, c := range []struct {
			art  int64
			sort int
		}{{a1, 20}, {a2, 10}, {draft, 30}} {
			if err := f.svc.AddToTopic(ctx, f.editor, id, c.art, c.sort); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.svc.AddToTopic(ctx, f.otherEditor, id, a1, 1); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another city's editor adds: %v", err)
		}
		if err := f.svc.AddToTopic(ctx, f.editor, id, 999999, 1); apperr.As(err) == nil || apperr.As(err).Fields["article"] == "" {
			t.Errorf("a missing article: %v", err)
		}
		_, items, err := f.svc.PublicTopic(ctx, id)
		if err != nil || len(items) != 2 || items[0].ID != a2 || items[1].ID != a1 {
			t.Fatalf("public topic: %+v %v", items, err)
		}
		// Reorder, remove.
		if err := f.svc.AddToTopic(ctx, f.editor, id, a1, 5); err != nil {
			t.Fatal(err)
		}
		_, all, _ := f.svc.TopicForStaff(ctx, f.editor, id)
		if len(all) != 3 || all[0].ID != a1 {
			t.Errorf("staff view after reorder: %+v", all)
		}
		if err := f.svc.RemoveFromTopic(ctx, f.editor, id, a1); err != nil {
			t.Fatal(err)
		}
		ts, err := f.svc.PublicTopics(ctx)
		if err != nil || len(ts) != 1 || ts[0].Articles != 1 || ts[0].Title != "2026年增值税法实施" {
			t.Errorf("public topics: %+v %v", ts, err)
		}
		if _, _, err := f.svc.TopicForStaff(ctx, f.otherEditor, id); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another city's editor opens: %v", err)
		}
	})
}
