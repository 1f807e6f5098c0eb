package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/httpx"
	"taxhall/internal/training"
	"taxhall/internal/uploads"
)

// The training centre (纳税人学堂): the public page of sessions and
// courseware (with registration and the live link for taxpayer users), and
// the staff's page to schedule sessions, file courseware and send the
// day-before reminders.

var (
	trainingView      = newView[trainingPage]("training.html")
	staffTrainingView = newView[trainingPage]("staff_training.html")
)

type trainingPage struct {
	basePage
	Sessions   []*training.Session
	Courseware []training.Courseware
	Topics     []Option

	Recordings []*training.Session // 往期回放, newest first
	Topic      string              // the recordings' topic filter ('' all)
	Ended      []Option            // staff: the ended sessions a recording can be attached to
}

func topicOptions() []Option {
	var out []Option
	for _, t := range training.Topics {
		out = append(out, Option{t.Code, t.Name})
	}
	return out
}

func (s *Server) trainingPage(r *http.Request) (*trainingPage, error) {
	p := &trainingPage{basePage: basePage{Title: "纳税人学堂"}}
	var err error
	if p.Sessions, err = s.Training.Upcoming(r.Context()); err != nil {
		return nil, err
	}
	p.Topics = topicOptions()
	if p.Topic = r.URL.Query().Get("topic"); training.TopicName(p.Topic) == p.Topic {
		p.Topic = "" // an unknown topic shows all
	}
	if p.Recordings, err = s.Training.Recordings(r.Context(), p.Topic); err != nil {
		return nil, err
	}
	p.Courseware, err = s.Training.CoursewareList(r.Context())
	return p, err
}

func (s *Server) trainingIndex(w http.ResponseWriter, r *http.Request) error {
	p, err := s.trainingPage(r)
	if err != nil {
		return err
	}
	return trainingView.ok(s, w, r, p)
}

func (s *Server) trainingRegister(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Training.Register(r.Context(), id); err != nil {
		p, perr := s.trainingPage(r)
		if perr != nil {
			return perr
		}
		return trainingView.formError(s, w, r, asFormError(err, "_"), p)
	}
	return s.redirect(w, r, "/training", "报名成功，开课前一天将以站内消息提醒您")
}

func (s *Server) trainingJoin(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	link, err := s.Training.Join(r.Context(), id)
	if err != nil {
		p, perr := s.trainingPage(r)
		if perr != nil {
			return perr
		}
		return trainingView.formError(s, w, r, asFormError(err, "_"), p)
	}
	// The link is the session's, entered by staff and checked to be an
	// https URL when the session was scheduled; the request names only the
	// session's id.
	http.Redirect(w, r, link, http.StatusSeeOther) // #nosec G710 -- a staff-entered https link of the session, not from the request
	return nil
}

func (s *Server) trainingFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, data, err := s.Uploads.Open(r.Context(), id)
	if err != nil {
		return err
	}
	if u.Owner.Kind != "courseware" {
		return errNotFound
	}
	uploads.Write(w, u, data)
	return nil
}

// asFieldsRenamed returns err with its field names renamed (the
// courseware form's fields share names with the session form's), or nil
// when err carries no fields.
func asFieldsRenamed(err error, names map[string]string) error {
	e := apperr.As(err)
	if e == nil || e.Fields == nil {
		return nil
	}
	f := apperr.Fields{}
	for k, v := range e.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		f.Add(k, v)
	}
	return f.Err()
}

func (s *Server) staffTrainingPage(r *http.Request) (*trainingPage, error) {
	p := &trainingPage{basePage: basePage{Title: "纳税人学堂管理"}, Topics: topicOptions()}
	var err error
	if p.Sessions, err = s.Training.StaffList(r.Context()); err != nil {
		return nil, err
	}
	now := s.Training.Now()
	for _, x := range p.Sessions {
		if x.Ended(now) {
			p.Ended = append(p.Ended, Option{strconv.FormatInt(x.ID, 10), x.When() + " " + x.Title})
		}
	}
	p.Courseware, err = s.Training.CoursewareList(r.Context())
	return p, err
}

func (s *Server) staffTraining(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffTrainingPage(r)
	if err != nil {
		return err
	}
	return staffTrainingView.ok(s, w, r, p)
}

func (s *Server) staffTrainingSchedule(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	minutes, _ := strconv.Atoi(f.Get("minutes"))
	capacity, _ := strconv.Atoi(f.Get("capacity"))
	_, err := s.Training.Schedule(r.Context(), training.Input{Topic: f.Get("topic"), Title: f.Get("title"), Intro: f.Get("intro"), Start: f.Get("start"),
		Minutes: minutes, Capacity: capacity, Place: f.Get("place"), Link: f.Get("link")})
	if err != nil {
		p, perr := s.staffTrainingPage(r)
		if perr != nil {
			return perr
		}
		return staffTrainingView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/training", "课程已发布")
}

func (s *Server) staffTrainingCourseware(w http.ResponseWriter, r *http.Request) error {
	file, err := formWithFile(r, "file")
	if err != nil {
		return err
	}
	if err := s.Training.AddCourseware(r.Context(), r.PostForm.Get("cw_topic"), r.PostForm.Get("cw_title"), file); err != nil {
		p, perr := s.staffTrainingPage(r)
		if perr != nil {
			return perr
		}
		if e := asFieldsRenamed(err, map[string]string{"topic": "cw_topic", "title": "cw_title"}); e != nil {
			err = e
		}
		return staffTrainingView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/training", "课件已上传")
}

func (s *Server) staffTrainingRemind(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Training.StaffList(r.Context()); err != nil { // the role check
		return err
	}
	n, err := s.Training.RemindDue(r.Context())
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/staff/training", "已发送 "+strconv.Itoa(n)+" 条课程提醒（已提醒过的不重复发送）")
}
