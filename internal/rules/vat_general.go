package rules

import (
	"errors"
	"fmt"
	"slices"
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
	// InspectionDue: 按适用税率计算的纳税检查应补缴税额 (line 16), added
	// back to the deductible input tax (line 17 = 12 + 13 − 14 − 15 + 16).
	InspectionDue int64
	// Detail: 附列资料（一）computed (SalesDetail). When given, the sales
	// and output tax come from it and the Sales*/Simplified*/Exempt fields
	// must be zero.
	Detail *SalesDetailResult
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
	InspectionDue            int64 // line 16
	Deductible               int64 // line 17 = 12 + 13 − 14 − 15 + 16: 应抵扣税额合计 (15: not handled, 0)
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
		in.Exempt, in.InputTax, in.CarriedCredit, in.TransferredOut, in.Reductions, in.Prepaid, in.InspectionDue} {
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
	if in.Detail != nil && in.Sales13|in.Sales9|in.Sales6|in.Sales0|in.Simplified3|in.Simplified5|in.Exempt != 0 {
		return GeneralVATResult{}, errors.New("rules: sales given both by rate and as 附列资料（一）")
	}
	deductible := in.InputTax + in.CarriedCredit - in.TransferredOut + in.InspectionDue
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
		Deductible: deductible, Prepaid: in.Prepaid, InspectionDue: in.InspectionDue,
	}
	r.TaxableSales = in.Sales13 + in.Sales9 + in.Sales6
	r.SimplifiedSales = in.Simplified3 + in.Simplified5
	r.OutputTax = r.Out13.Tax + r.Out9.Tax + r.Out6.Tax
	r.SimplifiedTax = r.Simplified3.Tax + r.Simplified5.Tax
	if d := in.Detail; d != nil {
		r.TaxableSales, r.SimplifiedSales, r.ExportSales, r.ExemptSales = d.TaxableSales, d.SimplifiedSales, d.ExportSales, d.ExemptSales
		r.OutputTax, r.SimplifiedTax = d.OutputTax, d.SimplifiedTax
	}
	r.Deducted = min(r.Deductible, r.OutputTax)
	r.GeneralTax = r.OutputTax - r.Deducted
	r.CreditForward = r.Deductible - r.Deducted
	r.Reductions = min(in.Reductions, r.GeneralTax+r.SimplifiedTax)
	r.ReductionsForward = in.Reductions - r.Reductions
	r.TaxTotal = r.GeneralTax + r.SimplifiedTax - r.Reductions
	r.Balance = r.TaxTotal - r.Prepaid
	return r, nil
}

// SalesRow is one row of 附列资料（一）（本期销售情况明细）of the general
// taxpayer's return (国家税务总局公告2021年第20号): the sales of one rate
// or levy rate, tax excluded, by how they were invoiced.
type SalesRow struct {
	// Invoiced: 开具增值税专用发票 (column 1), 开具其他发票 (column 3),
	// 未开具发票 (column 5), 纳税检查调整 (column 7).
	Special, Other, Uninvoiced, Inspection int64
	// Deduction: 服务、不动产和无形资产扣除项目本期实际扣除金额 (column 12),
	// only on the rows of services, real estate and intangibles.
	Deduction int64
}

// SalesRowResult is a row's columns 1–14.
type SalesRowResult struct {
	SalesRow
	Rate Rate
	// Columns 2, 4, 6, 8: the tax of columns 1, 3, 5, 7 at Rate, each
	// rounded half up to the fen.
	SpecialTax, OtherTax, UninvoicedTax, InspectionTax int64
	Sales                                              int64 // column 9 = 1 + 3 + 5 + 7
	Tax                                                int64 // column 10 = 2 + 4 + 6 + 8
	Gross                                              int64 // column 11 = 9 + 10 (价税合计)
	Net                                                int64 // column 13 = 11 − 12 (扣除后含税销售额)
	NetTax                                             int64 // column 14 = 13 ÷ (100% + rate) × rate
	Services                                           bool  // a row of services, real estate and intangibles (columns 11–14)
}

