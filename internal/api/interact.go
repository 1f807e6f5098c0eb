package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/httpx"
	"taxhall/internal/survey"
)

// Interaction: the 12366 consultation (and its SMS/hotline intake),
// complaints, appointments and surveys, over the same services as the web
// pages.

const tagInteract = "互动（咨询、投诉、预约、调查）"

func (a *API) interactRoutes() []route {
	return []route{
		{Pattern: "POST /consult/questions", Tag: tagInteract, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "网上税法咨询：提问",
			Doc:     "登录的纳税人用户以本人身份提问；未登录须留下手机号码或电子邮箱。返回的咨询编号和查询码只返回这一次。org_id 为受理的市级税务机关。",
			Handler: handle(a.ask)},
		{Pattern: "GET /my/questions", Tag: tagInteract, Access: TaxpayerUser, Summary: "我的咨询（最新的在前，最多 50 条）", Handler: handle(a.myQuestions)},
		{Pattern: "GET /my/questions/{id}", Tag: tagInteract, Access: TaxpayerUser, Object: "question",
			Summary: "查看咨询及答复", Handler: handle(a.myQuestion)},
		{Pattern: "POST /my/questions/{id}/rating", Tag: tagInteract, Access: TaxpayerUser, Object: "question",
			Errors: []apperr.Code{apperr.Invalid, apperr.Conflict}, Summary: "评价答复（1 至 5 分，每问一次）", Handler: handle(a.rateQuestion)},
		{Pattern: "POST /my/questions/{id}/followups", Tag: tagInteract, Access: TaxpayerUser, Object: "question",
			Errors: []apperr.Code{apperr.Invalid, apperr.Conflict}, Summary: "追问", Handler: handle(a.followUpQuestion)},
		{Pattern: "POST /intake/questions", Tag: tagInteract, Access: IntakeClient, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "短信平台、热线系统接入咨询",
			Doc:     "使用接入令牌（itk_ 开头，由管理员通过 POST /api/v1/admin/intake-tokens 签发），不能使用用户登录令牌。咨询进入令牌所属税务机关的12366队列，渠道为令牌的渠道；答复发送至 phone。",
			Handler: handle(a.intakeQuestion)},
		{Pattern: "POST /admin/intake-tokens", Tag: tagInteract, Access: AdminUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "签发短信平台或热线系统的接入令牌",
			Doc:     "令牌属于管理员所在税务机关，只返回这一次；只能用于 POST /api/v1/intake/questions。", Handler: handle(a.issueIntakeToken)},

		{Pattern: "POST /complaints", Tag: tagInteract, Access: Public, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.NotFound},
			Summary: "投诉举报、局长信箱：提交",
			Doc:     "kind：complaint 投诉，report 涉税违法举报，mailbox 局长信箱，misconduct 违纪举报。未登录或 anonymous 为 true 时匿名提交。返回的受理编号和查询码只返回这一次，凭此查询进度。",
			Handler: handle(a.fileComplaint)},
		{Pattern: "POST /complaints/track", Tag: tagInteract, Access: Public,
			Errors:  []apperr.Code{apperr.Invalid, apperr.NotFound, apperr.TooMany},
			Summary: "凭受理编号和查询码查询办理进度",
			Doc:     "用 POST 以免查询码出现在地址和日志中。编号或查询码错误均返回 404；同一编号查询过于频繁返回 429。",
			Handler: handle(a.trackComplaint)},
		{Pattern: "POST /complaints/track/additions", Tag: tagInteract, Access: Public,
			Errors:  []apperr.Code{apperr.Invalid, apperr.NotFound, apperr.TooMany, apperr.Conflict},
			Summary: "凭受理编号和查询码补充内容", Handler: handle(a.addToComplaint)},

		{Pattern: "GET /my/appointments", Tag: tagInteract, Access: TaxpayerUser, Summary: "我的预约", Handler: handle(a.myAppointments)},
		{Pattern: "POST /my/appointments", Tag: tagInteract, Access: TaxpayerUser, Status: http.StatusCreated,
			Errors: []apperr.Code{apperr.Invalid, apperr.Conflict}, Summary: "预约时段",
			Doc: "时段约满、已约过或爽约次数过多暂停预约时返回 409。", Handler: handle(a.bookAppointment)},
		{Pattern: "POST /my/appointments/{id}/cancel", Tag: tagInteract, Access: TaxpayerUser, Object: "appointment",
			Errors: []apperr.Code{apperr.Conflict}, Summary: "取消预约（开始前的截止时间之前）", Handler: handle(a.cancelAppointment)},

		{Pattern: "GET /my/surveys", Tag: tagInteract, Access: TaxpayerUser, Summary: "邀请我参加的网上调查", Handler: handle(a.mySurveys)},
		{Pattern: "GET /my/surveys/{id}", Tag: tagInteract, Access: TaxpayerUser, Object: "survey", Summary: "查看调查题目", Handler: handle(a.mySurvey)},
		{Pattern: "POST /my/surveys/{id}/answers", Tag: tagInteract, Access: TaxpayerUser, Object: "survey", Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "回答调查（每人一次）",
			Doc:     "answers 按题号给出：单选、评分题 choices 一个值（选项序号从 0 起；评分 1 至 5），多选题可多个，填空题给 text。已回答或调查已结束返回 409。",
			Handler: handle(a.answerSurvey)},
	}
}

