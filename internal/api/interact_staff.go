package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/consult"
	"taxhall/internal/httpx"
	"taxhall/internal/kb"
	"taxhall/internal/search"
	"taxhall/internal/survey"
	"taxhall/internal/training"
)

// Interaction, continued: the knowledge base (public search and entries;
// the staff's writing, review and archive), the staff side of surveys and
// training, intake tokens (list, revoke) and the rating of a hall visit.
// Same services as the web pages.

const tagKB = "知识库"

func (a *API) interactStaffRoutes() []route {
	return []route{
		{Pattern: "GET /kb/search", Tag: tagKB, Access: Public, Errors: []apperr.Code{apperr.Invalid},
			Summary: "检索知识库（已发布且在有效期内的条目，相关度排序）",
			Doc:     "q 为检索词（中文分词，全部词命中优先；没有条目含全部词时返回含部分词的条目并标记 relaxed）。page 从 0 起，每页 20 条。",
			Handler: handle(a.kbSearch)},
		{Pattern: "GET /kb/entries/{id}", Tag: tagKB, Access: Public, Object: "kb_entry", Errors: []apperr.Code{apperr.NotFound},
			Summary: "知识库条目（已发布且在有效期内）", Handler: handle(a.kbPublicEntry)},
		{Pattern: "GET /staff/kb/entries", Tag: tagKB, Access: StaffUser,
			Summary: "知识库条目列表（工作人员）",
			Doc:     "state：draft 待审核（默认），published 已发布，archived 已归档。按 id 倒序分页：下一页以 next 作为 after。",
			Handler: handle(a.kbList)},
		{Pattern: "GET /staff/kb/entries/{id}", Tag: tagKB, Access: StaffUser, Object: "kb_entry",
			Summary: "知识库条目（任何状态）", Handler: handle(a.kbEntry)},
		{Pattern: "POST /staff/kb/entries", Tag: tagKB, Access: StaffUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "编写知识库条目（草稿，待审核）",
			Doc:     "12366坐席、内容编辑、内容审核和办税服务厅主管可以编写。refs 为法规依据，每行一条，可附法规库链接：“文字 | /laws/12#a5”。",
			Handler: handle(a.kbCreate)},
		{Pattern: "PUT /staff/kb/entries/{id}", Tag: tagKB, Access: StaffUser, Object: "kb_entry",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "修改知识库条目", Doc: "修改已发布的条目会使其回到待审核。", Handler: handle(a.kbUpdate)},
		{Pattern: "POST /staff/kb/entries/{id}/approve", Tag: tagKB, Access: StaffUser, Object: "kb_entry",
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "审核通过并发布条目",
			Doc:     "内容审核或办税服务厅主管，且不能审核本人编写的条目；已发布或已归档的返回 409。", Handler: handle(a.kbApprove)},
		{Pattern: "POST /staff/kb/entries/{id}/archive", Tag: tagKB, Access: StaffUser, Object: "kb_entry",
			Errors: []apperr.Code{apperr.Conflict}, Summary: "归档条目（不再对外提供）", Handler: handle(a.kbArchive)},

		{Pattern: "GET /staff/surveys", Tag: tagInteract, Access: StaffUser, Summary: "本机关及下级机关的网上调查", Handler: handle(a.staffSurveys)},
		{Pattern: "POST /staff/surveys", Tag: tagInteract, Access: StaffUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "发布网上调查",
			Doc: "办税服务厅主管、内容编辑和管理员。创建即发布（state 为 open），对象为 public 全体纳税人或 group 本机关管辖的纳税人（taxpayer_kind：enterprise 企业、individual 自然人，空为全部）。" +
				"items 每行一题：“单选：题目｜选项1｜选项2”，类型为单选、多选、评分（1 至 5）、填空。",
			Handler: handle(a.createSurvey)},
		{Pattern: "GET /staff/surveys/{id}/results", Tag: tagInteract, Access: StaffUser, Object: "survey",
			Summary: "调查结果（每题的选项计数、评分均值、最新的填空回答）", Handler: handle(a.surveyResults)},
		{Pattern: "POST /staff/surveys/{id}/close", Tag: tagInteract, Access: StaffUser, Object: "survey",
			Errors: []apperr.Code{apperr.Conflict}, Summary: "结束调查", Handler: handle(a.closeSurvey)},

		{Pattern: "GET /training/sessions", Tag: tagInteract, Access: Public,
			Summary: "纳税人学堂：即将开课的课程", Doc: "登录的纳税人用户可看到本人是否已报名（registered）。", Handler: handle(a.trainingSessions)},
		{Pattern: "POST /my/training/{id}/registration", Tag: tagInteract, Access: TaxpayerUser, Object: "training",
			Errors: []apperr.Code{apperr.Conflict}, Summary: "报名课程（每人一次，名额满返回 409）", Handler: handle(a.registerTraining)},
		{Pattern: "POST /my/training/{id}/join", Tag: tagInteract, Access: TaxpayerUser, Object: "training",
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "进入直播（记出勤）", Doc: "开课前 15 分钟至结束可进入，返回直播链接并记录出勤；未报名、现场授课或不在时间内返回 409。",
			Handler: handle(a.joinTraining)},
		{Pattern: "GET /staff/training/sessions", Tag: tagInteract, Access: StaffUser,
			Summary: "本机关及下级机关的课程（报名和出勤人数）", Handler: handle(a.staffTrainingSessions)},
		{Pattern: "POST /staff/training/sessions", Tag: tagInteract, Access: StaffUser, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "安排课程",
			Doc:     "start 为北京时间，如 2026-12-01T14:30；place（现场）与 link（https 直播链接）至少填一项。报名者在开课前一天收到提醒。",
			Handler: handle(a.scheduleTraining)},
		{Pattern: "GET /staff/training/sessions/{id}/registrations", Tag: tagInteract, Access: StaffUser, Object: "training_session",
			Summary: "课程的报名名单和出勤", Doc: "按报名先后分页，每页 100 条：下一页以 next 作为 after。", Handler: handle(a.trainingRegistrations)},
		{Pattern: "POST /staff/training/sessions/{id}/attendance", Tag: tagInteract, Access: StaffUser, Object: "training_session",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "现场课程签到（记出勤）", Doc: "开课前 15 分钟起；已记出勤的保留第一次的时间。", Handler: handle(a.markAttendance)},
		{Pattern: "GET /training/recordings", Tag: tagInteract, Access: Public, Errors: []apperr.Code{apperr.Invalid},
			Summary: "纳税人学堂：往期回放", Doc: "已结束并有回放的课程，开课时间最近的在前，最多 30 条；topic 按主题筛选。", Handler: handle(a.trainingRecordings)},
		{Pattern: "PUT /staff/training/sessions/{id}/recording", Tag: tagInteract, Access: StaffUser, Object: "training_session",
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "添加或替换课程回放", Doc: "课程结束后才能添加；recording_url 为 https 网址或本站以 / 开头的路径，recording_title 可空（默认课程名称）。", Handler: handle(a.attachRecording)},

		{Pattern: "GET /admin/intake-tokens", Tag: tagInteract, Access: AdminUser,
			Summary: "本机关及下级机关的接入令牌（不含令牌本身）", Handler: handle(a.intakeTokens)},
		{Pattern: "POST /admin/intake-tokens/{id}/revoke", Tag: tagInteract, Access: AdminUser, Object: "intake_token",
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "停用接入令牌", Doc: "立即生效：此后使用该令牌的请求返回 401。已停用的返回 409。", Handler: handle(a.revokeIntakeToken)},

		{Pattern: "POST /my/appointments/{id}/rating", Tag: tagInteract, Access: TaxpayerUser, Object: "appointment",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "评价窗口服务（1 至 5 星，每次一次）",
			Doc:     "预约签到后在窗口办结的才能评价；评价计入窗口和工作人员的满意度月报。未办结或已评价过返回 409。", Handler: handle(a.rateAppointment)},
	}
}

