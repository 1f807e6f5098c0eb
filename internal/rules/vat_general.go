package rules

import (
	"errors"
	"fmt"
)

// GeneralRates are the rates of the general method (一般计税方法): the basic
// rate, the lower rate and the rate of most services. Zero-rated exports
// carry no rate.
type GeneralRates struct {
	Basic, Lower, Services Rate
}

// GeneralVATRates is the history of the general method's rates. Periods
// before 2019-04-01 (16% and 10%) are not supported: ErrNoParam.
var GeneralVATRates = Schedule[GeneralRates]{
	Name: "增值税税率",
	Entries: []Param[GeneralRates]{
		{From: d("2019-04-01"), To: d("2025-12-31"), V: GeneralRates{13 * Percent, 9 * Percent, 6 * Percent},
			Source: "增值税暂行条例 第二条；财政部 税务总局 海关总署公告2019年第39号 第一条（16%调整为13%，10%调整为9%）"},
		{From: d("2026-01-01"), To: Forever, V: GeneralRates{13 * Percent, 9 * Percent, 6 * Percent},
			Source: "增值税法 第十条"},
	},
}

// SimplifiedRates are the levy rates of the simplified method (简易计税方法)
// a general taxpayer may use: 3%, and 5% for selling and leasing real
// estate acquired before the reform and the like.
var SimplifiedRates = Schedule[[2]Rate]{
	Name: "增值税简易计税征收率",
	Entries: []Param[[2]Rate]{
		{From: d("2016-05-01"), To: d("2025-12-31"), V: [2]Rate{levyRate3, levyRate5},
			Source: "增值税暂行条例 第十二条（3%）；财税〔2016〕36号 附件2（不动产 5%）"},
		{From: d("2026-01-01"), To: Forever, V: [2]Rate{levyRate3, levyRate5},
			Source: "增值税法 第十一条（3%）；5% 征收率为过渡政策延续（per issue 8，未核对原文）"},
	},
}

// GeneralVATInput is a general taxpayer's month or quarter, in fen, tax
// excluded where it is a sales amount. The names follow the main table of
// 增值税及附加税费申报表（一般纳税人适用）(国家税务总局公告2021年第20号).
type GeneralVATInput struct {
	Period Period
	// Sales under the general method by rate (line 1 in total).
	Sales13, Sales9, Sales6 int64
	// Sales0: zero-rated exports under 免、抵、退 (line 7); no output tax.
	Sales0 int64
	// Simplified3, Simplified5: sales under the simplified method (line 5).
	Simplified3, Simplified5 int64
	// Exempt: exempt sales (line 8); no tax.
	Exempt int64
	// InputTax: 进项税额 certified this period (line 12).
	InputTax int64
	// CarriedCredit: 上期留抵税额, last period's line 20 (line 13).
	CarriedCredit int64
	// TransferredOut: 进项税额转出 (line 14).
	TransferredOut int64
	// Reductions: 应纳税额减征额 claimed (line 23), e.g. the tax-control
	// equipment fee; capped at lines 19 + 21, the rest carried forward.
	Reductions int64
	// Prepaid: 分次预缴税额 this period (line 28).
	Prepaid int64
}

// OutputLine is the output tax of one rate.
type OutputLine struct {
	Sales int64
	Rate  Rate
	Tax   int64 // Sales × Rate, rounded half up to the fen
}

