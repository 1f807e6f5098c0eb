package web

import (
	"net/url"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/payment"
	"taxhall/internal/rules"
)

// Examples of the payment pages, for TestEveryTemplateRendersItsPageType.

func exampleAgreement(state string) *payment.Agreement {
	return &payment.Agreement{ID: 3, TaxpayerID: 7, No: "SF2026120601AB2C3D4E", BankCode: "102", AccountName: "厦门鹭岛软件科技有限公司",
		AccountNo: "6222020000000007", State: state, CreatedBy: "陈雅琪", CreatedAt: time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC),
		VerifiedAt: time.Date(2026, 12, 6, 1, 0, 1, 0, time.UTC)}
}

func exampleDue(id int64, pending string) *payment.Due {
	return &payment.Due{LiabilityID: id, ReturnID: 40 + id, AckNo: "202610203583136270", TaxType: "vat_small", Period: rules.Quarter(2026, 3),
		Deadline: calendar.MustDate("2026-10-26"), Amount: 318000, Unpaid: 318000, LateFee: 6360, LateDays: 40, InPayment: pending}
}

func examplePayment(state string) *payment.Payment {
	p := &payment.Payment{ID: 9, TaxpayerID: 7, RequestNo: "TH20261206A1B2C3D4E5F60718", BankCode: "102", AccountNo: "6222020000000007",
		AccountName: "厦门鹭岛软件科技有限公司", EntrustDate: calendar.MustDate("2026-12-06"), Tax: 318000, LateFee: 6360, Amount: 324360, State: state,
		CreatedBy: "陈雅琪", CreatedAt: time.Date(2026, 12, 6, 1, 0, 0, 0, time.UTC), TaxpayerCode: "91350203MA2Y8K7L3Q", TaxpayerName: "厦门鹭岛软件科技有限公司"}
	if state == payment.Failed {
		p.Reason = "余额不足"
	}
	it := &payment.Item{ID: 11, PaymentID: 9, LiabilityID: 1, TaxType: "vat_small", Period: rules.Quarter(2026, 3), Tax: 318000, LateFee: 6360}
	if state == payment.Paid {
		p.BankTxnNo, it.VoucherNo, it.PaidOn = "B2026120600000001ab", "320261206000000011", calendar.MustDate("2026-12-06")
	}
	p.Items = []*payment.Item{it}
	return p
}

func examplePayout(state string) *payment.Payout {
	p := &payment.Payout{ID: 4, RefundID: 2, TaxpayerID: 7, TaxpayerCode: "91350203MA2Y8K7L3Q", TaxpayerName: "厦门鹭岛软件科技有限公司", RequestNo: "RTH20261206A1B2C3D4E5F60718",
		BankCode: "102", AccountNo: "6222020000000007", AccountName: "厦门鹭岛软件科技有限公司", TaxType: "vat_small", Amount: 1200,
		EntrustDate: calendar.MustDate("2026-12-06"), State: state, ItemCode: "refund_overpaid", Period: "2026Q2", ApplicationID: 9, AppNo: "SQ20261206000009"}
	switch state {
	case payment.Paid:
		p.BankTxnNo, p.SettledBy = "C2026120600000002cd", "credit"
	case payment.Failed:
		p.Reason = "账户不存在或已销户"
	}
	return p
}

