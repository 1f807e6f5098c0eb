package web

import (
	"context"
	"net/url"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// 删除草稿 on a form leads to a confirmation page that says whose draft it
// is; only the confirmation deletes it, and another taxpayer's user cannot
// reach the draft.
func TestDraftDiscardIsConfirmed(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		const form = "/hall/returns/file?form=si&period=2026-06"
		s, body := b.get(form)
		b.expect(s, body, 200, "保存草稿")
		post := url.Values{"token": {between(body, `name="token" value="`, `"`)}, "action": {"save"}, "injury_rate": {"0.2"}}
		s, body = b.post(form, post)
		b.expect(s, body, 200, "草稿已保存")
		drafts := func() int {
			var n int
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM return_drafts WHERE taxpayer_id = $1`, own).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if drafts() != 1 {
			t.Fatal("no draft saved")
		}

		// The form's button asks first: the draft is still there.
		post.Set("action", "discard")
		s, body = b.post(form, post)
		b.expect(s, body, 200, "确认删除草稿", "2026年6月", "已填写", "无法恢复", `name="period" value="2026-06"`)
		if drafts() != 1 {
			t.Fatal("the form's 删除草稿 deleted without confirmation")
		}
		s, body = b.post("/hall/returns/discard", url.Values{"form": {"si"}, "period": {"2026-06"}})
		b.expect(s, body, 200, "已删除草稿")
		if drafts() != 0 {
			t.Fatal("confirmed deletion left the draft")
		}
		// Nothing left to delete: a plain message, not an error page.
		s, body = b.get(discardURL("si", "2026-06"))
		b.expect(s, body, 404, "没有草稿")
		// Bad bytes answer a message, not 500.
		s, body = b.get("/hall/returns/discard?form=%ff&period=x")
		if s >= 500 {
			t.Fatalf("bad input: %d %s", s, body)
		}
	})
}
