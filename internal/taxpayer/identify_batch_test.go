package taxpayer_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/taxpayer"
)

// checked lists the tax types ticked by default, in order.
func checked(list []taxpayer.Suggestion) []string {
	var out []string
	for _, s := range list {
		if s.Checked {
			out = append(out, s.TaxType)
		}
	}
	return out
}

func TestSuggestedIdentifications(t *testing.T) {
	for _, c := range []struct {
		name     string
		tp       taxpayer.Taxpayer
		want     string // the ticked types
		offered  []string
		excluded []string
	}{
		{"software company", taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: "91350203MA2Y8K7L3Q", IndustryCode: "65"},
			"vat_small surcharges cit iit_withholding social_insurance", []string{"vat_general", "consumption", "property", "land_use"}, nil},
		{"distillery", taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: "91350203MA2Y8K7L3Q", IndustryCode: "15"},
			"vat_small surcharges cit iit_withholding social_insurance consumption", nil, nil},
		{"car maker", taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: "91350203MA2Y8K7L3Q", IndustryCode: "36"},
			"vat_small surcharges cit iit_withholding social_insurance consumption", nil, nil},
		{"individual business", taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: "92350203MA2Y8K7L3Q", IndustryCode: "52"},
			"vat_small surcharges", []string{"iit_withholding", "social_insurance"}, []string{"cit"}},
		{"natural person", taxpayer.Taxpayer{Kind: taxpayer.Individual, Code: "350203198001010011"},
			"social_insurance", []string{"vat_small", "property"}, []string{"cit", "iit_withholding", "vat_general", "consumption"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			list := taxpayer.SuggestedIdentifications(&c.tp)
			if got := strings.Join(checked(list), " "); got != c.want {
				t.Errorf("ticked %q, want %q", got, c.want)
			}
			types := map[string]taxpayer.Suggestion{}
			for _, s := range list {
				tt, ok := taxpayer.LookupTaxType(s.TaxType)
				switch {
				case !ok:
					t.Errorf("%s is not a tax type", s.TaxType)
				case c.tp.Kind == taxpayer.Individual && !tt.Individuals, c.tp.Kind == taxpayer.Enterprise && !tt.Enterprises:
					t.Errorf("%s offered to a %s", s.TaxType, c.tp.Kind)
				case !contains(tt.Periods, s.Period):
					t.Errorf("%s: period %s not allowed", s.TaxType, s.Period)
				case s.Why == "":
					t.Errorf("%s: no reason", s.TaxType)
				}
				if _, dup := types[s.TaxType]; dup {
					t.Errorf("%s twice", s.TaxType)
				}
				types[s.TaxType] = s
			}
			for _, o := range c.offered {
				if _, ok := types[o]; !ok {
					t.Errorf("%s not offered", o)
				}
			}
			for _, x := range c.excluded {
				if _, ok := types[x]; ok {
					t.Errorf("%s offered", x)
				}
			}
			// The surcharges follow the VAT's period.
			if sur, ok := types["surcharges"]; ok && types["vat_small"].Period != sur.Period {
				t.Errorf("surcharges %s, VAT %s", sur.Period, types["vat_small"].Period)
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestIdentifyBatch: the usual set in one transaction. A failing line
// names itself and leaves nothing recorded; the status stays pending until
// a clerk completes, which happens once and only from pending; a clerk of
// another bureau gets NotFound on every step.
func TestIdentifyBatch(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		reg, err := e.tp.RegisterEnterprise(context.Background(), e.enterprise("350203"))
		if err != nil {
			t.Fatal(err)
		}
		id := reg.Taxpayer.ID
		clerk, huli := e.staff(t, "35020301"), e.staff(t, "35020601")
		count := func() int {
			var n int
			if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM tax_identifications WHERE taxpayer_id = $1`, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		_, list, err := e.tp.Suggestions(clerk, id)
		if err != nil {
			t.Fatal(err)
		}
		var set []taxpayer.IdentifyInput
		for _, s := range list {
			if s.StartDate != "2026-11-23" {
				t.Errorf("%s starts %q, want the registration day", s.TaxType, s.StartDate)
			}
			if s.Checked {
				set = append(set, taxpayer.IdentifyInput{TaxType: s.TaxType, Period: s.Period, StartDate: s.StartDate})
			}
		}
		if len(set) != 5 {
			t.Fatalf("ticked %d, want 5", len(set))
		}

		t.Run("a bad line names itself and nothing is recorded", func(t *testing.T) {
			bad := append([]taxpayer.IdentifyInput(nil), set...)
			bad[2].StartDate = "2026-01-01" // CIT before registration
			bad = append(bad, taxpayer.IdentifyInput{TaxType: "vat_general", Period: "month", StartDate: "2026-11-23"})
			_, err := e.tp.IdentifyBatch(clerk, id, bad)
			f := fields(err)
			if !strings.HasPrefix(f["items.2.start_date"], "企业所得税：有效期起不能早于登记日期") {
				t.Errorf("CIT line: %v", err)
			}
			if !strings.Contains(f["items.5.tax_type"], "不能同时认定") {
				t.Errorf("second VAT line: %v", err)
			}
			if len(f) != 2 || count() != 0 {
				t.Errorf("errors %v, %d recorded", f, count())
			}
			if _, err := e.tp.IdentifyBatch(clerk, id, nil); fields(err)["items"] == "" {
				t.Errorf("empty batch: %v", err)
			}
		})

		t.Run("a line overlapping one in force rolls the batch back", func(t *testing.T) {
			if _, err := e.tp.Identify(clerk, id, taxpayer.IdentifyInput{TaxType: "cit", Period: "quarter", StartDate: "2026-11-23"}); err != nil {
				t.Fatal(err)
			}
			_, err := e.tp.IdentifyBatch(clerk, id, set)
			if f := fields(err); !strings.HasPrefix(f["items.2.tax_type"], "企业所得税：该纳税人已有企业所得税认定") || len(f) != 1 {
				t.Errorf("overlap: %v", err)
			}
			if count() != 1 {
				t.Errorf("%d recorded, want only the earlier CIT", count())
			}
			// The suggestions now show CIT as in force and unticked.
			_, list, _ := e.tp.Suggestions(clerk, id)
			for _, s := range list {
				if s.TaxType == "cit" && (s.Checked || !strings.Contains(s.Identified, "企业所得税 按季 自 2026-11-23")) {
					t.Errorf("cit suggestion: %+v", s)
				}
			}
		})

		t.Run("another bureau's clerk gets NotFound", func(t *testing.T) {
			if _, _, err := e.tp.Suggestions(huli, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("suggestions: %v", err)
			}
			if _, err := e.tp.IdentifyBatch(huli, id, set); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("batch: %v", err)
			}
			if _, err := e.tp.CompleteIdentification(huli, id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("complete: %v", err)
			}
			if _, err := e.tp.IdentifyBatch(e.staff(t, "35020303"), id, set); apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("hall supervisor: %v", err)
			}
		})

		t.Run("the rest of the set in one go, still pending", func(t *testing.T) {
			rest := append(append([]taxpayer.IdentifyInput(nil), set[:2]...), set[3:]...)
			got, err := e.tp.IdentifyBatch(clerk, id, rest)
			if err != nil || len(got) != 4 || count() != 5 {
				t.Fatalf("batch: %d %v, %d recorded", len(got), err, count())
			}
			if tp, _ := e.tp.Get(clerk, id); tp.Status != taxpayer.StatusPending {
				t.Errorf("status %s after the batch, want pending", tp.Status)
			}
			hist, _ := e.tp.History(clerk, id)
			if n := countAction(hist, "税（费）种认定"); n != 5 {
				t.Errorf("%d identifications in the history, want 5", n)
			}
		})

		t.Run("completion happens once, from pending only", func(t *testing.T) {
			var mu sync.Mutex
			var ok, conflict int
			var other []error
			parallel(12, func(int) {
				_, err := e.tp.CompleteIdentification(clerk, id)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case apperr.CodeOf(err) == apperr.Conflict:
					conflict++
				default:
					other = append(other, err)
				}
			})
			if ok != 1 || conflict != 11 || len(other) > 0 {
				t.Errorf("%d completed, %d conflicts, other errors %v", ok, conflict, other)
			}
			hist, _ := e.tp.History(clerk, id)
			if n := countAction(hist, "认定完成"); n != 1 {
				t.Errorf("%d completions in the history", n)
			}
			var by int64
			var at string
			if err := d.QueryRowContext(context.Background(), `SELECT identified_by, identified_at FROM taxpayers WHERE id = $1`, id).Scan(&by, &at); err != nil || by == 0 || at == "" {
				t.Errorf("identified_by %d, identified_at %q, %v", by, at, err)
			}
		})

		t.Run("a pending taxpayer without identifications cannot complete", func(t *testing.T) {
			reg, err := e.tp.RegisterEnterprise(context.Background(), e.enterprise("350203"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = e.tp.CompleteIdentification(clerk, reg.Taxpayer.ID)
			if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(apperr.As(err).Message, "请先认定") {
				t.Errorf("complete with nothing identified: %v", err)
			}
			if tp, _ := e.tp.Get(clerk, reg.Taxpayer.ID); tp.Status != taxpayer.StatusPending {
				t.Errorf("status %s", tp.Status)
			}
		})
	})
}

func countAction(hist []taxpayer.Event, name string) int {
	n := 0
	for _, h := range hist {
		if h.ActionName == name {
			n++
		}
	}
	return n
}
