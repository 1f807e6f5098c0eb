package api

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/httpx"
	"taxhall/internal/workflow"
)

// The on-application items (依申请事项) and the staff platform: the
// catalogue (public), the taxpayer's applications (apply with an
// Idempotency-Key, list, detail with every node, withdraw, correct and
// resubmit, rate) and the staff's pool, claim, assignment, decisions and
// the supervisor's board. Every handler calls the workflow.Service method
// the pages under /hall/applications and /staff/tasks call.

const (
	tagItems = "依申请办税"
	tagTasks = "综合办税平台（税务人员）"
)

var itemCodeValue = pathValue{Name: "code", Doc: "事项代码，见 GET /api/v1/items", Pattern: `^[a-z0-9_]{1,40}$`, Example: "vat_general"}

// materialsDoc explains materials in a JSON request.
const materialsDoc = "materials 为附送的材料文件：material 为材料代码（见事项的 materials），name 为文件名，content 为文件内容的 Base64。" +
	"支持 PDF、JPEG、PNG 和 Excel（.xlsx），类型按文件内容识别，扩展名须与之相符。整个请求体不能超过 1 MiB，较大的材料请在网上办税服务厅上传。"

func (a *API) workflowRoutes() []route {
	return []route{
		{Pattern: "GET /items", Tag: tagItems, Access: Public,
			Summary: "办税事项目录（按类别）",
			Doc:     "网上可办理的依申请事项，按 11 个类别列出：办理环节及各环节时限（工作日）、难度系数、是否即办、是否同城通办。暂停网上办理的事项不列出。",
			Handler: handle(a.listItems)},
		{Pattern: "GET /items/{code}", Tag: tagItems, Access: Public, Values: []pathValue{itemCodeValue},
			Summary: "一个办税事项：表单栏目和所需材料",
			Doc:     "申请时 fields 的键为这里 fields 的 name；materials 的 code 为上传材料时的 material。没有该事项或已暂停网上办理返回 404。",
			Handler: handle(a.getItem)},
		{Pattern: "POST /my/applications", Tag: tagItems, Access: TaxpayerUser, Idempotent: true, Status: http.StatusCreated,
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict, apperr.NotFound},
			Summary: "申请办理事项",
			Doc: "必须带 Idempotency-Key 请求头：首次返回 201 和申请（含申请编号 no），用同一幂等键重复提交返回 200 和同一份申请（replayed 为 true），不会产生第二份申请；同一幂等键用于另一事项返回 409。" +
				"fields 有误返回 422，键为 f_栏目名（如 f_reason）或 m_材料代码。缺少必要材料不妨碍提交（容缺受理由受理人员决定），missing 列出缺少的材料。" + materialsDoc,
			Handler: handle(a.apply)},
		{Pattern: "GET /my/applications", Tag: tagItems, Access: TaxpayerUser,
			Summary: "我的申请（最新的在前）",
			Doc:     "按 id 倒序分页：下一页以上一页返回的 next 作为 before 参数；next 为 0 表示没有更多。",
			Handler: handle(a.myApplications)},
		{Pattern: "GET /my/applications/{id}", Tag: tagItems, Access: TaxpayerUser, Object: "application",
			Summary: "查看一份申请：每个环节的经办人、开始和结束时间、用时与时限、意见",
			Doc:     "其他纳税人的申请返回 404。", Handler: handle(a.myApplication)},
		{Pattern: "POST /my/applications/{id}/withdraw", Tag: tagItems, Access: TaxpayerUser, Object: "application",
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "撤回申请", Doc: "受理前或待补正时可以撤回；已受理或已办结返回 409。", Handler: handle(a.withdrawApplication)},
		{Pattern: "POST /my/applications/{id}/resubmit", Tag: tagItems, Access: TaxpayerUser, Object: "application",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "补正后重新提交",
			Doc: "仅“待补正”的申请。fields 为补正后的全部栏目（可先 GET 申请取得原值），materials 为补充的材料，remove 为要删除的已上传文件 id。" +
				"申请不是待补正状态（已重新提交、已撤回）返回 409。" + materialsDoc,
			Handler: handle(a.resubmitApplication)},
		{Pattern: "POST /my/applications/{id}/ratings", Tag: tagItems, Access: TaxpayerUser, Object: "application",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "评价一个已办理的环节",
			Doc:     "task_id 为申请 tasks 中已办理（state 为 done）的环节，每个环节评价一次：1 至 5 星和不超过 500 字的意见。尚未办理或已评价过返回 409。",
			Handler: handle(a.rateApplication)},

		{Pattern: "GET /tasks", Tag: tagTasks, Access: StaffUser,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "任务池：本岗位可领取的任务（最早的在前）",
			Doc: "role 为岗位（须是本人的岗位，否则 403）。区局人员看到本局的任务和本市其他区局的同城通办任务，市局人员看到全市的任务。" +
				"按 id 正序分页：下一页以上一页返回的 next 作为 after 参数；next 为 0 表示没有更多。timing 为 near 表示已用时限的 60% 以上，overdue 为已超时。",
			Handler: handle(a.taskPool)},
		{Pattern: "GET /tasks/mine", Tag: tagTasks, Access: StaffUser,
			Summary: "我的在办任务（已领取或被派给我、尚未办理）", Handler: handle(a.myTasks)},
		{Pattern: "GET /tasks/{id}", Tag: tagTasks, Access: StaffUser, Object: "task",
			Summary: "查看一个任务及其申请",
			Doc:     "本局及下级局、或同城通办事项本市的人员可以查看；其他税务机关的任务返回 404。", Handler: handle(a.getTask)},
		{Pattern: "POST /tasks/{id}/claim", Tag: tagTasks, Access: StaffUser, Object: "task",
			Errors:  []apperr.Code{apperr.Conflict},
			Summary: "领取任务",
			Doc:     "原子操作：多人同时领取同一任务，只有一人成功，其他人得到 409 并被告知由谁领取。没有该环节岗位返回 403。", Handler: handle(a.claimTask)},
		{Pattern: "POST /tasks/{id}/assign", Tag: tagTasks, Access: StaffUser, Object: "task",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "派单（值班主任）",
			Doc:     "把待领取或已领取的任务派给指定工号的人员，须有该环节岗位且属于可办理的税务机关，否则 422。仅办税服务厅主任（值班长）可以派单（403）。", Handler: handle(a.assignTask)},
		{Pattern: "POST /tasks/{id}/decisions", Tag: tagTasks, Access: StaffUser, Object: "task",
			Errors:  []apperr.Code{apperr.Invalid, apperr.Conflict},
			Summary: "办理：受理、审核通过、批准、退回补正或不予办理",
			Doc: "须先领取任务（409）。decision 为 pass（受理、审核通过或批准，视环节而定）、return（退回补正，审批环节不可）或 reject（不予受理或不予批准）；退回和不予办理须写 opinion。" +
				"批准时事项的效果（变更登记、一般纳税人登记、注销、停业、延期申报、证明开具、退税记录）在同一事务中生效，效果无法生效（如注销清税检查未通过）返回 422，什么也不改变。",
			Handler: handle(a.decideTask)},
		{Pattern: "GET /board", Tag: tagTasks, Access: StaffUser,
			Summary: "办税事项看板（值班主任）",
			Doc:     "本局在办任务按事项和环节统计（待领取、办理中、超时）、超时任务（最多 50 个，超时最久的在前）和每位经办人的在办数。仅办税服务厅主任（403）。",
			Handler: handle(a.board)},
	}
}

