package iitw_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"taxhall/internal/forms"
	"taxhall/internal/iitw"
	"taxhall/internal/rules"
)

// The detail the form computes is what its stored document gives back:
// the accept hook (iitrecords) takes the computed lines of a return just
// accepted, and the document's lines of one read back, and both must be
// the same values.
func TestDetailSurvivesItsDocument(t *testing.T) {
	who := validIDs(30, 7)
	lines := make([]iitw.Line, len(who))
	for i, id := range who {
		wage := int64(5_000+i*977) * yuan
		lines[i] = iitw.Line{Row: i + 2, ResidentID: id, Name: fmt.Sprintf("员工%02d", i), Income: wage, TaxFree: int64(i%4) * 100 * yuan,
			Pension: wage * 8 / 100, Medical: wage * 2 / 100, Unemployment: wage / 200, HousingFund: wage * 7 / 100,
			Child: int64(i%3) * 2_000 * yuan, Elderly: int64(i%2) * 3_000 * yuan, Rent: int64(i%5/4) * 1_500 * yuan, Other: int64(i % 7)}
	}
	f, _ := forms.Lookup(iitw.FormCode)
	prior := map[string]iitw.Prior{who[0]: {Months: 2, Income: 20_000 * yuan, Withheld: 300 * yuan}}
	out, err := f.Run(forms.Input{Period: rules.Month(2026, 3), Extra: prior}, map[string]string{forms.DetailKey: iitw.EncodeLines(lines)})
	if err != nil {
		t.Fatal(err)
	}
	computed, ok := out.Detail.([]iitw.Result)
	if !ok || len(computed) != len(lines) {
		t.Fatalf("computed detail %T of %d lines", out.Detail, len(computed))
	}
	doc, err := json.Marshal(out.Detail) // as returns.Submit stores it
	if err != nil {
		t.Fatal(err)
	}
	back, err := iitw.DetailOf(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, computed) {
		t.Errorf("the document's detail differs from the computed one:\n%+v\n%+v", back[0], computed[0])
	}
}
