package auth

import (
	_ "embed"
	"strings"
	"sync"
	"unicode"
)

//go:embed common_passwords.txt
var commonPasswordList string

// commonCores are the normalised cores of the embedded list.
var commonCores = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[normalizeCommon(line)] = true
	}
	return m
})

// leet undoes the usual substitutions. 1, l, | and ! all become i, so
// "1loveyou", "Iloveyou" and "!loveyou" meet "iloveyou".
var leet = strings.NewReplacer("@", "a", "4", "a", "0", "o", "1", "i", "l", "i", "|", "i", "!", "i",
	"3", "e", "$", "s", "5", "s", "7", "t", "8", "b")

// normalizeCommon reduces a password to its core, the way people dress up
// a common word: lower case; trailing digits and symbols stripped (a year,
// "123", "!"); leading digits and symbols stripped (a year in front),
// except the ones that stand for letters ("@dmin"); leet
// substitutions undone; runs of one character collapsed ("aaaaaaaaa" → "a",
// so that Aaaaaaaaa1 meets a123456). P@ssw0rd2026 becomes "pasword", as
// does password.
func normalizeCommon(pw string) string {
	s := strings.ToLower(pw)
	s = strings.TrimRightFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	s = strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsDigit(r) || !unicode.IsLetter(r) && !strings.ContainsRune("@$!|", r)
	})
	s = leet.Replace(s)
	var b strings.Builder
	var last rune = -1
	for _, r := range s {
		if r != last {
			b.WriteRune(r)
		}
		last = r
	}
	return b.String()
}

// isCommon reports whether pw is one of the embedded common passwords,
// once normalised. A password with no letters at its core (digits and
// symbols around nothing) counts as common too.
func isCommon(pw string) bool {
	core := normalizeCommon(pw)
	return core == "" || commonCores()[core]
}
