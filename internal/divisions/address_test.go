package divisions

import "testing"

func TestFullAddressNamesEachLevelOnce(t *testing.T) {
	for _, c := range []struct{ code, address, want string }{
		{"350203", "湖滨南路388号", "福建省厦门市思明区湖滨南路388号"},
		{"350203", "思明区湖滨南路388号", "福建省厦门市思明区湖滨南路388号"},
		{"350203", "厦门市思明区湖滨南路388号", "福建省厦门市思明区湖滨南路388号"},
		{"350203", "福建省厦门市思明区湖滨南路388号", "福建省厦门市思明区湖滨南路388号"},
		{"350203", " 思明区仙岳路97号 ", "福建省厦门市思明区仙岳路97号"},
		{"999999", "某路1号", "某路1号"},
	} {
		if got := FullAddress(c.code, c.address); got != c.want {
			t.Errorf("FullAddress(%q, %q) = %q, want %q", c.code, c.address, got, c.want)
		}
	}
}
