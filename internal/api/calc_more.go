package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/calc"
	"taxhall/internal/money"
)

// calcMoreRoutes are the further public calculators: the same internal/calc
// functions as the web pages /calculators/….
func (a *API) calcMoreRoutes() []route {
	r := func(name, summary, doc string, h handler) route {
		return route{Pattern: "POST /calculators/" + name, Tag: tagCalc, Access: Public, Status: http.StatusOK,
			Errors: []apperr.Code{apperr.Invalid}, Summary: summary, Doc: doc, Handler: h}
	}
	return []route{
		r("labour", "劳务报酬个人所得税计算（按次预扣预缴）",
			"按国家税务总局公告2018年第61号：每次收入不超过4,000元减除800元，4,000元以上减除20%，按预扣率表二计算应预扣预缴税额。按支付日期适用当时的规定。",
			handle(a.calcLabour)),
		r("late-fee", "税款滞纳金计算",
			"按税收征收管理法第三十二条，自缴款期限届满次日起至缴纳之日止，按日加收滞纳税款万分之五。",
			handle(a.calcLateFee)),
		r("vat-general", "一般纳税人增值税及附加税费计算",
			"按增值税及附加税费申报表（一般纳税人适用）主表的计算关系：各税率销项税额、进项税额、上期留抵、进项转出、实际抵扣、期末留抵、简易计税应纳税额、减征额、应纳税额合计，以及以应纳税额合计为计税依据的附加税费。按所属期适用当期税率。",
			handle(a.calcVATGeneral)),
		r("eit", "企业所得税月（季）度预缴计算（含小型微利企业判断）",
			"按企业所得税月（季）度预缴纳税申报表（A类）以本年累计数计算，判断小型微利企业条件（应纳税所得额、从业人数、资产总额、行业），本期应补缴税额小于0时为0。",
			handle(a.calcEIT)),
		r("property", "房产税计算（从价、从租）",
			"从价计征：房产原值 ×（1 − 省级规定的减除比例）× 1.2% × 月份数 ÷ 12；从租计征：租金收入 × 12%（出租住房 4%）；按纳税人类型计算“六税两费”减征。",
			handle(a.calcProperty)),
		r("land", "城镇土地使用税计算",
			"占用土地面积 × 土地等级的每平方米年税额 × 月份数 ÷ 12，按纳税人类型计算“六税两费”减征。厦门市等级税额为待核实的数值，其他地区可直接提交每平方米年税额。",
			handle(a.calcLand)),
		r("stamp", "印花税计算",
			"按印花税法所附税目税率表逐项计算（2022年7月1日起的期间），按纳税人类型计算“六税两费”减征。证券交易印花税由证券登记结算机构代扣代缴，不在此计算。",
			handle(a.calcStamp)),
	}
}

