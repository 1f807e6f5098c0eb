package workflow_test

import (
	"context"
	"strings"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/pdfdoc/pdftest"
	"taxhall/internal/workflow"
)

// An approved certificate item issues its certificate in the decision's
// transaction: the taxpayer downloads the PDF (and only that taxpayer),
// /verify finds it genuine with what it certifies. A no-arrears
// certificate is refused while tax is unpaid. An approved refund item
// records the refund once.
func TestCertificatesAndRefunds(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		ctx := context.Background()
		cs := &certs.Service{DB: d, Now: h.svc.Now, BaseURL: "https://etax.example.cn"}

		// Unpaid tax: A's first liability owes 123.45 more.
		res, err := d.ExecContext(ctx, `UPDATE tax_liabilities SET amount = paid + 12345, settled = 0
			WHERE id = (SELECT MIN(id) FROM tax_liabilities WHERE taxpayer_id = $1)`, h.tpA)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			t.Fatalf("A has no liability to leave unpaid")
		}
		ap := h.submit(t, "no_arrears_cert", "cert-1", map[string]string{"use": "招投标"})
		k := live(ap)
		if _, err := h.svc.Claim(as(h.clerk), k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = h.svc.Decide(as(h.clerk), k.ID, workflow.DecideInput{Decision: workflow.DecisionPass})
		if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "欠缴税款") {
			t.Fatalf("approval with unpaid tax: %v", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE taxpayer_id = $1`, h.tpA).Scan(&n); err != nil || n != 0 {
			t.Fatalf("certificates after a refused approval: %d %v", n, err)
		}
		if _, err := d.ExecContext(ctx, `UPDATE tax_liabilities SET paid = amount, settled = 1 WHERE taxpayer_id = $1`, h.tpA); err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Decide(as(h.clerk), k.ID, workflow.DecideInput{Decision: workflow.DecisionPass}); err != nil {
			t.Fatal(err)
		}
		ap, err = h.svc.Get(as(h.userA), ap.ID)
		if err != nil || ap.Status != workflow.StatusApproved || ap.CertificateID == 0 || !strings.Contains(ap.Result, "无欠税证明") {
			t.Fatalf("approved: %+v %v", ap, err)
		}
		c, err := cs.Get(as(h.userA), ap.CertificateID)
		if err != nil || c.Kind != certs.KindNoArrears || !strings.Contains(c.Scope, "招投标") {
			t.Fatalf("certificate: %+v %v", c, err)
		}
		if _, err := cs.Get(as(h.userB), ap.CertificateID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another taxpayer's certificate: %v", err)
		}
		v, err := cs.Verify(ctx, c.No, c.Code)
		if err != nil || !v.Genuine || v.Title != "无欠税证明" || !strings.Contains(v.Statement, "没有欠缴税款") {
			t.Errorf("verify: %+v %v", v, err)
		}
		if v, err := cs.Verify(ctx, c.No, "222222222222"); err != nil || v.Genuine {
			t.Errorf("wrong code verified: %+v %v", v, err)
		}
		if font, err := pdfdoc.FindFont(""); err == nil {
			cs.Renderer = &pdfdoc.Renderer{FontPath: font}
			pdf, _, err := cs.PDF(as(h.userA), ap.CertificateID)
			if err != nil {
				t.Fatal(err)
			}
			text, err := pdftest.Text(pdf)
			if err != nil || !strings.Contains(text, "无欠税证明") || !strings.Contains(text, c.No) || !strings.Contains(text, "招投标") {
				t.Errorf("pdf text: %q %v", text, err)
			}
		}

		// Residency: two nodes, the certificate on the reviewer's approval.
		ap = h.submit(t, "residency_cert", "cert-2", map[string]string{"country": "新加坡", "year": "2026", "income": "股息"},
			workflow.File{Material: "registration", Name: "r.pdf", Data: append([]byte(nil), append(pdf, 'r')...)})
		ap = h.approve(t, ap)
		if c, err = cs.Get(as(h.userA), ap.CertificateID); err != nil || c.Kind != certs.KindResidency || !strings.Contains(c.Scope, "新加坡") {
			t.Fatalf("residency: %+v %v", c, err)
		}

		// Refund: recorded once with the amount in fen, paid out to the
		// account of A's tripartite agreement (and only to that account).
		if _, err := d.ExecContext(ctx, `INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state, created_by, created_by_name, created_at)
			VALUES ($1, 'AGR-T-1', '104', 'A', '6217000000001234', 'active', 0, '测试', '2026-01-01T00:00:00Z')`, h.tpA); err != nil {
			t.Fatal(err)
		}
		ap = h.submit(t, "refund_overpaid", "refund-1", map[string]string{"tax_type": "vat", "period": "2026Q1", "amount": "1,234.50",
			"bank": "中国银行厦门分行", "account": "6217000000001234", "reason": "重复缴纳"},
			workflow.File{Material: "voucher", Name: "v.pdf", Data: append([]byte(nil), append(pdf, 'v')...)})
		ap = h.approve(t, ap)
		var amount int64
		var account, status string
		if err := d.QueryRowContext(ctx, `SELECT amount, account, status FROM refunds WHERE application_id = $1`, ap.ID).Scan(&amount, &account, &status); err != nil ||
			amount != 123450 || account != "6217000000001234" || status != "approved" {
			t.Errorf("refund record: %d %s %s %v", amount, account, status, err)
		}
		if !strings.Contains(ap.Result, "1,234.50") {
			t.Errorf("refund result: %s", ap.Result)
		}
		var payouts int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM refund_payouts p JOIN refunds f ON f.id = p.refund_id
			WHERE f.application_id = $1 AND p.state = 'pending' AND p.amount = 123450 AND p.account_no = '6217000000001234' AND p.bank_code = '104'`, ap.ID).Scan(&payouts); err != nil || payouts != 1 {
			t.Errorf("payout: %d %v", payouts, err)
		}
		// Another account than the agreement's: the approval is refused.
		ap = h.submit(t, "refund_overpaid", "refund-2", map[string]string{"tax_type": "vat", "period": "2026Q2", "amount": "10",
			"bank": "中国银行", "account": "6217000000009999", "reason": "重复缴纳"},
			workflow.File{Material: "voucher", Name: "v.pdf", Data: append([]byte(nil), append(pdf, 'w')...)})
		for i := range ap.Item.Nodes {
			got, err := h.svc.Get(as(h.userA), ap.ID)
			if err != nil {
				t.Fatal(err)
			}
			k := live(got)
			who := as(map[string]*auth.Actor{auth.RoleWindowClerk: h.clerk, auth.RoleReviewer: h.reviewer, auth.RoleHallSupervisor: h.supervisor}[k.Role])
			if _, err := h.svc.Claim(who, k.ID); err != nil {
				t.Fatal(err)
			}
			_, err = h.svc.Decide(who, k.ID, workflow.DecideInput{Decision: workflow.DecisionPass})
			if i < len(ap.Item.Nodes)-1 && err != nil {
				t.Fatal(err)
			}
			if i == len(ap.Item.Nodes)-1 && (apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), "不一致")) {
				t.Errorf("refund to another account: %v", err)
			}
		}
	})
}
