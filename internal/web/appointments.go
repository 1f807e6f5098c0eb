package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/calendar"
	"taxhall/internal/httpx"
)

// Service appointments (服务预约): the taxpayer books, changes and cancels;
// the hall's clerks see the day's list per window and check people in.
// Decisions live in appoint.Service.

var (
	apptsView      = newView[apptsPage]("hall_appointments.html")
	apptBookView   = newView[apptBookPage]("hall_appointment_book.html")
	apptView       = newView[apptPage]("hall_appointment.html")
	apptCancelView = newView[apptPage]("hall_appointment_cancel.html")
	staffApptsView = newView[staffApptsPage]("staff_appointments.html")
)

type apptsPage struct {
	basePage
	Items        []*appoint.Appointment
	BlockedUntil calendar.Date
}

type apptPage struct {
	basePage
	Appt       *appoint.Appointment
	Changeable bool
	Ticket     *appoint.QueueTicket // the hall number once checked in (叫号, rating)
}

// apptBookPage picks a hall, a service, then a slot; Action is where the
// slot form posts (a new booking or a change).
type apptBookPage struct {
	basePage
	Action   string
	Change   *appoint.Appointment // the booking being changed, nil for a new one
	Halls    []Option
	Services []Option
	Hall     string
	Service  string
	Svc      *appoint.Svc
	Days     []apptDay
}

type apptDay struct {
	Day   calendar.Date
	Slots []*appoint.Slot
}

type staffApptsPage struct {
	basePage
	Halls   []Option
	Hall    string
	Day     string
	Window  string
	Windows []Option
	List    *appoint.DayList
	CanPlan bool
}

func (s *Server) hallAppointments(w http.ResponseWriter, r *http.Request) error {
	items, until, err := s.Appoint.Mine(r.Context())
	if err != nil {
		return err
	}
	return apptsView.ok(s, w, r, &apptsPage{basePage: basePage{Title: "预约办税"}, Items: items, BlockedUntil: until})
}

// bookPage fills the hall and service choice and, when both are chosen,
// the free slots by day.
func (s *Server) bookPage(r *http.Request, title, action string) (*apptBookPage, error) {
	p := &apptBookPage{basePage: basePage{Title: title}, Action: action}
	halls, err := s.Appoint.Halls(r.Context())
	if err != nil {
		return nil, err
	}
	for _, h := range halls {
		p.Halls = append(p.Halls, Option{strconv.FormatInt(h.ID, 10), h.Name})
	}
	svcs, err := s.Appoint.Services(r.Context())
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		q = r.PostForm
	}
	p.Hall, p.Service = q.Get("hall"), q.Get("service")
	for _, v := range svcs {
		id := strconv.FormatInt(v.ID, 10)
		p.Services = append(p.Services, Option{id, v.Name})
		if id == p.Service {
			p.Svc = v
		}
	}
	hall, _ := strconv.ParseInt(p.Hall, 10, 64)
	if hall > 0 && p.Svc != nil {
		slots, err := s.Appoint.Slots(r.Context(), hall, p.Svc.ID)
		if err != nil {
			return nil, err
		}
		for _, sl := range slots {
			if n := len(p.Days); n == 0 || p.Days[n-1].Day != sl.Day {
				p.Days = append(p.Days, apptDay{Day: sl.Day})
			}
			p.Days[len(p.Days)-1].Slots = append(p.Days[len(p.Days)-1].Slots, sl)
		}
	}
	p.Form = url.Values{"hall": {p.Hall}, "service": {p.Service}}
	return p, nil
}

func (s *Server) hallAppointmentNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.bookPage(r, "预约办税", "/hall/appointments")
	if err != nil {
		return err
	}
	return apptBookView.ok(s, w, r, p)
}

func bookInput(r *http.Request) appoint.BookInput {
	id, _ := strconv.ParseInt(r.PostForm.Get("slot_id"), 10, 64)
	return appoint.BookInput{SlotID: id, Item: r.PostForm.Get("item"), Phone: r.PostForm.Get("phone")}
}

func (s *Server) hallAppointmentCreate(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.Appoint.Book(r.Context(), bookInput(r))
	if err != nil {
		p, perr := s.bookPage(r, "预约办税", "/hall/appointments")
		if perr != nil {
			return perr
		}
		return apptBookView.formError(s, w, r, asFormError(err, "slot_id"), p)
	}
	return s.redirect(w, r, fmt.Sprintf("/hall/appointments/%d", ap.ID), "预约成功："+ap.Day.String()+" "+ap.Start+" "+ap.ServiceName)
}

func (s *Server) apptOf(r *http.Request) (*appoint.Appointment, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Appoint.Get(r.Context(), id)
}

func (s *Server) hallAppointment(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	p, err := s.apptDetail(r, ap)
	if err != nil {
		return err
	}
	return apptView.ok(s, w, r, p)
}

func (s *Server) hallAppointmentCancelForm(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	return apptCancelView.ok(s, w, r, &apptPage{basePage: basePage{Title: "取消预约"}, Appt: ap, Changeable: ap.Changeable(s.Appoint.Now())})
}