// workflowEnums are the enum sets of the workflow views.
func workflowEnums() map[string][]string {
	keys := func(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
	return map[string][]string{
		"application_statuses": keys(workflow.StatusNames),
		"task_states":          {workflow.TaskOpen, workflow.TaskClaimed, workflow.TaskDone, workflow.TaskCancelled},
		"decisions":            {workflow.DecisionPass, workflow.DecisionReturn, workflow.DecisionReject},
		"node_codes":           {workflow.NodeAccept, workflow.NodeReview, workflow.NodeApprove},
		"field_types": {workflow.TypeText, workflow.TypeTextarea, workflow.TypeDate, workflow.TypeMoney,
			workflow.TypeSelect, workflow.TypeNumber, workflow.TypePhone},
		"timings": {string(workflow.TimingOK), string(workflow.TimingNear), string(workflow.TimingOverdue)},
	}
}

// Views.

type nodeView struct {
	Code     string `json:"code" enum:"node_codes" doc:"环节：accept 受理，review 审核，approve 审批"`
	Name     string `json:"name"`
	Role     string `json:"role" enum:"staff_roles" doc:"办理该环节的岗位"`
	RoleName string `json:"role_name"`
	Limit    int    `json:"limit_days" doc:"时限（工作日），0 为当日办结"`
}

type itemView struct {
	Code       string     `json:"code"`
	Category   string     `json:"category" doc:"类别代码"`
	Name       string     `json:"name"`
	Nodes      []nodeView `json:"nodes" doc:"办理环节，按顺序"`
	TotalLimit int        `json:"total_limit_days" doc:"各环节时限之和（工作日）"`
	Difficulty string     `json:"difficulty" doc:"难度系数，如 1.5"`
	Instant    bool       `json:"instant" doc:"即办事项"`
	Citywide   bool       `json:"citywide" doc:"同城通办：本市任一区局均可办理"`
}

type categoryView struct {
	Code  string     `json:"code"`
	Name  string     `json:"name"`
	Items []itemView `json:"items"`
}

type optionView struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type fieldView struct {
	Name     string       `json:"name" doc:"申请时 fields 的键"`
	Label    string       `json:"label"`
	Type     string       `json:"type" enum:"field_types" doc:"date 为 2026-01-31；money 为元，最多两位小数；select 为 options 之一的 code"`
	Required bool         `json:"required"`
	Options  []optionView `json:"options,omitempty"`
	Hint     string       `json:"hint,omitempty"`
}

type materialView struct {
	Code     string `json:"code" doc:"上传时的 material"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
	Hint     string `json:"hint,omitempty"`
}

type itemDetailView struct {
	itemView
	Fields    []fieldView    `json:"fields"`
	Materials []materialView `json:"materials"`
}

func viewItem(it *workflow.Item) itemView {
	v := itemView{Code: it.Code, Category: it.Category, Name: it.Name, TotalLimit: it.TotalLimit(), Difficulty: it.DifficultyText(),
		Instant: it.Instant, Citywide: it.Citywide, Nodes: []nodeView{}}
	for _, n := range it.Nodes {
		v.Nodes = append(v.Nodes, nodeView{Code: n.Code, Name: n.Name(), Role: n.Role, RoleName: n.RoleName(), Limit: n.Limit})
	}
	return v
}

func viewItemDetail(it *workflow.Item) itemDetailView {
	v := itemDetailView{itemView: viewItem(it), Fields: []fieldView{}, Materials: []materialView{}}
	for _, f := range it.Def.Fields {
		fv := fieldView{Name: f.Name, Label: f.Label, Type: f.Type, Required: f.Required, Hint: f.Hint}
		for _, o := range f.Options {
			fv.Options = append(fv.Options, optionView{Code: o.Code, Name: o.Name})
		}
		v.Fields = append(v.Fields, fv)
	}
	for _, m := range it.Def.Materials {
		v.Materials = append(v.Materials, materialView{Code: m.Code, Name: m.Name, Required: m.Required, Hint: m.Hint})
	}
	return v
}

type fileView struct {
	ID          int64     `json:"id"`
	Material    string    `json:"material" doc:"材料代码"`
	Name        string    `json:"name" doc:"文件名"`
	ContentType string    `json:"content_type" doc:"按内容识别的类型"`
	Size        int64     `json:"size" doc:"字节数"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

type taskView struct {
	ID            int64      `json:"id"`
	ApplicationID int64      `json:"application_id"`
	ApplicationNo string     `json:"application_no"`
	TaxpayerName  string     `json:"taxpayer_name"`
	ItemCode      string     `json:"item_code"`
	ItemName      string     `json:"item_name"`
	Node          string     `json:"node" enum:"node_codes"`
	NodeName      string     `json:"node_name"`
	Role          string     `json:"role" enum:"staff_roles"`
	BureauName    string     `json:"bureau_name" doc:"主管税务机关"`
	Citywide      bool       `json:"citywide" doc:"同城通办"`
	State         string     `json:"state" enum:"task_states" doc:"open 待领取，claimed 办理中，done 已办理，cancelled 已取消（申请撤回）"`
	StateName     string     `json:"state_name"`
	HandlerName   string     `json:"handler_name,omitempty" doc:"经办人姓名"`
	HandlerNo     string     `json:"handler_no,omitempty" doc:"经办人工号"`
	Assigned      bool       `json:"assigned" doc:"由值班主任派单"`
	StartedAt     time.Time  `json:"started_at"`
	LimitDays     int        `json:"limit_days" doc:"时限（工作日）"`
	DueDate       string     `json:"due_date" doc:"最后办理日"`
	Timing        string     `json:"timing,omitempty" enum:"timings" doc:"在办任务：ok 正常，near 临近时限，overdue 已超时"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	Decision      string     `json:"decision,omitempty" enum:"decisions"`
	DecisionName  string     `json:"decision_name,omitempty"`
	Opinion       string     `json:"opinion,omitempty" doc:"办理意见"`
	DaysUsed      int        `json:"days_used" doc:"已办理环节的用时（工作日）"`
	OnTime        bool       `json:"on_time" doc:"已办理环节是否在时限内"`
	Rating        int        `json:"rating,omitempty" doc:"纳税人评价（1 至 5 星）"`
	RatingComment string     `json:"rating_comment,omitempty"`
}

func viewTask(k *workflow.Task) taskView {
	v := taskView{ID: k.ID, ApplicationID: k.ApplicationID, ApplicationNo: k.AppNo, TaxpayerName: k.TaxpayerName, ItemCode: k.ItemCode,
		ItemName: k.ItemName, Node: k.NodeCode, NodeName: k.NodeName(), Role: k.Role, BureauName: k.BureauName, Citywide: k.Citywide,
		State: k.State, StateName: k.StateName(), HandlerName: k.HandlerName, HandlerNo: k.HandlerNo, Assigned: k.Assigned,
		StartedAt: k.StartedAt, LimitDays: k.LimitDays, DueDate: k.DueDate.String(), Timing: string(k.Timing),
		Decision: k.Decision, DecisionName: k.DecisionName(), Opinion: k.Opinion, DaysUsed: k.DaysUsed, OnTime: k.OnTime,
		Rating: k.Rating, RatingComment: k.RatingComment}
	if !k.DecidedAt.IsZero() {
		t := k.DecidedAt
		v.DecidedAt = &t
	}
	return v
}

type fieldValueView struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value string `json:"value" doc:"原值：金额为元，日期为 2026-01-31"`
	Text  string `json:"text" doc:"显示文字"`
}

type applicationItem struct {
	ID          int64      `json:"id"`
	No          string     `json:"no" doc:"申请编号"`
	ItemCode    string     `json:"item_code"`
	ItemName    string     `json:"item_name"`
	Status      string     `json:"status" enum:"application_statuses" doc:"submitted 待受理，processing 办理中，returned 待补正，approved 已办结，rejected 不予办理，withdrawn 已撤回"`
	StatusName  string     `json:"status_name"`
	SubmittedAt time.Time  `json:"submitted_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Result      string     `json:"result,omitempty" doc:"办结结果"`
}

type applicationView struct {
	applicationItem
	TaxpayerName string           `json:"taxpayer_name"`
	Version      int              `json:"version" doc:"提交次数（补正后重新提交加 1）"`
	Fields       []fieldValueView `json:"fields"`
	Files        []fileView       `json:"files" doc:"已上传的材料"`
	Missing      []materialView   `json:"missing" doc:"缺少的必要材料"`
	Tasks        []taskView       `json:"tasks" doc:"每个环节的办理记录，最早的在前"`
	CanWithdraw  bool             `json:"can_withdraw"`
	CanResubmit  bool             `json:"can_resubmit"`
	Certificate  string           `json:"certificate_url,omitempty" doc:"证明类事项批准后开具的证明 PDF 的下载地址（网上办税服务厅页面，须以纳税人身份登录）"`
}

type applicationsPage struct {
	Items []applicationItem `json:"items"`
	Next  int64             `json:"next" doc:"下一页的 before 参数；0 表示没有更多"`
}

type submittedApplication struct {
	applicationView
	Replayed bool `json:"replayed" doc:"同一 Idempotency-Key 此前已提交：返回的是那份申请"`
}

func (s submittedApplication) replayed() bool { return s.Replayed }

func viewApplicationItem(ap *workflow.Application) applicationItem {
	v := applicationItem{ID: ap.ID, No: ap.No, ItemCode: ap.Item.Code, ItemName: ap.Item.Name, Status: ap.Status, StatusName: ap.StatusName(),
		SubmittedAt: ap.SubmittedAt, UpdatedAt: ap.UpdatedAt, Result: ap.Result}
	if !ap.FinishedAt.IsZero() {
		t := ap.FinishedAt
		v.FinishedAt = &t
	}
	return v
}

func viewApplication(ap *workflow.Application) applicationView {
	v := applicationView{applicationItem: viewApplicationItem(ap), TaxpayerName: ap.TaxpayerName, Version: ap.Version,
		Fields: []fieldValueView{}, Files: []fileView{}, Missing: []materialView{}, Tasks: []taskView{},
		CanWithdraw: ap.CanWithdraw(), CanResubmit: ap.CanResubmit()}
	for _, f := range ap.Item.Def.Fields {
		if val, ok := ap.Form[f.Name]; ok {
			v.Fields = append(v.Fields, fieldValueView{Name: f.Name, Label: f.Label, Value: f.Input(val), Text: f.Display(val)})
		}
	}
	for _, f := range ap.Files {
		v.Files = append(v.Files, fileView{ID: f.ID, Material: f.Owner.Slot, Name: f.Filename, ContentType: f.ContentType, Size: f.Size, SHA256: f.SHA256, CreatedAt: f.CreatedAt})
	}
	for _, m := range ap.Missing() {
		v.Missing = append(v.Missing, materialView{Code: m.Code, Name: m.Name, Required: m.Required, Hint: m.Hint})
	}
	for _, k := range ap.Tasks {
		v.Tasks = append(v.Tasks, viewTask(k))
	}
	if ap.CertificateID != 0 {
		v.Certificate = "/hall/certificates/" + strconv.FormatInt(ap.CertificateID, 10) + "/pdf"
	}
	return v
}

// Requests.

type materialFile struct {
	Material string `json:"material" doc:"材料代码"`
	Name     string `json:"name" doc:"文件名，如 营业执照.pdf"`
	Content  []byte `json:"content" doc:"文件内容，Base64"`
}

type applyRequest struct {
	Item      string            `json:"item" doc:"事项代码，见 GET /api/v1/items"`
	Fields    map[string]string `json:"fields" doc:"表单栏目，键为事项 fields 的 name，值为文字（金额为元，日期为 2026-01-31）"`
	Materials []materialFile    `json:"materials,omitempty" doc:"附送的材料"`
}

type resubmitRequest struct {
	Fields    map[string]string `json:"fields" doc:"补正后的全部栏目"`
	Materials []materialFile    `json:"materials,omitempty" doc:"补充的材料"`
	Remove    []int64           `json:"remove,omitempty" doc:"删除的已上传文件 id（见申请的 files）"`
}

type applicationRateRequest struct {
	TaskID  int64  `json:"task_id" doc:"已办理的环节（申请 tasks 的 id）"`
	Rating  int    `json:"rating" doc:"1 至 5 星"`
	Comment string `json:"comment,omitempty" doc:"意见，不超过 500 字"`
}

func files(ms []materialFile) []workflow.File {
	out := make([]workflow.File, 0, len(ms))
	for _, m := range ms {
		out = append(out, workflow.File{Material: m.Material, Name: m.Name, Data: m.Content})
	}
	return out
}

// Handlers: the catalogue.

func (a *API) listItems(ctx context.Context, _ *http.Request, _ noBody) (list[categoryView], error) {
	cats, err := a.Workflow.Catalogue(ctx, false)
	if err != nil {
		return list[categoryView]{}, err
	}
	return mapList(cats, func(c *workflow.Category) categoryView {
		return categoryView{Code: c.Code, Name: c.Name, Items: mapList(c.Items, viewItem).Items}
	}), nil
}

var errNoItem = apperr.New(apperr.NotFound, "没有这个办税事项，可办理的事项见 GET /api/v1/items")

func (a *API) getItem(ctx context.Context, r *http.Request, _ noBody) (itemDetailView, error) {
	it, err := a.Workflow.Item(ctx, r.PathValue("code"))
	if err != nil {
		return itemDetailView{}, err
	}
	if !it.Enabled {
		return itemDetailView{}, errNoItem
	}
	return viewItemDetail(it), nil
}

// Handlers: the taxpayer's applications.

func (a *API) apply(ctx context.Context, r *http.Request, in applyRequest) (submittedApplication, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return submittedApplication{}, err
	}
	ap, created, err := a.Workflow.Submit(ctx, workflow.SubmitInput{Item: in.Item, Fields: in.Fields, Files: files(in.Materials), Token: key})
	if err != nil {
		return submittedApplication{}, err
	}
	if !created && ap.Item.Code != in.Item {
		return submittedApplication{}, apperr.New(apperr.Conflict, "该幂等键已用于申请 "+ap.No+"（"+ap.Item.Name+"），请为这次申请生成新的幂等键")
	}
	return submittedApplication{applicationView: viewApplication(ap), Replayed: !created}, nil
}

type applicationsQuery struct {
	Before int64 `query:"before" min:"1" doc:"上一页返回的 next，不填为最新一页"`
	Limit  int   `query:"limit" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

func (a *API) myApplications(ctx context.Context, _ *http.Request, q applicationsQuery) (applicationsPage, error) {
	p, err := a.Workflow.Mine(ctx, q.Before, q.Limit)
	if err != nil {
		return applicationsPage{}, err
	}
	return applicationsPage{Items: mapList(p.Items, viewApplicationItem).Items, Next: p.Next}, nil
}

func (a *API) myApplication(ctx context.Context, r *http.Request, _ noBody) (applicationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return applicationView{}, err
	}
	ap, err := a.Workflow.Get(ctx, id)
	if err != nil {
		return applicationView{}, err
	}
	return viewApplication(ap), nil
}

func (a *API) withdrawApplication(ctx context.Context, r *http.Request, _ noBody) (applicationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return applicationView{}, err
	}
	ap, err := a.Workflow.Withdraw(ctx, id)
	if err != nil {
		return applicationView{}, err
	}
	return viewApplication(ap), nil
}

func (a *API) resubmitApplication(ctx context.Context, r *http.Request, in resubmitRequest) (applicationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return applicationView{}, err
	}
	ap, err := a.Workflow.Resubmit(ctx, id, workflow.ResubmitInput{Fields: in.Fields, Files: files(in.Materials), Remove: in.Remove})
	if err != nil {
		return applicationView{}, err
	}
	return viewApplication(ap), nil
}

func (a *API) rateApplication(ctx context.Context, r *http.Request, in applicationRateRequest) (applicationView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return applicationView{}, err
	}
	if err := a.Workflow.Rate(ctx, id, in.TaskID, in.Rating, in.Comment); err != nil {
		return applicationView{}, err
	}
	ap, err := a.Workflow.Get(ctx, id)
	if err != nil {
		return applicationView{}, err
	}
	return viewApplication(ap), nil
}

// Handlers: the staff.

type poolQuery struct {
	Role  string `query:"role" enum:"staff_roles" doc:"岗位，如 window_clerk（窗口受理）、reviewer（审核）；不填为本人的第一个有任务池的岗位"`
	After int64  `query:"after" min:"1" doc:"上一页返回的 next，不填为第一页"`
	Limit int    `query:"limit" min:"1" max:"100" doc:"每页条数，1 至 100，默认 20"`
}

type tasksPage struct {
	Role  string     `json:"role" enum:"staff_roles"`
	Items []taskView `json:"items"`
	Next  int64      `json:"next" doc:"下一页的 after 参数；0 表示没有更多"`
}

func (a *API) taskPool(ctx context.Context, _ *http.Request, q poolQuery) (tasksPage, error) {
	role := q.Role
	if role == "" {
		if actor := auth.ActorFrom(ctx); actor != nil {
			for _, r := range workflow.PoolRoles {
				if actor.HasRole(r) {
					role = r
					break
				}
			}
		}
		if role == "" {
			return tasksPage{}, apperr.New(apperr.Forbidden, "您没有办理依申请事项的岗位")
		}
	}
	p, err := a.Workflow.Pool(ctx, role, q.After, q.Limit)
	if err != nil {
		return tasksPage{}, err
	}
	return tasksPage{Role: role, Items: mapList(p.Items, viewTask).Items, Next: p.Next}, nil
}

func (a *API) myTasks(ctx context.Context, _ *http.Request, _ noBody) (list[taskView], error) {
	ts, err := a.Workflow.MyTasks(ctx)
	if err != nil {
		return list[taskView]{}, err
	}
	return mapList(ts, viewTask), nil
}

type taskDetailView struct {
	Task        taskView        `json:"task"`
	Application applicationView `json:"application"`
	Decisions   []optionView    `json:"decisions" doc:"该环节可作的决定"`
}

func (a *API) taskDetail(ctx context.Context, k *workflow.Task) (taskDetailView, error) {
	ap, err := a.Workflow.Get(ctx, k.ApplicationID)
	if err != nil {
		return taskDetailView{}, err
	}
	v := taskDetailView{Task: viewTask(k), Application: viewApplication(ap), Decisions: []optionView{}}
	for _, d := range k.Decisions() {
		v.Decisions = append(v.Decisions, optionView{Code: d.Code, Name: d.Name})
	}
	return v, nil
}

func (a *API) getTask(ctx context.Context, r *http.Request, _ noBody) (taskDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taskDetailView{}, err
	}
	k, err := a.Workflow.Task(ctx, id)
	if err != nil {
		return taskDetailView{}, err
	}
	return a.taskDetail(ctx, k)
}

func (a *API) claimTask(ctx context.Context, r *http.Request, _ noBody) (taskDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taskDetailView{}, err
	}
	k, err := a.Workflow.Claim(ctx, id)
	if err != nil {
		return taskDetailView{}, err
	}
	return a.taskDetail(ctx, k)
}

type assignRequest struct {
	StaffNo string `json:"staff_no" doc:"派给的人员工号"`
}

func (a *API) assignTask(ctx context.Context, r *http.Request, in assignRequest) (taskDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taskDetailView{}, err
	}
	k, err := a.Workflow.Assign(ctx, id, in.StaffNo)
	if err != nil {
		return taskDetailView{}, err
	}
	return a.taskDetail(ctx, k)
}

type decideRequest struct {
	Decision string `json:"decision" enum:"decisions" doc:"pass 受理/审核通过/批准，return 退回补正，reject 不予受理/不予批准"`
	Opinion  string `json:"opinion,omitempty" doc:"办理意见；退回补正和不予办理时必填，不超过 1000 字"`
}

func (a *API) decideTask(ctx context.Context, r *http.Request, in decideRequest) (taskDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return taskDetailView{}, err
	}
	k, err := a.Workflow.Decide(ctx, id, workflow.DecideInput{Decision: in.Decision, Opinion: in.Opinion})
	if err != nil {
		return taskDetailView{}, err
	}
	return a.taskDetail(ctx, k)
}

type boardRowView struct {
	ItemCode string `json:"item_code"`
	ItemName string `json:"item_name"`
	Node     string `json:"node" enum:"node_codes"`
	NodeName string `json:"node_name"`
	Open     int    `json:"open" doc:"待领取"`
	Claimed  int    `json:"claimed" doc:"办理中"`
	Overdue  int    `json:"overdue" doc:"其中已超时"`
}

type loadView struct {
	Name    string `json:"name"`
	StaffNo string `json:"staff_no"`
	Claimed int    `json:"claimed" doc:"在办任务数"`
	Overdue int    `json:"overdue" doc:"其中已超时"`
}

type boardView struct {
	Open    int            `json:"open" doc:"待领取合计"`
	Claimed int            `json:"claimed" doc:"办理中合计"`
	Overdue int            `json:"overdue" doc:"超时合计"`
	Rows    []boardRowView `json:"rows"`
	Late    []taskView     `json:"overdue_tasks" doc:"超时任务，超时最久的在前，最多 50 个"`
	Load    []loadView     `json:"load" doc:"每位经办人的在办数，多的在前"`
}

func (a *API) board(ctx context.Context, _ *http.Request, _ noBody) (boardView, error) {
	b, err := a.Workflow.Board(ctx)
	if err != nil {
		return boardView{}, err
	}
	v := boardView{Open: b.Open, Claimed: b.Claimed, Overdue: b.Late, Rows: []boardRowView{}, Late: mapList(b.Overdue, viewTask).Items, Load: []loadView{}}
	for _, r := range b.Rows {
		v.Rows = append(v.Rows, boardRowView{ItemCode: r.ItemCode, ItemName: r.ItemName, Node: r.NodeCode, NodeName: r.NodeName(), Open: r.Open, Claimed: r.Claimed, Overdue: r.Overdue})
	}
	for _, l := range b.Load {
		v.Load = append(v.Load, loadView{Name: l.Name, StaffNo: l.StaffNo, Claimed: l.Claimed, Overdue: l.Overdue})
	}
	return v, nil
}
