// Package training is the training centre (纳税人学堂): a bureau's staff
// schedule sessions (in the hall, or live online with a link) that taxpayer
// users register for — never more than the capacity, which the database
// enforces — remind the registered the day before by in-site message (once
// per registration, however often the reminder runs), and count attendance
// when a registered user joins. Courseware is filed by topic as public
// uploads.
package training

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/messages"
	"taxhall/internal/uploads"
)

// Topics are the subjects sessions and courseware are filed under.
var Topics = []auth.Label{
	{Code: "new", Name: "新办纳税人入门"}, {Code: "vat", Name: "增值税"}, {Code: "cit", Name: "企业所得税"},
	{Code: "iit", Name: "个人所得税"}, {Code: "invoice", Name: "数电发票"}, {Code: "policy", Name: "税费优惠政策"},
}

// TopicName is a topic in Chinese.
func TopicName(code string) string { return auth.NameOf(Topics, code) }

var cst = time.FixedZone("CST", 8*3600)

// Service runs the training centre.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// CanManage reports whether a staff member schedules sessions and files
// courseware: content editors, hall supervisors and administrators.
func CanManage(a *auth.Actor) bool {
	return a.HasRole(auth.RoleContentEditor) || a.HasRole(auth.RoleHallSupervisor) || a.HasRole(auth.RoleAdmin)
}

// Session is a scheduled session.
type Session struct {
	ID         int64
	OrgName    string
	Topic      string
	Title      string
	Intro      string
	StartsAt   time.Time
	Minutes    int
	Place      string
	Link       string
	Capacity   int
	Registered int
	Attended   int  // staff lists only
	Mine       bool // the user has registered (taxpayer lists)
	Joined     bool // the user has joined (attendance recorded)

	RecordingURL   string // the playback (往期回放), '' when none
	RecordingTitle string
	RecordingViews int64
}

// TopicName is the session's topic in Chinese.
func (s *Session) TopicName() string { return TopicName(s.Topic) }

// Left is the number of free places.
func (s *Session) Left() int { return s.Capacity - s.Registered }

// When is the start in China time, "2026-12-01 14:30".
func (s *Session) When() string { return s.StartsAt.In(cst).Format("2006-01-02 15:04") }

// Input is a new session.
type Input struct {
	Topic, Title, Intro string
	Start               string // "2026-12-01T14:30" (datetime-local, China time)
	Minutes, Capacity   int
	Place, Link         string
}