// Consultation.

type askRequest struct {
	OrgID   int64  `json:"org_id" doc:"受理的税务机关"`
	TaxType string `json:"tax_type" doc:"税种：vat、cit、iit、invoice、property、stamp、si、other"`
	Subject string `json:"subject" doc:"问题摘要，100字以内"`
	Body    string `json:"body" doc:"问题描述"`
	Name    string `json:"name,omitempty" doc:"称呼（未登录时）"`
	Phone   string `json:"phone,omitempty" doc:"手机号码（未登录时与 email 至少填一项）"`
	Email   string `json:"email,omitempty"`
}

type askedView struct {
	ID         int64  `json:"id"`
	TrackingNo string `json:"tracking_no" doc:"咨询编号"`
	Code       string `json:"code" doc:"查询码，只返回这一次"`
	DueOn      string `json:"due_on" doc:"答复期限"`
}

func viewAsked(x *consult.Asked) askedView {
	return askedView{ID: x.ID, TrackingNo: x.TrackingNo, Code: x.Code, DueOn: x.DueOn.String()}
}

func (a *API) ask(ctx context.Context, _ *http.Request, in askRequest) (askedView, error) {
	x, err := a.Consult.Ask(ctx, consult.Input{OrgID: in.OrgID, Channel: consult.Web, TaxType: in.TaxType, Subject: in.Subject, Body: in.Body,
		Name: in.Name, Phone: in.Phone, Email: in.Email})
	if err != nil {
		return askedView{}, err
	}
	return viewAsked(x), nil
}

