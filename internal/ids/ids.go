// Package ids validates and generates Chinese identifiers used on forms:
// the unified social credit code (统一社会信用代码, GB 32100-2015), the
// resident identity card number (居民身份证号码, GB 11643-1999), telephone
// numbers and e-mail addresses. Every validation error carries a simplified
// Chinese message that can be shown next to the form field as is.
package ids

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
)

// toHalfWidth converts full-width ASCII variants (U+FF01–U+FF5E) and the
// ideographic space (U+3000) to their half-width equivalents.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

// normalize converts full-width characters and trims surrounding white space.
func normalize(s string) string {
	return strings.TrimFunc(toHalfWidth(s), unicode.IsSpace)
}

// allDigits reports whether s is non-empty and consists of ASCII digits only.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

var (
	mobileRE   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	tollFreeRE = regexp.MustCompile(`^[48]00-?[0-9]{3}-?[0-9]{4}$`)
)

var (
	errMobile = errors.New("请填写正确的11位手机号码")
	errPhone  = errors.New("请填写正确的手机号或固定电话（如 0592-1234567）")
	errEmail  = errors.New("电子邮箱格式不正确")
)

// ValidateMobile accepts a mainland China mobile number: 11 digits starting
// with 13–19.
func ValidateMobile(s string) error {
	if !mobileRE.MatchString(s) {
		return errMobile
	}
	return nil
}

// ValidatePhone accepts a mobile number, a landline with area code such as
// "0592-1234567" or "010-12345678" (optionally followed by "-extension" of
// 1–6 digits), or a 400/800 service number such as "400-123-4567".
func ValidatePhone(s string) error {
	if mobileRE.MatchString(s) || landlineRE.MatchString(s) || tollFreeRE.MatchString(s) {
		return nil
	}
	return errPhone
}

// ValidateEmail accepts a bare e-mail address (no display name) of at most
// 254 characters whose domain contains a dot.
func ValidateEmail(s string) error {
	if s == "" || len(s) > 254 {
		return errEmail
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return errEmail
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") ||
		strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") ||
		strings.ContainsAny(s, " []\"") {
		return errEmail
	}
	return nil
}
