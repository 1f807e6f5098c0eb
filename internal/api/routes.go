package api

import "strings"

// Tags group the endpoints in the OpenAPI document, in this order.
const (
	tagAuth      = "认证"
	tagReference = "基础代码"
	tagRegister  = "纳税人登记"
	tagMy        = "纳税人自助"
	tagTaxpayers = "纳税人管理（税务人员）"
	tagAdmin     = "系统管理（管理员）"
	tagMeta      = "接口文档"
)

var tags = []struct{ Name, Doc string }{
	{tagAuth, "获取和注销访问令牌，查询当前登录身份"},
	{tagReference, "行政区划、行业、税种等代码表，无需登录"},
	{tagRegister, "单位纳税人和自然人在线登记，无需登录"},
	{tagMy, "纳税人用户办理本单位（本人）事项"},
	{tagReturns, "申报表定义（无需登录）；纳税人查看征期、保存草稿、申报、更正和查询申报记录"},
	{tagTaxpayers, "税务人员查询本局管辖的纳税人并办理税种认定"},
	{tagAdmin, "系统管理员维护税务机关和工作人员"},
	{tagCalc, "帮我算税：按所属期适用当期政策的税费计算器，无需登录"},
	{tagCalendar, "征期日历：每月申报截止日、年度汇算期间和节假日安排，无需登录"},
	{tagItems, "依申请事项目录（无需登录）；纳税人申请、撤回、补正、查看每个环节的办理情况并评价"},
	{tagTasks, "税务人员的任务池、领取、派单、办理和值班主任看板"},
	{tagInteract, "网上税法咨询（含短信、热线接入）、投诉举报、服务预约和网上调查"},
	{tagCerts, "税收完税证明和个人所得税纳税记录：开具、下载 PDF；凭编号和验证码核验真伪（无需登录）"},
	{tagIIT, "自然人本人：个人所得税纳税记录、综合所得年度汇算"},
	{tagPublic, "信息公开：站内搜索、法规库、办税指南和公开名单，无需登录"},
	{tagPayment, "缴税：三方协议、应缴税款、一次扣款缴纳多项税款、缴款记录和退税申请；税务人员的缴款台账、待确认缴款、国库日报和对账"},
	{tagMeta, "本接口的 OpenAPI 文档"},
}

// routes is the API: each capability binds its routes in the file of its
// handlers; Register serves them and openapi.go documents them. A new
// capability adds its function here.
func (a *API) routes() []route {
	var all []route
	for _, group := range [][]route{
		a.authRoutes(),         // auth.go
		a.referenceRoutes(),    // reference.go
		a.registrationRoutes(), // registration.go
		a.myRoutes(),           // my.go
		a.employeeRoutes(),     // employees.go
		a.sourceRoutes(),       // sources.go
		a.returnImportRoutes(), // returns_import.go
		a.taxpayerRoutes(),     // taxpayers.go
		a.adminRoutes(),        // admin.go
		a.calcRoutes(),         // calc.go
		a.calcMoreRoutes(),     // calc_more.go
		a.messageRoutes(),      // messages.go
		a.notificationRoutes(), // notifications.go
		a.calendarRoutes(),     // calendar.go
		a.returnRoutes(),       // returns.go
		a.filingRoutes(),       // filing.go
		a.workflowRoutes(),     // workflow.go
		a.interactRoutes(),     // interact.go
		a.certificateRoutes(),  // certificates.go
		a.iitRoutes(),          // iit.go
		a.publicRoutes(),       // public.go
		a.topicRoutes(),        // topics.go
		a.downloadRoutes(),     // downloads.go
		a.paymentRoutes(),      // payment.go
		a.refundRoutes(),       // refunds.go
		a.metaRoutes(),         // openapi.go
		a.interactStaffRoutes(),
	} {
		for _, rt := range group {
			method, path, ok := strings.Cut(rt.Pattern, " ")
			if !ok || rt.Handler.serve == nil {
				panic("api: route " + rt.Pattern + " needs \"METHOD /path\" and a handler")
			}
			rt.Method, rt.Path = method, Prefix+path
			for _, v := range rt.Values {
				if !strings.Contains(rt.Path, "{"+v.Name+"}") {
					panic("api: route " + rt.Pattern + " declares a path value {" + v.Name + "} it does not have")
				}
			}
			all = append(all, rt)
		}
	}
	return all
}

// list wraps every list response, so that fields can be added later.
type list[T any] struct {
	Items []T `json:"items"`
}

func listOf[T any](items []T) list[T] {
	if items == nil {
		items = []T{}
	}
	return list[T]{Items: items}
}

// mapList converts domain values to their views.
func mapList[D, V any](ds []D, view func(D) V) list[V] {
	out := make([]V, 0, len(ds))
	for _, d := range ds {
		out = append(out, view(d))
	}
	return list[V]{Items: out}
}