var paymentExamples = map[string]example{
	"hall_pay.html": {func() page {
		return &payPage{Agreement: exampleAgreement(payment.AgreementActive), Dues: []*payment.Due{exampleDue(1, ""), exampleDue(2, payment.Pending)},
			Refundables: []*payment.Refundable{{LiabilityID: 5, TaxType: "vat_small", Period: rules.Quarter(2026, 2), Amount: 1200}},
			Refunds:     []*payment.RefundRequest{{ID: 1, TaxType: "vat_small", Period: rules.Quarter(2026, 1), Amount: 500, State: "requested"}},
			Today:       "2026年12月6日", Key: "0123456789abcdef", TaxTotal: 318000, FeeTotal: 6360, CanPay: true, CanSign: true,
			basePage: basePage{Form: url.Values{"item": {"1"}}}}
	}, taxpayerSide},
	"hall_payment.html": {func() page { return &paymentPage{Payment: examplePayment(payment.Pending)} }, taxpayerSide},
	"hall_payments.html": {func() page {
		return &paymentsPage{Payments: []*payment.Payment{examplePayment(payment.Paid), examplePayment(payment.Failed)}, First: true, NextURL: "/hall/payments?before=9"}
	}, taxpayerSide},
	"hall_agreement.html": {func() page {
		return &agreementPage{Current: exampleAgreement(payment.AgreementActive), History: []*payment.Agreement{exampleAgreement(payment.AgreementActive),
			exampleAgreement(payment.AgreementRejected)}, Banks: []Option{{"102", "中国工商银行"}}, CanSign: true}
	}, taxpayerSide},
	"hall_agreement_end.html": {func() page { return &agreementPage{Current: exampleAgreement(payment.AgreementActive), CanSign: true} }, taxpayerSide},
	"staff_payments.html": {func() page {
		l := &payment.LedgerLine{Item: *examplePayment(payment.Paid).Items[0], RequestNo: "TH20261206A1B2C3D4E5F60718", TaxpayerCode: "91350203MA2Y8K7L3Q",
			TaxpayerName: "厦门鹭岛软件科技有限公司", BureauName: "国家税务总局厦门市思明区税务局"}
		return &ledgerPage{Day: "2026-12-06", Lines: []*payment.LedgerLine{l}, Taxes: []Option{{"vat_small", "增值税（小规模纳税人）"}}, NextURL: "/staff/payments?after=11",
			basePage: basePage{Form: url.Values{"day": {"2026-12-06"}}}}
	}, staffSide},
	"staff_payments_pending.html": {func() page {
		return &pendingPage{Payments: []*payment.Payment{examplePayment(payment.Pending)}, Now: time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)}
	}, staffSide},
	"staff_reconciliations.html": {func() page {
		return &reconsPage{Runs: []*payment.Reconciliation{{ID: 1, Day: calendar.MustDate("2026-12-05"), Matched: 120, OnlyHall: 1, OnlyBank: 1, Settled: 3, CreatedBy: "定时任务"}},
			Yesterday: "2026-12-05", basePage: basePage{Form: url.Values{"day": {"2026-12-05"}}}}
	}, staffSide},
	"staff_reconciliation.html": {func() page {
		return &reconPage{Run: &payment.Reconciliation{ID: 1, Day: calendar.MustDate("2026-12-05"), Matched: 120, OnlyHall: 1, OnlyBank: 1, Lines: []*payment.ReconLine{
			{RequestNo: "TH20261205A1B2C3D4E5F60718", Kind: payment.OnlyHall, HallState: payment.Failed, Amount: 1000, Note: "银行未收到，已按扣款失败处理"},
			{RequestNo: "X1", Kind: payment.OnlyBank, BankStatus: payment.Succeeded, Amount: 500, Note: "银行已扣款，税务端无此缴款"}}}}
	}, staffSide},
	"staff_treasury.html": {func() page {
		r := &payment.TreasuryRow{TaxType: "vat_small", Items: 3, Tax: 318000, LateFee: 6360, Total: 324360, Share: payment.Shares["vat_small"]}
		r.Central, r.Province, r.City, r.District, r.Fund = r.Share.Split(r.Total)
		r.Refund, r.RefundItems = 1200, 1
		r.RefundCentral, r.RefundProvince, r.RefundCity, r.RefundDistrict, _ = r.Share.Split(r.Refund)
		r.NetCentral, r.NetProvince, r.NetCity, r.NetDistrict, r.Net = r.Central-r.RefundCentral, r.Province-r.RefundProvince, r.City-r.RefundCity, r.District-r.RefundDistrict, r.Total-r.Refund
		tot := *r
		tot.TaxType = ""
		return &treasuryPage{Day: "2026-12-06", Rows: []*payment.TreasuryRow{r, &tot}, basePage: basePage{Form: url.Values{"day": {"2026-12-06"}}}}
	}, staffSide},
	"staff_refunds.html": {func() page {
		return &refundsPage{Refunds: []*payment.RefundRequest{{ID: 1, TaxpayerCode: "91350203MA2Y8K7L3Q", TaxpayerName: "厦门鹭岛软件科技有限公司", TaxType: "vat_small",
			Period: rules.Quarter(2026, 2), Amount: 1200, State: "requested", RequestedBy: "陈雅琪", ApplicationID: 9, AppNo: "SQ20261206000009", AppStatus: "submitted"}},
			Ledger: &payment.PayoutPage{Items: []*payment.Payout{examplePayout(payment.Paid), examplePayout(payment.Failed)}, Next: 3}, NextURL: "/staff/refunds?before=3"}
	}, staffSide},
	"hall_refunds.html": {func() page {
		return &myRefundsPage{Refunds: []*payment.RefundRequest{
			{Source: payment.SourceOverpaid, ID: 1, TaxType: "vat_small", Period: rules.Quarter(2026, 2), Amount: 1200, State: "refunded", ApplicationID: 9,
				AppNo: "SQ20261206000009", AppStatus: "approved", RefundStatus: "paid", PaidAt: "2026-12-08"},
			{Source: payment.SourceIIT, ID: 2, Year: 2025, TaxType: "iit_annual", Period: rules.Period{Start: calendar.MustDate("2025-01-01"), End: calendar.MustDate("2025-12-31")},
				Amount: 86000, State: "requested", ApplicationID: 10, AppNo: "SQ20261206000010", AppStatus: "withdrawn"}}}
	}, taxpayerSide},
}

func init() {
	for k, v := range paymentExamples {
		examples[k] = v
	}
}
