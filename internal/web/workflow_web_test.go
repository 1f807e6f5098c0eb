package web

import (
	"net/url"
	"taxhall/internal/payment"

	"taxhall/internal/calendar"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
)

func init() {
	nodes := []workflow.Node{{Code: workflow.NodeAccept, Role: "window_clerk", Limit: 1}, {Code: workflow.NodeApprove, Role: "reviewer", Limit: 5}}
	item := &workflow.Item{Code: "vat_general", Category: "qualification", Name: "增值税一般纳税人登记", Nodes: nodes, Difficulty: 150, Citywide: true, Enabled: true,
		Def: &workflow.Def{Fields: []workflow.Field{{Name: "sales", Label: "年应税销售额", Type: workflow.TypeMoney, Required: true},
			{Name: "accounting", Label: "会计核算", Type: workflow.TypeSelect}, {Name: "reason", Label: "事由", Type: workflow.TypeTextarea}},
			Materials: []workflow.Material{{Code: "premises", Name: "经营场所使用证明", Required: true}, {Code: "other", Name: "其他"}}}}
	done := &workflow.Task{ID: 3, ApplicationID: 9, AppNo: "SQ20260511000009", ItemName: item.Name, NodeCode: workflow.NodeAccept, State: workflow.TaskDone,
		HandlerName: "陈晓明", HandlerNo: "35020301", StartedAt: when, DecidedAt: when, Decision: workflow.DecisionReturn, Opinion: "缺少经营场所使用证明", LimitDays: 1}
	open := &workflow.Task{ID: 4, ApplicationID: 9, AppNo: "SQ20260511000009", ItemName: item.Name, TaxpayerName: "厦门鹭岛软件科技有限公司", BureauName: "思明区税务局",
		NodeCode: workflow.NodeApprove, Role: "reviewer", State: workflow.TaskClaimed, HandlerName: "林审核", HandlerNo: "35020302", StartedAt: when,
		LimitDays: 5, DueDate: calendar.MustDate("2026-05-18"), Timing: workflow.TimingNear, Citywide: true}
	app := func() *workflow.Application {
		return &workflow.Application{ID: 9, No: "SQ20260511000009", TaxpayerName: "厦门鹭岛软件科技有限公司", Item: item, Status: workflow.StatusReturned,
			Form: workflow.Values{"sales": "620000000", "accounting": "sound"}, SubmittedAt: when,
			Files: []*uploads.Upload{{ID: 5, Owner: uploads.Owner{Slot: "other"}, Filename: "说明.pdf", ContentType: "application/pdf", Size: 2048}},
			Tasks: []*workflow.Task{done, open}}
	}
	examples["hall_items.html"] = example{func() page {
		return &itemsPage{Categories: []*workflow.Category{{Code: "qualification", Name: "资格认定", Items: []*workflow.Item{item}}}}
	}, taxpayerSide}
	examples["hall_apply.html"] = example{func() page {
		p := &applyPage{Item: item, App: app(), Action: "/hall/applications/9/correct", Accept: uploads.Accept,
			basePage: basePage{Form: url.Values{"f_sales": {"abc"}}, Errors: map[string]string{"f_sales": "年应税销售额应为金额", "m_premises": "文件内容是PNG 图片，与扩展名不符"}}}
		return p
	}, taxpayerSide}
	examples["hall_applications.html"] = example{func() page {
		return &applicationsPage{Apps: []*workflow.Application{app()}, NextURL: "/hall/applications?before=9"}
	}, taxpayerSide}
	examples["hall_application.html"] = example{func() page {
		ap := app()
		ap.CertificateID = 7
		ap.Refund = &workflow.RefundRecord{ID: 2, TaxType: "vat_small", Period: "2026Q2", Amount: 1200, Status: "approved",
			Payouts: []*payment.Payout{examplePayout(payment.Failed), examplePayout(payment.Pending)}}
		return &applicationPage{App: ap}
	}, taxpayerSide}
	examples["staff_items.html"] = example{func() page {
		off := *item
		off.Code, off.Name, off.Enabled, off.Instant = "resumption", "复业登记", false, true
		return &itemsAdminPage{Categories: []*workflow.Category{{Code: "qualification", Name: "资格认定", Items: []*workflow.Item{item, &off}}}}
	}, staffSide}
	examples["staff_item_edit.html"] = example{func() page {
		return &itemEditPage{Item: item, basePage: basePage{Form: url.Values{"code": {"vat_general"}, "limit_0": {"1"}, "limit_1": {"x"}, "difficulty": {"1.5"}},
			Errors: map[string]string{"limit_1": "审批时限应为 0 至 60 个工作日", "confirm_disable": "暂停前请勾选“确认暂停网上办理”"}}}
	}, staffSide}
	examples["staff_tasks.html"] = example{func() page {
		return &tasksPage{Role: "reviewer", Roles: []Option{{"reviewer", "审核人员"}}, Pool: []*workflow.Task{open}, Mine: []*workflow.Task{open}, NextURL: "/staff/tasks?after=4"}
	}, staffSide}
	examples["staff_task.html"] = example{func() page {
		return &taskPage{Task: open, App: app(), CanDecide: true, CanAssign: true,
			basePage: basePage{Form: url.Values{"decision": {"return"}}, Errors: map[string]string{"opinion": "请写明理由"}}}
	}, staffSide}
	examples["staff_board.html"] = example{func() page {
		return &boardPage{Month: "2026-05", Board: &workflow.Board{Rows: []*workflow.BoardRow{{ItemCode: "vat_general", ItemName: item.Name, NodeCode: "accept", Open: 3, Claimed: 1, Overdue: 1}},
			Overdue: []*workflow.Task{open}, Load: []*workflow.Load{{Name: "林审核", StaffNo: "35020302", Claimed: 1}}, Open: 3, Claimed: 1, Late: 1},
			Perf: []*workflow.Performance{{Name: "陈晓明", StaffNo: "35020301", Handled: 4, Weighted: 600, OnTime: 3, Returned: 1, Rated: 2, RatingSum: 9, Rank: 1}}}
	}, staffSide}
}
