package training_test

import (
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/ixtest"
	"taxhall/internal/training"
)

// TestRecordings: a recording is refused before the session starts and
// while it runs, refused for a bad URL and for another bureau's manager,
// accepted after the end (and replaceable); it is then listed publicly by
// topic, newest first, and each play is counted.
func TestRecordings(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		w := ixtest.New(t, d)
		now := time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
		svc := &training.Service{DB: d, Now: func() time.Time { return now }}
		editor := ixtest.As(w.Staff(t, w.Xiamen, "35020801", auth.RoleContentEditor))
		id, err := svc.Schedule(editor, training.Input{Topic: "vat", Title: "增值税申报要点", Start: "2026-12-01T09:30", Minutes: 60, Capacity: 50, Place: "思明区办税服务厅"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := svc.Schedule(editor, training.Input{Topic: "invoice", Title: "数电发票", Start: "2026-12-01T14:00", Minutes: 60, Capacity: 50, Place: "思明区办税服务厅"})
		if err != nil {
			t.Fatal(err)
		}
		const good = "https://video.example.gov.cn/xiamen/vat-2026"
		field := func(err error) string {
			if e := apperr.As(err); e != nil && e.Fields != nil {
				return e.Fields["recording_url"]
			}
			return ""
		}
		if err := svc.AttachRecording(editor, id, good, ""); field(err) == "" {
			t.Fatalf("before the start: %v", err)
		}
		now = time.Date(2026, 12, 1, 1, 45, 0, 0, time.UTC) // 09:45, running
		if err := svc.AttachRecording(editor, id, good, ""); field(err) == "" {
			t.Fatalf("while running: %v", err)
		}
		now = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) // 16:00, both ended
		for _, bad := range []string{"", "http://video.example.gov.cn/x", "javascript:alert(1)", "//evil.example/x", "https:///x", "/a\\b", "ftp://x/y"} {
			if err := svc.AttachRecording(editor, id, bad, ""); field(err) == "" {
				t.Errorf("bad URL %q: %v", bad, err)
			}
		}
		fuzhou := ixtest.As(w.Staff(t, w.Fuzhou, "35010801", auth.RoleContentEditor))
		if err := svc.AttachRecording(fuzhou, id, good, ""); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another bureau's editor: %v", err)
		}
		if err := svc.AttachRecording(ixtest.As(w.Staff(t, w.Xiamen, "35020802", auth.RoleWindowClerk)), id, good, ""); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("a clerk: %v", err)
		}
		if list, err := svc.Recordings(t.Context(), ""); err != nil || len(list) != 0 {
			t.Fatalf("recordings before any: %d %v", len(list), err)
		}
		if err := svc.AttachRecording(editor, id, "https://old.example/x", ""); err != nil {
			t.Fatal(err)
		}
		if err := svc.AttachRecording(editor, id, good, "增值税申报要点（回放）"); err != nil {
			t.Fatal(err)
		}
		if err := svc.AttachRecording(editor, other, "/media/invoice.mp4", ""); err != nil {
			t.Fatal(err)
		}
		list, err := svc.Recordings(t.Context(), "")
		if err != nil || len(list) != 2 || list[0].ID != other || list[1].ID != id || list[1].RecordingURL != good || list[1].RecordingName() != "增值税申报要点（回放）" {
			t.Fatalf("recordings: %+v %v", list, err)
		}
		if list, err := svc.Recordings(t.Context(), "vat"); err != nil || len(list) != 1 || list[0].ID != id {
			t.Fatalf("vat recordings: %+v %v", list, err)
		}
		if _, err := svc.Recordings(t.Context(), "nope"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("unknown topic: %v", err)
		}
		for range 3 {
			if link, err := svc.WatchRecording(t.Context(), id); err != nil || link != good {
				t.Fatalf("watch: %q %v", link, err)
			}
		}
		if list, _ := svc.Recordings(t.Context(), "vat"); list[0].RecordingViews != 3 {
			t.Errorf("views %d, want 3", list[0].RecordingViews)
		}
		if _, err := svc.WatchRecording(t.Context(), 999999); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("watch none: %v", err)
		}
	})
}
