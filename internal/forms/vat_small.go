package forms

import (
	"fmt"

	"taxhall/internal/apperr"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// The columns of the small-scale return: this period and year to date, for
// goods and processing services, and for services, real estate and
// intangibles.
var vatSmallColumns = []Column{
	{"goods", "货物及劳务"},
	{"services", "服务、不动产和无形资产"},
	{"goods_ytd", "货物及劳务 本年累计"},
	{"services_ytd", "服务、不动产和无形资产 本年累计"},
}

// VATSmall is 增值税及附加税费申报表（小规模纳税人适用）, with the surcharges
// on lines 23–25 (国家税务总局公告2021年第20号, VAT and surcharges filed
// together from 2021-08-01).
var VATSmall = register(&Form{
	Code:    "vat_small",
	Name:    "增值税及附加税费申报表（小规模纳税人适用）",
	Short:   "增值税及附加税费（小规模）",
	Basis:   "国家税务总局公告2021年第20号",
	TaxType: "vat_small",
	Periods: []string{"month", "quarter"},
	Columns: vatSmallColumns,
	Zero:    true,
	Lines: []Line{
		{No: "1", Name: "（一）应征增值税不含税销售额（3%征收率）", Kinds: "EECC", Section: "一、计税依据",
			Hint: "填写按3%征收率的全部不含税销售额；本期销售额未达到免税标准的，申报时自动转入第10栏或第11栏"},
		{No: "2", Name: "税务机关代开的增值税专用发票不含税销售额", Kinds: "EECC", Indent: 1},
		{No: "3", Name: "税控器具开具的普通发票不含税销售额", Kinds: "EECC", Indent: 1},
		{No: "4", Name: "（二）应征增值税不含税销售额（5%征收率）", Kinds: "-E-C", Hint: "销售、出租不动产"},
		{No: "5", Name: "税务机关代开的增值税专用发票不含税销售额", Kinds: "-E-C", Indent: 1},
		{No: "6", Name: "税控器具开具的普通发票不含税销售额", Kinds: "-E-C", Indent: 1},
		{No: "7", Name: "（三）销售使用过的固定资产不含税销售额", Kinds: "E-C-"},
		{No: "8", Name: "其中：税控器具开具的普通发票不含税销售额", Kinds: "E-C-", Indent: 1},
		{No: "9", Name: "（四）免税销售额", Kinds: "CCCC", Hint: "9=10+11+12"},
		{No: "10", Name: "其中：小微企业免税销售额", Kinds: "CCCC", Indent: 1},
		{No: "11", Name: "未达起征点销售额", Kinds: "CCCC", Indent: 1},
		{No: "12", Name: "其他免税销售额", Kinds: "EECC", Indent: 1},
		{No: "13", Name: "（五）出口免税销售额", Kinds: "EECC"},
		{No: "14", Name: "其中：税控器具开具的普通发票销售额", Kinds: "EECC", Indent: 1},
		{No: "15", Name: "本期应纳税额", Kinds: "CCCC", Section: "二、税款计算"},
		{No: "16", Name: "本期应纳税额减征额", Kinds: "CCCC"},
		{No: "17", Name: "本期免税额", Kinds: "CCCC", Hint: "17=18+19"},
		{No: "18", Name: "其中：小微企业免税额", Kinds: "CCCC", Indent: 1},
		{No: "19", Name: "未达起征点免税额", Kinds: "CCCC", Indent: 1},
		{No: "20", Name: "应纳税额合计", Kinds: "CCCC", Hint: "20=15-16"},
		{No: "21", Name: "本期预缴税额", Kinds: "EE--"},
		{No: "22", Name: "本期应补（退）税额", Kinds: "CC--", Hint: "22=20-21"},
		{No: "23", Name: "城市维护建设税本期应补（退）税额", Kinds: "C---", Merged: true, Section: "三、附加税费"},
		{No: "24", Name: "教育费附加本期应补（退）费额", Kinds: "C---", Merged: true},
		{No: "25", Name: "地方教育附加本期应补（退）费额", Kinds: "C---", Merged: true},
	},
	PriorKeys: vatSmallYTDKeys(),
	Compute:   computeVATSmall,
})

// vatSmallYTDKeys are the this-period cells that have a year-to-date column.
func vatSmallYTDKeys() []string {
	var keys []string
	for _, no := range []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"} {
		for _, col := range []string{"goods", "services"} {
			if (col == "goods" && (no == "4" || no == "5" || no == "6")) || (col == "services" && (no == "7" || no == "8")) {
				continue
			}
			keys = append(keys, Key(no, col))
		}
	}
	return keys
}

