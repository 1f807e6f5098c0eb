package ids

import (
	"math/rand/v2"
	"testing"
)

func TestValidateUSCC(t *testing.T) {
	tests := []struct {
		name string
		code string
		want error
	}{
		{"known valid", "91110000600037341L", nil},
		{"computed valid", "91350200MA2YWXAR2N", nil},
		{"empty", "", errUSCCEmpty},
		{"too short", "91110000600037341", errUSCCLength},
		{"too long", "91110000600037341LL", errUSCCLength},
		{"wrong check", "91110000600037341M", errUSCCCheck},
		{"lowercase", "91110000600037341l", errUSCCChars},
		{"letter I", "9111000060003734IL", errUSCCChars},
		{"letter O", "9111000060003734OL", errUSCCChars},
		{"letter Z", "9111000060003734ZL", errUSCCChars},
		{"letter S", "9111000060003734SL", errUSCCChars},
		{"letter V", "9111000060003734VL", errUSCCChars},
		{"full-width", "９1110000600037341L", errUSCCLength},
		{"bad registrar", "01110000600037341L", errUSCCRegistrar},
		{"bad registrar H", "H1110000600037341L", errUSCCRegistrar},
		{"letter in division", "9111A000600037341L", errUSCCDivision},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidateUSCC(tt.code); got != tt.want {
				t.Errorf("ValidateUSCC(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestNormalizeUSCC(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 91110000600037341l ", "91110000600037341L"},
		{"\u3000９１１１００００６０００３７３４１Ｌ\u3000", "91110000600037341L"},
		{"\t91110000600037341L\n", "91110000600037341L"},
	}
	for _, tt := range tests {
		got := NormalizeUSCC(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeUSCC(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := ValidateUSCC(got); err != nil {
			t.Errorf("normalized %q invalid: %v", got, err)
		}
	}
}

func TestUSCCCheckChar(t *testing.T) {
	tests := []struct {
		in      string
		want    byte
		wantErr bool
	}{
		{"91110000600037341", 'L', false},
		{"91350200MA2YWXAR2", 'N', false},
		{"9111000060003734", 0, true},
		{"9111000060003734I", 0, true},
	}
	for _, tt := range tests {
		got, err := USCCCheckChar(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("USCCCheckChar(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestGenerateUSCC(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 1000; i++ {
		code := GenerateUSCC(r, "350203")
		if len(code) != 18 || code[:8] != "91350203" {
			t.Fatalf("unexpected code %q", code)
		}
		if err := ValidateUSCC(code); err != nil {
			t.Fatalf("generated %q invalid: %v", code, err)
		}
	}
}
