package api

import (
	"context"
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/calc"
	"taxhall/internal/money"
)

const tagCalc = "帮我算税"

// calcRoutes are the public calculators: the same internal/calc functions
// as the web pages /calculators/….
func (a *API) calcRoutes() []route {
	return []route{
		{Pattern: "POST /calculators/vat-small", Tag: tagCalc, Access: Public, Status: http.StatusOK,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "小规模纳税人增值税及附加税费计算",
			Doc:     "按所属期（某年某季度或某月）适用当期的免税标准、征收率和“六税两费”减征政策，计算应纳增值税和附加税费，steps 逐步列出计算过程和政策依据。金额以元为单位的字符串提交和返回。",
			Handler: handle(a.calcVATSmall)},
		{Pattern: "POST /calculators/iit-wages", Tag: tagCalc, Access: Public, Status: http.StatusOK,
			Errors:  []apperr.Code{apperr.Invalid},
			Summary: "工资薪金个人所得税计算（累计预扣法）",
			Doc:     "按国家税务总局公告2018年第61号的累计预扣法计算某月应预扣预缴的个人所得税。累计数为本年在本单位截至该月（含）的合计；已预扣税额为以前月份的合计。",
			Handler: handle(a.calcIITWages)},
	}
}

type calcStep struct {
	Label   string `json:"label" doc:"项目"`
	Formula string `json:"formula,omitempty" doc:"计算方法"`
	Value   string `json:"value" doc:"金额（元）或税率"`
	Basis   string `json:"basis,omitempty" doc:"政策依据"`
	Total   bool   `json:"total,omitempty" doc:"是否为合计行"`
}

func stepViews(ss []calc.Step) []calcStep {
	out := make([]calcStep, 0, len(ss))
	for _, s := range ss {
		out = append(out, calcStep(s))
	}
	return out
}

type vatSmallRequest struct {
	Year       int    `json:"year" doc:"年度"`
	Period     string `json:"period" doc:"所属期：q1–q4 为季度，m1–m12 为月份"`
	Sales3     string `json:"sales_3" doc:"适用 3% 征收率的不含税销售额（元），如 \"400,000.00\"；可为空"`
	Sales5     string `json:"sales_5" doc:"适用 5% 征收率的不含税销售额（元）；可为空"`
	Location   string `json:"location" doc:"纳税人所在地：city 市区，county 县城、镇，elsewhere 其他"`
	Individual bool   `json:"individual" doc:"个体工商户或其他个人"`
	Relief     bool   `json:"six_taxes_two_fees" doc:"享受“六税两费”减半征收（小规模纳税人均可享受）"`
}

