package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
)

// Window calling (叫号) at a hall: a clerk signs in at a window, calls the
// next number, finishes it or marks it absent; the hall's desk takes
// walk-in numbers (现场取号); the monthly satisfaction report per window
// and per clerk, with CSV and Excel exports. The taxpayer rates a served
// appointment on its page. Decisions live in appoint.Service (window.go,
// report.go).

var (
	staffQueueView  = newView[staffQueuePage]("staff_queue.html")
	staffTakeView   = newView[staffTakePage]("staff_queue_take.html")
	staffReportView = newView[staffQueueReportPage]("staff_queue_report.html")
)

type staffQueuePage struct {
	basePage
	Halls     []Option
	Hall      string
	Windows   []Option
	Desk      *appoint.Desk
	CanReport bool // hall supervisors see the monthly report
}

type staffTakePage struct {
	basePage
	Halls    []Option
	Services []Option
	Waiting  int
}

type staffQueueReportPage struct {
	basePage
	Halls  []Option
	Report *appoint.Report
	Query  string // hall=…&month=… for the export links
}

// hallChoice lists the staff member's halls and picks the one asked for
// (the first by default).
func (s *Server) hallChoice(r *http.Request, asked string) ([]Option, string, error) {
	halls, err := s.Appoint.StaffHalls(r.Context())
	if err != nil {
		return nil, "", err
	}
	var opts []Option
	for _, h := range halls {
		opts = append(opts, Option{strconv.FormatInt(h.ID, 10), h.Name})
	}
	if asked == "" && len(opts) > 0 {
		asked = opts[0].Value
	}
	return opts, asked, nil
}

func (s *Server) queuePage(r *http.Request, hall string) (*staffQueuePage, error) {
	p := &staffQueuePage{basePage: basePage{Title: "窗口叫号"}}
	var err error
	if p.Halls, p.Hall, err = s.hallChoice(r, hall); err != nil {
		return nil, err
	}
	if id, _ := strconv.ParseInt(p.Hall, 10, 64); id > 0 {
		if p.Desk, err = s.Appoint.DeskOf(r.Context(), id); err != nil {
			return nil, err
		}
		for _, w := range p.Desk.Windows {
			label := fmt.Sprintf("%d号窗口", w.No)
			if w.ClerkName != "" {
				label += "（" + w.ClerkName + "）"
			}
			p.Windows = append(p.Windows, Option{strconv.Itoa(w.No), label})
		}
	}
	p.Form = url.Values{"hall": {p.Hall}}
	if a := auth.ActorFrom(r.Context()); a != nil {
		p.CanReport = appoint.CanPlan(a)
	}
	if p.Desk != nil && p.Desk.Mine > 0 {
		p.Form.Set("window", strconv.Itoa(p.Desk.Mine))
	}
	return p, nil
}

func (s *Server) staffQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := s.queuePage(r, r.URL.Query().Get("hall"))
	if err != nil {
		return err
	}
	return staffQueueView.ok(s, w, r, p)
}

func postedHall(r *http.Request) (int64, string) {
	v := r.PostForm.Get("hall")
	id, _ := strconv.ParseInt(v, 10, 64)
	return id, v
}

func queueURL(hall string) string { return "/staff/appointments/queue?hall=" + url.QueryEscape(hall) }

func (s *Server) staffQueueSignIn(w http.ResponseWriter, r *http.Request) error {
	hall, hv := postedHall(r)
	win, _ := strconv.Atoi(r.PostForm.Get("window"))
	if err := s.Appoint.SignIn(r.Context(), hall, win); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		p, perr := s.queuePage(r, hv)
		if perr != nil {
			return perr
		}
		p.Form.Set("window", r.PostForm.Get("window"))
		return staffQueueView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, queueURL(hv), fmt.Sprintf("已签入%d号窗口，可以叫号了", win))
}

func (s *Server) staffQueueSignOut(w http.ResponseWriter, r *http.Request) error {
	hall, hv := postedHall(r)
	if err := s.Appoint.SignOut(r.Context(), hall); err != nil {
		return err
	}
	return s.redirect(w, r, queueURL(hv), "已签出窗口")
}

// queueRefusal shows a refusal the clerk can act on (nobody waits, finish
// the current number first) as the page's message, not an error page.
func (s *Server) queueRefusal(w http.ResponseWriter, r *http.Request, hv string, err error) error {
	if e := apperr.As(err); e != nil && e.Code == apperr.Conflict {
		p, perr := s.queuePage(r, hv)
		if perr != nil {
			return perr
		}
		return staffQueueView.formError(s, w, r, apperr.InvalidField("_", e.Message), p)
	}
	return err
}

func (s *Server) staffQueueCall(w http.ResponseWriter, r *http.Request) error {
	hall, hv := postedHall(r)
	k, err := s.Appoint.CallNext(r.Context(), hall)
	if err != nil {
		return s.queueRefusal(w, r, hv, err)
	}
	who := "现场取号"
	if k.Taxpayer != "" {
		who = k.Taxpayer
	}
	return s.redirect(w, r, queueURL(hv), fmt.Sprintf("请 %s 号到%d号窗口办理（%s，等候%s）", k.Number(), k.Window, who, k.Wait()))
}