// Knowledge base.

type kbRefView struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty" doc:"法规库地址，如 /laws/12#a5"`
}

type kbEntryView struct {
	ID          int64       `json:"id"`
	Question    string      `json:"question"`
	Answer      string      `json:"answer"`
	TaxType     string      `json:"tax_type" doc:"vat、cit、iit、invoice、small、property、stamp、si、admin、other"`
	TaxTypeName string      `json:"tax_type_name"`
	Refs        []kbRefView `json:"refs"`
	ValidFrom   string      `json:"valid_from"`
	ValidTo     string      `json:"valid_to,omitempty" doc:"空为长期有效"`
	State       string      `json:"state,omitempty" doc:"draft 待审核，published 已发布，archived 已归档（工作人员接口）"`
	Author      string      `json:"author,omitempty" doc:"编写人（工作人员接口）"`
	Reviewer    string      `json:"reviewer,omitempty" doc:"审核人（工作人员接口）"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

func viewKBEntry(e *kb.Entry, staff bool) kbEntryView {
	v := kbEntryView{ID: e.ID, Question: e.Question, Answer: e.Answer, TaxType: e.TaxType, TaxTypeName: e.TaxTypeName(),
		Refs: []kbRefView{}, ValidFrom: e.ValidFrom, ValidTo: e.ValidTo, UpdatedAt: e.UpdatedAt}
	for _, r := range e.Refs {
		v.Refs = append(v.Refs, kbRefView{Text: r.Text, URL: r.URL})
	}
	if staff {
		v.State, v.Author, v.Reviewer = e.State, e.AuthorName, e.ReviewerName
	}
	return v
}

type kbSearchQuery struct {
	Q       string `query:"q" doc:"检索词"`
	TaxType string `query:"tax_type" doc:"税种，不填为全部"`
	Page    int    `query:"page" min:"0" max:"500" doc:"页码，从 0 起"`
}

type kbHitView struct {
	Entry   kbEntryView `json:"entry"`
	Snippet string      `json:"snippet" doc:"答复中与检索词最相关的一段"`
	Score   float64     `json:"score"`
}

type kbSearchView struct {
	Items   []kbHitView `json:"items"`
	More    bool        `json:"more" doc:"还有下一页"`
	Relaxed bool        `json:"relaxed" doc:"没有条目包含全部检索词，这些条目包含部分检索词"`
}

func segmentsText(ss []search.Segment) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.Text)
	}
	return b.String()
}

func (a *API) kbSearch(ctx context.Context, _ *http.Request, q kbSearchQuery) (kbSearchView, error) {
	r, err := a.KB.Search(ctx, q.Q, q.TaxType, q.Page, kb.PageSize)
	if err != nil {
		return kbSearchView{}, err
	}
	v := kbSearchView{Items: []kbHitView{}, More: r.More, Relaxed: r.Relaxed}
	for _, h := range r.Hits {
		v.Items = append(v.Items, kbHitView{Entry: viewKBEntry(h.Entry, false), Snippet: segmentsText(h.Snippet), Score: h.Score})
	}
	return v, nil
}

func (a *API) kbPublicEntry(ctx context.Context, r *http.Request, _ noBody) (kbEntryView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return kbEntryView{}, err
	}
	e, err := a.KB.Public(ctx, id)
	if err != nil {
		return kbEntryView{}, err
	}
	return viewKBEntry(e, false), nil
}

type kbListQuery struct {
	State string `query:"state" doc:"draft（默认）、published、archived"`
	After int64  `query:"after" min:"1" doc:"上一页返回的 next"`
}

type kbListView struct {
	Items []kbEntryView `json:"items"`
	Next  int64         `json:"next" doc:"下一页的 after 参数；0 表示没有更多"`
}

func (a *API) kbList(ctx context.Context, _ *http.Request, q kbListQuery) (kbListView, error) {
	p, err := a.KB.List(ctx, q.State, q.After)
	if err != nil {
		return kbListView{}, err
	}
	v := kbListView{Items: []kbEntryView{}, Next: p.Next}
	for _, e := range p.Items {
		v.Items = append(v.Items, viewKBEntry(e, true))
	}
	return v, nil
}

func (a *API) kbEntry(ctx context.Context, r *http.Request, _ noBody) (kbEntryView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return kbEntryView{}, err
	}
	e, err := a.KB.Get(ctx, id)
	if err != nil {
		return kbEntryView{}, err
	}
	return viewKBEntry(e, true), nil
}

type kbEntryRequest struct {
	Question  string `json:"question" doc:"问题，200字以内"`
	Answer    string `json:"answer" doc:"答复，4000字以内"`
	TaxType   string `json:"tax_type" doc:"税种代码"`
	Refs      string `json:"refs,omitempty" doc:"法规依据，每行一条：“文字”或“文字 | /laws/12#a5”"`
	ValidFrom string `json:"valid_from" doc:"生效日期 YYYY-MM-DD"`
	ValidTo   string `json:"valid_to,omitempty" doc:"失效日期，空为长期有效"`
}

func (in kbEntryRequest) input() kb.Input {
	return kb.Input{Question: in.Question, Answer: in.Answer, TaxType: in.TaxType, Refs: in.Refs, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo}
}

func (a *API) kbCreate(ctx context.Context, _ *http.Request, in kbEntryRequest) (kbEntryView, error) {
	e, err := a.KB.Create(ctx, in.input())
	if err != nil {
		return kbEntryView{}, err
	}
	return viewKBEntry(e, true), nil
}

// kbStaffEntry answers a write on an entry with the entry as it now is.
func (a *API) kbStaffEntry(ctx context.Context, r *http.Request, do func(id int64) error) (kbEntryView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return kbEntryView{}, err
	}
	if _, err := a.KB.Get(ctx, id); err != nil {
		return kbEntryView{}, err
	}
	if err := do(id); err != nil {
		return kbEntryView{}, err
	}
	e, err := a.KB.Get(ctx, id)
	if err != nil {
		return kbEntryView{}, err
	}
	return viewKBEntry(e, true), nil
}

func (a *API) kbUpdate(ctx context.Context, r *http.Request, in kbEntryRequest) (kbEntryView, error) {
	return a.kbStaffEntry(ctx, r, func(id int64) error { return a.KB.Update(ctx, id, in.input()) })
}

func (a *API) kbApprove(ctx context.Context, r *http.Request, _ noBody) (kbEntryView, error) {
	return a.kbStaffEntry(ctx, r, func(id int64) error { return a.KB.Approve(ctx, id) })
}

func (a *API) kbArchive(ctx context.Context, r *http.Request, _ noBody) (kbEntryView, error) {
	return a.kbStaffEntry(ctx, r, func(id int64) error { return a.KB.Archive(ctx, id) })
}

// Surveys, the staff side.

type staffSurveyView struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	OrgName      string    `json:"org_name"`
	Audience     string    `json:"audience" doc:"public 全体纳税人，group 本机关管辖的纳税人"`
	TaxpayerKind string    `json:"taxpayer_kind,omitempty" doc:"enterprise、individual，空为全部"`
	State        string    `json:"state" doc:"open 进行中，closed 已结束"`
	Responses    int       `json:"responses" doc:"回答人数"`
	CreatedAt    time.Time `json:"created_at"`
}

func viewStaffSurvey(x *survey.Survey) staffSurveyView {
	return staffSurveyView{ID: x.ID, Title: x.Title, OrgName: x.OrgName, Audience: x.Audience, TaxpayerKind: x.TaxpayerKind,
		State: x.State, Responses: x.Responses, CreatedAt: x.CreatedAt}
}

func (a *API) staffSurveys(ctx context.Context, _ *http.Request, _ noBody) (list[staffSurveyView], error) {
	xs, err := a.Survey.List(ctx)
	if err != nil {
		return list[staffSurveyView]{}, err
	}
	return mapList(xs, viewStaffSurvey), nil
}

type surveyRequest struct {
	Title        string `json:"title"`
	Intro        string `json:"intro,omitempty"`
	Audience     string `json:"audience" doc:"public 或 group"`
	TaxpayerKind string `json:"taxpayer_kind,omitempty" doc:"group 时：enterprise、individual，空为全部"`
	Items        string `json:"items" doc:"每行一题：“单选：题目｜选项1｜选项2”“多选：…”“评分：题目”“填空：题目”"`
}

func (a *API) createSurvey(ctx context.Context, _ *http.Request, in surveyRequest) (staffSurveyView, error) {
	id, err := a.Survey.Create(ctx, survey.Input{Title: in.Title, Intro: in.Intro, Audience: in.Audience, TaxpayerKind: in.TaxpayerKind, Items: in.Items})
	if err != nil {
		return staffSurveyView{}, err
	}
	x, err := a.Survey.Get(ctx, id)
	if err != nil {
		return staffSurveyView{}, err
	}
	return viewStaffSurvey(x), nil
}

type surveyBarView struct {
	Label   string `json:"label"`
	Count   int    `json:"count"`
	Percent int    `json:"percent" doc:"占本题回答人数的百分比（向下取整）"`
}

type surveyItemResultView struct {
	Position int             `json:"position"`
	Kind     string          `json:"kind"`
	Prompt   string          `json:"prompt"`
	Answered int             `json:"answered" doc:"回答本题的人数"`
	Bars     []surveyBarView `json:"bars,omitempty" doc:"选择题、评分题每个选项的人数"`
	Average  string          `json:"average,omitempty" doc:"评分题的平均分"`
	Texts    []string        `json:"texts,omitempty" doc:"填空题最新的回答"`
}

type surveyResultsView struct {
	Survey staffSurveyView        `json:"survey"`
	Items  []surveyItemResultView `json:"items"`
}

func (a *API) surveyResults(ctx context.Context, r *http.Request, _ noBody) (surveyResultsView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return surveyResultsView{}, err
	}
	x, res, err := a.Survey.Results(ctx, id)
	if err != nil {
		return surveyResultsView{}, err
	}
	v := surveyResultsView{Survey: viewStaffSurvey(x), Items: []surveyItemResultView{}}
	for _, it := range res {
		iv := surveyItemResultView{Position: it.Position, Kind: it.Kind, Prompt: it.Prompt, Answered: it.Answered, Average: it.Average, Texts: it.Texts}
		for _, b := range it.Bars {
			iv.Bars = append(iv.Bars, surveyBarView{Label: b.Label, Count: b.Count, Percent: b.Percent})
		}
		v.Items = append(v.Items, iv)
	}
	return v, nil
}

func (a *API) closeSurvey(ctx context.Context, r *http.Request, _ noBody) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Survey.Close(ctx, id)
}

// Training.

type trainingView struct {
	ID         int64     `json:"id"`
	OrgName    string    `json:"org_name"`
	Topic      string    `json:"topic" doc:"new、vat、cit、iit、invoice、policy"`
	Title      string    `json:"title"`
	Intro      string    `json:"intro,omitempty"`
	StartsAt   time.Time `json:"starts_at"`
	Minutes    int       `json:"minutes"`
	Place      string    `json:"place,omitempty" doc:"现场授课地点"`
	Live       bool      `json:"live" doc:"有直播"`
	Capacity   int       `json:"capacity"`
	Registered int       `json:"registered" doc:"已报名人数"`
	Attended   *int      `json:"attended,omitempty" doc:"出勤人数（工作人员接口）"`
	Mine       *bool     `json:"mine,omitempty" doc:"本人已报名（纳税人用户）"`

	RecordingURL   string `json:"recording_url,omitempty" doc:"回放地址（课程结束后添加）"`
	RecordingTitle string `json:"recording_title,omitempty" doc:"回放标题"`
	RecordingViews int64  `json:"recording_views,omitempty" doc:"回放观看次数"`
}

func viewTraining(x *training.Session) trainingView {
	return trainingView{ID: x.ID, OrgName: x.OrgName, Topic: x.Topic, Title: x.Title, Intro: x.Intro, StartsAt: x.StartsAt, Minutes: x.Minutes,
		Place: x.Place, Live: x.Link != "", Capacity: x.Capacity, Registered: x.Registered,
		RecordingURL: x.RecordingURL, RecordingTitle: x.RecordingTitle, RecordingViews: x.RecordingViews}
}

type recordingsQuery struct {
	Topic string `query:"topic" doc:"new、vat、cit、iit、invoice、policy；空为全部"`
}

func (a *API) trainingRecordings(ctx context.Context, _ *http.Request, q recordingsQuery) (list[trainingView], error) {
	xs, err := a.Training.Recordings(ctx, q.Topic)
	if err != nil {
		return list[trainingView]{}, err
	}
	return mapList(xs, viewTraining), nil
}

type recordingRequest struct {
	URL   string `json:"recording_url" doc:"https 网址或本站以 / 开头的路径"`
	Title string `json:"recording_title,omitempty" doc:"回放标题，不超过 100 字"`
}

func (a *API) attachRecording(ctx context.Context, r *http.Request, in recordingRequest) (trainingView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return trainingView{}, err
	}
	if err := a.Training.AttachRecording(ctx, id, in.URL, in.Title); err != nil {
		return trainingView{}, err
	}
	x, err := a.Training.StaffSession(ctx, id)
	if err != nil {
		return trainingView{}, err
	}
	return viewTraining(x), nil
}

func (a *API) trainingSessions(ctx context.Context, _ *http.Request, _ noBody) (list[trainingView], error) {
	xs, err := a.Training.Upcoming(ctx)
	if err != nil {
		return list[trainingView]{}, err
	}
	return mapList(xs, func(x *training.Session) trainingView {
		v := viewTraining(x)
		if actor := auth.ActorFrom(ctx); actor != nil && actor.Kind == auth.Taxpayer {
			mine := x.Mine
			v.Mine = &mine
		}
		return v
	}), nil
}

func (a *API) registerTraining(ctx context.Context, r *http.Request, _ noBody) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Training.Register(ctx, id)
}

type joinView struct {
	Link string `json:"link" doc:"直播链接"`
}

func (a *API) joinTraining(ctx context.Context, r *http.Request, _ noBody) (joinView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return joinView{}, err
	}
	link, err := a.Training.Join(ctx, id)
	return joinView{Link: link}, err
}

func (a *API) staffTrainingSessions(ctx context.Context, _ *http.Request, _ noBody) (list[trainingView], error) {
	xs, err := a.Training.StaffList(ctx)
	if err != nil {
		return list[trainingView]{}, err
	}
	return mapList(xs, func(x *training.Session) trainingView {
		v := viewTraining(x)
		n := x.Attended
		v.Attended = &n
		return v
	}), nil
}

type trainingRequest struct {
	Topic    string `json:"topic" doc:"new、vat、cit、iit、invoice、policy"`
	Title    string `json:"title"`
	Intro    string `json:"intro,omitempty"`
	Start    string `json:"start" doc:"北京时间，如 2026-12-01T14:30"`
	Minutes  int    `json:"minutes" doc:"10 至 480"`
	Capacity int    `json:"capacity" doc:"1 至 10000"`
	Place    string `json:"place,omitempty"`
	Link     string `json:"link,omitempty" doc:"https 直播链接"`
}

func (a *API) scheduleTraining(ctx context.Context, _ *http.Request, in trainingRequest) (trainingView, error) {
	id, err := a.Training.Schedule(ctx, training.Input{Topic: in.Topic, Title: in.Title, Intro: in.Intro, Start: in.Start, Minutes: in.Minutes,
		Capacity: in.Capacity, Place: in.Place, Link: in.Link})
	if err != nil {
		return trainingView{}, err
	}
	x, err := a.Training.StaffSession(ctx, id)
	if err != nil {
		return trainingView{}, err
	}
	return viewTraining(x), nil
}

type registrationsQuery struct {
	After int64 `query:"after" min:"1" doc:"上一页返回的 next"`
}

type registrationView struct {
	ID         int64      `json:"id"`
	Taxpayer   string     `json:"taxpayer"`
	UserName   string     `json:"user_name"`
	CreatedAt  time.Time  `json:"created_at"`
	AttendedAt *time.Time `json:"attended_at,omitempty" doc:"出勤时间；未出勤不返回"`
}

type registrationsView struct {
	Items []registrationView `json:"items"`
	Next  int64              `json:"next" doc:"下一页的 after 参数；0 表示没有更多"`
}

func (a *API) trainingRegistrations(ctx context.Context, r *http.Request, q registrationsQuery) (registrationsView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return registrationsView{}, err
	}
	p, err := a.Training.Registrations(ctx, id, q.After)
	if err != nil {
		return registrationsView{}, err
	}
	v := registrationsView{Items: []registrationView{}, Next: p.Next}
	for _, x := range p.Items {
		rv := registrationView{ID: x.ID, Taxpayer: x.Taxpayer, UserName: x.UserName, CreatedAt: x.CreatedAt}
		if x.Attended() {
			t := x.AttendedAt
			rv.AttendedAt = &t
		}
		v.Items = append(v.Items, rv)
	}
	return v, nil
}

type attendanceRequest struct {
	RegistrationID int64 `json:"registration_id" doc:"报名名单中的 id"`
}

func (a *API) markAttendance(ctx context.Context, r *http.Request, in attendanceRequest) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Training.MarkAttended(ctx, id, in.RegistrationID)
}

// Intake tokens.

type intakeTokenItemView struct {
	ID        int64      `json:"id"`
	OrgName   string     `json:"org_name"`
	Channel   string     `json:"channel" doc:"sms 短信平台，hotline 热线系统"`
	Name      string     `json:"name"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty" doc:"停用时间；有效的令牌不返回"`
}

