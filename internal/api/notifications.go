package api

import (
	"context"
	"net/http"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/notify"
)

// notificationRoutes are the user's 定制服务: which notices also come by
// e-mail and SMS — the same notify.Service as /hall/notifications.
func (a *API) notificationRoutes() []route {
	return []route{
		{Pattern: "GET /my/notification-preferences", Tag: tagMy, Access: TaxpayerUser,
			Summary: "我的提醒设置（定制服务）",
			Doc:     "站内信始终发送；email_kinds、sms_kinds 为同时通过电子邮件、短信接收的提醒类别：deadline 申报期限临近，lastday 最后一天，overdue 逾期，decision 审批结果，payment 缴款结果，answer 咨询答复，appointment 预约提醒，policy 政策推送。",
			Handler: handle(a.myNotificationPrefs)},
		{Pattern: "POST /my/notification-preferences", Tag: tagMy, Access: TaxpayerUser,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "保存我的提醒设置", Doc: "整体替换。选择了邮件类别时 email 必填，选择了短信类别时 phone（11 位手机号码）必填。",
			Handler: handle(a.saveMyNotificationPrefs)},
	}
}

type notificationPrefs struct {
	Email      string     `json:"email" doc:"电子邮箱"`
	Phone      string     `json:"phone" doc:"手机号码"`
	EmailKinds []string   `json:"email_kinds" doc:"通过电子邮件接收的类别"`
	SMSKinds   []string   `json:"sms_kinds" doc:"通过短信接收的类别"`
	UpdatedAt  *time.Time `json:"updated_at,omitempty" doc:"上次保存时间；未保存过时省略"`
}

func viewPrefs(p *notify.Prefs) notificationPrefs {
	v := notificationPrefs{Email: p.Email, Phone: p.Phone, EmailKinds: p.EmailKinds, SMSKinds: p.SMSKinds}
	if v.EmailKinds == nil {
		v.EmailKinds = []string{}
	}
	if v.SMSKinds == nil {
		v.SMSKinds = []string{}
	}
	if !p.UpdatedAt.IsZero() {
		t := p.UpdatedAt
		v.UpdatedAt = &t
	}
	return v
}

func (a *API) myNotificationPrefs(ctx context.Context, _ *http.Request, _ noBody) (notificationPrefs, error) {
	p, err := a.Notify.Mine(ctx)
	if err != nil {
		return notificationPrefs{}, err
	}
	return viewPrefs(p), nil
}

type notificationPrefsInput struct {
	Email      string   `json:"email" doc:"电子邮箱"`
	Phone      string   `json:"phone" doc:"手机号码"`
	EmailKinds []string `json:"email_kinds" doc:"通过电子邮件接收的类别"`
	SMSKinds   []string `json:"sms_kinds" doc:"通过短信接收的类别"`
}

func (a *API) saveMyNotificationPrefs(ctx context.Context, _ *http.Request, in notificationPrefsInput) (notificationPrefs, error) {
	if err := a.Notify.Save(ctx, notify.Prefs{Email: in.Email, Phone: in.Phone, EmailKinds: in.EmailKinds, SMSKinds: in.SMSKinds}); err != nil {
		return notificationPrefs{}, err
	}
	return a.myNotificationPrefs(ctx, nil, noBody{})
}
