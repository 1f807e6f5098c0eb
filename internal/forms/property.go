package forms

import (
	"errors"
	"fmt"
	"slices"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// 财产和行为税纳税申报表 (国家税务总局公告2021年第9号: the property and
// behaviour taxes declared together on one main form, each tax on its own
// rows with its 税源). Here it is two definitions of the same printed form,
// one per identification that files it:
//
//   - PropertyBehaviour (tax type "property"): 房产税 on value and on rent,
//     and 印花税 by item (stamp duty has no identification of its own and is
//     declared on this form);
//   - PropertyBehaviourLand (tax type "land_use"): 城镇土地使用税.
//
// One return per identification keeps one liability per tax (the
// tax_liabilities and filing_stats rows are keyed by tax type), lets the two
// taxes have different filing periods, and never declares a tax twice.
//
// The tax bases of 房产税 and 城镇土地使用税 are never typed: they come from
// the taxpayer's registered tax sources (税源), which the store's loader
// gives as Input.Extra (PropertySources). The taxpayer may type the declared
// base (申报计税依据); it must equal the sources' figure, or the return is
// refused with both numbers. Stamp duty has no source: its bases are typed.

// The columns of both definitions, as the official form's 计税依据 … 应补（退）税额.
var propertyColumns = []Column{
	{"source", "税源计税依据"},
	{"declared", "申报计税依据"},
	{"tax", "应纳税额"},
	{"relief", "减免税额"},
	{"paid", "已缴税额"},
	{"due", "应补（退）税额"},
}

// SourceBuilding is a registered building (房产税源) as the return needs it.
type SourceBuilding struct {
	ID            int64
	Name          string
	Region        string // a key of rules.PropertyDeduction: the province's deduction
	OriginalValue int64  // 房产原值, fen
	Rented        bool   // let: taxed on the rent (房产税暂行条例 第三条)
	AnnualRent    int64  // fen a year, tax excluded
	Residential   bool   // housing: 4% on rent; a natural person's own home is exempt
	From, To      calendar.Date
}

// SourceParcel is a registered land parcel (城镇土地使用税税源).
type SourceParcel struct {
	ID          int64
	Name        string
	City, Grade string // keys of rules.LandGrades and its grade
	Area        int64  // hundredths of a square metre
	From, To    calendar.Date
}

// PropertySources is the Extra of the property forms: the sources held on
// some day of the period and what decides the "六税两费" relief.
type PropertySources struct {
	Buildings []SourceBuilding
	Parcels   []SourceParcel
	// SmallScale: a small-scale VAT identification was in force at the
	// period's end (财政部 税务总局公告2022年第10号 第一条).
	SmallScale    bool
	NaturalPerson bool
}

// PropertyDetail is one source's computation, kept in the canonical
// document (Output.Detail) so that every figure can be traced to its source.
type PropertyDetail struct {
	Source string `json:"source"` // "building:12", "parcel:3"
	Name   string `json:"name"`
	Method string `json:"method"` // value, rent, residential_rent, exempt, land
	From   string `json:"from"`   // the taxable months: first and last day
	To     string `json:"to"`
	Months int    `json:"months"`
	Base   string `json:"base"` // original value, rent of the months, or area (m²)
	Tax    string `json:"tax"`
	Relief string `json:"relief"`
}

// TaxableMonths returns the months of period p for which a source held from
// from to to (zero: still held) is taxed: from the month after it was
// acquired or delivered (国家税务总局关于房产税城镇土地使用税有关政策规定的
// 通知 国税发〔2003〕89号 第二条: 自…之次月起) to the end of the month in
// which it was disposed of (财政部 国家税务总局关于房产税城镇土地使用税有关
// 问题的通知 财税〔2008〕152号 第三条: 截止到…当月末). ok is false when no
// month of p is taxed. p must be whole months of one year.
func TaxableMonths(p rules.Period, from, to calendar.Date) (rules.Period, bool) {
	start := calendar.MakeDate(from.Y, from.M+1, 1)
	if start.Before(p.Start) {
		start = p.Start
	}
	end := p.End
	if !to.IsZero() {
		if e := calendar.MakeDate(to.Y, to.M+1, 0); e.Before(end) {
			end = e
		}
	}
	if end.Before(start) {
		return rules.Period{}, false
	}
	return rules.Period{Start: start, End: end}, true
}

// ProrationSource names the rule of TaxableMonths.
const ProrationSource = "国税发〔2003〕89号 第二条（自取得、交付使用之次月起计征）；财税〔2008〕152号 第三条（纳税义务截止到权利状态发生变化的当月末）"

// Line numbers of PropertyBehaviour.
const (
	lineValue           = "1"
	lineRent            = "2"
	lineResidentialRent = "3"
	lineLand            = "1" // of PropertyBehaviourLand
)

// stampLines are the stamp duty items declared on the form, line 4 on, in
// the order of the table; securities transactions are withheld by the
// clearing house and are not declared here.
var stampLines = func() []rules.StampItem {
	items, err := rules.StampItemsAt(calendar.MakeDate(2022, 7, 1))
	if err != nil {
		panic(err)
	}
	return slices.DeleteFunc(slices.Clone(items), func(i rules.StampItem) bool { return i.Securities })
}()

func stampLineNo(i int) string { return fmt.Sprint(4 + i) }

var propertyTotalLine = stampLineNo(len(stampLines))

func propertyLines() []Line {
	srcHint := "税源计税依据由已登记的税源按所属期计算；申报计税依据可不填，填写的须与之一致"
	lines := []Line{
		{No: lineValue, Name: "房产税 从价计征（房产原值，年税率1.2%）", Kinds: "CECCEC", Section: "一、房产税", Hint: srcHint},
		{No: lineRent, Name: "房产税 从租计征（租金收入，税率12%）", Kinds: "CECCEC", Hint: "所属期内可计税月份的租金"},
		{No: lineResidentialRent, Name: "房产税 从租计征（出租住房，税率4%）", Kinds: "CECCEC",
			Hint: "个人出租住房；单位按市场价格向个人出租用于居住的住房"},
	}
	for i, it := range stampLines {
		l := Line{No: stampLineNo(i), Name: "印花税 " + it.Name + "（" + it.Base + "，" + it.RateText + "）", Kinds: "-ECCEC"}
		if i == 0 {
			l.Section = "二、印花税"
			l.Hint = "填写所属期内书立的应税凭证的计税依据（不含列明的增值税税款）"
		}
		lines = append(lines, l)
	}
	return append(lines, Line{No: propertyTotalLine, Name: "合计", Kinds: "--CCCC", Section: "三、合计"})
}

// PropertyBehaviour is 财产和行为税纳税申报表 for 房产税 and 印花税.
var PropertyBehaviour = register(&Form{
	Code:               "property_behaviour",
	Name:               "财产和行为税纳税申报表",
	Short:              "财产和行为税（房产税、印花税）",
	Basis:              "国家税务总局公告2021年第9号",
	TaxType:            "property",
	Periods:            []string{"month", "quarter", "year"},
	Columns:            propertyColumns,
	SmallLowProfitFact: true,
	Zero:               true,
	Lines:              propertyLines(),
	Compute:            computeProperty,
})

// PropertyBehaviourLand is 财产和行为税纳税申报表 for 城镇土地使用税.
var PropertyBehaviourLand = register(&Form{
	Code:               "property_behaviour_land",
	Name:               "财产和行为税纳税申报表",
	Short:              "财产和行为税（城镇土地使用税）",
	Basis:              "国家税务总局公告2021年第9号",
	TaxType:            "land_use",
	Periods:            []string{"month", "quarter", "year"},
	Columns:            propertyColumns,
	SmallLowProfitFact: true,
	Zero:               true,
	Lines: []Line{
		{No: lineLand, Name: "城镇土地使用税（计税依据：应税土地面积，平方米）", Kinds: "CECCEC", Section: "城镇土地使用税",
			Hint: "税源计税依据为已登记的土地税源在所属期内的占用面积合计；申报计税依据可不填，填写的须与之一致"},
	},
	Compute: computeLand,
})

// propertyCtx carries one computation.
type propertyCtx struct {
	f      *Form
	in     Input
	src    PropertySources
	status rules.TaxpayerStatus
	v      Values
	out    Output
	errs   apperr.Fields
	detail []PropertyDetail
	basis  []string
}

func newPropertyCtx(f *Form, in Input) *propertyCtx {
	c := &propertyCtx{f: f, in: in, v: Values{}, errs: apperr.Fields{}}
	switch s := in.Extra.(type) {
	case PropertySources:
		c.src = s
	case *PropertySources:
		if s != nil {
			c.src = *s
		}
	}
	c.status = rules.TaxpayerStatus{SmallScale: c.src.SmallScale || in.Facts.SmallScale,
		SmallLowProfit: in.Facts.SmallLowProfit, IndividualBusiness: in.Facts.IndividualBusiness}
	c.out.Values = c.v
	return c
}

func (c *propertyCtx) cite(s ...string) {
	for _, x := range s {
		if x != "" && !slices.Contains(c.basis, x) {
			c.basis = append(c.basis, x)
		}
	}
}

// addSource books one source's computation on a line.
func (c *propertyCtx) addSource(line string, d PropertyDetail, base, tax, relief int64) {
	c.v[Key(line, "source")] += base
	c.v[Key(line, "tax")] += tax
	c.v[Key(line, "relief")] += relief
	d.Tax, d.Relief = Plain(tax), Plain(relief)
	c.detail = append(c.detail, d)
}

// declared checks a line's declared base against the sources' figure; an
// empty cell takes the sources' figure.
func (c *propertyCtx) declared(line, what, unit string) {
	k, src := Key(line, "declared"), c.v[Key(line, "source")]
	got, typed := c.in.Entered[k]
	if typed && got != src {
		msg := fmt.Sprintf("第%s栏 %s %s%s 与税源登记的%s %s%s 不一致，请先更正税源信息", line, what, money.FormatYuan(got), unit, what, money.FormatYuan(src), unit)
		if src == 0 {
			msg = fmt.Sprintf("第%s栏 %s %s%s 与税源登记的%s 0.00%s 不一致：所属期内没有应按此栏计税的税源，请先登记税源", line, what, money.FormatYuan(got), unit, what, unit)
		}
		c.errs.Add(k, msg)
	}
	c.v[k] = src
}

// settle fills a line's paid and due cells.
func (c *propertyCtx) settle(line string) {
	paid := c.in.Entered[Key(line, "paid")]
	c.v[Key(line, "paid")] = paid
	c.v[Key(line, "due")] = c.v[Key(line, "tax")] - c.v[Key(line, "relief")] - paid
}

// finish totals the return. A failed cross-check keeps the computed cells,
// so that the page shows the sources' figures next to the message.
func (c *propertyCtx) finish(lines []string) (Output, error) {
	if len(c.errs) > 0 {
		c.out.Fields = c.errs
	}
	for _, l := range lines {
		c.out.TaxDue += c.v[Key(l, "due")]
	}
	if c.detail == nil {
		c.detail = []PropertyDetail{}
	}
	c.out.Detail = c.detail
	c.out.Basis = c.basis
	return c.out, nil
}

func monthsText(p rules.Period) string {
	if p.Start.M == p.End.M {
		return fmt.Sprintf("%d年%d月", p.Start.Y, int(p.Start.M))
	}
	return fmt.Sprintf("%d年%d月至%d月", p.Start.Y, int(p.Start.M), int(p.End.M))
}

// rentOf is the rent of the taxable months: the yearly rent × months ÷ 12,
// rounded half up to the fen.
func rentOf(annual int64, months int) int64 {
	return (annual*int64(months)*2 + 12) / 24
}

func computeProperty(f *Form, in Input) (Output, error) {
	c := newPropertyCtx(f, in)
	prorated := false
	for _, b := range c.src.Buildings {
		hp, ok := TaxableMonths(in.Period, b.From, b.To)
		if !ok {
			continue
		}
		months, err := rules.WholeMonths(hp)
		if err != nil {
			return Output{}, err
		}
		if hp != in.Period {
			prorated = true
		}
		d := PropertyDetail{Source: fmt.Sprintf("building:%d", b.ID), Name: b.Name, From: hp.Start.String(), To: hp.End.String(), Months: months}
		switch {
		case b.Rented:
			rent := rentOf(b.AnnualRent, months)
			r, err := rules.PropertyTax(rules.PropertyInput{Period: hp, Rent: rent, ResidentialRent: b.Residential, Status: c.status})
			if err != nil {
				return Output{}, err
			}
			line := lineRent
			d.Method = "rent"
			if b.Residential {
				line, d.Method = lineResidentialRent, "residential_rent"
			}
			d.Base = Plain(rent)
			c.addSource(line, d, rent, r.Rent.Tax, r.Rent.Reduction)
			c.cite(r.Source, r.ReliefSource)
			c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s：从租计征，%s租金 %s 元 × %s = %s 元。",
				b.Name, monthsText(hp), money.FormatYuan(rent), r.Rent.Rate, money.FormatYuan(r.Rent.Tax)))
		case b.Residential && c.src.NaturalPerson:
			d.Method, d.Base = "exempt", Plain(b.OriginalValue)
			c.detail = append(c.detail, d)
			c.cite("房产税暂行条例 第五条第（四）项（个人所有非营业用的房产免纳房产税）")
			c.out.Notes = append(c.out.Notes, b.Name+"：个人所有非营业用的住房，免纳房产税。")
		default:
			r, err := rules.PropertyTax(rules.PropertyInput{Period: hp, OriginalValue: b.OriginalValue, Region: b.Region, Status: c.status})
			if err != nil {
				return Output{}, err
			}
			d.Method, d.Base = "value", Plain(b.OriginalValue)
			c.addSource(lineValue, d, b.OriginalValue, r.Value.Tax, r.Value.Reduction)
			c.cite(r.Source, r.Value.Source, r.ReliefSource)
			c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s：从价计征，原值 %s 元 × (1 − %s) × %s × %d/12（%s）= %s 元。",
				b.Name, money.FormatYuan(b.OriginalValue), r.Value.Deduction, r.Value.Rate, months, monthsText(hp), money.FormatYuan(r.Value.Tax)))
		}
	}
	if prorated {
		c.cite(ProrationSource)
	}
	c.declared(lineValue, "房产原值", "")
	c.declared(lineRent, "租金收入", "")
	c.declared(lineResidentialRent, "租金收入", "")

	// Stamp duty: typed bases, one computation of the period.
	var stamp []rules.StampLine
	for i, it := range stampLines {
		k := Key(stampLineNo(i), "declared")
		c.v[k] = in.Entered[k]
		if in.Entered[k] > 0 {
			stamp = append(stamp, rules.StampLine{Item: it.Code, Base: in.Entered[k]})
		}
	}
	if len(stamp) > 0 {
		r, err := rules.StampDuty(rules.StampInput{Period: in.Period, Lines: stamp, Status: c.status})
		switch {
		case errors.Is(err, rules.ErrNoParam):
			c.errs.Add(Key(stampLineNo(0), "declared"), "所属期早于印花税法施行（2022年7月1日），不能在此申报印花税")
		case err != nil:
			return Output{}, err
		default:
			for _, l := range r.Lines {
				i := slices.IndexFunc(stampLines, func(s rules.StampItem) bool { return s.Code == l.Item.Code })
				no := stampLineNo(i)
				c.v[Key(no, "tax")], c.v[Key(no, "relief")] = l.Tax, l.Reduction
			}
			c.cite(r.Source, r.ReliefSource)
		}
	}
	all := []string{lineValue, lineRent, lineResidentialRent}
	for i := range stampLines {
		all = append(all, stampLineNo(i))
	}
	for _, l := range all {
		c.settle(l)
		for _, col := range []string{"tax", "relief", "paid", "due"} {
			c.v[Key(propertyTotalLine, col)] += c.v[Key(l, col)]
		}
	}
	if c.v[Key(propertyTotalLine, "relief")] > 0 {
		c.out.Notes = append(c.out.Notes, "按“六税两费”减征政策减半征收，减免税额见各栏。")
	}
	return c.finish(all)
}