// Schedule creates a session of the staff member's bureau.
func (s *Service) Schedule(ctx context.Context, in Input) (_ int64, err error) {
	defer db.Wrap(&err, "training.Schedule")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return 0, err
	}
	if !CanManage(a) {
		return 0, apperr.New(apperr.Forbidden, "只有内容编辑、办税服务厅主管和管理员可以安排培训")
	}
	f := apperr.Fields{}
	if TopicName(in.Topic) == in.Topic {
		f.Add("topic", "请选择主题")
	}
	in.Title, in.Intro, in.Place, in.Link = strings.TrimSpace(in.Title), strings.TrimSpace(in.Intro), strings.TrimSpace(in.Place), strings.TrimSpace(in.Link)
	if in.Title == "" {
		f.Add("title", "请填写课程名称")
	} else {
		f.Text("title", in.Title, 100)
	}
	f.Text("intro", in.Intro, 1000)
	f.Text("place", in.Place, 100)
	start, perr := time.ParseInLocation("2006-01-02T15:04", in.Start, cst)
	switch {
	case perr != nil:
		f.Add("start", "请填写开始时间，如 2026-12-01 14:30")
	case !start.After(s.Now()):
		f.Add("start", "开始时间应晚于现在")
	}
	if in.Minutes < 10 || in.Minutes > 480 {
		f.Add("minutes", "时长应为 10 至 480 分钟")
	}
	if in.Capacity < 1 || in.Capacity > 10000 {
		f.Add("capacity", "名额应为 1 至 10000 人")
	}
	if in.Link != "" {
		if u, err := url.Parse(in.Link); err != nil || u.Scheme != "https" || u.Host == "" || !f.Text("link", in.Link, 300) {
			f.Add("link", "直播链接应为 https:// 开头的网址")
		}
	}
	if in.Place == "" && in.Link == "" {
		f.Add("place", "请填写上课地点或直播链接")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.QueryRowContext(ctx, `INSERT INTO training_sessions (org_id, topic, title, intro, starts_at, minutes, place, link, capacity, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		a.OrgID, in.Topic, in.Title, in.Intro, db.TS(start), in.Minutes, in.Place, in.Link, in.Capacity, a.UserID, db.TS(s.Now())).Scan(&id)
	return id, err
}

const cols = `t.id, o.name, t.topic, t.title, t.intro, t.starts_at, t.minutes, t.place, t.link, t.capacity, t.registered, t.recording_url, t.recording_title, t.recording_views`

func scanWith(sc db.Scanner, extra ...any) (*Session, error) {
	var x Session
	var start string
	err := sc.Scan(append([]any{&x.ID, &x.OrgName, &x.Topic, &x.Title, &x.Intro, &start, &x.Minutes, &x.Place, &x.Link, &x.Capacity, &x.Registered, &x.RecordingURL, &x.RecordingTitle, &x.RecordingViews}, extra...)...)
	x.StartsAt = db.ParseTS(start)
	return &x, err
}

// Upcoming lists sessions that have not ended, soonest first (public).
// With a taxpayer user in ctx each is marked when they registered.
func (s *Service) Upcoming(ctx context.Context) (_ []*Session, err error) {
	defer db.Wrap(&err, "training.Upcoming")
	var user int64
	if a := auth.ActorFrom(ctx); a != nil && a.Kind == auth.Taxpayer {
		user = a.UserID
	}
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Session, error) {
		var mine int
		var joined string
		x, err := scanWith(sc, &mine, &joined)
		x.Mine, x.Joined = mine > 0, joined != ""
		return x, err
	}, `SELECT `+cols+`, COUNT(r.id), COALESCE(MAX(r.attended_at), '') FROM training_sessions t JOIN orgs o ON o.id = t.org_id
		LEFT JOIN training_registrations r ON r.session_id = t.id AND r.user_id = $2
		WHERE t.starts_at >= $1 GROUP BY `+cols+` ORDER BY t.starts_at, t.id LIMIT 50`, db.TS(s.Now().Add(-8*time.Hour)), user)
}

// Register enrols the taxpayer user in a session, once. The last place
// goes to one of many at the same moment: the guarded UPDATE (registered <
// capacity) admits one, the others get Conflict, on both databases.
func (s *Service) Register(ctx context.Context, id int64) (err error) {
	defer db.Wrap(&err, "training.Register(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var rid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO training_registrations (session_id, taxpayer_id, user_id, created_at)
			SELECT id, $2, $3, $4 FROM training_sessions WHERE id = $1 AND starts_at > $4
			ON CONFLICT (session_id, user_id) DO NOTHING RETURNING id`, id, a.TaxpayerID, a.UserID, db.TS(now)).Scan(&rid)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM training_registrations WHERE session_id = $1 AND user_id = $2`, id, a.UserID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return apperr.New(apperr.Conflict, "您已报名该课程")
			}
			return apperr.New(apperr.NotFound, "课程不存在或已开始")
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE training_sessions SET registered = registered + 1 WHERE id = $1 AND registered < capacity`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "名额已满，请选择其他场次")
		}
		return nil
	})
}

// Join records the registered user's attendance (once) and returns the
// live link, from fifteen minutes before the start to the end.
func (s *Service) Join(ctx context.Context, id int64) (_ string, err error) {
	defer db.Wrap(&err, "training.Join(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return "", err
	}
	var link, start string
	var minutes int
	err = s.DB.QueryRowContext(ctx, `SELECT t.link, t.starts_at, t.minutes FROM training_sessions t JOIN training_registrations r ON r.session_id = t.id
		WHERE t.id = $1 AND r.user_id = $2`, id, a.UserID).Scan(&link, &start, &minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.Conflict, "您未报名该课程，请先报名")
	}
	if err != nil {
		return "", err
	}
	now, st := s.Now(), db.ParseTS(start)
	switch {
	case link == "":
		return "", apperr.New(apperr.Conflict, "该课程在办税服务厅现场授课，请按时到场签到")
	case now.Before(st.Add(-15 * time.Minute)):
		return "", apperr.New(apperr.Conflict, "直播将于开课前 15 分钟开放，开课时间 "+st.In(cst).Format("2006-01-02 15:04"))
	case now.After(st.Add(time.Duration(minutes) * time.Minute)):
		return "", apperr.New(apperr.Conflict, "该课程已结束")
	}
	_, err = s.DB.ExecContext(ctx, `UPDATE training_registrations SET attended_at = $1 WHERE session_id = $2 AND user_id = $3 AND attended_at = ''`, db.TS(now), id, a.UserID)
	return link, err
}

