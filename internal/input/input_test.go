package input

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name, s string
		max     int
		ok      bool
	}{
		{"chinese", "厦门鹭岛软件科技有限公司", 100, true},
		{"multi-line", "第一行\r\n第二行\t缩进", 100, true},
		{"empty", "", 10, true},
		{"exactly max", strings.Repeat("税", 10), 10, true},
		{"over max", strings.Repeat("税", 11), 10, false},
		{"invalid utf-8", "ab\xc0\xae", 100, false},
		{"nul", "a\x00b", 100, false},
		{"escape", "a\x1bb", 100, false},
		{"del", "a\x7fb", 100, false},
		{"c1 control", "a\u0085b", 100, false},
		{"replacement char", "a\ufffdb", 100, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Check(c.s, c.max); (got == "") != c.ok {
				t.Errorf("Check(%q, %d) = %q, want ok=%v", c.s, c.max, got, c.ok)
			}
		})
	}
}

func TestValues(t *testing.T) {
	if bad := Values(map[string][]string{"name": {"林国平"}, "q": {""}}, 100); bad != nil {
		t.Fatalf("good values refused: %v", bad)
	}
	bad := Values(map[string][]string{"name": {"ok", "x\x00"}, "\xff": {"v"}}, 100)
	if bad["name"] == "" || bad["_"] == "" || len(bad) != 2 {
		t.Fatalf("Values = %v, want name and _ refused", bad)
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{"", "厦门", "a\x00", "\xc0\xae", strings.Repeat("a", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if Check(s, MaxValue) == "" {
			for _, r := range s {
				if r == 0 || r == 0xfffd {
					t.Fatalf("accepted %q", s)
				}
			}
		}
	})
}
