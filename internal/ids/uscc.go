package ids

import (
	"errors"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// usccAlphabet is the GB 32100-2015 character set; a character's value is
// its index. The letters I, O, Z, S and V are never used.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights are the weights of positions 1–17 (3^(i-1) mod 31).
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccRegistrars are the allowed first characters (登记管理部门代码).
const usccRegistrars = "123456789ABCDEFGNY"

var (
	errUSCCEmpty     = errors.New("请填写统一社会信用代码")
	errUSCCLength    = errors.New("统一社会信用代码应为18位")
	errUSCCChars     = errors.New("统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）")
	errUSCCRegistrar = errors.New("统一社会信用代码第1位（登记管理部门代码）不正确")
	errUSCCDivision  = errors.New("统一社会信用代码第3至8位应为行政区划代码数字")
	errUSCCCheck     = errors.New("统一社会信用代码校验位不正确，请核对")
)

// NormalizeUSCC trims white space (including the full-width space), converts
// full-width ASCII to half-width and upper-cases the code.
func NormalizeUSCC(s string) string {
	return strings.ToUpper(normalize(s))
}

// usccValue returns the numeric value of an alphabet character, or -1.
func usccValue(c byte) int {
	return strings.IndexByte(usccAlphabet, c)
}

// USCCCheckChar computes the check character for the first 17 characters of
// a unified social credit code.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, errors.New("统一社会信用代码前17位长度不正确")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(first17[i])
		if v < 0 {
			return 0, errUSCCChars
		}
		sum += v * usccWeights[i]
	}
	check := 31 - sum%31
	if check == 31 {
		check = 0
	}
	return usccAlphabet[check], nil
}

// ValidateUSCC checks a normalized unified social credit code and returns
// nil when it is valid.
func ValidateUSCC(code string) error {
	switch {
	case code == "":
		return errUSCCEmpty
	case utf8.RuneCountInString(code) != 18 || len(code) != 18:
		return errUSCCLength
	}
	for i := 0; i < len(code); i++ {
		if usccValue(code[i]) < 0 {
			return errUSCCChars
		}
	}
	if strings.IndexByte(usccRegistrars, code[0]) < 0 {
		return errUSCCRegistrar
	}
	if !allDigits(code[2:8]) {
		return errUSCCDivision
	}
	want, err := USCCCheckChar(code[:17])
	if err != nil {
		return err
	}
	if code[17] != want {
		return errUSCCCheck
	}
	return nil
}

// GenerateUSCC returns a random but valid code for an enterprise ("91")
// registered in the given 6-digit division. It is meant for demo data and
// tests; division6 is used as is.
func GenerateUSCC(r *rand.Rand, division6 string) string {
	var b strings.Builder
	b.WriteString("91")
	b.WriteString(division6)
	for b.Len() < 17 {
		b.WriteByte(usccAlphabet[r.IntN(len(usccAlphabet))])
	}
	s := b.String()[:17]
	c, err := USCCCheckChar(s)
	if err != nil {
		// Only possible with a malformed division code.
		return s
	}
	return s + string(c)
}

// GenerateBusinessUSCC is GenerateUSCC for an individual business
// (个体工商户, "92"): demo data and tests.
func GenerateBusinessUSCC(r *rand.Rand, division6 string) string {
	s := "92" + GenerateUSCC(r, division6)[2:17]
	c, err := USCCCheckChar(s)
	if err != nil {
		return s
	}
	return s + string(c)
}
