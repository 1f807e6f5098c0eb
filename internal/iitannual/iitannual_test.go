package iitannual_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/forms"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

var cst = time.FixedZone("CST", 8*3600)

const personID = "350203196609248952"

type filer struct {
	id    int64
	ctx   context.Context
	rs    *returns.Service
	clock *time.Time
}

func newFiler(t *testing.T, d *db.DB, kind, code, name string) *filer {
	t.Helper()
	ctx := context.Background()
	var bureau, staff int64
	if err := d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 6, 1, 0, 0, 0, 0, cst)
	tp := &taxpayer.Taxpayer{Kind: kind, Code: code, Name: name, DivisionCode: "350203", Address: "测试路1号", BureauID: bureau,
		Status: taxpayer.StatusActive, RegisteredAt: at}
	if err := taxpayer.InsertTaxpayer(ctx, d, at, tp); err != nil {
		t.Fatal(err)
	}
	username := "admin"
	if kind == taxpayer.Individual {
		username = taxpayer.SelfUsername
	}
	user, err := taxpayer.InsertUser(ctx, d, at, tp.ID, username, name, "13800000000", auth.TPLegalRep, true, "x")
	if err != nil {
		t.Fatal(err)
	}
	if kind == taxpayer.Enterprise {
		if _, err := taxpayer.InsertIdentification(ctx, d, at, tp.ID, "iit_withholding", taxpayer.Monthly, "2025-01-01", staff); err != nil {
			t.Fatal(err)
		}
	}
	f := &filer{id: tp.ID, clock: new(time.Time)}
	clock := func() time.Time { return *f.clock }
	f.rs = &returns.Service{DB: d, Now: clock, Taxpayers: &taxpayer.Service{DB: d, Now: clock}, Calendar: returns.DefaultDeadlines()}
	f.ctx = auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, Name: name, TaxpayerID: tp.ID, TaxpayerCode: code,
		TaxpayerName: name, TaxpayerKind: kind, Role: auth.TPLegalRep, Admin: true})
	return f
}

func wage(id, name string, income int64) iitw.Line {
	return iitw.Line{ResidentID: id, Name: name, Income: income, Pension: income * 8 / 100, Medical: income * 2 / 100}
}

// file submits a month of 2025 (or corrects it) on the 10th of the next month.
func (f *filer) file(t *testing.T, month int, lines []iitw.Line, correct int64) *returns.Return {
	t.Helper()
	*f.clock = time.Date(2025, time.Month(month+1), 10, 10, 0, 0, 0, cst)
	for i := range lines {
		lines[i].Row = i + 2
	}
	sub, err := f.rs.Submit(f.ctx, iitw.FormCode, fmt.Sprintf("2025-%02d", month), map[string]string{forms.DetailKey: iitw.EncodeLines(lines)},
		returns.NewKey(), correct, false)
	if err != nil {
		t.Fatalf("month %d: %v", month, err)
	}
	return sub.Return
}

