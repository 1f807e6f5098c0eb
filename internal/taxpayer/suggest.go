package taxpayer

import (
	"strings"

	"taxhall/internal/auth"
	"taxhall/internal/industry"
)

// Suggestion is one line of the usual identification set of a new
// taxpayer: a tax type with its usual period, ticked or not by default,
// and why a clerk would (or would not) record it.
type Suggestion struct {
	TaxType string
	Period  string
	Checked bool   // ticked by default: nearly every taxpayer of the kind needs it
	Why     string // the reason, in Chinese, shown beside the line

	// Set by Service.Suggestions, not by SuggestedIdentifications:
	StartDate  string // the registration day, the usual start
	Identified string // "" or the identification of the same group in force (e.g. "增值税（小规模纳税人） 按季 自 2026-11-02")
}

// TaxTypeName is the Chinese name of the suggested tax type.
func (s Suggestion) TaxTypeName() string {
	t, _ := LookupTaxType(s.TaxType)
	return t.Name
}

// PeriodChoices lists the periods allowed for the tax type, with names.
func (s Suggestion) PeriodChoices() []auth.Label {
	t, _ := LookupTaxType(s.TaxType)
	out := make([]auth.Label, 0, len(t.Periods))
	for _, p := range t.Periods {
		out = append(out, auth.Label{Code: p, Name: auth.NameOf(Periods, p)})
	}
	return out
}

// consumptionIndustries are the GB/T 4754-2017 divisions whose makers
// usually produce goods taxed by 消费税 (消费税暂行条例 税目税率表), with
// the goods. Divisions where taxable goods are a small part (26 chemicals:
// cosmetics and coatings; 38: batteries; 20: disposable chopsticks and
// solid-wood floors; 40: luxury watches; 52: jewellery retail) are left to
// the clerk, who can tick the line.
var consumptionIndustries = map[string]string{
	"15": "白酒、啤酒、黄酒等酒类",
	"16": "卷烟、雪茄烟、烟丝",
	"24": "贵重首饰及珠宝玉石、高尔夫球及球具",
	"25": "汽油、柴油等成品油",
	"36": "乘用车、中轻型商用客车",
	"37": "摩托车、游艇",
}

// isIndividualBusiness reports whether an enterprise is a 个体工商户: its
// unified social credit code starts with 92 (registration authority 9,
// 市场监管; type 2, 个体工商户; GB 32100-2015).
func isIndividualBusiness(t *Taxpayer) bool {
	return t.Kind == Enterprise && strings.HasPrefix(t.Code, "92")
}

// SuggestedIdentifications is the usual set of identifications for a new
// taxpayer of its kind and industry, in the order a clerk goes through
// them. It only proposes: the clerk ticks, unticks and changes periods, and
// Service.IdentifyBatch checks each line like any identification. Only
// types of TaxTypes that the taxpayer's kind may have are proposed.
//
// The set follows the usual practice of a district bureau for a new
// enterprise: VAT small-scale by quarter (增值税暂行条例实施细则 art. 39;
// a general taxpayer files monthly), the surcharges with the VAT's period,
// CIT prepaid by quarter, IIT withheld and social insurance monthly;
// property and land use tax only for owners; consumption tax only for the
// industries that make taxable goods.
func SuggestedIdentifications(t *Taxpayer) []Suggestion {
	if t.Kind == Individual {
		return []Suggestion{
			{TaxType: "social_insurance", Period: Monthly, Checked: true, Why: "以灵活就业人员或城乡居民身份缴纳社会保险费，按月申报"},
			{TaxType: "vat_small", Period: Quarterly, Why: "出租房产或取得其他应税收入、需按期申报增值税的才认定"},
			{TaxType: "surcharges", Period: Quarterly, Why: "随增值税附征，与增值税的申报期限一致"},
			{TaxType: "property", Period: Quarterly, Why: "出租或经营用房产需缴纳房产税的才认定"},
			{TaxType: "land_use", Period: Quarterly, Why: "在城镇使用经营用土地的才认定"},
		}
	}
	consumption := Suggestion{TaxType: "consumption", Period: Monthly,
		Why: "仅生产、委托加工或进口烟、酒、成品油、小汽车、贵重首饰等应税消费品的才认定"}
	if goods, ok := consumptionIndustries[t.IndustryCode]; ok {
		d, _ := industry.Lookup(t.IndustryCode)
		consumption.Checked = true
		consumption.Why = "所属行业为" + d.Name + "，生产" + goods + "等应税消费品的须认定，按月申报"
	}
	property := Suggestion{TaxType: "property", Period: Quarterly, Why: "拥有自有房产的才认定；租用办公场所的不需要"}
	landUse := Suggestion{TaxType: "land_use", Period: Quarterly, Why: "在城镇拥有或使用土地的才认定；租用办公场所的不需要"}
	general := Suggestion{TaxType: "vat_general", Period: Monthly, Why: "已登记为一般纳税人的改选此项，按月申报；与小规模纳税人只能选一项"}
	if isIndividualBusiness(t) {
		return []Suggestion{
			{TaxType: "vat_small", Period: Quarterly, Checked: true, Why: "个体工商户一般为增值税小规模纳税人，按季申报"},
			general,
			{TaxType: "surcharges", Period: Quarterly, Checked: true, Why: "城市维护建设税、教育费附加、地方教育附加随增值税附征，申报期限与增值税一致"},
			{TaxType: "iit_withholding", Period: Monthly, Why: "雇有员工、支付工资薪金的才需代扣代缴；个体工商户不缴纳企业所得税"},
			{TaxType: "social_insurance", Period: Monthly, Why: "为雇工缴纳社会保险费的才认定"},
			consumption, property, landUse,
		}
	}
	return []Suggestion{
		{TaxType: "vat_small", Period: Quarterly, Checked: true, Why: "新办企业一般先按增值税小规模纳税人认定，按季申报"},
		general,
		{TaxType: "surcharges", Period: Quarterly, Checked: true, Why: "城市维护建设税、教育费附加、地方教育附加随增值税附征，申报期限与增值税一致"},
		{TaxType: "cit", Period: Quarterly, Checked: true, Why: "企业所得税按季预缴、年度汇算清缴"},
		{TaxType: "iit_withholding", Period: Monthly, Checked: true, Why: "向员工支付工资薪金须代扣代缴个人所得税，按月申报"},
		{TaxType: "social_insurance", Period: Monthly, Checked: true, Why: "为员工缴纳社会保险费，按月申报"},
		consumption, property, landUse,
	}
}
