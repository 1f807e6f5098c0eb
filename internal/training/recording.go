package training

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// Recorded courses (往期回放): once a session has ended, a manager of its
// bureau attaches the playback — an https URL or a path on this hall —
// and may replace it later. The public page lists recorded sessions,
// newest first, optionally of one topic; each play is counted.

// Ends is when the session ends.
func (s *Session) Ends() time.Time { return s.StartsAt.Add(time.Duration(s.Minutes) * time.Minute) }

// Ended reports whether the session has ended at now.
func (s *Session) Ended(now time.Time) bool { return !now.Before(s.Ends()) }

// RecordingName is the recording's title, or the session's when none was given.
func (s *Session) RecordingName() string {
	if s.RecordingTitle != "" {
		return s.RecordingTitle
	}
	return s.Title
}

// validRecordingURL accepts an https URL with a host, or an absolute path
// on this hall ("/media/…", not "//host" nor with a backslash).
func validRecordingURL(raw string) bool {
	if len(raw) > 300 || strings.ContainsAny(raw, " \t\r\n\\") {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	if strings.HasPrefix(raw, "/") {
		return !strings.HasPrefix(raw, "//") && u.Scheme == "" && u.Host == "" && len(raw) > 1
	}
	return u.Scheme == "https" && u.Host != "" && u.User == nil
}

// AttachRecording sets (or replaces) the playback of a session of the
// staff member's bureau subtree that has ended.
func (s *Service) AttachRecording(ctx context.Context, id int64, link, title string) (err error) {
	defer db.Wrap(&err, "training.AttachRecording(%d)", id)
	x, err := s.StaffSession(ctx, id) // the role and bureau check
	if err != nil {
		return err
	}
	link, title = strings.TrimSpace(link), strings.TrimSpace(title)
	f := apperr.Fields{}
	now := s.Now()
	switch {
	case now.Before(x.StartsAt):
		f.Add("recording_url", "课程尚未开始（"+x.When()+" 开课），结束后才能添加回放")
	case !x.Ended(now):
		f.Add("recording_url", "课程正在进行，将于 "+x.Ends().In(cst).Format("15:04")+" 结束，结束后才能添加回放")
	case link == "":
		f.Add("recording_url", "请填写回放地址")
	case !validRecordingURL(link):
		f.Add("recording_url", "回放地址应为 https:// 开头的网址，或本站以 / 开头的路径")
	}
	f.Text("recording_title", title, 100)
	if err := f.Err(); err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE training_sessions SET recording_url = $1, recording_title = $2 WHERE id = $3`, link, title, id)
	return err
}

// RecordingsSize bounds a page of Recordings.
const RecordingsSize = 30

// Recordings lists the ended sessions with a recording, newest first, of
// one topic (empty: all topics), at most RecordingsSize (public).
func (s *Service) Recordings(ctx context.Context, topic string) (_ []*Session, err error) {
	defer db.Wrap(&err, "training.Recordings")
	scan := func(sc db.Scanner) (*Session, error) { return scanWith(sc) }
	q := `SELECT ` + cols + ` FROM training_sessions t JOIN orgs o ON o.id = t.org_id WHERE t.recording_url <> ''`
	if topic != "" {
		if TopicName(topic) == topic {
			return nil, apperr.InvalidField("topic", "没有这个主题")
		}
		return db.Query(ctx, s.DB, scan, q+` AND t.topic = $1 ORDER BY t.starts_at DESC, t.id DESC LIMIT $2`, topic, RecordingsSize)
	}
	return db.Query(ctx, s.DB, scan, q+` ORDER BY t.starts_at DESC, t.id DESC LIMIT $1`, RecordingsSize)
}

// WatchRecording counts a play of a session's recording and returns its
// URL (public; NotFound when the session has no recording).
func (s *Service) WatchRecording(ctx context.Context, id int64) (_ string, err error) {
	defer db.Wrap(&err, "training.WatchRecording(%d)", id)
	var link string
	err = s.DB.QueryRowContext(ctx, `UPDATE training_sessions SET recording_views = recording_views + 1 WHERE id = $1 AND recording_url <> '' RETURNING recording_url`, id).Scan(&link)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.NotFound, "该课程没有回放")
	}
	return link, err
}
