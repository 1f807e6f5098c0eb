package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/complaints"
	"taxhall/internal/httpx"
	"taxhall/internal/uploads"
)

// Complaints, reports and the director's mailbox (投诉举报 · 局长信箱): the
// public form and follow-up by number and code, the named filer's list, and
// the bureau's list, reply and statistics.

var (
	complaintsView      = newView[complaintsPage]("complaints.html")
	complaintFiledView  = newView[complaintFiledPage]("complaint_filed.html")
	complaintTrackView  = newView[complaintCasePage]("complaint_track.html")
	hallComplaintsView  = newView[complaintListPage]("hall_complaints.html")
	hallComplaintView   = newView[complaintCasePage]("hall_complaint.html")
	staffComplaintsView = newView[complaintListPage]("staff_complaints.html")
	staffComplaintView  = newView[complaintCasePage]("staff_complaint.html")
	complaintStatsView  = newView[complaintStatsPage]("staff_complaint_stats.html")
)

type complaintsPage struct {
	basePage
	Kinds   []Option
	Bureaus []Option
	Latest  []complaints.PublicReply
	Target  *complaints.Target // the step of an application complained about
}

type complaintFiledPage struct {
	basePage
	Filed *complaints.Filed
}

// complaintCasePage shows one case; Number and Code carry an anonymous
// filer's credentials into the add-information form.
type complaintCasePage struct {
	basePage
	Case         *complaints.Case
	Number, Code string
	Overdue      bool
}

type complaintListPage struct {
	basePage
	Items   []*complaints.Case
	State   string
	NextURL string
}

type complaintStatsPage struct {
	basePage
	Rows []complaints.Stat
}

func kindOptions() []Option {
	var out []Option
	for _, k := range complaints.Kinds {
		out = append(out, Option{k.Code, k.Name})
	}
	return out
}

func (s *Server) complaintsPage(r *http.Request) (*complaintsPage, error) {
	p := &complaintsPage{basePage: basePage{Title: "投诉举报 · 局长信箱"}, Kinds: kindOptions()}
	bs, err := s.Complaints.Bureaus(r.Context())
	if err != nil {
		return nil, err
	}
	for _, b := range bs {
		p.Bureaus = append(p.Bureaus, Option{strconv.FormatInt(b.ID, 10), b.Name})
	}
	p.Latest, err = s.Complaints.Latest(r.Context(), 10)
	return p, err
}

func (s *Server) complaintsForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.complaintsPage(r)
	if err != nil {
		return err
	}
	if k := r.URL.Query().Get("kind"); k != "" {
		p.Form = url.Values{"kind": {k}}
	}
	// From a finished step of the user's application: a complaint about
	// that step and its clerk.
	if t := r.URL.Query().Get("task"); t != "" && isTaxpayer(actorOf(r)) {
		id, _ := strconv.ParseInt(t, 10, 64)
		if p.Target, err = s.Complaints.TaskTarget(r.Context(), id); err != nil {
			return err
		}
		p.Form = url.Values{"kind": {"complaint"}}
	}
	return complaintsView.ok(s, w, r, p)
}

func (s *Server) complaintsSubmit(w http.ResponseWriter, r *http.Request) error {
	file, err := formWithFile(r, "attachment")
	if err != nil {
		return err
	}
	f := r.PostForm
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	task, _ := strconv.ParseInt(f.Get("task"), 10, 64)
	filed, err := s.Complaints.File(r.Context(), complaints.Input{Kind: f.Get("kind"), OrgID: org, Subject: f.Get("subject"), Body: f.Get("body"),
		Anonymous: f.Get("anonymous") == "1" || !isTaxpayer(actorOf(r)), Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"),
		TaskID: task, Attachment: file})
	if err != nil {
		p, perr := s.complaintsPage(r)
		if perr != nil {
			return perr
		}
		if task != 0 {
			if p.Target, perr = s.Complaints.TaskTarget(r.Context(), task); perr != nil {
				return perr
			}
		}
		return complaintsView.formError(s, w, r, err, p)
	}
	// The code is shown on this response only: no redirect, no flash.
	return complaintFiledView.ok(s, w, r, &complaintFiledPage{basePage: basePage{Title: "已受理"}, Filed: filed})
}

func (s *Server) complaintTrackForm(w http.ResponseWriter, r *http.Request) error {
	return complaintTrackView.ok(s, w, r, &complaintCasePage{basePage: basePage{Title: "查询办理进度"}})
}

