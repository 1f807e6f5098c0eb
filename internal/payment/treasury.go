package payment

// Budget levels (预算级次) of tax revenue entering the treasury (入库).
//
// Central/local shares are national rules:
//
//   - 增值税: 中央 50%, 地方 50% — 国务院关于印发全面推开营改增试点后调整中央与
//     地方增值税收入划分过渡方案的通知（国发〔2016〕26号）, from 2016-05-01:
//     "中央分享增值税的50%，地方按税收缴纳地分享增值税的50%". Verified against the
//     text of the notice (gov.cn, 2016-04-30).
//   - 企业所得税, 个人所得税: 中央 60%, 地方 40% — 国务院关于明确中央与地方所得税
//     收入分享比例的通知（国发〔2003〕26号）: "从2004年起，中央与地方所得税收入分享
//     比例继续按中央分享60%，地方分享40%执行". Verified against the text in the
//     State Council Gazette (国务院公报 2004, gov.cn/gongbao/content/2004/
//     content_62796.htm). The sharing itself is the 所得税收入分享改革 of
//     国务院关于印发所得税收入分享改革方案的通知（国发〔2001〕37号）, from
//     2002-01-01 (50%/50% in 2002, 60%/40% in 2003); it keeps as wholly central
//     the income tax of railway transport, the national postal service, the
//     big state banks (工、农、中、建), the three policy banks and offshore oil
//     and gas enterprises, and 国发〔2002〕18号 adds the CIT of PetroChina and
//     Sinopec. The hall does not model those enterprises: every CIT and IIT
//     it collects is shared 60/40.
//   - 消费税: 中央 100% (分税制, 国发〔1993〕85号). 待核实 against the text.
//   - 房产税, 城镇土地使用税, 城市维护建设税, 教育费附加, 地方教育附加: 地方
//     100% (国发〔1993〕85号). 待核实 against the text.
//   - 社会保险费: not budget revenue (社会保险基金, 财政专户): shown apart.
//
// How a province divides its local share between 省, 市 and 区 is set by
// each province's own finance arrangements (省以下财政体制) and differs
// between provinces and taxes. No source for the demo province (福建) was
// found in the regulation library (data/laws holds laws and regulations,
// not the State Council's or a province's fiscal notices), so the split
// below is the DEMO PROVINCE'S CONFIGURATION, an example, not a researched
// figure: 待核实 (replace with the province's own table).

// Share is a tax's division between the budget levels, in percent points
// of the amount (they sum to 100 for budget revenue).
type Share struct {
	Central, Province, City, District int
	Fund                              bool   // social insurance fund, outside the budget
	Source                            string // the rule cited
	Verified                          bool   // false: 待核实
}

// localSplit is the demo's EXAMPLE division of the local share: 省 20%,
// 市 30%, 区 50% of it. 待核实.
var localSplit = [3]int{20, 30, 50}

func withLocal(central int, src string, verified bool) Share {
	local := 100 - central
	p, c := local*localSplit[0]/100, local*localSplit[1]/100
	return Share{Central: central, Province: p, City: c, District: local - p - c, Source: src, Verified: verified}
}

// Shares gives each tax type's division.
var Shares = map[string]Share{
	"vat_small":        withLocal(50, "国发〔2016〕26号：中央50%、地方50%", true),
	"vat_general":      withLocal(50, "国发〔2016〕26号：中央50%、地方50%", true),
	"cit":              withLocal(60, "国发〔2003〕26号：自2004年起中央60%、地方40%（所得税收入分享改革，国发〔2001〕37号）", true),
	"iit_withholding":  withLocal(60, "国发〔2003〕26号：自2004年起中央60%、地方40%（所得税收入分享改革，国发〔2001〕37号）", true),
	"consumption":      withLocal(100, "分税制：中央固定收入（待核实）", false),
	"property":         withLocal(0, "分税制：地方固定收入（待核实）", false),
	"land_use":         withLocal(0, "分税制：地方固定收入（待核实）", false),
	"surcharges":       withLocal(0, "分税制：地方固定收入（待核实）", false),
	"social_insurance": {Fund: true, Source: "社会保险基金，纳入财政专户，不按预算级次分成"},
}

// Split divides an amount in fen by a share; the district takes what
// rounding leaves, so the parts always sum to the amount.
func (s Share) Split(amount int64) (central, province, city, district, fund int64) {
	if s.Fund {
		return 0, 0, 0, 0, amount
	}
	central = amount * int64(s.Central) / 100
	province = amount * int64(s.Province) / 100
	city = amount * int64(s.City) / 100
	district = amount - central - province - city
	return
}

// ShareOf is the division of a tax type, including the codes a refund
// carries: the annual IIT reconciliation's (iit_annual) and the generic
// codes of a refund application's form (vat, iit).
func ShareOf(code string) Share {
	switch code {
	case "vat":
		code = "vat_general"
	case "iit", "iit_annual":
		code = "iit_withholding"
	}
	return Shares[code]
}