// yearString is a year for internal/calc: 0 (absent) is "".
func yearString(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

type labourRequest struct {
	Paid   string `json:"paid" doc:"支付日期，如 2026-06-30"`
	Income string `json:"income" doc:"每次收入（元）"`
}

type labourView struct {
	Paid      string     `json:"paid" doc:"支付日期"`
	Deduction string     `json:"deduction" doc:"减除费用（元）"`
	Taxable   string     `json:"taxable" doc:"预扣预缴应纳税所得额（元）"`
	Rate      string     `json:"rate" doc:"预扣率"`
	Quick     string     `json:"quick_deduction" doc:"速算扣除数（元）"`
	Tax       string     `json:"tax" doc:"应预扣预缴税额（元）"`
	Steps     []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcLabour(_ context.Context, _ *http.Request, req labourRequest) (labourView, error) {
	r, err := calc.Labour(calc.LabourInput{Paid: req.Paid, Income: req.Income})
	if err != nil {
		return labourView{}, err
	}
	y, l := money.FormatYuan, r.Labour
	return labourView{Paid: r.Paid.String(), Deduction: y(l.Deduction), Taxable: y(l.Taxable), Rate: l.Bracket.Rate.String(),
		Quick: y(l.Bracket.Quick), Tax: y(l.Tax), Steps: stepViews(r.Steps)}, nil
}

type lateFeeRequest struct {
	Unpaid   string `json:"unpaid" doc:"欠缴税款（元）"`
	Deadline string `json:"deadline" doc:"缴款期限（最后一天），如 2026-05-15"`
	Paid     string `json:"paid" doc:"实际缴纳日期，如 2026-05-25"`
}

type lateFeeView struct {
	Days  int        `json:"days" doc:"滞纳天数"`
	Rate  string     `json:"daily_rate" doc:"日加收率"`
	Fee   string     `json:"fee" doc:"滞纳金（元）"`
	Steps []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcLateFee(_ context.Context, _ *http.Request, req lateFeeRequest) (lateFeeView, error) {
	r, err := calc.LateFee(calc.LateFeeInput{Unpaid: req.Unpaid, Deadline: req.Deadline, Paid: req.Paid})
	if err != nil {
		return lateFeeView{}, err
	}
	rate := ""
	if r.Fee.Days > 0 {
		rate = r.Fee.Rate.String()
	}
	return lateFeeView{Days: r.Fee.Days, Rate: rate, Fee: money.FormatYuan(r.Fee.Fee), Steps: stepViews(r.Steps)}, nil
}

type vatGeneralRequest struct {
	Year        int    `json:"year" doc:"年度"`
	Period      string `json:"period" doc:"所属期：m1–m12 为月份，q1–q4 为季度"`
	Sales13     string `json:"sales_13" doc:"适用13%税率的不含税销售额（元）；可为空"`
	Sales9      string `json:"sales_9" doc:"适用9%税率的不含税销售额（元）；可为空"`
	Sales6      string `json:"sales_6" doc:"适用6%税率的不含税销售额（元）；可为空"`
	Sales0      string `json:"sales_0" doc:"免、抵、退办法出口销售额（元）；可为空"`
	Exempt      string `json:"exempt" doc:"免税销售额（元）；可为空"`
	Simplified3 string `json:"simplified_3" doc:"简易计税3%征收率销售额（元）；可为空"`
	Simplified5 string `json:"simplified_5" doc:"简易计税5%征收率销售额（元）；可为空"`
	InputTax    string `json:"input_tax" doc:"本期进项税额（元）；可为空"`
	Carried     string `json:"carried_credit" doc:"上期留抵税额（元）；可为空"`
	Transferred string `json:"transferred_out" doc:"进项税额转出（元）；可为空"`
	Reductions  string `json:"reductions" doc:"应纳税额减征额（元）；可为空"`
	Prepaid     string `json:"prepaid" doc:"分次预缴税额（元）；可为空"`
	Location    string `json:"location" doc:"纳税人所在地：city 市区，county 县城、镇，elsewhere 其他"`
}

type vatGeneralView struct {
	Period          string     `json:"period" doc:"所属期"`
	OutputTax       string     `json:"output_tax" doc:"销项税额（第11栏，元）"`
	Deductible      string     `json:"deductible" doc:"应抵扣税额合计（第17栏，元）"`
	Deducted        string     `json:"deducted" doc:"实际抵扣税额（第18栏，元）"`
	GeneralTax      string     `json:"general_tax" doc:"一般计税应纳税额（第19栏，元）"`
	CreditForward   string     `json:"credit_forward" doc:"期末留抵税额（第20栏，元）"`
	SimplifiedTax   string     `json:"simplified_tax" doc:"简易计税办法计算的应纳税额（第21栏，元）"`
	Reductions      string     `json:"reductions" doc:"应纳税额减征额（第23栏，元）"`
	TaxTotal        string     `json:"tax_total" doc:"应纳税额合计（第24栏，元）"`
	Balance         string     `json:"balance" doc:"本期应补（退）税额（第34栏，元）"`
	SurchargesTotal string     `json:"surcharges_total" doc:"附加税费合计（元）"`
	Total           string     `json:"total" doc:"增值税及附加税费合计（元）"`
	Steps           []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcVATGeneral(_ context.Context, _ *http.Request, req vatGeneralRequest) (vatGeneralView, error) {
	r, err := calc.VATGeneral(calc.VATGeneralInput{Year: yearString(req.Year), Period: req.Period,
		Sales13: req.Sales13, Sales9: req.Sales9, Sales6: req.Sales6, Sales0: req.Sales0, Exempt: req.Exempt,
		Simplified3: req.Simplified3, Simplified5: req.Simplified5, InputTax: req.InputTax, Carried: req.Carried,
		Transferred: req.Transferred, Reductions: req.Reductions, Prepaid: req.Prepaid, Location: req.Location})
	if err != nil {
		return vatGeneralView{}, renameFields(err, map[string]string{"sales13": "sales_13", "sales9": "sales_9", "sales6": "sales_6",
			"sales0": "sales_0", "simplified3": "simplified_3", "simplified5": "simplified_5", "carried": "carried_credit", "transferred": "transferred_out"})
	}
	y, v := money.FormatYuan, r.VAT
	return vatGeneralView{Period: r.PeriodName, OutputTax: y(v.OutputTax), Deductible: y(v.Deductible), Deducted: y(v.Deducted),
		GeneralTax: y(v.GeneralTax), CreditForward: y(v.CreditForward), SimplifiedTax: y(v.SimplifiedTax), Reductions: y(v.Reductions),
		TaxTotal: y(v.TaxTotal), Balance: y(v.Balance), SurchargesTotal: y(r.Surcharges.Payable), Total: y(r.Total),
		Steps: stepViews(r.Steps)}, nil
}

type eitRequest struct {
	Year       int    `json:"year" doc:"年度"`
	Period     string `json:"period" doc:"预缴所属期：q1–q4 为季度，m1–m12 为月份；金额均为本年1月1日至所属期末的累计数"`
	Revenue    string `json:"revenue" doc:"营业收入（元）；可为空"`
	Cost       string `json:"cost" doc:"营业成本（元）；可为空"`
	Profit     string `json:"profit" doc:"利润总额（元），亏损为负数，如 \"-5000\""`
	TaxFree    string `json:"tax_free" doc:"免税收入、减计收入、加计扣除（元）；可为空"`
	LossOffset string `json:"loss_offset" doc:"弥补以前年度亏损（元）；可为空"`
	Prepaid    string `json:"prepaid" doc:"本年实际已缴纳所得税额（元），不含本期；可为空"`
	Employees  string `json:"employees" doc:"从业人数季度平均值，最多两位小数，如 \"12.5\""`
	Assets     string `json:"assets" doc:"资产总额季度平均值（元）"`
	Restricted bool   `json:"restricted" doc:"从事国家限制或禁止行业"`
}

type eitView struct {
	Period         string     `json:"period" doc:"计算期间"`
	ActualProfit   string     `json:"actual_profit" doc:"实际利润额（第10行，元）"`
	Rate           string     `json:"rate" doc:"税率（第11行）"`
	Tax            string     `json:"tax" doc:"应纳所得税额（第12行，元）"`
	SmallLowProfit bool       `json:"small_low_profit" doc:"是否符合小型微利企业条件"`
	Relief         string     `json:"relief" doc:"减免所得税额（第13行，元）"`
	Prepaid        string     `json:"prepaid" doc:"本年实际已缴纳所得税额（第14行，元）"`
	Payable        string     `json:"payable" doc:"本期应补（退）所得税额（第16行，元），不小于0"`
	Steps          []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcEIT(_ context.Context, _ *http.Request, req eitRequest) (eitView, error) {
	r, err := calc.EIT(calc.EITInput{Year: yearString(req.Year), Period: req.Period, Revenue: req.Revenue, Cost: req.Cost,
		Profit: req.Profit, TaxFree: req.TaxFree, LossOffset: req.LossOffset, Prepaid: req.Prepaid,
		Employees: req.Employees, Assets: req.Assets, Restricted: req.Restricted})
	if err != nil {
		return eitView{}, err
	}
	y, e := money.FormatYuan, r.EIT
	return eitView{Period: r.PeriodName, ActualProfit: y(e.ActualProfit), Rate: e.Rate.String(), Tax: y(e.Tax),
		SmallLowProfit: e.SmallLowProfit, Relief: y(e.Relief), Prepaid: y(e.Prepaid), Payable: y(e.Payable), Steps: stepViews(r.Steps)}, nil
}

type propertyRequest struct {
	Year            int    `json:"year" doc:"年度"`
	Period          string `json:"period" doc:"所属期：y 全年，h1/h2 上/下半年，q1–q4 季度，m1–m12 月份"`
	Original        string `json:"original_value" doc:"从价计征的房产原值（元）；可为空"`
	Region          string `json:"region" doc:"房产所在省份：fujian 福建省（含厦门市），beijing 北京市，other 其他（须填 deduction）"`
	Deduction       string `json:"deduction" doc:"减除比例（%），region 为 other 时填写，10–30"`
	Rent            string `json:"rent" doc:"从租计征的本期租金收入（元，不含增值税）；可为空"`
	ResidentialRent bool   `json:"residential_rent" doc:"出租的是住房（按4%）"`
	Status          string `json:"status" doc:"纳税人类型：none 以上都不是，small_scale 增值税小规模纳税人，small_low_profit 小型微利企业，individual 个体工商户"`
}

type propertyView struct {
	Period    string     `json:"period" doc:"所属期"`
	ValueTax  string     `json:"value_tax" doc:"从价计征应纳税额（元）"`
	RentTax   string     `json:"rent_tax" doc:"从租计征应纳税额（元）"`
	Tax       string     `json:"tax" doc:"应纳税额合计（元）"`
	Reduction string     `json:"reduction" doc:"“六税两费”减征额（元）"`
	Payable   string     `json:"payable" doc:"应缴房产税（元）"`
	Steps     []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcProperty(_ context.Context, _ *http.Request, req propertyRequest) (propertyView, error) {
	r, err := calc.Property(calc.PropertyInput{Year: yearString(req.Year), Period: req.Period, Original: req.Original, Region: req.Region,
		Deduction: req.Deduction, Rent: req.Rent, ResidentialRent: req.ResidentialRent, Status: req.Status})
	if err != nil {
		return propertyView{}, renameFields(err, map[string]string{"original": "original_value"})
	}
	y, t := money.FormatYuan, r.Tax
	return propertyView{Period: r.PeriodName, ValueTax: y(t.Value.Tax), RentTax: y(t.Rent.Tax), Tax: y(t.Tax),
		Reduction: y(t.Reduction), Payable: y(t.Payable), Steps: stepViews(r.Steps)}, nil
}

type landRequest struct {
	Year   int    `json:"year" doc:"年度"`
	Period string `json:"period" doc:"所属期：y 全年，h1/h2 上/下半年，q1–q4 季度，m1–m12 月份"`
	Area   string `json:"area" doc:"实际占用土地面积（平方米），最多两位小数"`
	Grade  string `json:"grade" doc:"土地等级：xiamen:1 至 xiamen:6（厦门市一至六级，税额待核实），或 other（须填 per_m2）"`
	PerM2  string `json:"per_m2" doc:"每平方米年税额（元），grade 为 other 时填写，0.42–30"`
	Status string `json:"status" doc:"纳税人类型：none 以上都不是，small_scale 增值税小规模纳税人，small_low_profit 小型微利企业，individual 个体工商户"`
}

type landView struct {
	Period    string     `json:"period" doc:"所属期"`
	PerM2     string     `json:"per_m2" doc:"适用的每平方米年税额（元）"`
	Tax       string     `json:"tax" doc:"应纳税额（元）"`
	Reduction string     `json:"reduction" doc:"“六税两费”减征额（元）"`
	Payable   string     `json:"payable" doc:"应缴城镇土地使用税（元）"`
	Steps     []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcLand(_ context.Context, _ *http.Request, req landRequest) (landView, error) {
	r, err := calc.Land(calc.LandInput{Year: yearString(req.Year), Period: req.Period, Area: req.Area, Grade: req.Grade, PerM2: req.PerM2, Status: req.Status})
	if err != nil {
		return landView{}, err
	}
	y, t := money.FormatYuan, r.Tax
	return landView{Period: r.PeriodName, PerM2: y(t.Grade.PerM2), Tax: y(t.Tax), Reduction: y(t.Reduction), Payable: y(t.Payable),
		Steps: stepViews(r.Steps)}, nil
}

type stampRequest struct {
	Year   int               `json:"year" doc:"年度（2022年第3季度起）"`
	Period string            `json:"period" doc:"所属期：q1–q4 季度，y 全年"`
	Bases  map[string]string `json:"bases" doc:"各税目的计税依据（元），键为税目代码：loan 借款合同，finance_lease 融资租赁合同，sale 买卖合同，work 承揽合同，construction 建设工程合同，transport 运输合同，technology 技术合同，lease 租赁合同，custody 保管合同，warehouse 仓储合同，insurance 财产保险合同，land_grant 土地使用权出让书据，property_transfer 土地使用权、房屋等建筑物和构筑物所有权转让书据，equity 股权转让书据，ip 商标专用权、著作权、专利权、专有技术使用权转让书据，ledger 营业账簿"`
	Status string            `json:"status" doc:"纳税人类型：none 以上都不是，small_scale 增值税小规模纳税人，small_low_profit 小型微利企业，individual 个体工商户"`
}

type stampLineView struct {
	Item      string `json:"item" doc:"税目代码"`
	Name      string `json:"name" doc:"税目"`
	Base      string `json:"base" doc:"计税依据（元）"`
	Rate      string `json:"rate" doc:"税率，如 万分之三"`
	Tax       string `json:"tax" doc:"应纳税额（元）"`
	Reduction string `json:"reduction" doc:"减征额（元）"`
}

type stampView struct {
	Period    string          `json:"period" doc:"所属期"`
	Lines     []stampLineView `json:"lines" doc:"各税目的计算"`
	Tax       string          `json:"tax" doc:"应纳税额合计（元）"`
	Reduction string          `json:"reduction" doc:"“六税两费”减征额（元）"`
	Payable   string          `json:"payable" doc:"应缴印花税（元）"`
	Steps     []calcStep      `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcStamp(_ context.Context, _ *http.Request, req stampRequest) (stampView, error) {
	known := map[string]bool{}
	names := map[string]string{}
	for _, it := range calc.StampItems() {
		known[it.Code] = true
		names["b_"+it.Code] = "bases[" + it.Code + "]"
	}
	f := apperr.Fields{}
	for code := range req.Bases {
		if !known[code] {
			f.Add("bases["+code+"]", "没有这个税目代码")
		}
	}
	if err := f.Err(); err != nil {
		return stampView{}, err
	}
	r, err := calc.Stamp(calc.StampInput{Year: yearString(req.Year), Period: req.Period, Bases: req.Bases, Status: req.Status})
	if err != nil {
		// Nothing typed at all is said of bases, not of its first item.
		typed := false
		for _, v := range req.Bases {
			typed = typed || strings.TrimSpace(v) != ""
		}
		if first := "b_" + calc.StampItems()[0].Code; !typed {
			names[first] = "bases"
		}
		return stampView{}, renameFields(err, names)
	}
	y := money.FormatYuan
	v := stampView{Period: r.PeriodName, Tax: y(r.Duty.Tax), Reduction: y(r.Duty.Reduction), Payable: y(r.Duty.Payable), Steps: stepViews(r.Steps)}
	for _, l := range r.Duty.Lines {
		v.Lines = append(v.Lines, stampLineView{Item: l.Item.Code, Name: l.Item.Name, Base: y(l.Base), Rate: l.Item.RateText,
			Tax: y(l.Tax), Reduction: y(l.Reduction)})
	}
	return v, nil
}
