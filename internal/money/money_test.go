package money

import "testing"

func TestParseYuan(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  int64
		fail bool
	}{
		{"0", 0, false},
		{"1", 100, false},
		{"0.01", 1, false},
		{"1,234.5", 123450, false},
		{"１００", 10000, false},
		{"5000000元", 500000000, false},
		{"0.1", 10, false},
		{"1.005", 0, true},
		{"-1", 0, true},
		{"abc", 0, true},
		{"", 0, true},
		{".5", 0, true},
		{"1e5", 0, true},
		{"99999999999999", 0, true},
	} {
		got, err := ParseYuan(c.in)
		if (err != nil) != c.fail || got != c.fen {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, fail=%v", c.in, got, err, c.fen, c.fail)
		}
	}
}

func TestFormatYuan(t *testing.T) {
	for fen, want := range map[int64]string{0: "0.00", 1: "0.01", 123456789: "1,234,567.89", -150: "-1.50", 100000: "1,000.00"} {
		if got := FormatYuan(fen); got != want {
			t.Errorf("FormatYuan(%d) = %q, want %q", fen, got, want)
		}
	}
}