type questionEntryView struct {
	Author    string    `json:"author" doc:"asker 咨询人（追问），agent 12366 答复，system 处理记录"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

type questionView struct {
	ID         int64               `json:"id"`
	TrackingNo string              `json:"tracking_no"`
	OrgName    string              `json:"org_name" doc:"受理机关"`
	Channel    string              `json:"channel" doc:"web、sms、hotline"`
	TaxType    string              `json:"tax_type"`
	Subject    string              `json:"subject"`
	Body       string              `json:"body"`
	State      string              `json:"state" doc:"open 待受理，claimed 处理中，answered 已答复"`
	StateName  string              `json:"state_name"`
	DueOn      string              `json:"due_on"`
	Rating     int                 `json:"rating,omitempty" doc:"本人的评价，1 至 5"`
	CreatedAt  time.Time           `json:"created_at"`
	Entries    []questionEntryView `json:"entries,omitempty" doc:"答复、追问和处理记录（详情中）"`
}

func viewQuestion(q *consult.Question) questionView {
	v := questionView{ID: q.ID, TrackingNo: q.TrackingNo, OrgName: q.OrgName, Channel: q.Channel, TaxType: q.TaxType, Subject: q.Subject, Body: q.Body,
		State: q.State, StateName: q.StateName(), DueOn: q.DueOn.String(), Rating: q.Rating, CreatedAt: q.CreatedAt}
	for _, e := range q.Entries {
		v.Entries = append(v.Entries, questionEntryView{Author: e.Author, Body: e.Body, CreatedAt: e.CreatedAt})
	}
	return v
}

func (a *API) myQuestions(ctx context.Context, _ *http.Request, _ noBody) (list[questionView], error) {
	qs, err := a.Consult.Mine(ctx)
	if err != nil {
		return list[questionView]{}, err
	}
	return mapList(qs, viewQuestion), nil
}

func (a *API) loadMyQuestion(ctx context.Context, r *http.Request) (*consult.Question, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return a.Consult.MyQuestion(ctx, id)
}

func (a *API) myQuestion(ctx context.Context, r *http.Request, _ noBody) (questionView, error) {
	q, err := a.loadMyQuestion(ctx, r)
	if err != nil {
		return questionView{}, err
	}
	return viewQuestion(q), nil
}

type rateRequest struct {
	Rating  int    `json:"rating" doc:"1 至 5 分"`
	Comment string `json:"comment,omitempty"`
}

func (a *API) rateQuestion(ctx context.Context, r *http.Request, in rateRequest) (questionView, error) {
	q, err := a.loadMyQuestion(ctx, r)
	if err != nil {
		return questionView{}, err
	}
	if err := a.Consult.Rate(ctx, q, in.Rating, in.Comment); err != nil {
		return questionView{}, err
	}
	return a.myQuestion(ctx, r, noBody{})
}

type followUpRequest struct {
	Body string `json:"body" doc:"追问内容"`
}

func (a *API) followUpQuestion(ctx context.Context, r *http.Request, in followUpRequest) (questionView, error) {
	q, err := a.loadMyQuestion(ctx, r)
	if err != nil {
		return questionView{}, err
	}
	if err := a.Consult.FollowUp(ctx, q, in.Body); err != nil {
		return questionView{}, err
	}
	return a.myQuestion(ctx, r, noBody{})
}

type intakeRequest struct {
	Phone   string `json:"phone" doc:"来电或短信的手机号码"`
	Body    string `json:"body" doc:"短信原文或来电记录"`
	Subject string `json:"subject,omitempty" doc:"摘要；不填取正文开头"`
	TaxType string `json:"tax_type,omitempty" doc:"税种；不填为 other"`
	Name    string `json:"name,omitempty" doc:"称呼"`
}

func (a *API) intakeQuestion(ctx context.Context, _ *http.Request, in intakeRequest) (askedView, error) {
	x, err := a.Consult.IntakeAsk(ctx, consult.IntakeInput{Phone: in.Phone, Body: in.Body, Subject: in.Subject, TaxType: in.TaxType, Name: in.Name})
	if err != nil {
		return askedView{}, err
	}
	return viewAsked(x), nil
}

type intakeTokenRequest struct {
	Channel string `json:"channel" doc:"sms 短信平台，hotline 热线系统"`
	Name    string `json:"name" doc:"接入系统的名称"`
}

type intakeTokenView struct {
	ID      int64  `json:"id"`
	Token   string `json:"token" doc:"接入令牌，只返回这一次"`
	OrgID   int64  `json:"org_id"`
	Channel string `json:"channel"`
	Name    string `json:"name"`
}

func (a *API) issueIntakeToken(ctx context.Context, _ *http.Request, in intakeTokenRequest) (intakeTokenView, error) {
	token, x, err := a.Consult.IssueIntakeToken(ctx, in.Channel, in.Name)
	if err != nil {
		return intakeTokenView{}, err
	}
	return intakeTokenView{ID: x.ID, Token: token, OrgID: x.OrgID, Channel: x.Channel, Name: x.Name}, nil
}

// Complaints.

type complaintRequest struct {
	Kind      string `json:"kind" doc:"complaint、report、mailbox、misconduct"`
	OrgID     int64  `json:"org_id" doc:"受理的税务机关"`
	Subject   string `json:"subject"`
	Body      string `json:"body"`
	Anonymous bool   `json:"anonymous,omitempty" doc:"登录用户匿名提交"`
	Name      string `json:"name,omitempty"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
}

