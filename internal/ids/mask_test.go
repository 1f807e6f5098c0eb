package ids

import "testing"

func TestMasking(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"350203196609248952", "350203********8952"},
		{"35020319660924X", "350203*****924X"},
		{"", ""},
		{"12", "**"},
		{"12345", "***45"},
	} {
		if got := MaskResidentID(c.in); got != c.want {
			t.Errorf("MaskResidentID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"13800000001", "138****0001"},
		{"0592-5551234", "0592****1234"},
		{"05925551234", "059****1234"},
		{"123", "***"},
	} {
		if got := MaskPhone(c.in); got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if MaskTaxpayerCode("91350203CHXXHJ8TKL", "enterprise") != "91350203CHXXHJ8TKL" {
		t.Error("credit code masked")
	}
}