// The rows of 附列资料（一） the hall computes, by their official numbers,
// and the rate each applies (1–5 general method, 9a–12 simplified method,
// 16–17 免抵退 exports, 18–19 exempt). Rows 6–7 and 14–15 (即征即退),
// 8 and 10 (6% and 4% levy rates) and 13a–13c (预征率 of consolidated
// filers) are not handled by the hall.
var (
	generalSalesRows    = []string{"1", "2", "3", "4", "5"}
	simplifiedSalesRows = []string{"9a", "9b", "11", "12"}
	exportSalesRows     = []string{"16", "17"}
	exemptSalesRows     = []string{"18", "19"}
	servicesSalesRows   = map[string]bool{"2": true, "4": true, "5": true, "9b": true, "12": true, "17": true, "19": true}
)

// SalesDetail computes 附列资料（一）from the rows entered (keyed by row
// number; rows not given are zero) and what the main table takes from it.
// It fails on a row the hall does not handle and on a deduction larger
// than the row's 价税合计 (column 13 would be negative).
func SalesDetail(p Period, rows map[string]SalesRow) (SalesDetailResult, error) {
	e, err := GeneralVATRates.ForPeriod(p)
	if err != nil {
		return SalesDetailResult{}, err
	}
	s, err := SimplifiedRates.ForPeriod(p)
	if err != nil {
		return SalesDetailResult{}, err
	}
	rate := map[string]Rate{"1": e.V.Basic, "2": e.V.Basic, "3": e.V.Lower, "4": e.V.Lower, "5": e.V.Services,
		"9a": s.V[1], "9b": s.V[1], "11": s.V[0], "12": s.V[0], "16": 0, "17": 0, "18": 0, "19": 0}
	r := SalesDetailResult{Rows: map[string]SalesRowResult{}, Source: e.Source, SimplifiedSource: s.Source}
	for no, in := range rows {
		if _, ok := rate[no]; !ok {
			return SalesDetailResult{}, fmt.Errorf("rules: 附列资料（一）第%s行 is not handled", no)
		}
		for _, v := range []int64{in.Special, in.Other, in.Uninvoiced, in.Inspection, in.Deduction} {
			if v < 0 {
				return SalesDetailResult{}, errors.New("rules: VAT amounts cannot be negative")
			}
		}
	}
	for _, no := range slices.Concat(generalSalesRows, simplifiedSalesRows, exportSalesRows, exemptSalesRows) {
		in := rows[no]
		x := SalesRowResult{SalesRow: in, Rate: rate[no], Services: servicesSalesRows[no]}
		x.SpecialTax, x.OtherTax = mulRate(in.Special, x.Rate), mulRate(in.Other, x.Rate)
		x.UninvoicedTax, x.InspectionTax = mulRate(in.Uninvoiced, x.Rate), mulRate(in.Inspection, x.Rate)
		x.Sales = in.Special + in.Other + in.Uninvoiced + in.Inspection
		x.Tax = x.SpecialTax + x.OtherTax + x.UninvoicedTax + x.InspectionTax
		x.Gross = x.Sales + x.Tax
		if !x.Services && in.Deduction != 0 {
			return SalesDetailResult{}, fmt.Errorf("rules: 附列资料（一）第%s行 has no deduction column", no)
		}
		if in.Deduction > x.Gross {
			return SalesDetailResult{}, fmt.Errorf("%w: row %s deducts %d of %d", ErrDeductionExceedsSales, no, in.Deduction, x.Gross)
		}
		x.Net = x.Gross - in.Deduction
		x.NetTax = mulDiv(x.Net, int64(x.Rate), 10000+int64(x.Rate))
		r.Rows[no] = x
	}
	// The main table's lines (填写说明 of the main table, 第1、4、5、6、7、8、
	// 11、21栏): the 一般项目 this period, with no 即征即退 rows to subtract.
	for _, no := range generalSalesRows {
		x := r.Rows[no]
		r.TaxableSales += x.Sales
		r.TaxableInspection += x.Inspection
		r.TaxableInspectionTax += x.InspectionTax
		if x.Services {
			r.OutputTax += x.NetTax
		} else {
			r.OutputTax += x.Tax
		}
	}
	for _, no := range simplifiedSalesRows {
		x := r.Rows[no]
		r.SimplifiedSales += x.Sales
		r.SimplifiedInspection += x.Inspection
		r.SimplifiedInspectionTax += x.InspectionTax
		if x.Services {
			r.SimplifiedTax += x.NetTax
		} else {
			r.SimplifiedTax += x.Tax
		}
	}
	for _, no := range exportSalesRows {
		r.ExportSales += r.Rows[no].Sales
	}
	for _, no := range exemptSalesRows {
		r.ExemptSales += r.Rows[no].Sales
	}
	return r, nil
}

