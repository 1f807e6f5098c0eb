package returns

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"

	"taxhall/internal/forms"
)

// The directly written canonical bytes are encoding/json's, byte for byte,
// for every form's cells and for strings that need escaping (where the
// fallback writes them); so are the carry column's.
func TestCanonicalIsEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	odd := []string{"", "普通纳税人", `引"号`, `反\斜`, "换\n行", "tab\t", "\x00", "\x7f", "<a&b>", "bad\xffutf8", "sep\u2028x", "para\u2029", "😀", "a/b"}
	for _, f := range forms.All() {
		v := forms.Values{}
		for _, k := range f.Cells() {
			v[k] = rng.Int64N(2_000_000_000) - 1_000_000_000
		}
		for i, s := range odd {
			d := &Doc{Form: f.Code, FormName: f.Name, FormBasis: f.Basis, TaxType: f.TaxType, TaxpayerID: rng.Int64N(1 << 40),
				TaxpayerCode: "91350203MA8TEST01", TaxpayerName: s, PeriodStart: "2026-01-01", PeriodEnd: "2026-03-31",
				Version: 1 + i%3, Zero: i%2 == 0, RulesVersion: "rules-test", Lines: forms.Format(v, f.Cells()),
				Entered: map[string]string{"1": s, s: "2"}, TaxDue: forms.Plain(v[f.Cells()[0]])}
			if i%4 == 1 {
				d.Corrects = "ab" + s
			}
			if i == 3 {
				d.Lines, d.Entered = nil, map[string]string{}
			}
			if got, want := d.Canonical(), d.encodingJSON(); !bytes.Equal(got, want) {
				t.Fatalf("%s, string %q:\ngot  %s\nwant %s", f.Code, s, got, want)
			}
		}
		carry := forms.Values{}
		for _, k := range f.Cells() {
			carry[k] = v[k]
		}
		want, _ := json.Marshal(carry)
		if got := carryJSON(carry); got != string(want) {
			t.Fatalf("%s carry:\ngot  %s\nwant %s", f.Code, got, want)
		}
	}
	for _, odd := range []forms.Values{{"x\"y": 1, "<": -2}, {"a&b": 3}, {"\u2028": 4}} {
		want, _ := json.Marshal(odd)
		if got := carryJSON(odd); got != string(want) {
			t.Fatalf("carry with odd keys: %s, want %s", got, want)
		}
	}
	if got, want := carryJSON(forms.Values{"1.goods": 5, "10": -6}), `{"1.goods":5,"10":-6}`; got != want {
		t.Fatalf("carry with odd keys: %s, want %s", got, want)
	}
	d := &Doc{Form: "iit", Detail: json.RawMessage(`{"a": [1, 2]}`)}
	if got, want := d.Canonical(), d.encodingJSON(); !bytes.Equal(got, want) {
		t.Fatalf("a detail form: %s, want %s", got, want)
	}
}

func FuzzCanonical(f *testing.F) {
	f.Add("甲", "1.goods", "12.00", "x")
	f.Add("\u2028", "<", "\xff", `"`)
	f.Fuzz(func(t *testing.T, name, key, value, entered string) {
		d := &Doc{Form: "vat_small", TaxpayerName: name, Lines: map[string]string{key: value, "z": "0.00"}, Entered: map[string]string{entered: key}}
		if got, want := d.Canonical(), d.encodingJSON(); !bytes.Equal(got, want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	})
}
