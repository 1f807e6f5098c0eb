package ids

import (
	"math/rand/v2"
	"testing"
	"time"
)

var testToday = time.Date(2025, 6, 15, 10, 0, 0, 0, time.Local)

func TestValidateResidentID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want error
	}{
		{"known valid", "11010519491231002X", nil},
		{"born today", "350203202506150010", nil},
		{"empty", "", errIDEmpty},
		{"short", "11010519491231002", errIDLength},
		{"lowercase x", "11010519491231002x", errIDDigits},
		{"letter inside", "1101051949123100AX", errIDDigits},
		{"wrong check", "110105194912310021", errIDCheck},
		{"unknown province", "990105194912310025", errIDArea},
		{"bad month", "110105194913310021", errIDBirth},
		{"feb 30", "110105200002300021", errIDBirth},
		{"future date", "110105202506160021", errIDFuture},
		{"before 1900", "110105189912310021", errIDTooEarly},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidateResidentID(tt.id, testToday); got != tt.want {
				t.Errorf("ValidateResidentID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func TestResidentIDCheckChar(t *testing.T) {
	tests := []struct {
		in      string
		want    byte
		wantErr bool
	}{
		{"11010519491231002", 'X', false},
		{"35020320250615001", '0', false},
		{"1101051949123100", 0, true},
		{"1101051949123100A", 0, true},
	}
	for _, tt := range tests {
		got, err := ResidentIDCheckChar(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ResidentIDCheckChar(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestNormalizeResidentID(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 11010519491231002x ", "11010519491231002X"},
		{"\u3000１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"},
	}
	for _, tt := range tests {
		if got := NormalizeResidentID(tt.in); got != tt.want {
			t.Errorf("NormalizeResidentID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestBirthDateGender(t *testing.T) {
	b, ok := BirthDate("11010519491231002X")
	if !ok || !b.Equal(time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("BirthDate = %v, %v", b, ok)
	}
	if _, ok := BirthDate("110105194902300021"); ok {
		t.Error("BirthDate accepted 1949-02-30")
	}
	if _, ok := BirthDate("short"); ok {
		t.Error("BirthDate accepted short input")
	}
	tests := []struct{ id, want string }{
		{"11010519491231002X", "女"},
		{"350203202506150010", "男"},
		{"", "女"},
	}
	for _, tt := range tests {
		if got := Gender(tt.id); got != tt.want {
			t.Errorf("Gender(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func TestGenerateResidentID(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	start := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 1000; i++ {
		birth := start.AddDate(0, 0, r.IntN(30000))
		male := r.IntN(2) == 0
		id := GenerateResidentID(r, "350203", birth, male)
		if err := ValidateResidentID(id, testToday); err != nil {
			t.Fatalf("generated %q invalid: %v", id, err)
		}
		if got, _ := BirthDate(id); !got.Equal(birth) {
			t.Fatalf("birth of %q = %v, want %v", id, got, birth)
		}
		if want := map[bool]string{true: "男", false: "女"}[male]; Gender(id) != want {
			t.Fatalf("gender of %q = %s, want %s", id, Gender(id), want)
		}
	}
}