// RemindDue sends an in-site message to every user registered for a
// session starting in the next 24 hours. The dedupe key makes it
// idempotent: run it as often as you like, on any node, each registration
// is reminded once. It returns how many messages were new.
func (s *Service) RemindDue(ctx context.Context) (n int, err error) {
	defer db.Wrap(&err, "training.RemindDue")
	now := s.Now()
	type due struct {
		reg, tp, user int64
		title, start  string
		place, link   string
		session       int64
	}
	rows, err := db.Query(ctx, s.DB, func(sc db.Scanner) (due, error) {
		var d due
		return d, sc.Scan(&d.reg, &d.tp, &d.user, &d.title, &d.start, &d.place, &d.link, &d.session)
	}, `SELECT r.id, r.taxpayer_id, r.user_id, t.title, t.starts_at, t.place, t.link, t.id FROM training_sessions t
		JOIN training_registrations r ON r.session_id = t.id WHERE t.starts_at > $1 AND t.starts_at <= $2 ORDER BY r.id`,
		db.TS(now), db.TS(now.Add(24*time.Hour)))
	if err != nil {
		return 0, err
	}
	for _, d := range rows {
		where := "地点：" + d.place
		if d.link != "" {
			where = "直播：开课前 15 分钟起可在“纳税人学堂”点击“进入直播”"
		}
		_, created, err := messages.Send(ctx, s.DB, now, messages.Message{TaxpayerID: d.tp, UserID: d.user, Kind: messages.KindReminder,
			Subject: "课程提醒：" + d.title, Body: "您报名的课程将于 " + db.ParseTS(d.start).In(cst).Format("2006-01-02 15:04") + " 开始。\n" + where,
			Link: "/hall/training", DedupeKey: "training:" + strconv.FormatInt(d.reg, 10)})
		if err != nil {
			return n, err
		}
		if created {
			n++
		}
	}
	return n, nil
}

// StaffList lists the sessions of the staff member's bureau subtree, newest
// start first, with registrations and attendance.
func (s *Service) StaffList(ctx context.Context) (_ []*Session, err error) {
	defer db.Wrap(&err, "training.StaffList")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanManage(a) {
		return nil, apperr.New(apperr.Forbidden, "只有内容编辑、办税服务厅主管和管理员可以管理培训")
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Session, error) {
		var attended int
		x, err := scanWith(sc, &attended)
		x.Attended = attended
		return x, err
	}, `SELECT `+cols+`, (SELECT COUNT(*) FROM training_registrations r WHERE r.session_id = t.id AND r.attended_at <> '')
		FROM training_sessions t JOIN orgs o ON o.id = t.org_id WHERE `+cond+` ORDER BY t.starts_at DESC, t.id DESC LIMIT 100`, arg)
}

// Courseware is a file of a topic.
type Courseware struct {
	ID       int64
	Topic    string
	Title    string
	UploadID int64
	Filename string
	Size     int64
	Created  time.Time
}

// TopicName is the topic in Chinese.
func (c Courseware) TopicName() string { return TopicName(c.Topic) }

// SizeText is the file size for people.
func (c Courseware) SizeText() string { return uploads.SizeText(c.Size) }

// AddCourseware files a document under a topic; anyone may download it.
func (s *Service) AddCourseware(ctx context.Context, topic, title string, file *uploads.Incoming) (err error) {
	defer db.Wrap(&err, "training.AddCourseware")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return err
	}
	if !CanManage(a) {
		return apperr.New(apperr.Forbidden, "只有内容编辑、办税服务厅主管和管理员可以上传课件")
	}
	f := apperr.Fields{}
	if TopicName(topic) == topic {
		f.Add("topic", "请选择主题")
	}
	if title = strings.TrimSpace(title); title == "" {
		f.Add("title", "请填写课件名称")
	} else {
		f.Text("title", title, 100)
	}
	if file == nil {
		f.Add("file", "请选择课件文件（PDF）")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO training_courseware (org_id, topic, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			a.OrgID, topic, title, a.UserID, db.TS(now)).Scan(&id); err != nil {
			return err
		}
		fid, err := uploads.Attach(ctx, tx, now, uploads.UploaderOf(a), uploads.Owner{Kind: "courseware", ID: id, OrgID: a.OrgID, Public: true}, "file", file)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE training_courseware SET upload_id = $1 WHERE id = $2`, fid, id)
		return err
	})
}

// CoursewareList lists the courseware, by topic then newest first (public).
func (s *Service) CoursewareList(ctx context.Context) ([]Courseware, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (Courseware, error) {
		var c Courseware
		var at string
		err := sc.Scan(&c.ID, &c.Topic, &c.Title, &c.UploadID, &c.Filename, &c.Size, &at)
		c.Created = db.ParseTS(at)
		return c, err
	}, `SELECT c.id, c.topic, c.title, u.id, u.filename, u.size, c.created_at FROM training_courseware c JOIN uploads u ON u.id = c.upload_id
		WHERE u.removed_at = '' ORDER BY c.topic, c.id DESC LIMIT 200`)
}
