package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/messages"
)

// The staff inbox (工作人员站内信): the list, one message (opening it marks
// it read), and the unread count beside 我的消息 in the staff menu.

const staffMessagesURL = "/staff/messages"

var (
	staffMessagesView = newView[staffMessagesPage]("staff_messages.html")
	staffMessageView  = newView[staffMessagePage]("staff_message.html")
)

type staffMessagesPage struct {
	basePage
	Messages []*messages.StaffMessage
	First    bool
	NextURL  string
}

type staffMessagePage struct {
	basePage
	Message *messages.StaffMessage
}

func (s *Server) staffMessages(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p, err := s.Messages.StaffInbox(r.Context(), after, messages.DefaultLimit)
	if err != nil {
		return err
	}
	page := &staffMessagesPage{basePage: basePage{Title: "我的消息"}, Messages: p.Items, First: after <= 0}
	if p.Next != 0 {
		page.NextURL = staffMessagesURL + "?after=" + strconv.FormatInt(p.Next, 10)
	}
	return staffMessagesView.ok(s, w, r, page)
}

func (s *Server) staffMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Messages.StaffMarkRead(r.Context(), id)
	if err != nil {
		return err
	}
	return staffMessageView.ok(s, w, r, &staffMessagePage{basePage: basePage{Title: m.Subject}, Message: m})
}

// staffUnreadBadge puts the staff member's unread count on 我的消息: one
// bounded query on the partial index of unread rows. A failure leaves the
// badge off rather than failing the page.
func (s *Server) staffUnreadBadge(r *http.Request, b *basePage) {
	if s.Messages == nil || !isStaff(b.Actor) {
		return
	}
	n, more, err := s.Messages.StaffUnread(auth.WithActor(r.Context(), b.Actor))
	if err != nil {
		s.Log.Warn("unread staff messages", "err", err)
		return
	}
	if n == 0 {
		return
	}
	badge := strconv.Itoa(n)
	if more {
		badge += "+"
	}
	for i := range b.Menu {
		if b.Menu[i].URL == staffMessagesURL {
			b.Menu[i].Badge = badge
		}
	}
}