type vatSmallView struct {
	Period          string     `json:"period" doc:"所属期，如 2026年第1季度"`
	TaxPayable      string     `json:"tax_payable" doc:"本期应纳税额（元）"`
	Reduction       string     `json:"reduction" doc:"本期应纳税额减征额（元）"`
	ExemptSales     string     `json:"exempt_sales" doc:"免税销售额（元）"`
	ExemptTax       string     `json:"exempt_tax" doc:"免税额（元）"`
	VATDue          string     `json:"vat_due" doc:"应纳增值税（元）"`
	CityMaintenance string     `json:"city_maintenance" doc:"城市维护建设税（元，减征后）"`
	Education       string     `json:"education" doc:"教育费附加（元，减征后）"`
	LocalEducation  string     `json:"local_education" doc:"地方教育附加（元，减征后）"`
	SurchargesTotal string     `json:"surcharges_total" doc:"附加税费合计（元）"`
	Total           string     `json:"total" doc:"增值税及附加税费合计（元）"`
	Steps           []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcVATSmall(_ context.Context, _ *http.Request, req vatSmallRequest) (vatSmallView, error) {
	year := ""
	if req.Year != 0 {
		year = strconv.Itoa(req.Year)
	}
	r, err := calc.VATSmall(calc.VATSmallInput{Year: year, Period: req.Period, Sales3: req.Sales3, Sales5: req.Sales5,
		Location: req.Location, Individual: req.Individual, SixTaxesTwoFees: req.Relief})
	if err != nil {
		return vatSmallView{}, renameFields(err, map[string]string{"sales3": "sales_3", "sales5": "sales_5", "relief": "six_taxes_two_fees"})
	}
	y := money.FormatYuan
	return vatSmallView{Period: r.PeriodName, TaxPayable: y(r.VAT.TaxPayable), Reduction: y(r.VAT.Reduction),
		ExemptSales: y(r.VAT.ExemptSmallBusiness + r.VAT.ExemptBelowThreshold), ExemptTax: y(r.VAT.ExemptTax), VATDue: y(r.VAT.TaxDue),
		CityMaintenance: y(r.Surcharges.CityMaintenance.Payable), Education: y(r.Surcharges.Education.Payable),
		LocalEducation: y(r.Surcharges.LocalEducation.Payable), SurchargesTotal: y(r.Surcharges.Payable), Total: y(r.Total),
		Steps: stepViews(r.Steps)}, nil
}

type iitWagesRequest struct {
	Year           int    `json:"year" doc:"年度"`
	Month          int    `json:"month" doc:"计算月份 1–12"`
	MonthsEmployed int    `json:"months_employed" doc:"本年在本单位任职月份数（含本月）"`
	Income         string `json:"income" doc:"累计收入（元）"`
	Special        string `json:"special" doc:"累计专项扣除（元）：三险一金个人缴付部分；可为空"`
	Additional     string `json:"additional" doc:"累计专项附加扣除（元）；可为空"`
	Withheld       string `json:"withheld" doc:"累计已预扣预缴税额（元），不含本月；可为空"`
}

type iitWagesView struct {
	Month      string     `json:"month" doc:"计算月份，如 2026-03"`
	Basic      string     `json:"basic" doc:"累计减除费用（元）"`
	Taxable    string     `json:"taxable" doc:"累计预扣预缴应纳税所得额（元）"`
	Rate       string     `json:"rate" doc:"预扣率，如 10%"`
	Quick      string     `json:"quick_deduction" doc:"速算扣除数（元）"`
	Cumulative string     `json:"cumulative_tax" doc:"累计应预扣预缴税额（元）"`
	ThisMonth  string     `json:"this_month" doc:"本月应预扣预缴税额（元）"`
	Steps      []calcStep `json:"steps" doc:"计算步骤及政策依据"`
}

func (a *API) calcIITWages(_ context.Context, _ *http.Request, req iitWagesRequest) (iitWagesView, error) {
	num := func(n int) string {
		if n == 0 {
			return ""
		}
		return strconv.Itoa(n)
	}
	r, err := calc.IITWages(calc.IITWagesInput{Year: num(req.Year), Month: num(req.Month), MonthsEmployed: num(req.MonthsEmployed),
		Income: req.Income, Special: req.Special, Additional: req.Additional, Withheld: req.Withheld})
	if err != nil {
		return iitWagesView{}, err
	}
	y, w := money.FormatYuan, r.Wages
	return iitWagesView{Month: r.Month.String(), Basic: y(w.Basic), Taxable: y(w.Taxable), Rate: w.Bracket.Rate.String(),
		Quick: y(w.Bracket.Quick), Cumulative: y(w.Cumulative), ThisMonth: y(w.ThisMonth), Steps: stepViews(r.Steps)}, nil
}

// renameFields gives an Invalid error's fields the API's JSON names.
func renameFields(err error, names map[string]string) error {
	e := apperr.As(err)
	if e.Code != apperr.Invalid || e.Fields == nil {
		return err
	}
	f := apperr.Fields{}
	for k, v := range e.Fields {
		if n, ok := names[k]; ok {
			k = n
		}
		f[k] = v
	}
	return &apperr.Error{Code: e.Code, Message: e.Message, Fields: f}
}
