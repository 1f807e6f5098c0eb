package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/messages"
)

// The taxpayer's inbox (站内信): the list, one message (opening it marks it
// read), and the unread count beside 我的消息 in the hall's menu.

const messagesURL = "/hall/messages"

var (
	messagesView = newView[messagesPage]("hall_messages.html")
	messageView  = newView[messagePage]("hall_message.html")
)

type messagesPage struct {
	basePage
	Messages []*messages.Message
	First    bool   // the newest page
	NextURL  string // the older page, "" on the last
}

type messagePage struct {
	basePage
	Message *messages.Message
}

func (s *Server) hallMessages(w http.ResponseWriter, r *http.Request) error {
	// A cursor that is not a number is the first page, as an absent one.
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	p, err := s.Messages.Inbox(r.Context(), after, messages.DefaultLimit)
	if err != nil {
		return err
	}
	page := &messagesPage{basePage: basePage{Title: "我的消息"}, Messages: p.Items, First: after <= 0}
	if p.Next != 0 {
		page.NextURL = messagesURL + "?after=" + strconv.FormatInt(p.Next, 10)
	}
	return messagesView.ok(s, w, r, page)
}

func (s *Server) hallMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Messages.MarkRead(r.Context(), id)
	if err != nil {
		return err
	}
	return messageView.ok(s, w, r, &messagePage{basePage: basePage{Title: m.Subject}, Message: m})
}

// unreadBadge puts the unread count on 我的消息 for a taxpayer user: one
// bounded query a page (messages.Service.Unread stops at 99). A failure
// leaves the badge off rather than failing the page.
func (s *Server) unreadBadge(r *http.Request, b *basePage) {
	if s.Messages == nil || !isTaxpayer(b.Actor) {
		return
	}
	ctx := auth.WithActor(r.Context(), b.Actor)
	n, more, err := s.Messages.Unread(ctx)
	if err != nil {
		s.Log.Warn("unread messages", "err", err)
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
		if b.Menu[i].URL == messagesURL {
			b.Menu[i].Badge = badge
		}
	}
}
