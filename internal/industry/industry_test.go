package industry

import (
	"strings"
	"testing"
)

func TestCounts(t *testing.T) {
	if n := len(Sections()); n != 20 {
		t.Errorf("got %d sections, want 20", n)
	}
	ds := Divisions()
	if len(ds) != 97 {
		t.Fatalf("got %d divisions, want 97", len(ds))
	}
	for i, d := range ds {
		if i > 0 && ds[i-1].Code >= d.Code {
			t.Errorf("divisions not sorted at %s", d.Code)
		}
		if _, ok := SectionOf(d.Section); !ok {
			t.Errorf("division %s has unknown section %q", d.Code, d.Section)
		}
		if len(d.Code) != 2 || d.Name == "" {
			t.Errorf("bad division %+v", d)
		}
	}
	for _, s := range Sections() {
		if len(DivisionsOf(s.Code)) == 0 {
			t.Errorf("section %s has no divisions", s.Code)
		}
	}
}

func TestSectionRanges(t *testing.T) {
	ranges := map[string][2]string{
		"A": {"01", "05"}, "B": {"06", "12"}, "C": {"13", "43"}, "D": {"44", "46"},
		"E": {"47", "50"}, "F": {"51", "52"}, "G": {"53", "60"}, "H": {"61", "62"},
		"I": {"63", "65"}, "J": {"66", "69"}, "K": {"70", "70"}, "L": {"71", "72"},
		"M": {"73", "75"}, "N": {"76", "79"}, "O": {"80", "82"}, "P": {"83", "83"},
		"Q": {"84", "85"}, "R": {"86", "90"}, "S": {"91", "96"}, "T": {"97", "97"},
	}
	for sec, r := range ranges {
		ds := DivisionsOf(sec)
		if len(ds) == 0 || ds[0].Code != r[0] || ds[len(ds)-1].Code != r[1] {
			t.Errorf("section %s spans %v, want %v", sec, ds, r)
		}
	}
	if DivisionsOf("Z") != nil {
		t.Error("DivisionsOf(Z) not empty")
	}
}

func TestLookupAndLabel(t *testing.T) {
	tests := []struct {
		code, name, section string
	}{
		{"01", "农业", "A"},
		{"13", "农副食品加工业", "C"},
		{"51", "批发业", "F"},
		{"52", "零售业", "F"},
		{"65", "软件和信息技术服务业", "I"},
		{"72", "商务服务业", "L"},
		{"97", "国际组织", "T"},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if !ok || d.Name != tt.name || d.Section != tt.section {
			t.Errorf("Lookup(%q) = %+v, %v", tt.code, d, ok)
		}
		if got, want := Label(tt.code), tt.code+" "+tt.name; got != want {
			t.Errorf("Label(%q) = %q, want %q", tt.code, got, want)
		}
	}
	for _, bad := range []string{"", "00", "98", "1", "650", "6511"} {
		if _, ok := Lookup(bad); ok {
			t.Errorf("Lookup(%q) succeeded", bad)
		}
		if Label(bad) != "" {
			t.Errorf("Label(%q) not empty", bad)
		}
	}
	if s, ok := SectionOf("I"); !ok || !strings.Contains(s.Name, "软件") {
		t.Errorf("SectionOf(I) = %+v, %v", s, ok)
	}
}
