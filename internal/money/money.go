// Package money handles amounts as integer fen (分): parsing what people type
// in yuan and formatting fen for display. No floating point anywhere.
package money

import (
	"errors"
	"strconv"
	"strings"
)

// MaxFen bounds parsed amounts (one trillion yuan), far below int64 overflow.
const MaxFen int64 = 1_000_000_000_000_00

// ParseYuan parses an amount in yuan ("1234", "1,234.5", "0.01", "１２３") into
// fen exactly. More than two decimals, signs and non-digits are rejected.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(toHalfWidth(s))
	s = strings.ReplaceAll(s, ",", "")
	s = strings.TrimSuffix(s, "元")
	if s == "" {
		return 0, errors.New("请填写金额")
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (hasDot && !digits(frac)) {
		return 0, errors.New("金额格式不正确，请填写数字，最多两位小数")
	}
	if len(frac) > 2 {
		return 0, errors.New("金额最多保留两位小数（精确到分）")
	}
	if len(whole) > 13 {
		return 0, errors.New("金额过大")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errors.New("金额格式不正确")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := w*100 + f
	if fen > MaxFen {
		return 0, errors.New("金额过大")
	}
	return fen, nil
}

// FormatYuan renders fen as yuan with thousands separators: 123456789 →
// "1,234,567.89".
func FormatYuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	whole := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	frac := fen % 100
	b.WriteByte(byte('0' + frac/10))
	b.WriteByte(byte('0' + frac%10))
	return b.String()
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uff01' && r <= '\uff5e':
			return r - 0xfee0
		}
		return r
	}, s)
}
