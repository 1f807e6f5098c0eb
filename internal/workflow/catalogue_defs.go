package workflow

import "taxhall/internal/auth"

// The form fields and materials of the catalogue's items, by item code. The
// items table (migration 0018) holds what administrators change; what an
// item asks for is here, with its validation. An item without an entry
// asks for genericDef.

var (
	fReason  = Field{Name: "reason", Label: "申请事由", Type: TypeTextarea, Required: true, Hint: "请简要说明申请的原因和情况"}
	fContact = Field{Name: "contact", Label: "联系人", Type: TypeText, Required: true, Max: 40}
	fPhone   = Field{Name: "phone", Label: "联系电话", Type: TypePhone, Required: true}
	fAmount  = func(label string) Field {
		return Field{Name: "amount", Label: label, Type: TypeMoney, Required: true, Hint: "单位：元"}
	}
	taxTypes = []auth.Label{
		{Code: "vat", Name: "增值税"}, {Code: "cit", Name: "企业所得税"}, {Code: "iit", Name: "个人所得税"},
		{Code: "consumption", Name: "消费税"}, {Code: "property", Name: "房产税"}, {Code: "land_use", Name: "城镇土地使用税"},
		{Code: "stamp", Name: "印花税"}, {Code: "surcharges", Name: "附加税费"},
	}
	fTaxType = Field{Name: "tax_type", Label: "税种", Type: TypeSelect, Required: true, Options: taxTypes}
	mLicence = Material{Code: "licence", Name: "营业执照或登记证书复印件", Required: true}
	mID      = Material{Code: "id_card", Name: "经办人身份证件", Required: true}
	mOther   = Material{Code: "other", Name: "其他补充材料", Hint: "如有，请一并上传"}
)

// genericDef is the form of an item without its own: the reason and a
// contact, any supporting material.
var genericDef = &Def{Fields: []Field{fReason, fContact, fPhone}, Materials: []Material{mID, mOther}}

// ChangeFields are the register's fields a change registration may change
// (the column each stands for is in effects.go).
var ChangeFields = []auth.Label{
	{Code: "address", Name: "生产经营地址"},
	{Code: "phone", Name: "联系电话"},
	{Code: "email", Name: "电子邮箱"},
	{Code: "legal_rep_name", Name: "法定代表人（负责人）姓名"},
}

