package web

import (
	"net/url"
	"time"

	"taxhall/internal/certs"
	"taxhall/internal/forms"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
)

func init() {
	at := time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)
	cert := &certs.Certificate{ID: 3, No: "350203202600000003", Code: "7KQM4XH2P9RA", Kind: certs.KindIITRecord, TaxpayerName: "林国平",
		TaxpayerCode: "350203196609248952", BureauName: "国家税务总局厦门市思明区税务局", Scope: "2025年度（2025-01-01 至 2025-12-31）", Total: 3_990_00, IssuedAt: at}
	examples["verify.html"] = example{func() page {
		return &verifyPage{basePage: basePage{Form: url.Values{"no": {cert.No}, "code": {cert.Code}}},
			Result: &certs.Verification{Genuine: true, No: cert.No, Kind: cert.Kind, Title: cert.Title(), Scope: cert.Scope, TaxpayerName: "林国平", TaxpayerCode: "350203********8952",
				CodeMasked: "7KQM-****-P9RA", Total: 3_990_00, IssuedOn: "2026-12-06", BureauName: cert.BureauName}}
	}, everyone}
	examples["hall_certificates.html"] = example{func() page {
		return &certificatesPage{Certificates: []*certs.Certificate{cert}, NextURL: "/hall/certificates?before=3", PaidWired: true, Token: "t"}
	}, taxpayerSide}
	line := &iitrecords.Line{ID: 1, EmployerName: "厦门鹭岛软件科技有限公司", EmployerCode: "91350203MA2Y0K1X7B", AckNo: "SB202502101030001",
		Year: 2025, PeriodStart: "2025-01-01", PeriodEnd: "2025-01-31", FiledOn: "2025-02-10", Income: 15_000_00, Special: 1_575_00, Additional: 3_000_00, Tax: 312_75}
	other := *line
	other.EmployerID, other.EmployerName, other.PeriodStart = 2, "厦门海沧精密机械有限公司", "2025-02-01"
	lines := []*iitrecords.Line{line, &other}
	examples["hall_iit_records.html"] = example{func() page {
		return &iitRecordsPage{Year: 2025, Years: []int{2025, 2024}, Lines: lines, Totals: iitrecords.Sum(lines), Employers: iitrecords.ByEmployer(lines), Token: "t"}
	}, taxpayerSide}
	examples["hall_iit_annual.html"] = example{func() page {
		return &iitAnnualPage{Year: 2025, Totals: iitrecords.Sum(lines), Employers: iitrecords.ByEmployer(lines),
			Steps:   iitannual.Steps(2025, forms.Values{iitannual.LineIncome: 30_000_00, iitannual.LineBasic: 60_000_00, iitannual.LineWithheld: 625_50, iitannual.LineDue: -625_50}),
			Filed:   &iitannual.Filed{ReturnID: 9, AckNo: "SB2026", TaxDue: -2_937_00, Late: true},
			Refunds: []*iitannual.Refund{{ID: 1, ReturnID: 9, Year: 2025, Amount: 2_937_00, State: iitannual.RefundRequested, RequestedAt: at}},
			FileURL: "/hall/returns/file?form=iit_annual&period=2025", Opens: "2026-03-01", Deadline: "2026-06-30", Open: true, PastDeadline: true}
	}, taxpayerSide}
}
