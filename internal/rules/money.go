package rules

import (
	"fmt"
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
// intermediate), for num ≥ 0 and den > 0.
func mulDiv(a, num, den int64) int64 {
	if num < 0 || den <= 0 {
		panic("rules: mulDiv with a negative factor")
	}
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	hi, lo := bits.Mul64(u, uint64(num))
	lo, c := bits.Add64(lo, uint64(den/2), 0)
	hi += c
	q, _ := bits.Div64(hi, lo, uint64(den)) // panics if the result overflows 64 bits
	if neg {
		return -int64(q)
	}
	return int64(q)
}
