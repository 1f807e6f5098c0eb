package forms

import (
	"math"
	"strings"
	"testing"

	"taxhall/internal/money"
)

// Plain is money.FormatYuan without the thousands separators, for every
// magnitude and sign.
func TestPlainMatchesFormatYuan(t *testing.T) {
	vals := []int64{0, 1, -1, 9, 10, 99, 100, 101, -101, 123456, -123456, 100000000, 999999999999, math.MaxInt64, math.MinInt64 + 1}
	for x := int64(1); x < math.MaxInt64/7; x = x*7 + 3 {
		vals = append(vals, x, -x)
	}
	for _, v := range vals {
		want := strings.ReplaceAll(money.FormatYuan(v), ",", "")
		if got := Plain(v); got != want {
			t.Errorf("Plain(%d) = %q, want %q", v, got, want)
		}
	}
	if got := Plain(math.MinInt64); got != "-92233720368547758.08" {
		t.Errorf("Plain(MinInt64) = %q", got)
	}
}

func FuzzPlain(f *testing.F) {
	f.Add(int64(-12345))
	f.Fuzz(func(t *testing.T, v int64) {
		if v == math.MinInt64 {
			return
		}
		if got, want := Plain(v), strings.ReplaceAll(money.FormatYuan(v), ",", ""); got != want {
			t.Errorf("Plain(%d) = %q, want %q", v, got, want)
		}
	})
}
