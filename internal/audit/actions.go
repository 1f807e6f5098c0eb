package audit

// Action names what was done. Spelling: object.verb, or object.noun_verb
// when the verb acts on a part of the object (password_reset); the object
// is the table's singular in snake case. Every action has its Chinese name
// in actionNames, which the history pages show.
type Action string

const (
	TaxpayerRegister Action = "taxpayer.register"

	TaxIdentificationCreate Action = "tax_identification.create"
	TaxIdentificationEnd    Action = "tax_identification.end"
	// TaxpayerIdentificationComplete is a clerk finishing the identification
	// of a new taxpayer: 新办待认定 → 正常.
	TaxpayerIdentificationComplete Action = "taxpayer.identification_complete"

	TaxpayerUserCreate        Action = "taxpayer_user.create"
	TaxpayerUserUpdate        Action = "taxpayer_user.update"
	TaxpayerUserDisable       Action = "taxpayer_user.disable"
	TaxpayerUserEnable        Action = "taxpayer_user.enable"
	TaxpayerUserPasswordReset Action = "taxpayer_user.password_reset"
	AgentDelegationUpdate     Action = "agent_delegation.update"

	OrgCreate Action = "org.create"
	OrgUpdate Action = "org.update"

	StaffCreate        Action = "staff.create"
	StaffUpdate        Action = "staff.update"
	StaffPasswordReset Action = "staff.password_reset"

	// The filing calendar (征期日历), edited by the provincial bureau's
	// administrators: a holiday or adjusted working day (object id the
	// date as 20261001), an official monthly deadline (object id 202605).
	CalendarDayCreate    Action = "calendar_day.create"
	CalendarDayUpdate    Action = "calendar_day.update"
	CalendarDayDelete    Action = "calendar_day.delete"
	FilingDeadlineCreate Action = "filing_deadline.create"
	FilingDeadlineUpdate Action = "filing_deadline.update"
	FilingDeadlineDelete Action = "filing_deadline.delete"

	TaxpayerIrregularSet  Action = "taxpayer_irregular.create"
	TaxpayerIrregularLift Action = "taxpayer_irregular.end"
	BusinessQuotaSet      Action = "business_quota.create"

	// PasswordChange is a user changing their own password after proving
	// the current one (a taxpayer user's on the taxpayer, a staff member's
	// on the staff record).
	PasswordChange Action = "account.password_change"
)

// #nosec G101 -- action names such as "password_reset" name events, they
// hold no credentials.
var actionNames = map[Action]string{
	TaxpayerRegister:               "在线登记",
	TaxIdentificationCreate:        "税（费）种认定",
	TaxIdentificationEnd:           "终止认定",
	TaxpayerIdentificationComplete: "认定完成",
	TaxpayerUserCreate:             "添加办税人员",
	TaxpayerUserUpdate:             "修改办税人员",
	TaxpayerUserDisable:            "停用办税人员",
	TaxpayerUserEnable:             "启用办税人员",
	TaxpayerUserPasswordReset:      "重置办税人员密码",
	AgentDelegationUpdate:          "设置代理税种",
	OrgCreate:                      "新增税务机关",
	OrgUpdate:                      "修改税务机关",
	StaffCreate:                    "新增工作人员",
	StaffUpdate:                    "修改工作人员",
	StaffPasswordReset:             "重置工作人员密码",
	PasswordChange:                 "本人修改密码",
	CalendarDayCreate:              "录入节假日安排",
	CalendarDayUpdate:              "修改节假日安排",
	CalendarDayDelete:              "删除节假日安排",
	FilingDeadlineCreate:           "录入申报期限",
	FilingDeadlineUpdate:           "修改申报期限",
	FilingDeadlineDelete:           "删除申报期限",
	TaxpayerIrregularSet:           "认定非正常户",
	TaxpayerIrregularLift:          "解除非正常户",
	BusinessQuotaSet:               "核定定额",
}

// Name is the Chinese name of the action; an unknown action (from an older
// version) shows as spelled.
func (a Action) Name() string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return string(a)
}

// Actions lists every action, for tests and documentation.
func Actions() []Action {
	out := make([]Action, 0, len(actionNames))
	for a := range actionNames {
		out = append(out, a)
	}
	return out
}