func (s *Server) complaintTrack(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	p := &complaintCasePage{basePage: basePage{Title: "查询办理进度"}, Number: f.Get("tracking_no"), Code: f.Get("code")}
	var c *complaints.Case
	var err error
	if f.Get("body") != "" || f.Get("add") == "1" {
		c, err = s.Complaints.AddInfo(r.Context(), p.Number, p.Code, f.Get("body"))
		if err == nil {
			p.Flash = "补充内容已提交"
		}
	} else {
		c, err = s.Complaints.Track(r.Context(), p.Number, p.Code)
	}
	if err != nil {
		if e := apperr.As(err); e != nil && (e.Code == apperr.NotFound || e.Code == apperr.TooMany || e.Code == apperr.Conflict) {
			err = apperr.InvalidField("_", e.Message)
			p.Outcome = "查询未成功"
		}
		if c == nil && apperr.CodeOf(err) == apperr.Invalid && f.Get("add") == "1" {
			// A failed addition keeps showing the case when the code is right.
			if cc, terr := s.Complaints.Track(r.Context(), p.Number, p.Code); terr == nil {
				p.Case = cc
			}
		}
		return complaintTrackView.formError(s, w, r, err, p)
	}
	p.Case = c
	p.Form = url.Values{"tracking_no": {p.Number}}
	return complaintTrackView.ok(s, w, r, p)
}

func (s *Server) hallComplaints(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Complaints.Mine(r.Context())
	if err != nil {
		return err
	}
	return hallComplaintsView.ok(s, w, r, &complaintListPage{basePage: basePage{Title: "我的投诉与建议"}, Items: items})
}

func (s *Server) hallComplaint(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Complaints.MyCase(r.Context(), id)
	if err != nil {
		return err
	}
	return hallComplaintView.ok(s, w, r, &complaintCasePage{basePage: basePage{Title: c.Subject}, Case: c})
}

func (s *Server) staffComplaints(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	state := q.Get("state")
	if state != "" && state != complaints.Open && state != complaints.Replied && state != complaints.Closed {
		state = ""
	}
	pg, err := s.Complaints.List(r.Context(), state, after)
	if err != nil {
		return err
	}
	p := &complaintListPage{basePage: basePage{Title: "投诉举报办理"}, Items: pg.Items, State: state}
	if pg.Next != 0 {
		p.NextURL = "/staff/complaints?state=" + url.QueryEscape(state) + "&after=" + strconv.FormatInt(pg.Next, 10)
	}
	return staffComplaintsView.ok(s, w, r, p)
}

func (s *Server) staffComplaintPage(r *http.Request) (*complaintCasePage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	c, err := s.Complaints.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &complaintCasePage{basePage: basePage{Title: c.Subject}, Case: c, Overdue: c.Overdue(todayCST(s.Complaints.Now()))}, nil
}

func (s *Server) staffComplaint(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffComplaintPage(r)
	if err != nil {
		return err
	}
	return staffComplaintView.ok(s, w, r, p)
}

func (s *Server) hallComplaintFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Complaints.MyCase(r.Context(), id)
	if err != nil {
		return err
	}
	return serveAttachment(w, r, func(id int64) (*uploads.Upload, []byte, error) { return s.Complaints.Attachment(r.Context(), c, id) })
}

func (s *Server) staffComplaintFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.Complaints.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return serveAttachment(w, r, func(id int64) (*uploads.Upload, []byte, error) { return s.Complaints.Attachment(r.Context(), c, id) })
}

func (s *Server) staffComplaintReply(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffComplaintPage(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	if err := s.Complaints.Reply(r.Context(), p.Case.ID, f.Get("reply"), f.Get("publish") == "1", f.Get("close") == "1"); err != nil {
		return staffComplaintView.formError(s, w, r, asFormError(err, "reply"), p)
	}
	return s.redirect(w, r, "/staff/complaints/"+strconv.FormatInt(p.Case.ID, 10), "答复已提交")
}

func (s *Server) staffComplaintStats(w http.ResponseWriter, r *http.Request) error {
	rows, err := s.Complaints.Stats(r.Context())
	if err != nil {
		return err
	}
	return complaintStatsView.ok(s, w, r, &complaintStatsPage{basePage: basePage{Title: "投诉举报统计"}, Rows: rows})
}

func actorOf(r *http.Request) *auth.Actor { return auth.ActorFrom(r.Context()) }

func todayCST(t time.Time) calendar.Date { return calendar.FromTime(t.In(cst)) }