func (s *Server) hallAppointmentCancel(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	if err := s.Appoint.Cancel(r.Context(), ap.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/hall/appointments", "已取消 "+ap.Day.String()+" "+ap.Start+" 的预约")
}

func (s *Server) hallAppointmentChangeForm(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("hall") == "" {
		q := r.URL.Query()
		q.Set("hall", strconv.FormatInt(ap.HallID, 10))
		q.Set("service", serviceOf(s, r, ap))
		r.URL.RawQuery = q.Encode()
	}
	p, err := s.bookPage(r, "改约", fmt.Sprintf("/hall/appointments/%d/change", ap.ID))
	if err != nil {
		return err
	}
	p.Change = ap
	return apptBookView.ok(s, w, r, p)
}

// serviceOf finds the service id of an appointment by its name.
func serviceOf(s *Server, r *http.Request, ap *appoint.Appointment) string {
	svcs, _ := s.Appoint.Services(r.Context())
	for _, v := range svcs {
		if v.Name == ap.ServiceName {
			return strconv.FormatInt(v.ID, 10)
		}
	}
	return ""
}

func (s *Server) hallAppointmentChange(w http.ResponseWriter, r *http.Request) error {
	ap, err := s.apptOf(r)
	if err != nil {
		return err
	}
	moved, err := s.Appoint.Change(r.Context(), ap.ID, bookInput(r))
	if err != nil {
		p, perr := s.bookPage(r, "改约", fmt.Sprintf("/hall/appointments/%d/change", ap.ID))
		if perr != nil {
			return perr
		}
		p.Change = ap
		return apptBookView.formError(s, w, r, asFormError(err, "slot_id"), p)
	}
	return s.redirect(w, r, fmt.Sprintf("/hall/appointments/%d", moved.ID), "已改约至 "+moved.Day.String()+" "+moved.Start)
}

// Staff: the day's list per window.

func (s *Server) staffAppointments(w http.ResponseWriter, r *http.Request) error {
	halls, err := s.Appoint.StaffHalls(r.Context())
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := &staffApptsPage{basePage: basePage{Title: "预约签到"}, Hall: q.Get("hall"), Day: q.Get("day"), Window: q.Get("window")}
	if p.Day == "" {
		p.Day = appoint.Today(s.Appoint.Now()).String()
	}
	if p.Hall == "" && len(halls) > 0 {
		p.Hall = strconv.FormatInt(halls[0].ID, 10)
	}
	for _, h := range halls {
		p.Halls = append(p.Halls, Option{strconv.FormatInt(h.ID, 10), h.Name})
		if strconv.FormatInt(h.ID, 10) == p.Hall {
			for i := 1; i <= h.Windows; i++ {
				p.Windows = append(p.Windows, Option{strconv.Itoa(i), fmt.Sprintf("%d号窗口", i)})
			}
		}
	}
	p.Form = url.Values{"hall": {p.Hall}, "day": {p.Day}, "window": {p.Window}}
	p.CanPlan = appoint.CanPlan(p.Actor)
	hall, _ := strconv.ParseInt(p.Hall, 10, 64)
	day, derr := calendar.ParseDate(p.Day)
	if hall > 0 && derr == nil {
		win, _ := strconv.Atoi(p.Window)
		if p.List, err = s.Appoint.Day(r.Context(), hall, day, win); err != nil {
			return err
		}
	}
	return staffApptsView.ok(s, w, r, p)
}

func (s *Server) staffAppointmentBack(r *http.Request, hall int64, day calendar.Date) string {
	return fmt.Sprintf("/staff/appointments?hall=%d&day=%s&window=%s", hall, day, url.QueryEscape(r.PostForm.Get("window")))
}

func (s *Server) staffAppointmentCheckIn(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ap, err := s.Appoint.CheckIn(r.Context(), id)
	if err != nil {
		return err
	}
	return s.redirect(w, r, s.staffAppointmentBack(r, ap.HallID, ap.Day), fmt.Sprintf("%s 已签到，排队号 %s，请到%d号窗口", ap.Taxpayer, ap.Ticket(), ap.Window))
}

func (s *Server) staffAppointmentNoShow(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	hall, _ := strconv.ParseInt(r.PostForm.Get("hall"), 10, 64)
	day, _ := calendar.ParseDate(r.PostForm.Get("day"))
	if err := s.Appoint.MarkNoShow(r.Context(), id); err != nil {
		return err
	}
	return s.redirect(w, r, s.staffAppointmentBack(r, hall, day), "已记为失约")
}

func (s *Server) staffAppointmentSlots(w http.ResponseWriter, r *http.Request) error {
	hall, _ := strconv.ParseInt(r.PostForm.Get("hall"), 10, 64)
	n, err := s.Appoint.OpenSlots(r.Context(), hall)
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/staff/appointments?hall=%d", hall), fmt.Sprintf("已开放未来%d个工作日的预约时段，新增%d个", appoint.DaysAhead, n))
}

// asFormError turns a refusal the person can act on (the slot filled up,
// the cut-off passed, booking is blocked) into a message on the form, so
// the page shows it with the choices kept.
func asFormError(err error, field string) error {
	if e := apperr.As(err); e != nil && (e.Code == apperr.Conflict || e.Code == apperr.Forbidden) {
		return apperr.InvalidField(field, e.Message)
	}
	return err
}

// staffAppointmentGoto answers GET of a check-in or no-show address: the
// day's list of that appointment, for staff who serve its hall only.
func (s *Server) staffAppointmentGoto(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	ap, err := s.Appoint.StaffGet(r.Context(), id)
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/staff/appointments?hall=%d&day=%s", ap.HallID, ap.Day), "")
}
