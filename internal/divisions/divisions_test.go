package divisions

import "testing"

func TestFullName(t *testing.T) {
	tests := []struct{ code, want string }{
		{"350203", "福建省厦门市思明区"},
		{"350102", "福建省福州市鼓楼区"},
		{"110101", "北京市东城区"},
		{"3502", "福建省厦门市"},
		{"35", "福建省"},
		{"1101", "北京市"},
		{"999999", ""},
		{"", ""},
		{"3599", ""},
	}
	for _, tt := range tests {
		if got := FullName(tt.code); got != tt.want {
			t.Errorf("FullName(%q) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		code   string
		ok     bool
		name   string
		parent string
	}{
		{"35", true, "福建省", ""},
		{"3501", true, "福州市", "35"},
		{"350102", true, "鼓楼区", "3501"},
		{"350203", true, "思明区", "3502"},
		{"00", false, "", ""},
		{"350", false, "", ""},
		{"abcdef", false, "", ""},
	}
	for _, tt := range tests {
		d, ok := Lookup(tt.code)
		if ok != tt.ok || d.Name != tt.name || d.ParentCode != tt.parent {
			t.Errorf("Lookup(%q) = %+v, %v", tt.code, d, ok)
		}
	}
	if _, ok := Area("3501"); ok {
		t.Error("Area accepted a 4-digit code")
	}
	if d, ok := Area("350203"); !ok || d.Name != "思明区" {
		t.Errorf("Area(350203) = %+v, %v", d, ok)
	}
}

func TestCounts(t *testing.T) {
	ps := Provinces()
	if len(ps) != 31 {
		t.Fatalf("got %d provinces, want 31", len(ps))
	}
	for i := 1; i < len(ps); i++ {
		if ps[i-1].Code >= ps[i].Code {
			t.Fatalf("provinces not sorted at %d", i)
		}
	}
	found := false
	for _, c := range Cities("35") {
		if c.ParentCode != "35" {
			t.Errorf("city %+v has wrong parent", c)
		}
		if c.Code == "3501" && c.Name == "福州市" {
			found = true
		}
	}
	if !found {
		t.Error("福州市 not among Cities(35)")
	}
	found = false
	for _, a := range Areas("3501") {
		if a.Code == "350102" && a.Name == "鼓楼区" {
			found = true
		}
	}
	if !found {
		t.Error("鼓楼区 not among Areas(3501)")
	}
	if Cities("999") != nil || Areas("35") != nil || len(Cities("00")) != 0 {
		t.Error("expected empty results for bad parents")
	}
	// Mutating a returned slice must not affect the package data.
	ps[0].Name = "x"
	if Provinces()[0].Name == "x" {
		t.Error("Provinces returned shared slice")
	}
}

func TestPrefixes(t *testing.T) {
	tests := []struct{ in, prov, city string }{
		{"350203", "35", "3502"},
		{"3502", "35", "3502"},
		{"35", "35", ""},
		{"3", "", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := ProvinceOf(tt.in); got != tt.prov {
			t.Errorf("ProvinceOf(%q) = %q", tt.in, got)
		}
		if got := CityOf(tt.in); got != tt.city {
			t.Errorf("CityOf(%q) = %q", tt.in, got)
		}
	}
}
