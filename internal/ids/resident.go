package ids

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"taxhall/internal/divisions"
)

// residentWeights are the GB 11643-1999 weights of positions 1–17.
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// minBirth is the earliest accepted date of birth.
var minBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	errIDEmpty    = errors.New("请填写身份证号码")
	errIDLength   = errors.New("身份证号码应为18位")
	errIDDigits   = errors.New("身份证号码前17位应为数字，最后一位为数字或X")
	errIDArea     = errors.New("身份证号码的地区代码不正确")
	errIDBirth    = errors.New("出生日期无效")
	errIDFuture   = errors.New("出生日期不能晚于今天")
	errIDTooEarly = errors.New("出生日期不能早于1900年1月1日")
	errIDCheck    = errors.New("身份证号码校验位不正确，请核对")
)

// NormalizeResidentID trims white space, converts full-width characters to
// half-width and upper-cases a trailing x.
func NormalizeResidentID(s string) string {
	return strings.ReplaceAll(normalize(s), "x", "X")
}

// ResidentIDCheckChar computes the check character ('0'–'9' or 'X') for the
// first 17 digits of a resident ID number.
func ResidentIDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 || !allDigits(first17) {
		return 0, errIDDigits
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * residentWeights[i]
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return 'X', nil
	}
	return byte('0' + v), nil
}

// BirthDate extracts the date of birth (UTC midnight) from an 18-digit ID.
// It reports false when the date part is not a real calendar date.
func BirthDate(id string) (time.Time, bool) {
	if len(id) != 18 || !allDigits(id[6:14]) {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Gender returns "男" when the 17th digit is odd and "女" otherwise.
func Gender(id string) string {
	if len(id) >= 17 && (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

// ValidateResidentID checks a normalized 18-digit resident ID number against
// today's date and returns nil when it is valid.
func ValidateResidentID(id string, today time.Time) error {
	switch {
	case id == "":
		return errIDEmpty
	case len(id) != 18:
		return errIDLength
	case !allDigits(id[:17]) || !(allDigits(id[17:]) || id[17] == 'X'):
		return errIDDigits
	}
	if d, ok := divisions.Lookup(id[:2]); !ok || len(d.Code) != 2 {
		return errIDArea
	}
	birth, ok := BirthDate(id)
	if !ok {
		return errIDBirth
	}
	y, m, d := today.Date()
	if birth.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		return errIDFuture
	}
	if birth.Before(minBirth) {
		return errIDTooEarly
	}
	want, _ := ResidentIDCheckChar(id[:17])
	if id[17] != want {
		return errIDCheck
	}
	return nil
}

// GenerateResidentID returns a random but valid ID number for a person born
// on birth in the given 6-digit division. The sequence number's parity
// encodes the gender.
func GenerateResidentID(r *rand.Rand, division6 string, birth time.Time, male bool) string {
	seq := r.IntN(500) * 2 // even: female
	if male {
		seq++
	}
	s := fmt.Sprintf("%s%s%03d", division6, birth.Format("20060102"), seq)
	c, err := ResidentIDCheckChar(s)
	if err != nil {
		return s
	}
	return s + string(c)
}