// GeneralVATResult is the computation by the main table's lines.
type GeneralVATResult struct {
	Rates                    GeneralRates
	Source, SimplifiedSource string
	Out13, Out9, Out6        OutputLine
	Simplified3, Simplified5 OutputLine
	TaxableSales             int64 // line 1: sales at 13%, 9%, 6%
	SimplifiedSales          int64 // line 5
	ExportSales              int64 // line 7
	ExemptSales              int64 // line 8
	OutputTax                int64 // line 11: 销项税额
	InputTax                 int64 // line 12
	CarriedCredit            int64 // line 13
	TransferredOut           int64 // line 14
	Deductible               int64 // line 17 = 12 + 13 − 14: 应抵扣税额合计
	Deducted                 int64 // line 18 = min(17, 11): 实际抵扣税额
	GeneralTax               int64 // line 19 = 11 − 18
	CreditForward            int64 // line 20 = 17 − 18: 期末留抵税额
	SimplifiedTax            int64 // line 21
	Reductions               int64 // line 23, capped at 19 + 21
	ReductionsForward        int64 // the part of the claimed reductions over the cap
	TaxTotal                 int64 // line 24 = 19 + 21 − 23: 应纳税额合计
	Prepaid                  int64 // line 28
	Balance                  int64 // line 34 = 24 − 28: 本期应补（退）税额
}

// GeneralVAT computes a general taxpayer's VAT for a month or quarter
// (增值税法 第十四条、第十六条、第二十一条; 增值税暂行条例 第四条 before 2026):
// output tax per rate, rounded to the fen, less the deductible input tax;
// input tax beyond the output tax is carried to the next period (line 20),
// never negative tax. The simplified method's tax is added at its levy
// rates. The parameters are the period's own, not the filing date's.
func GeneralVAT(in GeneralVATInput) (GeneralVATResult, error) {
	if _, err := in.Period.Months(); err != nil {
		return GeneralVATResult{}, err
	}
	for _, v := range []int64{in.Sales13, in.Sales9, in.Sales6, in.Sales0, in.Simplified3, in.Simplified5,
		in.Exempt, in.InputTax, in.CarriedCredit, in.TransferredOut, in.Reductions, in.Prepaid} {
		if v < 0 {
			return GeneralVATResult{}, errors.New("rules: VAT amounts cannot be negative")
		}
	}
	e, err := GeneralVATRates.ForPeriod(in.Period)
	if err != nil {
		return GeneralVATResult{}, err
	}
	s, err := SimplifiedRates.ForPeriod(in.Period)
	if err != nil {
		return GeneralVATResult{}, err
	}
	deductible := in.InputTax + in.CarriedCredit - in.TransferredOut
	if deductible < 0 {
		return GeneralVATResult{}, fmt.Errorf("rules: input tax transferred out (%d) exceeds the input tax and the credit carried (%d)",
			in.TransferredOut, in.InputTax+in.CarriedCredit)
	}
	out := func(sales int64, r Rate) OutputLine { return OutputLine{sales, r, mulRate(sales, r)} }
	r := GeneralVATResult{
		Rates: e.V, Source: e.Source, SimplifiedSource: s.Source,
		Out13: out(in.Sales13, e.V.Basic), Out9: out(in.Sales9, e.V.Lower), Out6: out(in.Sales6, e.V.Services),
		Simplified3: out(in.Simplified3, s.V[0]), Simplified5: out(in.Simplified5, s.V[1]),
		ExportSales: in.Sales0, ExemptSales: in.Exempt,
		InputTax: in.InputTax, CarriedCredit: in.CarriedCredit, TransferredOut: in.TransferredOut,
		Deductible: deductible, Prepaid: in.Prepaid,
	}
	r.TaxableSales = in.Sales13 + in.Sales9 + in.Sales6
	r.SimplifiedSales = in.Simplified3 + in.Simplified5
	r.OutputTax = r.Out13.Tax + r.Out9.Tax + r.Out6.Tax
	r.Deducted = min(r.Deductible, r.OutputTax)
	r.GeneralTax = r.OutputTax - r.Deducted
	r.CreditForward = r.Deductible - r.Deducted
	r.SimplifiedTax = r.Simplified3.Tax + r.Simplified5.Tax
	r.Reductions = min(in.Reductions, r.GeneralTax+r.SimplifiedTax)
	r.ReductionsForward = in.Reductions - r.Reductions
	r.TaxTotal = r.GeneralTax + r.SimplifiedTax - r.Reductions
	r.Balance = r.TaxTotal - r.Prepaid
	return r, nil
}
