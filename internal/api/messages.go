package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/httpx"
	"taxhall/internal/messages"
)

// messageRoutes are the taxpayer user's inbox (站内信): the same
// messages.Service as /hall/messages.
func (a *API) messageRoutes() []route {
	return []route{
		{Pattern: "GET /my/messages", Tag: tagMy, Access: TaxpayerUser,
			Summary: "我的消息（最新的在前）",
			Doc:     "本单位发给全部用户和发给本人的消息。按 id 倒序分页：下一页以上一页返回的 next 作为 after 参数；next 为 0 表示没有更早的消息。unread 为未读条数，最多统计到 99，unread_more 为 true 时表示超过 99 条。",
			Handler: handle(a.myMessages)},
		{Pattern: "GET /my/messages/{id}", Tag: tagMy, Access: TaxpayerUser, Object: "message",
			Summary: "查看一条消息", Doc: "只读取，不标记为已读。其他纳税人或发给本单位其他用户的消息返回 404。", Handler: handle(a.myMessage)},
		{Pattern: "POST /my/messages/{id}/read", Tag: tagMy, Access: TaxpayerUser, Object: "message",
			Summary: "标记消息为已读", Doc: "重复标记保留第一次阅读的时间。", Handler: handle(a.readMyMessage)},
	}
}

type messagesQuery struct {
	After int64 `query:"after" min:"1" doc:"上一页返回的 next，不填为最新一页"`
	Limit int   `query:"limit" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

// messageItem is a message in the inbox list, without its body.
type messageItem struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind" doc:"类别：reminder 申报提醒，notice 通知，return 申报"`
	KindName  string    `json:"kind_name"`
	Subject   string    `json:"subject" doc:"标题"`
	Link      string    `json:"link,omitempty" doc:"本站内的办理地址（以 / 开头）"`
	Read      bool      `json:"read" doc:"本人是否已读"`
	CreatedAt time.Time `json:"created_at"`
}

// messageView is one message in full.
type messageView struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind" doc:"类别：reminder 申报提醒，notice 通知，return 申报"`
	KindName  string     `json:"kind_name"`
	Subject   string     `json:"subject" doc:"标题"`
	Body      string     `json:"body" doc:"正文（纯文本，保留换行）"`
	Link      string     `json:"link,omitempty" doc:"本站内的办理地址（以 / 开头）"`
	Read      bool       `json:"read" doc:"本人是否已读"`
	ReadAt    *time.Time `json:"read_at,omitempty" doc:"本人阅读时间"`
	CreatedAt time.Time  `json:"created_at"`
}

type messagesPage struct {
	Items      []messageItem `json:"items"`
	Next       int64         `json:"next" doc:"下一页的 after 参数；0 表示没有更早的消息"`
	Unread     int           `json:"unread" doc:"未读条数，最多 99"`
	UnreadMore bool          `json:"unread_more" doc:"未读超过 99 条"`
}

func viewMessageItem(m *messages.Message) messageItem {
	return messageItem{ID: m.ID, Kind: m.Kind, KindName: m.KindName(), Subject: m.Subject, Link: m.Link, Read: m.Read(), CreatedAt: m.CreatedAt}
}

func viewMessage(m *messages.Message) messageView {
	v := messageView{ID: m.ID, Kind: m.Kind, KindName: m.KindName(), Subject: m.Subject, Body: m.Body, Link: m.Link, Read: m.Read(), CreatedAt: m.CreatedAt}
	if m.Read() {
		t := m.ReadAt
		v.ReadAt = &t
	}
	return v
}

func (a *API) myMessages(ctx context.Context, _ *http.Request, q messagesQuery) (messagesPage, error) {
	p, err := a.Messages.Inbox(ctx, q.After, q.Limit)
	if err != nil {
		return messagesPage{}, err
	}
	n, more, err := a.Messages.Unread(ctx)
	if err != nil {
		return messagesPage{}, err
	}
	return messagesPage{Items: mapList(p.Items, viewMessageItem).Items, Next: p.Next, Unread: n, UnreadMore: more}, nil
}

func (a *API) myMessage(ctx context.Context, r *http.Request, _ noBody) (messageView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return messageView{}, err
	}
	m, err := a.Messages.Get(ctx, id)
	if err != nil {
		return messageView{}, err
	}
	return viewMessage(m), nil
}

func (a *API) readMyMessage(ctx context.Context, r *http.Request, _ noBody) (messageView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return messageView{}, err
	}
	m, err := a.Messages.MarkRead(ctx, id)
	if err != nil {
		return messageView{}, err
	}
	return viewMessage(m), nil
}
