package search

import (
	"reflect"
	"testing"
)

func TestTokens(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"增值税", "增值 值税 税"},
		{"增值税，起征点", "增值 值税 税 起征 征点 点"},
		{"税", "税"},
		{"2024年度VAT申报", "2024 年度 度 vat 申报 报"},
		{"ＶＡＴ２０２４", "vat2024"},
		{"  ", ""},
	} {
		if got := Tokens(c.in); got != c.want {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in       string
		fts, tsq string
		terms    []string
		short    bool
	}{
		{"增值税 起征点", `"增值 值税" AND "起征 征点"`, `(增值 <-> 值税) & (起征 <-> 征点)`, []string{"增值税", "起征点"}, false},
		{"发票管理办法 第二十二条", `"发票 票管 管理 理办 办法" AND "第二 二十 十二 二条"`, `(发票 <-> 票管 <-> 管理 <-> 理办 <-> 办法) & (第二 <-> 二十 <-> 十二 <-> 二条)`, []string{"发票管理办法", "第二十二条"}, false},
		{"税", `"税" *`, `(税:*)`, []string{"税"}, true},
		{`“增值税 起征点”`, `"增值 值税 税 起征 征点"`, `(增值 <-> 值税 <-> 税 <-> 起征 <-> 征点)`, []string{"增值税", "起征点"}, false},
		{"2024年", `"2024 年" *`, `(2024 <-> 年:*)`, []string{"2024年"}, false},
		{"滞纳金 滞纳金", `"滞纳 纳金"`, `(滞纳 <-> 纳金)`, []string{"滞纳金"}, false},
		{`" OR "a" NEAR(`, `"or" AND "a" AND "near"`, `(or) & (a) & (near)`, []string{"or", "a", "near"}, false},
		{"！？。", ``, ``, nil, false},
	} {
		p := Parse(c.in)
		if got := p.fts5(false); got != c.fts {
			t.Errorf("Parse(%q).fts5 = %q, want %q", c.in, got, c.fts)
		}
		if got := p.tsquery(false); got != c.tsq {
			t.Errorf("Parse(%q).tsquery = %q, want %q", c.in, got, c.tsq)
		}
		if !reflect.DeepEqual(p.Terms, c.terms) {
			t.Errorf("Parse(%q).Terms = %q, want %q", c.in, p.Terms, c.terms)
		}
		if p.Short != c.short {
			t.Errorf("Parse(%q).Short = %v", c.in, p.Short)
		}
	}
}

func TestSnippet(t *testing.T) {
	body := "第一条 为了规范发票管理，制定本办法。\n第二十二条 开具发票应当按照规定的时限、顺序、栏目，全部联次一次性如实开具，并加盖发票专用章。"
	segs, at := Snippet(body, []string{"第二十二条", "开具"}, 30)
	if at < 0 || body[at:at+len("第二十二条")] != "第二十二条" {
		t.Fatalf("at = %d", at)
	}
	if !segs[0].Mark || segs[0].Text != "第二十二条" {
		t.Errorf("snippet starts %+v, want the marked article at its line's start, without …", segs[:2])
	}
	var marks []string
	for _, s := range segs {
		if s.Mark {
			marks = append(marks, s.Text)
		}
	}
	if !reflect.DeepEqual(marks, []string{"第二十二条", "开具"}) {
		t.Errorf("marks = %q", marks)
	}
	// No term: the start of the body, and no offset.
	segs, at = Snippet("甲乙丙丁", []string{"戊"}, 2)
	if at != -1 || segs[0].Text != "甲乙" || segs[1].Text != "…" {
		t.Errorf("no term: %+v %d", segs, at)
	}
	// Full-width letters in the text are found by an ASCII query.
	hl := Highlight("关于ＶＡＴ的规定", []string{"vat"})
	if len(hl) != 3 || !hl[1].Mark || hl[1].Text != "ＶＡＴ" {
		t.Errorf("Highlight full-width = %+v", hl)
	}
}