var defs = map[string]*Def{
	"reg_change": {Fields: []Field{
		{Name: "field", Label: "变更项目", Type: TypeSelect, Required: true, Options: ChangeFields},
		{Name: "new_value", Label: "变更后内容", Type: TypeText, Required: true, Max: 200},
		{Name: "changed_on", Label: "变更日期", Type: TypeDate, Required: true, Hint: "市场监管部门核准变更的日期"},
		fReason,
	}, Materials: []Material{{Code: "change_notice", Name: "市场监管部门变更登记通知书", Required: true}, mID}},
	"deregistration": {Fields: []Field{
		{Name: "cause", Label: "注销原因", Type: TypeSelect, Required: true, Options: []auth.Label{
			{Code: "dissolved", Name: "解散"}, {Code: "bankrupt", Name: "破产"}, {Code: "revoked", Name: "被吊销营业执照"}, {Code: "moved", Name: "迁出本市"}, {Code: "other", Name: "其他"}}},
		{Name: "last_day", Label: "停止经营日期", Type: TypeDate, Required: true},
		fReason,
	}, Materials: []Material{{Code: "resolution", Name: "注销决议或有关部门批准文件", Required: true}, {Code: "settlement", Name: "清税情况说明", Required: true}, mID}},
	"suspension": {Fields: []Field{
		{Name: "from", Label: "停业起始日期", Type: TypeDate, Required: true},
		{Name: "to", Label: "停业终止日期", Type: TypeDate, Required: true, Hint: "停业期限不得超过一年"},
		fReason,
	}, Materials: []Material{{Code: "invoices", Name: "发票领用簿及未使用发票情况", Required: true}, mID}},
	"resumption":   {Fields: []Field{{Name: "on", Label: "复业日期", Type: TypeDate, Required: true}, fContact, fPhone}, Materials: []Material{mID}},
	"cross_region": {Fields: []Field{{Name: "place", Label: "跨区域经营地", Type: TypeText, Required: true}, {Name: "contract", Label: "合同名称", Type: TypeText, Required: true}, fAmount("合同金额"), {Name: "until", Label: "有效期至", Type: TypeDate, Required: true}}, Materials: []Material{{Code: "contract", Name: "外出经营合同", Required: true}}},
	"vat_general": {Fields: []Field{
		{Name: "sales", Label: "年应税销售额", Type: TypeMoney, Required: true, Hint: "连续不超过12个月或四个季度的经营期内累计应征增值税销售额，单位：元"},
		{Name: "accounting", Label: "会计核算", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "sound", Name: "会计核算健全，能够提供准确税务资料"}}},
		{Name: "effective", Label: "一般纳税人资格生效之日", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "next_period", Name: "当期的次月（或次季）1日"}}},
		fContact, fPhone,
	}, Materials: []Material{
		{Code: "premises", Name: "经营场所使用证明（租赁合同或产权证明）", Required: true},
		{Code: "accountant", Name: "专职会计人员或代理记账协议", Required: true},
		mOther,
	}},
	"export_refund_filing": {Fields: []Field{{Name: "customs_code", Label: "海关进出口货物收发货人编码", Type: TypeText, Required: true, Max: 10}, {Name: "method", Label: "退（免）税计算方法", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "exempt_credit_refund", Name: "免抵退税"}, {Code: "exempt_refund", Name: "免退税"}}}, fContact, fPhone}, Materials: []Material{{Code: "filing_form", Name: "出口退（免）税备案表", Required: true}, mLicence}},
	"nonprofit_exemption":  {Fields: []Field{{Name: "org_type", Label: "组织类型", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "foundation", Name: "基金会"}, {Code: "social", Name: "社会团体"}, {Code: "private_nonenterprise", Name: "民办非企业单位"}}}, fAmount("上年度收入总额"), fReason}, Materials: []Material{{Code: "charter", Name: "组织章程", Required: true}, {Code: "audit", Name: "上年度财务审计报告", Required: true}}},
	"filing_extension": {Fields: []Field{
		fTaxType,
		{Name: "period", Label: "所属期", Type: TypeText, Required: true, Max: 7, Hint: "如 2026-10 或 2026Q3"},
		{Name: "until", Label: "申请延期至", Type: TypeDate, Required: true},
		fReason,
	}, Materials: []Material{{Code: "proof", Name: "不可抗力或确有困难的证明材料", Required: true}}},
	"payment_extension": {Fields: []Field{fTaxType, {Name: "period", Label: "所属期", Type: TypeText, Required: true, Max: 7}, fAmount("申请延期缴纳税额"), {Name: "until", Label: "申请延期至", Type: TypeDate, Required: true, Hint: "最长不超过三个月"}, fReason},
		Materials: []Material{{Code: "balance", Name: "所属期资产负债表", Required: true}, {Code: "bank", Name: "银行存款账户对账单", Required: true}, {Code: "payroll", Name: "应付职工工资和社会保险费等支出预算", Required: true}}},
	"accounting_filing":   {Fields: []Field{{Name: "standard", Label: "适用的会计制度", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "cas", Name: "企业会计准则"}, {Code: "sbas", Name: "小企业会计准则"}, {Code: "npo", Name: "民间非营利组织会计制度"}}}, {Name: "software", Label: "会计核算软件名称", Type: TypeText, Required: true}, {Name: "from", Label: "启用日期", Type: TypeDate, Required: true}}, Materials: []Material{{Code: "rules", Name: "财务会计制度或财务处理办法"}}},
	"period_change":       {Fields: []Field{fTaxType, {Name: "to", Label: "变更为", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "month", Name: "按月申报"}, {Code: "quarter", Name: "按季申报"}}}, fReason}, Materials: []Material{mOther}},
	"deduction_exception": {Fields: []Field{{Name: "invoice_no", Label: "发票号码", Type: TypeText, Required: true, Max: 20}, {Name: "issued_on", Label: "开票日期", Type: TypeDate, Required: true}, fAmount("税额"), fReason}, Materials: []Material{{Code: "invoice", Name: "发票扫描件", Required: true}}},
	"abnormal_voucher":    {Fields: []Field{{Name: "invoice_no", Label: "异常凭证号码", Type: TypeText, Required: true, Max: 20}, fAmount("涉及进项税额"), fReason}, Materials: []Material{{Code: "contract", Name: "购销合同", Required: true}, {Code: "payment", Name: "资金支付凭证", Required: true}, {Code: "delivery", Name: "货物运输或入库凭证"}}},
	"invoice_types":       {Fields: []Field{{Name: "kind", Label: "申请票种", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "special_e", Name: "数电发票（增值税专用发票）"}, {Code: "ordinary_e", Name: "数电发票（普通发票）"}}}, {Name: "monthly", Label: "每月最高领用数量", Type: TypeNumber, Required: true}, fContact, fPhone}, Materials: []Material{mID}},
	"invoice_limit":       {Fields: []Field{{Name: "limit", Label: "申请最高开票限额", Type: TypeSelect, Required: true, Options: []auth.Label{{Code: "100000", Name: "十万元"}, {Code: "1000000", Name: "一百万元"}, {Code: "10000000", Name: "一千万元"}}}, fAmount("上年度销售额"), fReason}, Materials: []Material{{Code: "contracts", Name: "主要购销合同", Required: true}}},
	"invoice_quota_add":   {Fields: []Field{{Name: "count", Label: "申请增加份数", Type: TypeNumber, Required: true}, fAmount("本月已开具金额"), fReason}, Materials: []Material{{Code: "contracts", Name: "近期购销合同"}}},
	"invoice_cancel":      {Fields: []Field{{Name: "first_no", Label: "起始号码", Type: TypeText, Required: true, Max: 20}, {Name: "last_no", Label: "终止号码", Type: TypeText, Required: true, Max: 20}, fReason}},
	"issue_special":       {Fields: []Field{{Name: "buyer", Label: "购买方名称", Type: TypeText, Required: true}, {Name: "buyer_code", Label: "购买方纳税人识别号", Type: TypeText, Required: true, Max: 20}, fAmount("含税金额"), {Name: "goods", Label: "货物或应税劳务名称", Type: TypeText, Required: true}}, Materials: []Material{{Code: "contract", Name: "购销合同或协议", Required: true}}},
	"issue_ordinary":      {Fields: []Field{{Name: "buyer", Label: "购买方名称", Type: TypeText, Required: true}, fAmount("含税金额"), {Name: "goods", Label: "货物或应税劳务名称", Type: TypeText, Required: true}}, Materials: []Material{{Code: "contract", Name: "购销合同或协议"}}},
	"refund_overpaid":     {Fields: []Field{fTaxType, {Name: "period", Label: "所属期", Type: TypeText, Required: true, Max: 7}, fAmount("申请退税额"), {Name: "bank", Label: "退税账户开户银行", Type: TypeText, Required: true}, {Name: "account", Label: "退税账号", Type: TypeText, Required: true, Max: 32}, fReason}, Materials: []Material{{Code: "voucher", Name: "原完税凭证", Required: true}}},
	"refund_credit":       {Fields: []Field{{Name: "period", Label: "申请退税所属期", Type: TypeText, Required: true, Max: 7}, fAmount("期末留抵税额"), {Name: "refund", Label: "申请退还的留抵税额", Type: TypeMoney, Required: true, Hint: "单位：元"}, {Name: "account", Label: "退税账号", Type: TypeText, Required: true, Max: 32}}, Materials: []Material{{Code: "application", Name: "退（抵）税申请表", Required: true}}},
	"refund_iit":          {Fields: []Field{{Name: "year", Label: "汇算年度", Type: TypeNumber, Required: true}, fAmount("应退税额"), {Name: "account", Label: "本人银行账号", Type: TypeText, Required: true, Max: 32}}, Materials: []Material{{Code: "proof", Name: "专项附加扣除或收入证明材料"}}},
	"service_complaint":   {Fields: []Field{{Name: "about", Label: "投诉对象（办税服务厅、窗口或人员）", Type: TypeText, Required: true}, {Name: "when", Label: "发生日期", Type: TypeDate, Required: true}, {Name: "facts", Label: "投诉事实", Type: TypeTextarea, Required: true}, fPhone}, Materials: []Material{{Code: "evidence", Name: "相关证据"}}},
	"violation_report":    {Fields: []Field{{Name: "subject", Label: "被检举人名称", Type: TypeText, Required: true}, {Name: "subject_code", Label: "被检举人纳税人识别号", Type: TypeText, Max: 20}, {Name: "facts", Label: "检举事实", Type: TypeTextarea, Required: true}}, Materials: []Material{{Code: "evidence", Name: "证据材料"}}},
	"admin_review":        {Fields: []Field{{Name: "decision_no", Label: "被申请复议的具体行政行为文号", Type: TypeText, Required: true, Max: 60}, {Name: "known_on", Label: "知道该行为的日期", Type: TypeDate, Required: true}, {Name: "request", Label: "复议请求", Type: TypeTextarea, Required: true}, fReason}, Materials: []Material{{Code: "decision", Name: "具体行政行为文书", Required: true}, {Code: "evidence", Name: "证据材料"}}},
	"penalty_statement":   {Fields: []Field{{Name: "notice_no", Label: "税务行政处罚事项告知书文号", Type: TypeText, Required: true, Max: 60}, {Name: "statement", Label: "陈述申辩意见", Type: TypeTextarea, Required: true}}, Materials: []Material{{Code: "evidence", Name: "证据材料"}}},
	"reduction_filing":    {Fields: []Field{fTaxType, {Name: "policy", Label: "减免政策依据（文号）", Type: TypeText, Required: true}, {Name: "from", Label: "减免起始日期", Type: TypeDate, Required: true}, {Name: "to", Label: "减免终止日期", Type: TypeDate, Required: true}}, Materials: []Material{{Code: "proof", Name: "享受减免的证明材料"}}},
	"reduction_approval":  {Fields: []Field{fTaxType, {Name: "policy", Label: "减免政策依据（文号）", Type: TypeText, Required: true}, fAmount("申请减免税额"), fReason}, Materials: []Material{{Code: "application", Name: "减免税申请报告", Required: true}, {Code: "loss", Name: "损失情况证明（如有）"}}},
	"residency_cert":      {Fields: []Field{{Name: "country", Label: "证明用于的国家（地区）", Type: TypeText, Required: true, Max: 40}, {Name: "year", Label: "证明年度", Type: TypeNumber, Required: true}, {Name: "income", Label: "所得类型", Type: TypeText, Required: true}}, Materials: []Material{{Code: "registration", Name: "境内登记注册证明", Required: true}, {Code: "contract", Name: "相关合同或协议"}}},
	"no_arrears_cert":     {Fields: []Field{{Name: "use", Label: "证明用途", Type: TypeText, Required: true}}},
	"payment_cert":        {Fields: []Field{fTaxType, {Name: "from", Label: "入库日期起", Type: TypeDate, Required: true}, {Name: "to", Label: "入库日期止", Type: TypeDate, Required: true}}},
}
