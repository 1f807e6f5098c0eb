// Package search is the site's full-text search in Chinese, the same on
// SQLite and PostgreSQL: the regulation library, tax guides, articles and
// the knowledge base index their text here (Index.Put) and ask for ranked
// hits with highlighted snippets (Index.Search).
//
// Chinese has no spaces between words, and neither database cuts it into
// words well (FTS5's trigram tokenizer misses two-character words such as
// 发票; PostgreSQL's parsers treat a whole run of Han characters as one
// word). So the words are cut here, in Go, the same for both: every run of
// Han characters becomes its overlapping bigrams (增值税 → 增值 值税) plus its
// last character alone, and Latin words and numbers become lowercased words.
// The databases only split the result at spaces and rank.
package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// class is what a character is to the tokenizer.
type class int

const (
	sep  class = iota // a space, punctuation: ends a run
	han               // a Chinese character (or kana, hangul): bigrams
	word              // a Latin letter or a digit: whole words
)

func classOf(r rune) class {
	switch {
	case unicode.Is(unicode.Han, r), unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r), unicode.Is(unicode.Hangul, r):
		return han
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return word
	}
	return sep
}

// normalize folds full-width letters and digits to ASCII (ＶＡＴ２０２４ →
// VAT2024) and lowercases, so that a query finds either spelling.
func normalize(s string) string {
	return strings.ToLower(norm.NFKC.String(s))
}

// run is a stretch of text of one class.
type run struct {
	class class
	text  []rune
}

func runs(s string) []run {
	var out []run
	var cur run
	flush := func() {
		if len(cur.text) > 0 && cur.class != sep {
			out = append(out, cur)
		}
		cur = run{}
	}
	for _, r := range normalize(s) {
		c := classOf(r)
		if c != cur.class {
			flush()
			cur.class = c
		}
		cur.text = append(cur.text, r)
	}
	flush()
	return out
}

// runTokens are the tokens of one run. A Han run gives its bigrams and then
// its last character alone, so that every character is the start of some
// token (a one-character query looks for tokens that start with it).
func runTokens(r run) []string {
	if r.class == word {
		return []string{string(r.text)}
	}
	if len(r.text) == 1 {
		return []string{string(r.text)}
	}
	out := make([]string, 0, len(r.text))
	for i := 0; i+1 < len(r.text); i++ {
		out = append(out, string(r.text[i:i+2]))
	}
	return append(out, string(r.text[len(r.text)-1:]))
}

// Tokens returns the tokens of s, in order, separated by spaces: what the
// index stores for a title or a body.
func Tokens(s string) string {
	var b strings.Builder
	for _, r := range runs(s) {
		for _, t := range runTokens(r) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// A phrase is tokens that must stand next to each other in the text. When
// Prefix is set the last token need only begin a token of the text: a
// phrase that ends in a single Chinese character (税, 第2条) finds it at the
// start of a bigram (税法, 条规).
type phrase struct {
	Tokens []string
	Prefix bool
}

// phraseOf is the phrase a query term stands for: the tokens of its runs,
// without the closing single character of the last Han run (the text has
// it only where its own run ends there too).
func phraseOf(s string) phrase {
	rs := runs(s)
	var p phrase
	for i, r := range rs {
		ts := runTokens(r)
		if i == len(rs)-1 && r.class == han {
			if len(r.text) > 1 {
				ts = ts[:len(ts)-1]
			} else {
				p.Prefix = true
			}
		}
		p.Tokens = append(p.Tokens, ts...)
	}
	return p
}
