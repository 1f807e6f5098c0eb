package web

import (
	"net/url"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// Examples of the returns pages, for TestEveryTemplateRendersItsPageType.

func exampleSheet() *returns.Sheet {
	p := rules.Quarter(2026, 3)
	sh := &returns.Sheet{Form: forms.VATSmall, Taxpayer: exampleTaxpayer(taxpayer.Enterprise), Period: p, PeriodKind: taxpayer.Quarterly,
		Deadline: calendar.Deadline{Date: calendar.MustDate("2026-10-26"), HolidayDays: 7},
		Facts:    forms.Facts{SmallScale: true, Location: rules.InCity}, Cells: map[string]string{"1.goods": "320000", "2.goods": "400000"},
		Token: "0123456789abcdef", Draft: true, DraftAt: time.Date(2026, 10, 12, 9, 30, 0, 0, time.UTC), DraftBy: "陈雅琪"}
	out, err := forms.VATSmall.Run(forms.Input{Period: p, Facts: sh.Facts}, map[string]string{"1.goods": "320000"})
	if err != nil {
		panic(err)
	}
	sh.Output = out
	sh.Errors = map[string]string{"2.goods": "第2栏（货物及劳务） 400,000.00 不能大于第1栏（货物及劳务） 320,000.00"}
	return sh
}

func exampleReturn(version int) *returns.Return {
	sh := exampleSheet()
	doc := returns.Doc{Form: "vat_small", FormName: forms.VATSmall.Name, TaxpayerCode: sh.Taxpayer.Code, TaxpayerName: sh.Taxpayer.Name,
		PeriodStart: "2026-07-01", PeriodEnd: "2026-09-30", Version: version, RulesVersion: rules.Version,
		Lines: forms.Format(sh.Output.Values, forms.VATSmall.Cells())}
	return &returns.Return{ID: int64(40 + version), TaxpayerID: sh.Taxpayer.ID, Form: "vat_small", TaxType: "vat_small", Period: sh.Period,
		Version: version, Current: version == 2, Deadline: calendar.MustDate("2026-10-26"), Late: version == 2, TaxDue: sh.Output.TaxDue,
		Difference: -1200, SHA256: "be288aeb3650a2aa7feb099b85dfee2d9ea2c95dc1005bd11ca4d34b7becceca", RulesVersion: rules.Version,
		AckNo: "202610203583136270", SubmittedBy: "陈雅琪", SubmittedAt: time.Date(2026, 10, 20, 2, 0, 0, 0, time.UTC), Doc: doc}
}

func exampleDues() []*returns.Due {
	d := func(key, status string, days int, draft bool) *returns.Due {
		p, _, _ := returns.ParsePeriod(key)
		return &returns.Due{TaxType: "vat_small", TaxName: "增值税（小规模纳税人）", Form: forms.VATSmall, Period: p, PeriodKind: taxpayer.Quarterly,
			Deadline: calendar.Deadline{Date: p.End.AddDays(26), HolidayDays: 3}, DaysLeft: days, Status: status, Draft: draft, ReturnID: map[bool]int64{true: 0, false: 41}[status != returns.StatusFiled]}
	}
	return []*returns.Due{d("2026Q3", returns.StatusDue, 5, true), d("2026Q2", returns.StatusOverdue, -90, false), d("2026Q1", returns.StatusFiled, -200, false)}
}

var returnExamples = map[string]example{
	"staff_filing.html": {func() page {
		return &filingPage{Board: &returns.Board{Form: forms.VATSmall, Period: rules.Quarter(2026, 3), Kind: taxpayer.Quarterly, Filed: 120, Late: 7, Corrected: 3, TaxDue: 1234567},
			Forms: []Option{{"vat_small", "增值税及附加税费（小规模）"}}, Periods: []Option{{"2026Q3", "2026年第3季度"}}, CanRemind: true,
			NotFiled: []*returns.Filer{{TaxpayerID: 7, Code: "91350203MA2XXXXX0X", Name: "厦门测试贸易有限公司", Kind: "enterprise", Bureau: "国家税务总局厦门市思明区税务局", Phone: "0592-1234567"},
				{TaxpayerID: 8, Code: "350203196609248952", Name: "林国平", Kind: "individual", Bureau: "思明区税务局", Reminded: true}},
			Late:    []*returns.Filer{{TaxpayerID: 9, Name: "厦门迟报有限公司", Code: "91350203MA2XXXXX1X", ReturnID: 41, AckNo: "202610283583136270"}},
			NextURL: "/staff/filing?after=8", LateNext: "/staff/filing?late_before=41#late",
			basePage: basePage{Form: url.Values{"form": {"vat_small"}, "period": {"2026Q3"}}}}
	}, staffSide},
	"hall_periods.html": {func() page {
		return &periodsPage{Dues: exampleDues(), Year: 2026, Years: []int{2026, 2025}, NoForm: []string{"社会保险费"}}
	}, taxpayerSide},
	"hall_returns.html": {func() page {
		return &returnsPage{Page: &returns.HistoryPage{Returns: []*returns.Return{exampleReturn(2), exampleReturn(1)}, Next: 40},
			TaxTypes: []Option{{"vat_small", "增值税（小规模纳税人）"}}, Years: []Option{{"2026", "2026年"}}, Statuses: []Option{{"late", "逾期申报"}},
			NextURL: "/hall/returns?before=40", FirstURL: "/hall/returns", basePage: basePage{Form: url.Values{"tax": {"vat_small"}}}}
	}, taxpayerSide},
	"return_form.html": {func() page {
		p := formPage(exampleSheet(), "/hall/returns/file?form=vat_small&period=2026Q3", nil, map[string]string{"2.goods": "不能大于第1栏"})
		p.Sheet.Correcting = exampleReturn(1)
		return p
	}, taxpayerSide},
	"return_discard.html": {func() page {
		return &returnDiscardPage{Draft: &returns.DraftInfo{Form: forms.VATSmall, Period: exampleSheet().Period, By: "陈雅琪", At: exampleReturn(1).SubmittedAt,
			CorrectionOf: 41, Cells: 6}, Back: "/hall/returns/41/correct"}
	}, taxpayerSide},
	"return_view.html": {func() page {
		r := exampleReturn(2)
		p := &returnPage{Return: r, Versions: []*returns.Return{r, exampleReturn(1)}, Cols: forms.VATSmall.Columns, CanCorrect: true, Just: true,
			Events: []*returns.Event{{Kind: returns.EventDrafted, At: r.SubmittedAt, ActorName: "陈雅琪"}, {Kind: returns.EventAccepted, At: r.SubmittedAt, ActorName: "陈雅琪", Note: "回执号 1"}}}
		p.Rows = rows(&p.basePage, forms.VATSmall, r.Values(), false)
		p.Detail = &detailTable{Caption: "员工扣缴明细（金额单位：元）", Heads: []detailHead{{"姓名", false}, {"证件号码", false}, {"本期应扣缴税额", true}},
			Rows:  [][]detailCell{{{Text: "陈晓燕", RowHeading: true}, {Text: "350203********0450", Code: true}, {Text: "1,234.56", Num: true}}},
			Total: 120, From: 50, To: 100, PrevURL: "/hall/returns/2", NextURL: "/hall/returns/2?from=100#detail"}
		return p
	}, append(taxpayerSide, staffSide...)},
}

func init() {
	for k, v := range returnExamples {
		examples[k] = v
	}
}
