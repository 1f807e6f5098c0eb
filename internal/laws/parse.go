// Package laws is the regulation library (法规库): real Chinese laws,
// regulations, rules, judicial interpretations and local regulations
// imported from Markdown files (taxhall import-laws DIR), with their kind,
// issuing level and province, dates, validity (a newer version of the same
// title supersedes the older) and tax-type tags; browsed by those, searched
// in full text through internal/search, read article by article.
package laws

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Block is one piece of a document's text, in order.
type Block struct {
	Kind BlockKind
	// Level is 2 for a part or chapter heading, 3 for a section (节), 4 below.
	Level int
	Text  string // a heading's text, or the paragraph
	// Num is the article's number (第二十二条 → 22); Sub its 之N (0 if none).
	Num, Sub int
	Label    string   // "第二十二条"
	Paras    []string // an article's paragraphs, the first without its label
	Anchor   string   // the id the page gives it: "c3" for a heading, "a22" / "a120-1" for an article
}

// BlockKind says what a block is.
type BlockKind int

const (
	Heading BlockKind = iota
	Article
	Para // text outside any article (a preamble, a case's paragraphs)
)

// articleStart matches a line that opens an article: 第二十二条, 第120条之一,
// followed by a space (an article that cites another, "第二十二条规定…",
// never starts a line in these texts, but the space makes sure).
var articleStart = regexp.MustCompile(`^第([零〇一二三四五六七八九十百千两0-9]+)条(?:之([一二三四五六七八九十]+))?(?:[ 　\t]+|$)`)

// ParseBody cuts the text after <!-- INFO END --> into headings, articles
// and paragraphs.
func ParseBody(body string) []Block {
	var out []Block
	headings := 0
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimRight(line, " \t\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || trimmed == "<!-- INFO END -->" {
			continue
		}
		if strings.HasPrefix(trimmed, "#") {
			level := len(trimmed) - len(strings.TrimLeft(trimmed, "#"))
			text := strings.Join(strings.Fields(strings.TrimLeft(trimmed, "#")), " ")
			if text == "" {
				continue
			}
			headings++
			out = append(out, Block{Kind: Heading, Level: max(2, min(level, 4)), Text: text, Anchor: "c" + strconv.Itoa(headings)})
			continue
		}
		if m := articleStart.FindStringSubmatchIndex(trimmed); m != nil {
			num := ChineseNumber(trimmed[m[2]:m[3]])
			sub := 0
			if m[4] >= 0 {
				sub = ChineseNumber(trimmed[m[4]:m[5]])
			}
			label := strings.TrimSpace(trimmed[:m[1]])
			anchor := "a" + strconv.Itoa(num)
			if sub > 0 {
				anchor += "-" + strconv.Itoa(sub)
			}
			b := Block{Kind: Article, Num: num, Sub: sub, Label: label, Anchor: anchor}
			if rest := strings.TrimSpace(trimmed[m[1]:]); rest != "" {
				b.Paras = append(b.Paras, rest)
			}
			out = append(out, b)
			continue
		}
		if n := len(out); n > 0 && out[n-1].Kind == Article {
			out[n-1].Paras = append(out[n-1].Paras, trimmed)
			continue
		}
		out = append(out, Block{Kind: Para, Text: trimmed})
	}
	return out
}

// ChineseNumber reads a number written in Chinese (一千二百六十 → 1260,
// 十二 → 12) or in digits; 0 when it is neither.
func ChineseNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	digits := map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	units := map[rune]int{'十': 10, '百': 100, '千': 1000}
	total, num := 0, 0
	for _, r := range s {
		if d, ok := digits[r]; ok {
			num = d
			continue
		}
		u, ok := units[r]
		if !ok {
			return 0
		}
		if num == 0 && u == 10 { // 十二 is 12
			num = 1
		}
		total += num * u
		num = 0
	}
	return total + num
}

// Text is the plain text of a block (an article with its label).
func (b Block) PlainText() string {
	switch b.Kind {
	case Article:
		return b.Label + " " + strings.Join(b.Paras, "\n")
	default:
		return b.Text
	}
}

// chunkRunes is about how long a piece of a document indexed as one search
// row is: long enough that a query's words meet in one piece, short enough
// that a hit points to a few articles and PostgreSQL's word positions (at
// most 16,383 in a tsvector) never run out.
const chunkRunes = 1200

// chunk is a run of blocks indexed together.
type chunk struct {
	Text   string
	Anchor string // the first article's (or heading's) anchor
}

// chunks cuts blocks into pieces of about chunkRunes characters, at
// block boundaries; a chapter heading starts a new piece. Each piece's
// text has one block per line, so that a position in it leads back to its
// article (ArticleAt).
func chunks(blocks []Block) []chunk {
	var out []chunk
	var cur strings.Builder
	anchor := ""
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, chunk{Text: cur.String(), Anchor: anchor})
		}
		cur.Reset()
		anchor = ""
	}
	for _, b := range blocks {
		text := b.PlainText()
		if cur.Len() > 0 && (b.Kind == Heading || utf8.RuneCountInString(cur.String())+utf8.RuneCountInString(text) > chunkRunes) {
			flush()
		}
		if anchor == "" {
			anchor = b.Anchor
		}
		if cur.Len() > 0 {
			cur.WriteByte('\n')
		}
		// The paragraphs of an article stay on one line: a line break in a
		// piece always starts a new block.
		cur.WriteString(strings.ReplaceAll(text, "\n", " "))
	}
	flush()
	return out
}

// ArticleAt returns the anchor of the article that holds byte offset at of
// a piece's text, or fallback when none does (a heading, or no offset).
func ArticleAt(text string, at int, fallback string) string {
	if at < 0 || at > len(text) {
		return fallback
	}
	lineStart := strings.LastIndexByte(text[:at], '\n') + 1
	// The hit's own line, then the lines before it: a heading line has no
	// article, the next article line after it is the hit's context.
	line := text[lineStart:]
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	if m := articleStart.FindStringSubmatch(line); m != nil {
		anchor := "a" + strconv.Itoa(ChineseNumber(m[1]))
		if m[2] != "" {
			anchor += "-" + strconv.Itoa(ChineseNumber(m[2]))
		}
		return anchor
	}
	return fallback
}
