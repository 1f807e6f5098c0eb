package api

import (
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
)

// TestTrainingRecordings: the demo's recordings are public by topic; the
// Xiamen administrator replaces one, and is refused on recording_url for
// a session not yet held and for an http URL; a Fuzhou staff member gets
// 404 for the Xiamen session.
func TestTrainingRecordings(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var past, future int64
		e.query(`SELECT id FROM training_sessions WHERE title = '增值税纳税申报要点解读'`, nil, &past)
		e.query(`SELECT id FROM training_sessions WHERE title = '数电发票开具与红冲实务'`, nil, &future)
		admin := e.staff(xiamenAdmin)
		var fuzhouNo string
		e.query(`SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id WHERE o.division_code LIKE '3501%' ORDER BY s.id LIMIT 1`, nil, &fuzhouNo)
		fuzhou := e.staff(fuzhouNo)
		rec := func(id int64) string { return "/api/v1/staff/training/sessions/" + itoa(id) + "/recording" }
		e.run([]scenario{
			{name: "public recordings", method: "GET", url: "/api/v1/training/recordings", status: 200,
				want: []expect{has("items.*.title", "增值税纳税申报要点解读"), has("items.*.recording_url", "https://video.example.gov.cn/xiamen/vat-2026"), count("items", 2)}},
			{name: "by topic", method: "GET", url: "/api/v1/training/recordings?topic=policy", status: 200,
				want: []expect{count("items", 1), eq("items.0.title", "小微企业税费优惠政策辅导")}},
			{name: "unknown topic", method: "GET", url: "/api/v1/training/recordings?topic=x", status: 422, want: []expect{present("error.fields.topic")}},
			{name: "not yet held", method: "PUT", url: rec(future), token: admin, status: 422,
				body: map[string]any{"recording_url": "https://video.example.gov.cn/x"}, want: []expect{present("error.fields.recording_url")}},
			{name: "http refused", method: "PUT", url: rec(past), token: admin, status: 422,
				body: map[string]any{"recording_url": "http://video.example.gov.cn/x"}, want: []expect{present("error.fields.recording_url")}},
			{name: "other bureau", method: "PUT", url: rec(past), token: fuzhou, status: 404,
				body: map[string]any{"recording_url": "https://video.example.gov.cn/x"}},
			{name: "replace", method: "PUT", url: rec(past), token: admin, status: 200,
				body: map[string]any{"recording_url": "/media/vat.mp4", "recording_title": "增值税申报（新版）"},
				want: []expect{eq("recording_url", "/media/vat.mp4"), eq("recording_title", "增值税申报（新版）")}},
		})
	})
}
