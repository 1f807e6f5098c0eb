package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/notify"
)

// 定制服务: a taxpayer user chooses which notices also come by e-mail and
// SMS (/hall/notifications); staff read the development SMS outbox
// (/staff/sms-outbox).

const notificationsURL = "/hall/notifications"

var (
	notificationsView = newView[notificationsPage]("hall_notifications.html")
	smsOutboxView     = newView[smsOutboxPage]("staff_sms_outbox.html")
)

type notificationsPage struct {
	basePage
	Kinds []Option
	Saved bool // the user has saved choices before
}

type smsOutboxPage struct {
	basePage
	Texts   []*notify.Text
	NextURL string
}

func noticeKindOptions() []Option {
	out := make([]Option, len(notify.Categories))
	for i, c := range notify.Categories {
		out[i] = Option{c.Code, c.Name}
	}
	return out
}

func (s *Server) hallNotifications(w http.ResponseWriter, r *http.Request) error {
	p, err := s.Notify.Mine(r.Context())
	if err != nil {
		return err
	}
	page := &notificationsPage{basePage: basePage{Title: "定制服务"}, Kinds: noticeKindOptions(), Saved: !p.UpdatedAt.IsZero()}
	page.Form = url.Values{"email": {p.Email}, "phone": {p.Phone}, "email_kinds": p.EmailKinds, "sms_kinds": p.SMSKinds}
	return notificationsView.ok(s, w, r, page)
}

func (s *Server) hallNotificationsSave(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	err := s.Notify.Save(r.Context(), notify.Prefs{Email: f.Get("email"), Phone: f.Get("phone"), EmailKinds: f["email_kinds"], SMSKinds: f["sms_kinds"]})
	if err != nil {
		return notificationsView.formError(s, w, r, err, &notificationsPage{basePage: basePage{Title: "定制服务"}, Kinds: noticeKindOptions()})
	}
	return s.redirect(w, r, notificationsURL, "提醒设置已保存。")
}

func (s *Server) staffSMSOutbox(w http.ResponseWriter, r *http.Request) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	list, next, err := s.Notify.Texts(r.Context(), before, 50)
	if err != nil {
		return err
	}
	page := &smsOutboxPage{basePage: basePage{Title: "短信发件箱"}, Texts: list}
	if next != 0 {
		page.NextURL = "/staff/sms-outbox?before=" + strconv.FormatInt(next, 10)
	}
	return smsOutboxView.ok(s, w, r, page)
}