func computeVATSmall(f *Form, in Input) (Output, error) {
	e := in.Entered
	errs := apperr.Fields{}
	for _, col := range []string{"goods", "services"} {
		k := func(no string) string { return Key(no, col) }
		notLarger(f, errs, e, k("2"), k("1"))
		notLarger(f, errs, e, k("3"), k("1"))
		if e[k("2")] <= e[k("1")] && e[k("3")] <= e[k("1")] && e[k("2")]+e[k("3")] > e[k("1")] {
			errs.Add(k("3"), fmt.Sprintf("第2栏与第3栏合计 %s 不能大于%s %s",
				money.FormatYuan(e[k("2")]+e[k("3")]), f.Label(k("1")), money.FormatYuan(e[k("1")])))
		}
		notLarger(f, errs, e, k("14"), k("13"))
	}
	notLarger(f, errs, e, "5.services", "4.services")
	notLarger(f, errs, e, "6.services", "4.services")
	notLarger(f, errs, e, "8.goods", "7.goods")
	if len(errs) > 0 {
		return Output{Fields: errs}, nil
	}

	goods := rules.SmallScaleSales{Sales3: e["1.goods"] + e["7.goods"], FixedAsset: e["7.goods"]}
	services := rules.SmallScaleSales{Sales3: e["1.services"], Sales5: e["4.services"]}
	par, source, cols, err := rules.SmallScaleByColumn(in.Period, in.Facts.Individual, goods, services)
	if err != nil {
		return Output{}, err
	}
	v := make(Values, len(f.Cells()))
	out := Output{Values: v, Basis: []string{source}}
	moved := false
	for i, col := range []string{"goods", "services"} {
		k := func(no string) string { return Key(no, col) }
		c := cols[i]
		v[k("1")] = c.TaxableSales3
		v[k("7")] = c.TaxableFixedAsset
		if c.TaxableSales3 < e[k("1")] || c.TaxableFixedAsset < e[k("7")] {
			moved = true
			// The 其中 lines follow their total to the exempt lines.
			v[k("2")], v[k("3")], v[k("8")] = 0, 0, 0
		} else {
			v[k("2")], v[k("3")], v[k("8")] = e[k("2")], e[k("3")], e[k("8")]
		}
		if col == "services" {
			v[k("4")] = c.TaxableSales5
			if c.TaxableSales5 < e[k("4")] {
				moved = true
				v[k("5")], v[k("6")] = 0, 0
			} else {
				v[k("5")], v[k("6")] = e[k("5")], e[k("6")]
			}
		}
		v[k("10")] = c.ExemptSmallBusiness
		v[k("11")] = c.ExemptBelowThreshold
		v[k("12")] = e[k("12")]
		v[k("9")] = v[k("10")] + v[k("11")] + v[k("12")]
		v[k("13")], v[k("14")] = e[k("13")], e[k("14")]
		v[k("15")] = c.TaxPayable
		v[k("16")] = c.Reduction
		v[k("18")] = c.ExemptTaxSmall
		v[k("19")] = c.ExemptTaxBelow
		v[k("17")] = v[k("18")] + v[k("19")]
		v[k("20")] = v[k("15")] - v[k("16")]
		v[k("21")] = e[k("21")]
		v[k("22")] = v[k("20")] - v[k("21")]
	}
	for _, k := range f.PriorKeys {
		no, col, _ := cutKey(k)
		v[Key(no, col+"_ytd")] = in.Prior[k] + v[k]
	}
	if moved {
		line := "第10栏（小微企业免税销售额）"
		if in.Facts.Individual || par.UnitsExemptOn == rules.BelowThresholdLine {
			line = "第11栏（未达起征点销售额）"
		}
		out.Notes = append(out.Notes, "本期销售额合计未达到免征增值税的标准，已按规定转入"+line+"，免税额填入第17栏。")
	}
	if v["16.goods"]+v["16.services"] > 0 {
		out.Notes = append(out.Notes, fmt.Sprintf("适用3%%征收率的应税销售额减按%s征收，减征额填入第16栏。", par.Rate3))
	}

	vat := v["20.goods"] + v["20.services"]
	s, err := rules.Surcharges(rules.SurchargeInput{Period: in.Period, Location: in.Facts.Location, VAT: max(0, vat),
		Status: rules.TaxpayerStatus{SmallScale: true, IndividualBusiness: in.Facts.IndividualBusiness}})
	if err != nil {
		return Output{}, err
	}
	v["23"], v["24"], v["25"] = s.CityMaintenance.Payable, s.Education.Payable, s.LocalEducation.Payable
	out.Basis = append(out.Basis, s.CityMaintenance.Source, s.Education.Source, s.LocalEducation.Source)
	if s.ReliefSource != "" {
		out.Basis = append(out.Basis, s.ReliefSource)
		out.Notes = append(out.Notes, "附加税费按“六税两费”减半征收。")
	}
	out.TaxDue = v["22.goods"] + v["22.services"] + s.Payable
	return out, nil
}

func cutKey(k string) (no, col string, ok bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == '.' {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}
