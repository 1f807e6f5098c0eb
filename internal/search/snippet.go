package search

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Segment is a piece of text, marked when it is a searched word. Templates
// write marked segments in <mark>; the text is escaped like any other, so a
// snippet never carries markup of its own.
type Segment struct {
	Text string
	Mark bool
}

// fold is how a character is compared: full-width folded to ASCII and
// lowercased, one character for one, so that positions stay put.
func fold(r rune) rune {
	if n := width.LookupRune(r).Narrow(); n != 0 {
		r = n
	}
	return unicode.ToLower(r)
}

func foldRunes(s string) []rune {
	rs := []rune(s)
	for i, r := range rs {
		rs[i] = fold(r)
	}
	return rs
}

// span is [start, end) in runes.
type span struct{ start, end, term int }

// maxSpans bounds the work on a long text full of a common word.
const maxSpans = 400

// find returns where the terms occur in text (folded runes), sorted, without
// overlaps (the longer term wins where two start together).
func find(text []rune, terms []string) []span {
	var out []span
	for ti, t := range terms {
		tr := foldRunes(t)
		if len(tr) == 0 {
			continue
		}
		for i := 0; i+len(tr) <= len(text) && len(out) < maxSpans; i++ {
			if text[i] == tr[0] && runesEqual(text[i:i+len(tr)], tr) {
				out = append(out, span{i, i + len(tr), ti})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].start != out[b].start {
			return out[a].start < out[b].start
		}
		return out[a].end > out[b].end
	})
	merged := out[:0]
	for _, s := range out {
		if len(merged) > 0 && s.start < merged[len(merged)-1].end {
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Highlight returns s with every occurrence of the terms marked.
func Highlight(s string, terms []string) []Segment {
	rs := []rune(s)
	return segments(rs, find(foldRunes(s), terms), 0, len(rs))
}

// segments cuts rs[from:to] into plain and marked pieces.
func segments(rs []rune, spans []span, from, to int) []Segment {
	var out []Segment
	pos := from
	for _, sp := range spans {
		if sp.start < from || sp.end > to {
			continue
		}
		if sp.start > pos {
			out = append(out, Segment{Text: string(rs[pos:sp.start])})
		}
		out = append(out, Segment{Text: string(rs[sp.start:sp.end]), Mark: true})
		pos = sp.end
	}
	if pos < to {
		out = append(out, Segment{Text: string(rs[pos:to])})
	}
	return out
}

// Snippet cuts from body the stretch of about width characters that holds
// the most different terms (the earliest of equals), marks them, and
// returns it with the byte offset in body of its first marked term (-1 when
// no term occurs: the snippet is then the start of the body).
func Snippet(body string, terms []string, width int) ([]Segment, int) {
	rs := []rune(body)
	spans := find(foldRunes(body), terms)
	lead := width / 5 // context before the first term
	start, first := 0, -1
	if len(spans) > 0 {
		best, bestN := 0, -1
		for i, sp := range spans {
			seen := map[int]bool{}
			for _, o := range spans[i:] {
				if o.end > sp.start+width-lead {
					break
				}
				seen[o.term] = true
			}
			if len(seen) > bestN {
				best, bestN = i, len(seen)
			}
		}
		first = spans[best].start
		start = max(0, first-lead)
		// Begin after a line break near the cut, when there is one, so that a
		// snippet starts at the head of a sentence or an article.
		if nl := lastIndexRune(rs[start:first], '\n'); nl >= 0 {
			start += nl + 1
		}
	}
	end := min(len(rs), start+width)
	segs := segments(rs, spans, start, end)
	for i := range segs {
		segs[i].Text = collapseSpace(segs[i].Text)
	}
	if start > 0 && rs[start-1] != '\n' {
		segs = append([]Segment{{Text: "…"}}, segs...)
	}
	if end < len(rs) {
		segs = append(segs, Segment{Text: "…"})
	}
	at := -1
	if first >= 0 {
		at = len(string(rs[:first]))
	}
	return segs, at
}

// collapseSpace turns each run of white space (line breaks in a law's
// text) into one space.
func collapseSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func lastIndexRune(rs []rune, r rune) int {
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i] == r {
			return i
		}
	}
	return -1
}
