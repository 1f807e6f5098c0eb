// Package input checks text at the edge, before any service sees it: valid
// UTF-8, no control characters (NUL and friends make PostgreSQL answer
// SQLSTATE 22021 and have no business in a form), and a length limit. The
// web forms and the JSON API both call it, so bad bytes get the same clear
// message (and a 4xx, never a 500) whichever way they arrive.
//
// Field-specific limits (a name of at most 100 characters) belong to the
// services; MaxValue here is only the outer bound of any single value.
package input

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// MaxValue is the most characters any one form or JSON text value may hold.
const MaxValue = 2000

// MaxQuery is the most characters of a search text.
const MaxQuery = 100

// Check returns a Chinese message saying what is wrong with s, or "" when
// it is acceptable text of at most max characters. Tabs and line breaks
// are allowed (multi-line text areas); every other control character is not.
func Check(s string, max int) string {
	if !utf8.ValidString(s) {
		return "含有无法识别的字符，请检查输入法或重新输入"
	}
	n := 0
	for _, r := range s {
		n++
		if r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError {
			return "含有不可见的控制字符，请删除后重新输入"
		}
	}
	if max > 0 && n > max {
		return "不能超过 " + strconv.Itoa(max) + " 个字"
	}
	return ""
}

// Values checks every value of a parsed form or query (field name → values)
// and returns the messages per field, nil when all are acceptable. Names
// are checked too, so a bad name cannot reach a log line or a template.
func Values(v map[string][]string, max int) map[string]string {
	var bad map[string]string
	for name, vals := range v {
		msg := Check(name, 100)
		for _, s := range vals {
			if msg != "" {
				break
			}
			msg = Check(s, max)
		}
		if msg != "" {
			if bad == nil {
				bad = map[string]string{}
			}
			if !utf8.ValidString(name) {
				name = "_"
			}
			bad[name] = msg
		}
	}
	return bad
}