func computeLand(f *Form, in Input) (Output, error) {
	c := newPropertyCtx(f, in)
	prorated := false
	for _, p := range c.src.Parcels {
		hp, ok := TaxableMonths(in.Period, p.From, p.To)
		if !ok {
			continue
		}
		if hp != in.Period {
			prorated = true
		}
		r, err := rules.LandUseTax(rules.LandInput{Period: hp, Area: p.Area, City: p.City, Grade: p.Grade, Status: c.status})
		if err != nil {
			return Output{}, err
		}
		d := PropertyDetail{Source: fmt.Sprintf("parcel:%d", p.ID), Name: p.Name, Method: "land", From: hp.Start.String(), To: hp.End.String(),
			Months: r.Months, Base: Plain(p.Area)}
		c.addSource(lineLand, d, p.Area, r.Tax, r.Reduction)
		c.cite(r.Source, r.GradeSource, r.ReliefSource)
		c.out.Notes = append(c.out.Notes, fmt.Sprintf("%s：%s，%s 平方米 × %s 元/平方米·年 × %d/12（%s）= %s 元。",
			p.Name, r.Grade.Name, money.FormatYuan(p.Area), money.FormatYuan(r.Grade.PerM2), r.Months, monthsText(hp), money.FormatYuan(r.Tax)))
	}
	if prorated {
		c.cite(ProrationSource)
	}
	c.declared(lineLand, "土地面积", " 平方米")
	c.settle(lineLand)
	if c.v[Key(lineLand, "relief")] > 0 {
		c.out.Notes = append(c.out.Notes, "按“六税两费”减征政策减半征收。")
	}
	return c.finish([]string{lineLand})
}