func TestRecordsAndReconciliation(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 1, Now: time.Date(2026, 12, 1, 9, 0, 0, 0, cst), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		a := newFiler(t, d, taxpayer.Enterprise, "91350203REC0000001", "汇算测试甲有限公司")
		b := newFiler(t, d, taxpayer.Enterprise, "91350203REC0000002", "汇算测试乙有限公司")
		p := newFiler(t, d, taxpayer.Individual, personID, "林国平")
		other := "35020319900101123X"

		a.file(t, 1, []iitw.Line{wage(personID, "林国平", 20_000_00), wage(other, "陈晓明", 8_000_00)}, 0)
		feb := a.file(t, 2, []iitw.Line{wage(personID, "林国平", 20_000_00)}, 0)
		// The correction of February replaces A's February lines.
		a.file(t, 2, []iitw.Line{wage(personID, "林国平", 25_000_00)}, feb.ID)
		b.file(t, 3, []iitw.Line{wage(personID, "林国平", 30_000_00)}, 0)

		recs := &iitrecords.Service{DB: d, Now: func() time.Time { return *p.clock }}
		lines, tot, err := recs.Year(p.ctx, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != 3 || tot.Employers != 2 || tot.Months != 3 || tot.Income != 75_000_00 || tot.Special != 7_500_00 {
			t.Fatalf("lines %d, totals %+v", len(lines), tot)
		}
		var withheld int64
		for _, l := range lines {
			withheld += l.Tax
		}
		if withheld != tot.Tax || tot.Tax <= 0 {
			t.Errorf("tax withheld %d, totals %d", withheld, tot.Tax)
		}
		if _, _, err := recs.Year(a.ctx, 2025); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("an enterprise reading records: %v", err)
		}
		var rows int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM iit_person_lines WHERE person_taxpayer_id = $1`, p.id).Scan(&rows); err != nil || rows != 3 {
			t.Errorf("%d rows carry the person's taxpayer id (%v)", rows, err)
		}

		// The window: not before 1 March 2026.
		*p.clock = time.Date(2026, 2, 27, 9, 0, 0, 0, cst)
		if _, err := p.rs.Open(p.ctx, iitannual.FormCode, "2025"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("opened before the window: %v", err)
		}
		if _, err := a.rs.Open(a.ctx, iitannual.FormCode, "2025"); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("an enterprise opened the reconciliation: %v", err)
		}
		*p.clock = time.Date(2026, 4, 2, 9, 0, 0, 0, cst)
		sh, err := p.rs.Open(p.ctx, iitannual.FormCode, "2025")
		if err != nil {
			t.Fatal(err)
		}
		if sh.Deadline.Date.String() != "2026-06-30" || sh.Output.Values[iitannual.LineIncome] != 75_000_00 ||
			sh.Output.Values[iitannual.LineWithheld] != tot.Tax {
			t.Errorf("sheet: deadline %v, values %v", sh.Deadline.Date, sh.Output.Values)
		}
		// 75,000 − 60,000 − 7,500 = 7,500 × 3% = 225 against the tax
		// withheld (the employers deducted 5,000 a month only for the
		// months they paid): a refund of the difference.
		sub, err := p.rs.Submit(p.ctx, iitannual.FormCode, "2025", map[string]string{iitannual.LineMedicalPaid: "0"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		r := sub.Return
		if r.TaxDue != 225_00-tot.Tax || r.Late {
			t.Errorf("tax due %d (withheld %d), late %v", r.TaxDue, tot.Tax, r.Late)
		}
		annual := &iitannual.Service{DB: d}
		refunds, err := annual.Refunds(p.ctx, 2025)
		if err != nil || len(refunds) != 1 || refunds[0].Amount != -r.TaxDue || refunds[0].State != iitannual.RefundRequested {
			t.Fatalf("refunds %+v %v", refunds, err)
		}
		// The refund application is opened in the acceptance's
		// transaction, linked to the request, prefilled with the amount.
		var app1 int64
		var form string
		if err := d.QueryRowContext(ctx, `SELECT id, form FROM applications WHERE iit_refund_request_id = $1 AND item_code = 'refund_iit' AND status = 'submitted'`,
			refunds[0].ID).Scan(&app1, &form); err != nil || !strings.Contains(form, fmt.Sprintf(`"amount":"%d"`, -r.TaxDue)) || !strings.Contains(form, `"year":"2025"`) {
			t.Fatalf("refund application %d %s %v", app1, form, err)
		}
		var amount int64
		if err := d.QueryRowContext(ctx, `SELECT amount FROM tax_liabilities WHERE return_id = $1`, r.ID).Scan(&amount); err != nil || amount != r.TaxDue {
			t.Errorf("liability %d (%v)", amount, err)
		}
		cur, err := annual.Current(p.ctx, 2025)
		if err != nil || cur == nil || cur.ReturnID != r.ID {
			t.Errorf("current %+v %v", cur, err)
		}
		// A correction adding serious-illness costs: taxable 0, the whole
		// tax withheld back; the first request is superseded.
		*p.clock = time.Date(2026, 7, 15, 9, 0, 0, 0, cst)
		sub2, err := p.rs.Submit(p.ctx, iitannual.FormCode, "2025", map[string]string{iitannual.LineMedicalPaid: "30000"}, returns.NewKey(), r.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		if sub2.Return.TaxDue != -tot.Tax {
			t.Errorf("corrected due %d, want %d", sub2.Return.TaxDue, -tot.Tax)
		}
		refunds, _ = annual.Refunds(p.ctx, 2025)
		if len(refunds) != 2 || refunds[0].State != iitannual.RefundRequested || refunds[0].Amount != tot.Tax || refunds[1].State != iitannual.RefundSuperseded {
			t.Errorf("after correction: %+v", refunds)
		}
		// The superseded request's application is withdrawn (its task
		// cancelled); the new request has its own.
		var st string
		var live int
		if err := d.QueryRowContext(ctx, `SELECT a.status, (SELECT COUNT(*) FROM tasks k WHERE k.application_id = a.id AND k.state IN ('open', 'claimed'))
			FROM applications a WHERE a.id = $1`, app1).Scan(&st, &live); err != nil || st != "withdrawn" || live != 0 {
			t.Errorf("superseded application: %s, %d live tasks, %v", st, live, err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM applications WHERE iit_refund_request_id = $1 AND status = 'submitted'`, refunds[0].ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("new request's applications: %d %v", n, err)
		}
	})
}

