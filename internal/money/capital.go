package money

import "strings"

// Capital writes an amount in fen in Chinese capital numerals (人民币大写),
// as 中国人民银行《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》
// prescribes for vouchers and certificates:
//
//   - the numerals 零壹贰叁肆伍陆柒捌玖 and the units 拾佰仟万亿元角分,
//     with 壹 written before 拾 (¥107,000.53 → 壹拾万…);
//   - "整" after 元 when the amount ends in whole yuan (第二条); after 角 it
//     may be left out (ibid.), and is (¥1,409.50 → 壹仟肆佰零玖元伍角);
//     never after 分;
//   - a zero, or a run of zeros, between non-zero digits is written as one
//     零 (第四条(一)(二)); where the document allows writing or leaving
//     out the 零 (万位 or 元位 zero before a non-zero 千位 or 角位,
//     第四条(三)) it is written, which is the form that resists alteration;
//   - a zero 角 before a non-zero 分 is always written as 零 (第四条(四)).
//
// The "人民币" prefix is the caller's to print. A negative amount gets "负";
// zero is 零元整.
func Capital(fen int64) string {
	if fen == 0 {
		return "零元整"
	}
	var b strings.Builder
	if fen < 0 {
		b.WriteString("负")
		fen = -fen
	}
	yuan, jiao, fenD := fen/100, int(fen/10%10), int(fen%10)
	digits := []rune(itoa(yuan))
	if yuan == 0 {
		digits = nil
	}
	pendingZero := false
	for i, d := range digits {
		p := len(digits) - 1 - i // 0: the 元 position
		if d == '0' {
			pendingZero = true
		} else {
			if pendingZero {
				b.WriteRune('零')
				pendingZero = false
			}
			b.WriteRune(numerals[d-'0'])
			b.WriteString(placeUnits[p%4])
		}
		if p > 0 && p%4 == 0 && sectionHasDigit(digits, p) {
			b.WriteString(sectionUnit(digits, p))
		}
	}
	if yuan > 0 {
		b.WriteRune('元')
	}
	for _, c := range []struct {
		d    int
		unit rune
	}{{jiao, '角'}, {fenD, '分'}} {
		if c.d == 0 {
			pendingZero = pendingZero || b.Len() > 0
			continue
		}
		if pendingZero && b.Len() > 0 {
			b.WriteRune('零')
		}
		pendingZero = false
		b.WriteRune(numerals[c.d])
		b.WriteRune(c.unit)
	}
	if jiao == 0 && fenD == 0 {
		b.WriteRune('整')
	}
	return b.String()
}

var numerals = []rune("零壹贰叁肆伍陆柒捌玖")

var placeUnits = [4]string{"", "拾", "佰", "仟"}

// sectionHasDigit reports whether the four-digit section that ends at
// position p (4: 万, 8: 亿, 12: 万亿) holds a non-zero digit.
func sectionHasDigit(digits []rune, p int) bool {
	n := len(digits)
	for q := p; q < p+4 && q < n; q++ {
		if digits[n-1-q] != '0' {
			return true
		}
	}
	return false
}

// sectionUnit is the unit written after the section ending at p: 万, 亿,
// and at 万亿 also 亿 when the 亿 section itself is empty (壹万亿).
func sectionUnit(digits []rune, p int) string {
	switch p {
	case 4:
		return "万"
	case 8:
		return "亿"
	}
	if !sectionHasDigit(digits, 8) {
		return "万亿"
	}
	return "万"
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}
