package returns

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"taxhall/internal/forms"
)

// The canonical bytes of a document are what encoding/json writes for it
// (struct field order, map keys sorted, no HTML escaping). Submitting
// writes them for every return, so they are written here directly, byte
// for byte the same (TestCanonicalIsEncodingJSON compares the two on every
// form, with odd strings): the reflection, the sort of reflected keys and
// the intermediate buffers cost as much CPU as the rest of the validation.
// Anything the fast path does not handle (a detail form, a string that
// needs escaping) is written by encoding/json.

// Canonical returns the document's canonical bytes: JSON with the struct's
// field order, map keys sorted, no HTML escaping, no trailing newline.
func (d *Doc) Canonical() []byte {
	if len(d.Detail) == 0 {
		if b, ok := d.appendCanonical(make([]byte, 0, 4096)); ok {
			return b
		}
	}
	return d.encodingJSON()
}

// encodingJSON is Canonical by encoding/json.
func (d *Doc) encodingJSON() []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		panic(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func (d *Doc) appendCanonical(b []byte) ([]byte, bool) {
	ok := true
	str := func(name, v string) {
		b = append(b, name...)
		var fine bool
		b, fine = appendPlainString(b, v)
		ok = ok && fine
	}
	str(`{"form":`, d.Form)
	str(`,"form_name":`, d.FormName)
	str(`,"form_basis":`, d.FormBasis)
	str(`,"tax_type":`, d.TaxType)
	b = append(b, `,"taxpayer_id":`...)
	b = strconv.AppendInt(b, d.TaxpayerID, 10)
	str(`,"taxpayer_code":`, d.TaxpayerCode)
	str(`,"taxpayer_name":`, d.TaxpayerName)
	str(`,"period_start":`, d.PeriodStart)
	str(`,"period_end":`, d.PeriodEnd)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, int64(d.Version), 10)
	if d.Corrects != "" {
		str(`,"corrects":`, d.Corrects)
	}
	if d.Zero {
		b = append(b, `,"zero":true`...)
	}
	str(`,"rules_version":`, d.RulesVersion)
	b = append(b, `,"lines":`...)
	b, ok = appendStringMap(b, d.Lines, ok)
	b = append(b, `,"entered":`...)
	b, ok = appendStringMap(b, d.Entered, ok)
	str(`,"tax_due":`, d.TaxDue)
	b = append(b, '}')
	return b, ok
}

func appendStringMap(b []byte, m map[string]string, ok bool) ([]byte, bool) {
	if m == nil {
		return append(b, "null"...), ok
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var f1, f2 bool
		b, f1 = appendPlainString(b, k)
		b = append(b, ':')
		b, f2 = appendPlainString(b, m[k])
		ok = ok && f1 && f2
	}
	return append(b, '}'), ok
}

// appendPlainString appends s quoted, and false when s holds a byte or rune
// that encoding/json would escape (a quote, a backslash, a control
// character, invalid UTF-8, U+2028 or U+2029): the caller then uses
// encoding/json.
func appendPlainString(b []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' {
				return b, false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return b, false
		}
		i += size
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), true
}

// carryJSON is json.Marshal of m (keys sorted), written directly.
func carryJSON(m forms.Values) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 24*len(keys)+2)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		// json.Marshal also escapes <, > and & (line keys never hold them).
		if b, ok = appendPlainString(b, k); !ok || strings.ContainsAny(k, "<>&") {
			j, _ := json.Marshal(m) // #nosec G104 -- cannot fail for a map of integers
			return string(j)
		}
		b = append(b, ':')
		b = strconv.AppendInt(b, m[k], 10)
	}
	return string(append(b, '}'))
}