func viewIntakeToken(t *consult.IntakeToken) intakeTokenItemView {
	v := intakeTokenItemView{ID: t.ID, OrgName: t.OrgName, Channel: t.Channel, Name: t.Name, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt}
	if !t.Live() {
		r := t.RevokedAt
		v.RevokedAt = &r
	}
	return v
}

func (a *API) intakeTokens(ctx context.Context, _ *http.Request, _ noBody) (list[intakeTokenItemView], error) {
	xs, err := a.Consult.IntakeTokens(ctx)
	if err != nil {
		return list[intakeTokenItemView]{}, err
	}
	return mapList(xs, viewIntakeToken), nil
}

func (a *API) revokeIntakeToken(ctx context.Context, r *http.Request, _ noBody) (intakeTokenItemView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return intakeTokenItemView{}, err
	}
	t, err := a.Consult.RevokeIntakeToken(ctx, id)
	if err != nil {
		return intakeTokenItemView{}, err
	}
	return viewIntakeToken(t), nil
}

// The rating of a hall visit.

type appointmentRatingRequest struct {
	Rating  int    `json:"rating" doc:"1 至 5 星"`
	Comment string `json:"comment,omitempty" doc:"300字以内"`
}

func (a *API) rateAppointment(ctx context.Context, r *http.Request, in appointmentRatingRequest) (noContent, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return noContent{}, err
	}
	return noContent{}, a.Appoint.Rate(ctx, id, appoint.RateInput{Rating: in.Rating, Comment: in.Comment})
}
