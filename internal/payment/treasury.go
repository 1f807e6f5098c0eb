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
//     收入分享比例的通知（国发〔2003〕26号）, from 2003 (所得税收入分享改革,
//     国发〔2001〕37号). Not checked against the text here: 待核实. Railway,
//     state banks' head offices and offshore oil are wholly central; the
//     hall does not model them.
//   - 消费税: 中央 100% (分税制, 国发〔1993〕85号). 待核实 against the text.
//   - 房产税, 城镇土地使用税, 城市维护建设税, 教育费附加, 地方教育附加: 地方
//     100% (国发〔1993〕85号). 待核实 against the text.
//   - 社会保险费: not budget revenue (社会保险基金, 财政专户): shown apart.
//
// How a province divides its local share between 省, 市 and 区 is set by
// each province's own finance arrangements (省以下财政体制) and differs
// between provinces and taxes. The split below is an EXAMPLE for the demo,
// not a researched figure: 待核实 (replace with the province's own table).

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
	"cit":              withLocal(60, "国发〔2003〕26号：中央60%、地方40%（待核实）", false),
	"iit_withholding":  withLocal(60, "国发〔2003〕26号：中央60%、地方40%（待核实）", false),
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