type filedView struct {
	TrackingNo string `json:"tracking_no" doc:"受理编号"`
	Code       string `json:"code" doc:"查询码，只返回这一次"`
	DueOn      string `json:"due_on" doc:"答复期限"`
}

func (a *API) fileComplaint(ctx context.Context, _ *http.Request, in complaintRequest) (filedView, error) {
	f, err := a.Complaints.File(ctx, complaints.Input{Kind: in.Kind, OrgID: in.OrgID, Subject: in.Subject, Body: in.Body, Anonymous: in.Anonymous,
		Name: in.Name, Phone: in.Phone, Email: in.Email})
	if err != nil {
		return filedView{}, err
	}
	return filedView{TrackingNo: f.TrackingNo, Code: f.Code, DueOn: f.DueOn.String()}, nil
}

type trackRequest struct {
	TrackingNo string `json:"tracking_no"`
	Code       string `json:"code"`
}

type addRequest struct {
	TrackingNo string `json:"tracking_no"`
	Code       string `json:"code"`
	Body       string `json:"body" doc:"补充内容"`
}

type caseEntryView struct {
	Author    string    `json:"author" doc:"filer 提交人补充，staff 税务机关答复"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

type caseView struct {
	TrackingNo string          `json:"tracking_no"`
	Kind       string          `json:"kind"`
	KindName   string          `json:"kind_name"`
	OrgName    string          `json:"org_name"`
	Subject    string          `json:"subject"`
	State      string          `json:"state" doc:"open 办理中，replied 已答复，closed 已办结"`
	StateName  string          `json:"state_name"`
	DueOn      string          `json:"due_on"`
	CreatedAt  time.Time       `json:"created_at"`
	Entries    []caseEntryView `json:"entries"`
}

func viewCase(c *complaints.Case) caseView {
	v := caseView{TrackingNo: c.TrackingNo, Kind: c.Kind, KindName: c.KindName(), OrgName: c.OrgName, Subject: c.Subject, State: c.State,
		StateName: c.StateName(), DueOn: c.DueOn.String(), CreatedAt: c.CreatedAt, Entries: []caseEntryView{}}
	for _, e := range c.Entries {
		v.Entries = append(v.Entries, caseEntryView{Author: e.Author, Body: e.Body, CreatedAt: e.CreatedAt})
	}
	return v
}

func (a *API) trackComplaint(ctx context.Context, _ *http.Request, in trackRequest) (caseView, error) {
	c, err := a.Complaints.Track(ctx, in.TrackingNo, in.Code)
	if err != nil {
		return caseView{}, err
	}
	return viewCase(c), nil
}

func (a *API) addToComplaint(ctx context.Context, _ *http.Request, in addRequest) (caseView, error) {
	c, err := a.Complaints.AddInfo(ctx, in.TrackingNo, in.Code, in.Body)
	if err != nil {
		return caseView{}, err
	}
	return viewCase(c), nil
}

// Appointments.

type appointmentView struct {
	ID          int64     `json:"id"`
	HallName    string    `json:"hall_name" doc:"办税服务厅"`
	HallAddress string    `json:"hall_address"`
	ServiceName string    `json:"service_name" doc:"预约事项"`
	Window      int       `json:"window" doc:"窗口号"`
	Day         string    `json:"day"`
	Start       string    `json:"start" doc:"开始时间 HH:MM"`
	End         string    `json:"end"`
	State       string    `json:"state"`
	StateName   string    `json:"state_name"`
	QueueNo     int       `json:"queue_no,omitempty" doc:"签到后的排队号"`
	CreatedAt   time.Time `json:"created_at"`
}

func viewAppointment(x *appoint.Appointment) appointmentView {
	return appointmentView{ID: x.ID, HallName: x.HallName, HallAddress: x.HallAddress, ServiceName: x.ServiceName, Window: x.Window, Day: x.Day.String(),
		Start: x.Start, End: x.End, State: x.State, StateName: x.StateName(), QueueNo: x.QueueNo, CreatedAt: x.CreatedAt}
}

func (a *API) myAppointments(ctx context.Context, _ *http.Request, _ noBody) (list[appointmentView], error) {
	xs, _, err := a.Appoint.Mine(ctx)
	if err != nil {
		return list[appointmentView]{}, err
	}
	return mapList(xs, viewAppointment), nil
}

type bookRequest struct {
	SlotID int64  `json:"slot_id" doc:"时段"`
	Item   string `json:"item,omitempty" doc:"到厅办理的事项名称"`
	Phone  string `json:"phone,omitempty" doc:"联系电话"`
}

func (a *API) bookAppointment(ctx context.Context, _ *http.Request, in bookRequest) (appointmentView, error) {
	x, err := a.Appoint.Book(ctx, appoint.BookInput{SlotID: in.SlotID, Item: in.Item, Phone: in.Phone})
	if err != nil {
		return appointmentView{}, err
	}
	return viewAppointment(x), nil
}

func (a *API) cancelAppointment(ctx context.Context, r *http.Request, _ noBody) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Appoint.Cancel(ctx, id)
}

// Surveys.

type surveyItemView struct {
	Position int      `json:"position" doc:"题号，从 1 起"`
	Kind     string   `json:"kind" doc:"single 单选，multiple 多选，scale 评分（1 至 5），text 填空"`
	Prompt   string   `json:"prompt"`
	Options  []string `json:"options,omitempty" doc:"选择题的选项，序号从 0 起"`
}

type surveyView struct {
	ID       int64            `json:"id"`
	Title    string           `json:"title"`
	Intro    string           `json:"intro,omitempty"`
	OrgName  string           `json:"org_name"`
	State    string           `json:"state" doc:"open 进行中，closed 已结束"`
	Answered bool             `json:"answered" doc:"本人是否已回答"`
	Items    []surveyItemView `json:"items,omitempty" doc:"题目（详情中）"`
}

func viewSurvey(x *survey.Survey, answered bool) surveyView {
	v := surveyView{ID: x.ID, Title: x.Title, Intro: x.Intro, OrgName: x.OrgName, State: x.State, Answered: answered}
	for _, it := range x.Items {
		v.Items = append(v.Items, surveyItemView{Position: it.Position, Kind: it.Kind, Prompt: it.Prompt, Options: it.Options})
	}
	return v
}

func (a *API) mySurveys(ctx context.Context, _ *http.Request, _ noBody) (list[surveyView], error) {
	inv, err := a.Survey.ForMe(ctx)
	if err != nil {
		return list[surveyView]{}, err
	}
	return mapList(inv, func(i survey.Invitation) surveyView { return viewSurvey(i.Survey, i.Answered) }), nil
}

func (a *API) mySurvey(ctx context.Context, r *http.Request, _ noBody) (surveyView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return surveyView{}, err
	}
	x, answered, err := a.Survey.ForAnswer(ctx, id)
	if err != nil {
		return surveyView{}, err
	}
	return viewSurvey(x, answered), nil
}

type surveyAnswer struct {
	Position int    `json:"position" doc:"题号"`
	Choices  []int  `json:"choices,omitempty" doc:"所选选项序号或评分"`
	Text     string `json:"text,omitempty" doc:"填空题的回答"`
}

type surveyAnswersRequest struct {
	Answers []surveyAnswer `json:"answers"`
}

func (a *API) answerSurvey(ctx context.Context, r *http.Request, in surveyAnswersRequest) (surveyView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return surveyView{}, err
	}
	ans := survey.Answers{Choices: map[int][]string{}, Texts: map[int]string{}}
	for _, x := range in.Answers {
		for _, c := range x.Choices {
			ans.Choices[x.Position] = append(ans.Choices[x.Position], strconv.Itoa(c))
		}
		if x.Text != "" {
			ans.Texts[x.Position] = x.Text
		}
	}
	if err := a.Survey.Answer(ctx, id, ans); err != nil {
		return surveyView{}, err
	}
	return a.mySurvey(ctx, r, noBody{})
}
