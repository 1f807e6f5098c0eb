package workflow_test

import (
	"context"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/workflow"
)

// approve takes an application through each of its nodes: the clerk
// accepts, the reviewer (and the supervisor) approve.
func (h *hall) approve(t *testing.T, ap *workflow.Application) *workflow.Application {
	t.Helper()
	for range ap.Item.Nodes {
		got, err := h.svc.Get(as(h.userA), ap.ID)
		if err != nil {
			t.Fatal(err)
		}
		k := live(got)
		if k == nil {
			break
		}
		who := map[string]*auth.Actor{auth.RoleWindowClerk: h.clerk, auth.RoleReviewer: h.reviewer, auth.RoleHallSupervisor: h.supervisor}[k.Role]
		if _, err := h.svc.Claim(as(who), k.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := h.svc.Decide(as(who), k.ID, workflow.DecideInput{Decision: workflow.DecisionPass}); err != nil {
			t.Fatalf("decide %s: %v", k.NodeCode, err)
		}
	}
	got, err := h.svc.Get(as(h.userA), ap.ID)
	if err != nil || got.Status != workflow.StatusApproved {
		t.Fatalf("not approved: %+v %v", got, err)
	}
	return got
}

// An approved suspension stops the periods it covers from being due (my
// tax area, the board's not-filed list, the clearance check); an approved
// extension of filing moves that one period's deadline, so a return filed
// by then is not late.
func TestSuspensionAndExtensionTakeEffect(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		h := newHall(t, d)
		ctx := context.Background()
		var role string
		if err := d.QueryRowContext(ctx, `SELECT role FROM taxpayer_users WHERE id = $1`, h.userA.UserID).Scan(&role); err != nil {
			t.Fatal(err)
		}
		h.userA.Role = role
		rs := h.svc.Returns
		dues := func() map[string]*returns.Due {
			t.Helper()
			list, err := rs.MyPeriods(as(h.userA))
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]*returns.Due{}
			for _, d := range list {
				if d.Form != nil {
					out[d.Form.Code+"|"+d.Key()] = d
				}
			}
			return out
		}
		before := dues()
		// A monthly period overdue (to suspend) and the small-scale VAT
		// quarter overdue (to extend): the seed's history ends a year ago.
		var month, vat *returns.Due
		for _, d := range before {
			switch {
			case d.Status == returns.StatusOverdue && d.PeriodKind == taxpayer.Monthly && d.TaxType != "vat_small" && (month == nil || d.Period.End.After(month.Period.End)):
				month = d
			case d.Status == returns.StatusOverdue && d.Form.Code == "vat_small" && (vat == nil || d.Period.End.After(vat.Period.End)):
				vat = d
			}
		}
		if month == nil || vat == nil {
			t.Fatalf("fixture: month %+v vat %+v", month, vat)
		}
		notFiled := func() bool {
			t.Helper()
			list, _, err := rs.NotFiled(as(h.clerk), month.Form.Code, month.Key(), 0, 200)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range list {
				if f.TaxpayerID == h.tpA {
					return true
				}
			}
			return false
		}
		if !notFiled() {
			t.Fatalf("A not on the not-filed list of %s %s before the suspension", month.Form.Code, month.Key())
		}
		c, err := rs.ClearanceOf(as(h.clerk), d, h.tpA)
		if err != nil {
			t.Fatal(err)
		}
		unfiled := len(c.Unfiled)

		// Suspension of exactly that month.
		sus := h.submit(t, "suspension", "relief-1", map[string]string{"from": month.Period.Start.String(), "to": month.Period.End.String(), "reason": "装修"},
			workflow.File{Material: "invoices", Name: "a.pdf", Data: pdf}, workflow.File{Material: "id_card", Name: "b.pdf", Data: append([]byte(nil), append(pdf, 'y')...)})
		h.approve(t, sus)
		after := dues()
		if got := after[month.Form.Code+"|"+month.Key()]; got.Status != returns.StatusSuspended {
			t.Errorf("suspended month: %s", got.Status)
		}
		// Periods not wholly inside stay as they were.
		for k, d := range before {
			if k != month.Form.Code+"|"+month.Key() && after[k].Status != d.Status && !(d.PeriodKind == taxpayer.Monthly && d.Key() == month.Key()) {
				t.Errorf("%s changed from %s to %s", k, d.Status, after[k].Status)
			}
		}
		if notFiled() {
			t.Error("A still on the not-filed list of the suspended month")
		}
		if c, err = rs.ClearanceOf(as(h.clerk), d, h.tpA); err != nil || len(c.Unfiled) >= unfiled {
			t.Errorf("clearance: %d unfiled, was %d (%v)", len(c.Unfiled), unfiled, err)
		}

		// Extension of the VAT quarter to ten days from now.
		until := calendar.FromTime(now).AddDays(10)
		ext := h.submit(t, "filing_extension", "relief-2", map[string]string{"tax_type": returns.ExtensionTax("vat_small"), "period": vat.Key(),
			"until": until.String(), "reason": "台风停电，账簿受损"}, workflow.File{Material: "proof", Name: "c.pdf", Data: append([]byte(nil), append(pdf, 'z')...)})
		h.approve(t, ext)
		got := dues()["vat_small|"+vat.Key()]
		if got.Deadline.Date != until || !got.Extended || got.Status != returns.StatusDue || got.DaysLeft != 10 {
			t.Fatalf("extended: %+v", got)
		}
		// Filed within the extension: not late.
		*h.clock = now.Add(72 * time.Hour)
		sub, err := rs.Submit(as(h.userA), "vat_small", vat.Key(), map[string]string{"1.goods": "1000"}, "relief-vat-0001", 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Return.Late || sub.Return.Deadline != until {
			t.Errorf("filed within the extension: late %v deadline %s", sub.Return.Late, sub.Return.Deadline)
		}
		// Another period of the same tax keeps its deadline.
		for k, d := range dues() {
			if d.Form.Code == "vat_small" && k != "vat_small|"+vat.Key() && d.Extended {
				t.Errorf("%s extended too", k)
			}
		}
	})
}