func (s *Server) staffQueueFinish(w http.ResponseWriter, r *http.Request) error {
	hall, hv := postedHall(r)
	absent := r.PostForm.Get("outcome") == "absent"
	k, err := s.Appoint.Finish(r.Context(), hall, absent)
	if err != nil {
		return s.queueRefusal(w, r, hv, err)
	}
	msg := k.Number() + " 已办结"
	if absent {
		msg = k.Number() + " 已过号"
	} else if k.AppointmentID > 0 {
		msg += "，已通过站内信邀请纳税人评价"
	}
	return s.redirect(w, r, queueURL(hv), msg)
}

// 现场取号: the hall's desk gives a walk-in visitor a number.

func (s *Server) takePage(r *http.Request, hall string) (*staffTakePage, error) {
	p := &staffTakePage{basePage: basePage{Title: "现场取号"}}
	halls, h, err := s.hallChoice(r, hall)
	if err != nil {
		return nil, err
	}
	p.Halls = halls
	svcs, err := s.Appoint.Services(r.Context())
	if err != nil {
		return nil, err
	}
	for _, v := range svcs {
		p.Services = append(p.Services, Option{strconv.FormatInt(v.ID, 10), v.Name})
	}
	p.Form = url.Values{"hall": {h}}
	if id, _ := strconv.ParseInt(h, 10, 64); id > 0 {
		d, err := s.Appoint.DeskOf(r.Context(), id)
		if err != nil {
			return nil, err
		}
		p.Waiting = len(d.Waiting)
	}
	return p, nil
}

func (s *Server) staffQueueTakeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.takePage(r, r.URL.Query().Get("hall"))
	if err != nil {
		return err
	}
	return staffTakeView.ok(s, w, r, p)
}

func (s *Server) staffQueueTake(w http.ResponseWriter, r *http.Request) error {
	hall, hv := postedHall(r)
	service, _ := strconv.ParseInt(r.PostForm.Get("service"), 10, 64)
	k, err := s.Appoint.TakeNumber(r.Context(), hall, service)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		p, perr := s.takePage(r, hv)
		if perr != nil {
			return perr
		}
		p.Form = r.PostForm
		return staffTakeView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, "/staff/appointments/queue/take?hall="+url.QueryEscape(hv), fmt.Sprintf("已取号 %s，请在等候区等候叫号", k.Number()))
}

// The monthly report.

func (s *Server) staffQueueReport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := &staffQueueReportPage{basePage: basePage{Title: "窗口服务月报"}}
	var hall string
	var err error
	if p.Halls, hall, err = s.hallChoice(r, q.Get("hall")); err != nil {
		return err
	}
	month := q.Get("month")
	if month == "" {
		month = appoint.Today(s.Appoint.Now()).String()[:7]
	}
	p.Form = url.Values{"hall": {hall}, "month": {month}}
	p.Query = p.Form.Encode()
	id, _ := strconv.ParseInt(hall, 10, 64)
	if id == 0 {
		return staffReportView.ok(s, w, r, p)
	}
	rep, err := s.Appoint.MonthReport(r.Context(), id, month)
	if apperr.CodeOf(err) == apperr.Invalid {
		return staffReportView.formError(s, w, r, err, p)
	}
	if err != nil {
		return err
	}
	p.Report = rep
	var buf bytes.Buffer
	name := fmt.Sprintf("window-report-%d-%s", id, rep.Month)
	switch q.Get("format") {
	case "csv":
		if err := rep.WriteCSV(&buf); err != nil {
			return err
		}
		return download(w, "text/csv; charset=utf-8", name+".csv", buf.Bytes())
	case "xlsx":
		if err := rep.WriteXLSX(&buf); err != nil {
			return err
		}
		return download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name+".xlsx", buf.Bytes())
	}
	return staffReportView.ok(s, w, r, p)
}

// The taxpayer's rating of a served appointment.

func (s *Server) hallAppointmentRate(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(r.PostForm.Get("rating"))
	if err := s.Appoint.Rate(r.Context(), ap.ID, appoint.RateInput{Rating: rating, Comment: r.PostForm.Get("comment")}); err != nil {
		p, perr := s.apptDetail(r, ap)
		if perr != nil {
			return perr
		}
		return apptView.formError(s, w, r, asFormError(err, "rating"), p)
	}
	return s.redirect(w, r, fmt.Sprintf("/hall/appointments/%d", ap.ID), "感谢您的评价")
}

// apptDetail is the appointment page with its hall number (and rating).
func (s *Server) apptDetail(r *http.Request, ap *appoint.Appointment) (*apptPage, error) {
	k, err := s.Appoint.TicketOf(r.Context(), ap.ID)
	if err != nil {
		return nil, err
	}
	p := &apptPage{basePage: basePage{Title: "预约详情"}, Appt: ap, Changeable: ap.Changeable(s.Appoint.Now()), Ticket: k}
	if k != nil && k.State == appoint.TicketDone && k.Rating == 0 {
		p.noteControl("rating") // the stars are written by hand, before the comment
	}
	return p, nil
}
