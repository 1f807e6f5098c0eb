package ids

import "strings"

// The one masking rule for pages and API alike (个人信息保护): a resident ID
// shows its first 6 (the division) and last 4 characters, a phone number
// hides its middle 4 digits. Full values appear only on a record page of
// someone entitled to them; every list, summary and API list view masks.

// MaskResidentID masks an 18- or 15-character resident ID:
// 350203********8952. Shorter strings are masked whole but for their last 2.
func MaskResidentID(id string) string {
	r := []rune(id)
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 10:
		return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
	case len(r) > 2:
		return strings.Repeat("*", len(r)-2) + string(r[len(r)-2:])
	}
	return strings.Repeat("*", len(r))
}

// MaskPhone hides the middle 4 digits of a mobile number (138****0001); for
// a landline with an area code the 4 digits before the last 4 are hidden.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 8 {
		return strings.Repeat("*", len(r))
	}
	if len(r) == 11 && !strings.ContainsAny(p, "-") {
		return string(r[:3]) + "****" + string(r[7:])
	}
	return string(r[:len(r)-8]) + "****" + string(r[len(r)-4:])
}

// MaskTaxpayerCode masks a taxpayer code that is a resident ID (natural
// persons are identified by it) and leaves a credit code as it is.
func MaskTaxpayerCode(code, kind string) string {
	if kind == "individual" {
		return MaskResidentID(code)
	}
	return code
}