// ErrDeductionExceedsSales: column 12 is more than column 11 of its row.
var ErrDeductionExceedsSales = errors.New("rules: the deduction exceeds the sales with tax")

// SalesDetailResult is 附列资料（一）computed, and the main table's lines
// that come from it.
type SalesDetailResult struct {
	Rows                     map[string]SalesRowResult
	Source, SimplifiedSource string
	TaxableSales             int64 // line 1: column 9 of rows 1–5
	TaxableInspection        int64 // line 4: column 7 of rows 1–5
	TaxableInspectionTax     int64 // column 8 of rows 1–5: the most line 16 may take (with 附列资料（二）第19栏)
	SimplifiedSales          int64 // line 5: column 9 of rows 8–13b
	SimplifiedInspection     int64 // line 6: column 7 of rows 8–13b
	SimplifiedInspectionTax  int64 // column 8 of rows 8–13b: the most line 22 may take
	ExportSales              int64 // line 7: column 9 of rows 16–17
	ExemptSales              int64 // line 8: column 9 of rows 18–19
	// OutputTax, line 11: column 10 of rows 1 and 3 plus column 14 of rows
	// 2, 4 and 5.
	OutputTax int64
	// SimplifiedTax, line 21: column 10 of rows 9a and 11 plus column 14 of
	// rows 9b and 12.
	SimplifiedTax int64
}

// VATPayments are the main table's lines 25–38 (税款缴纳): the balance
// carried from the previous period and what was paid in this one.
type VATPayments struct {
	OpeningUnpaid           int64 // line 25 期初未缴税额（多缴为负数）: the previous period's line 32
	PaidPrevious            int64 // line 30 本期缴纳上期应纳税额
	PaidArrears             int64 // line 31 本期缴纳欠缴税额
	Inspection              int64 // lines 16 + 22: 纳税检查应补缴税额 of this period
	OpeningInspectionUnpaid int64 // line 36 期初未缴查补税额: the previous period's line 38
	InspectionPaid          int64 // line 37 本期入库查补税额
}

// VATPaymentsResult are lines 27, 32, 33 and 38.
type VATPaymentsResult struct {
	Paid                 int64 // line 27 = 28 + 29 + 30 + 31 (29: export receipts, not handled, 0)
	ClosingUnpaid        int64 // line 32 = 24 + 25 + 26 − 27 (26: not handled, 0)
	Arrears              int64 // line 33 = 25 + 26 − 27, not below 0 (the form prints "≥0")
	ClosingInspectionDue int64 // line 38 = 16 + 22 + 36 − 37
}

// VATBalances computes lines 27, 32, 33 and 38 of the main table from line
// 24 (TaxTotal), line 28 (prepaid) and the payments (填写说明 of 国家税务总局
// 公告2021年第20号, 主表第27、32、33、38栏).
func VATBalances(taxTotal, prepaid int64, p VATPayments) (VATPaymentsResult, error) {
	for _, v := range []int64{prepaid, p.PaidPrevious, p.PaidArrears, p.Inspection, p.InspectionPaid} {
		if v < 0 {
			return VATPaymentsResult{}, errors.New("rules: VAT payments cannot be negative")
		}
	}
	var r VATPaymentsResult
	r.Paid = prepaid + p.PaidPrevious + p.PaidArrears
	r.ClosingUnpaid = taxTotal + p.OpeningUnpaid - r.Paid
	r.Arrears = max(p.OpeningUnpaid-r.Paid, 0)
	r.ClosingInspectionDue = p.Inspection + p.OpeningInspectionUnpaid - p.InspectionPaid
	return r, nil
}
