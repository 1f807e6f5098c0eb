package rules

import (
	"fmt"
	"math"
	"math/bits"
)

// Rate is a rate in parts per ten thousand (basis points): 3% is 300, the
// late fee's 0.05% a day is 5.
type Rate int64

const Percent Rate = 100

func (r Rate) String() string {
	if r%100 == 0 {
		return fmt.Sprintf("%d%%", r/100)
	}
	return fmt.Sprintf("%d.%02d%%", r/100, r%100)
}

// mulRate returns amount × r rounded to the fen, half up (四舍五入到分); a
// negative amount rounds half away from zero, symmetrically.
func mulRate(amount int64, r Rate) int64 { return mulDiv(amount, int64(r), 10000) }

// mulDiv returns a × num / den rounded half away from zero, exactly (128-bit
// intermediate), for num ≥ 0 and den > 0. It panics if the result does not
// fit in an int64: no tax amount comes near (money.MaxFen is 10^14 fen).
func mulDiv(a, num, den int64) int64 {
	if num < 0 || den <= 0 || a == math.MinInt64 {
		panic("rules: mulDiv out of range")
	}
	neg := a < 0
	if neg {
		a = -a
	}
	hi, lo := bits.Mul64(uint64(a), uint64(num)) // #nosec G115 -- a ≥ 0 and num ≥ 0, checked above
	lo, c := bits.Add64(lo, uint64(den/2), 0)    // #nosec G115 -- den > 0, checked above
	hi += c
	if hi >= uint64(den) { // #nosec G115 -- den > 0; bits.Div64 needs hi < den
		panic("rules: mulDiv overflows")
	}
	q, _ := bits.Div64(hi, lo, uint64(den)) // #nosec G115 -- den > 0
	if q > math.MaxInt64 {
		panic("rules: mulDiv overflows")
	}
	if neg {
		return -int64(q) // #nosec G115 -- q ≤ MaxInt64, checked above
	}
	return int64(q) // #nosec G115 -- q ≤ MaxInt64, checked above
}