// Two employers each withholding as if they were the only one leave tax
// to pay at the year end: the reconciliation shows where its figures come
// from and its steps, refuses an other deduction above the yearly cap on
// its field, and the tax to pay is an unpaid liability in the person's tax
// area (with the late fee after 30 June).
func TestTaxToPayIsUnpaid(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 1, Now: time.Date(2026, 12, 1, 9, 0, 0, 0, cst), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		a := newFiler(t, d, taxpayer.Enterprise, "91350203PAY0000001", "补税测试甲有限公司")
		b := newFiler(t, d, taxpayer.Enterprise, "91350203PAY0000002", "补税测试乙有限公司")
		p := newFiler(t, d, taxpayer.Individual, personID, "林国平")
		for m := 1; m <= 6; m++ {
			a.file(t, m, []iitw.Line{wage(personID, "林国平", 30_000_00)}, 0)
		}
		for m := 7; m <= 9; m++ {
			b.file(t, m, []iitw.Line{wage(personID, "林国平", 30_000_00)}, 0)
		}
		*p.clock = time.Date(2026, 4, 2, 9, 0, 0, 0, cst)
		sh, err := p.rs.Open(p.ctx, iitannual.FormCode, "2025")
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(sh.Output.Notes, "\n")
		for _, want := range []string{"补税测试甲有限公司（91350203PAY0000001），2025-01 至 2025-06 共 6 个月，收入 180,000.00 元",
			"补税测试乙有限公司", "计算第1步：收入额 = 收入合计 270,000.00", "应纳税所得额 = 270,000.00 − 87,000.00 = 183,000.00 元",
			"183,000.00 × 20% − 速算扣除数 16,920.00（综合所得税率表） = 19,680.00 元", "结果：应补税"} {
			if !strings.Contains(notes, want) {
				t.Errorf("notes lack %q:\n%s", want, notes)
			}
		}
		// 商业健康保险 and 个人养老金: at most 14,400 a year.
		_, err = p.rs.Submit(p.ctx, iitannual.FormCode, "2025", map[string]string{iitannual.LineAddedOther: "20000"}, returns.NewKey(), 0, false)
		if e := apperr.As(err); e == nil || e.Code != apperr.Invalid || !strings.Contains(e.Fields[iitannual.LineAddedOther], "14,400.00") {
			t.Fatalf("an other deduction above the cap: %v", err)
		}
		*p.clock = time.Date(2026, 5, 20, 9, 0, 0, 0, cst)
		sub, err := p.rs.Submit(p.ctx, iitannual.FormCode, "2025", map[string]string{iitannual.LineAddedOther: "2400"}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		due := sub.Return.TaxDue
		if due <= 400_00 {
			t.Fatalf("tax due %d: the case should leave tax to pay", due)
		}
		unpaid, err := p.rs.Unpaid(p.ctx)
		if err != nil || len(unpaid) != 1 {
			t.Fatalf("unpaid %+v %v", unpaid, err)
		}
		l := unpaid[0]
		if l.ReturnID != sub.Return.ID || l.Unpaid != due || l.TaxName != "个人所得税综合所得年度汇算" || l.Deadline.String() != "2026-06-30" || l.LateFee != 0 {
			t.Errorf("liability %+v", l)
		}
		// After the deadline the late fee runs from 1 July.
		*p.clock = time.Date(2026, 7, 10, 9, 0, 0, 0, cst)
		if unpaid, err = p.rs.Unpaid(p.ctx); err != nil || len(unpaid) != 1 || unpaid[0].LateDays != 10 || unpaid[0].LateFee <= 0 {
			t.Errorf("after the deadline: %+v %v", unpaid, err)
		}
		if refunds, _ := (&iitannual.Service{DB: d}).Refunds(p.ctx, 2025); len(refunds) != 0 {
			t.Errorf("a tax to pay requested a refund: %+v", refunds)
		}
	})
}
