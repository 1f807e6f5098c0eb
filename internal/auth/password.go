package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"taxhall/internal/apperr"
	"unicode"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (RFC 9106 second recommendation scaled down to the
// OWASP minimum of 19 MiB): about 36 ms a hash on this project's machines.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword reports whether pw matches the encoded hash.
func VerifyPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	if len(want) < 16 || len(want) > 64 {
		return false // not a hash this package wrote
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want))) // #nosec G115 -- 16 ≤ len(want) ≤ 64, checked above
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a login names no such user, so that
// the answer takes as long as for a real user.
var dummyHash = HashPassword("taxhall-dummy-password")

// commonPasswords are refused wherever they appear in a password, whatever
// its character classes; the embedded list (common.go) is compared whole.
var commonPasswords = []string{"password", "passw0rd", "qwerty", "123456", "12345678", "abc123", "admin", "iloveyou", "taxhall", "woaini", "a1b2c3"}

var errCommon = errors.New("密码过于常见，请换一个不易猜到的密码")

// CheckNewPassword adds to f the messages of a new password (field) and of
// its confirmation (confirmField, "" when the form has none): an empty box
// is asked for ("请填写…"), a filled one told the rule it breaks.
func CheckNewPassword(f apperr.Fields, field, pw, confirmField, confirm string, personal ...string) {
	if pw == "" {
		f.Add(field, "请填写密码")
	} else {
		f.Check(field, CheckPasswordStrength(pw, personal...))
	}
	switch {
	case confirmField == "":
	case confirm == "" && pw != "":
		f.Add(confirmField, "请再次输入密码")
	case confirm != pw:
		f.Add(confirmField, "两次输入的密码不一致")
	}
}

// CheckPasswordStrength returns a Chinese message when pw is too weak:
// at least 10 characters, three of four character classes, not containing
// the username or the taxpayer code, not a common password: neither
// containing one of a few words nor, once normalised (P@ssw0rd2026 →
// password), one of the embedded list of the most common passwords.
func CheckPasswordStrength(pw string, personal ...string) error {
	if len([]rune(pw)) < 10 {
		return errors.New("密码至少需要10位")
	}
	if len(pw) > 128 {
		return errors.New("密码不能超过128位")
	}
	var upper, lower, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsSpace(r):
			return errors.New("密码不能包含空格")
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{upper, lower, digit, other} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return errors.New("密码需包含大写字母、小写字母、数字、符号中的至少三类")
	}
	low := strings.ToLower(pw)
	for _, p := range personal {
		if len(p) >= 3 && strings.Contains(low, strings.ToLower(p)) {
			return errors.New("密码不能包含用户名、纳税人识别号等个人信息")
		}
	}
	for _, c := range commonPasswords {
		if strings.Contains(low, c) {
			return errCommon
		}
	}
	if isCommon(pw) {
		return errCommon
	}
	return nil
}
