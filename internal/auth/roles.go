package auth

// Staff roles.
const (
	RoleWindowClerk     = "window_clerk"
	RoleReviewer        = "reviewer"
	RoleHallSupervisor  = "hall_supervisor"
	Role12366Agent      = "agent_12366"
	RoleContentEditor   = "content_editor"
	RoleContentReviewer = "content_reviewer"
	RoleRiskAnalyst     = "risk_analyst"
	RoleAdmin           = "admin"
)

// Label is a code with its Chinese name, for select lists and display.
type Label struct{ Code, Name string }

// StaffRoles lists the staff roles in display order.
var StaffRoles = []Label{
	{RoleWindowClerk, "窗口受理人员"},
	{RoleReviewer, "审核人员"},
	{RoleHallSupervisor, "办税服务厅主管"},
	{Role12366Agent, "12366坐席"},
	{RoleContentEditor, "内容编辑"},
	{RoleContentReviewer, "内容审核"},
	{RoleRiskAnalyst, "风险分析人员"},
	{RoleAdmin, "系统管理员"},
}

// Taxpayer user roles.
const (
	TPLegalRep = "legal_rep"
	TPFinance  = "finance"
	TPClerk    = "tax_clerk"
	TPAgent    = "agent"
)

// TaxpayerRoles lists the roles of an enterprise's users.
var TaxpayerRoles = []Label{
	{TPLegalRep, "法定代表人"},
	{TPFinance, "财务负责人"},
	{TPClerk, "办税人员"},
	{TPAgent, "涉税代理人员"},
}

// NameOf returns the Chinese name of code in labels, or code itself.
func NameOf(labels []Label, code string) string {
	for _, l := range labels {
		if l.Code == code {
			return l.Name
		}
	}
	return code
}

// IsStaffRole reports whether code is a staff role.
func IsStaffRole(code string) bool { return NameOf(StaffRoles, code) != code }

// IsTaxpayerRole reports whether code is a taxpayer user role.
func IsTaxpayerRole(code string) bool { return NameOf(TaxpayerRoles, code) != code }
