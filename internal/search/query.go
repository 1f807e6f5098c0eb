package search

import (
	"strings"
	"unicode/utf8"
)

// Parsed is a query cut into what the index is asked for.
type Parsed struct {
	// Phrases must all be found (or any one, for a relaxed search).
	Phrases []phrase
	// Terms are the words to highlight in titles and snippets.
	Terms []string
	// Short is set when a phrase is a single Chinese character: the index
	// then finds it only at the start of a token, which may miss a few.
	Short bool
}

// Limits on what one query may ask: a pasted paragraph is cut, not refused.
const (
	maxPhrases   = 8
	maxTermRunes = 40
)

// quotes are the pairs that mark a phrase to be found as typed.
var quotes = map[rune]rune{'"': '"', '“': '”', '「': '」', '『': '』', '《': '》'}

// Parse cuts a query: text in quotes ("…", “…”, 「…」, 《…》) is one phrase,
// found with its words next to each other; elsewhere every word (split at
// spaces and punctuation) is a phrase of its own, and all must be found.
func Parse(q string) Parsed {
	var p Parsed
	var plain strings.Builder
	rs := []rune(q)
	for i := 0; i < len(rs); i++ {
		closer, ok := quotes[rs[i]]
		if !ok {
			plain.WriteRune(rs[i])
			continue
		}
		j := i + 1
		for j < len(rs) && rs[j] != closer {
			j++
		}
		if j == len(rs) { // an unclosed quote is just a character
			plain.WriteRune(' ')
			continue
		}
		p.add(string(rs[i+1 : j]))
		i = j
		plain.WriteRune(' ')
	}
	for _, w := range fields(plain.String()) {
		p.add(w)
	}
	return p
}

// add adds text as a phrase, and its runs as highlight terms.
func (p *Parsed) add(text string) {
	if len(p.Phrases) >= maxPhrases {
		return
	}
	if utf8.RuneCountInString(text) > maxTermRunes {
		text = string([]rune(text)[:maxTermRunes])
	}
	ph := phraseOf(text)
	if len(ph.Tokens) == 0 {
		return
	}
	for _, old := range p.Phrases { // the same word twice asks nothing more
		if ph.Prefix == old.Prefix && strings.Join(ph.Tokens, " ") == strings.Join(old.Tokens, " ") {
			return
		}
	}
	if ph.Prefix && len(ph.Tokens) == 1 {
		p.Short = true
	}
	p.Phrases = append(p.Phrases, ph)
	p.Terms = append(p.Terms, fields(text)...)
}

// fields splits s, normalised, at spaces and punctuation.
func fields(s string) []string {
	return strings.FieldsFunc(normalize(s), func(r rune) bool { return classOf(r) == sep })
}

// Empty reports whether the query asks for nothing the index can find.
func (p Parsed) Empty() bool { return len(p.Phrases) == 0 }

// fts5 is the query as an FTS5 MATCH expression: phrases in double quotes
// ("增值 值税"), a prefix phrase followed by *, joined by AND or OR. The
// tokens hold only letters, digits and Han characters, so they need no
// escaping inside the quotes.
func (p Parsed) fts5(anyOf bool) string {
	parts := make([]string, len(p.Phrases))
	for i, ph := range p.Phrases {
		parts[i] = `"` + strings.Join(ph.Tokens, " ") + `"`
		if ph.Prefix {
			parts[i] += " *"
		}
	}
	return strings.Join(parts, joiner(anyOf, " AND ", " OR "))
}

// tsquery is the query as a PostgreSQL to_tsquery text: tokens of a phrase
// joined by <-> (next to each other), :* on a prefix, phrases by & or |.
func (p Parsed) tsquery(anyOf bool) string {
	parts := make([]string, len(p.Phrases))
	for i, ph := range p.Phrases {
		s := strings.Join(ph.Tokens, " <-> ")
		if ph.Prefix {
			s += ":*"
		}
		parts[i] = "(" + s + ")"
	}
	return strings.Join(parts, joiner(anyOf, " & ", " | "))
}

func joiner(anyOf bool, and, or string) string {
	if anyOf {
		return or
	}
	return and
}
