package calendar

import (
	"encoding/json"
	"io/fs"
	"testing"
	"time"
)

func TestEmbeddedData(t *testing.T) {
	var total int64
	err := fs.WalkDir(holidayFiles, "data", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		total += info.Size()
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > 200<<10 {
		t.Errorf("embedded holiday data is %d bytes, over the 200 KB budget", total)
	}
	c := Default()
	for y := 2007; y <= 2026; y++ {
		if !c.HasNotice(y) {
			t.Errorf("no notice for %d", y)
		}
	}
	if c.HasNotice(2027) {
		t.Error("2027 has a notice: update TestFilingDeadlineWithoutNotice and add 2027's official table")
	}
}

func TestIsWorkday(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		date string
		work bool
		why  string
	}{
		{"2024-10-07", false, "国庆 holiday on a Monday"},
		{"2024-10-05", false, "国庆 holiday on a Saturday"},
		{"2024-10-08", true, "ordinary Tuesday"},
		{"2024-10-12", true, "Saturday, adjusted working day"},
		{"2024-10-13", false, "ordinary Sunday"},
		{"2024-06-08", false, "Saturday joined to 端午 (与周末连休), not listed"},
		{"2026-01-04", true, "Sunday, adjusted working day after 元旦"},
		{"2020-02-03", true, "weekday listed as a working day after the extended 2020 春节"},
		{"2006-12-30", true, "Saturday worked for 2007's 元旦, listed in the 2007 file"},
	} {
		d := MustDate(tc.date)
		if got := c.IsWorkday(d); got != tc.work {
			t.Errorf("%s IsWorkday = %v, want %v (%s)", tc.date, got, tc.work, tc.why)
		}
		if c.IsRestDay(d) == tc.work {
			t.Errorf("%s IsRestDay disagrees with IsWorkday", tc.date)
		}
	}
}

func TestAddWorkdays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2025-12-31", 1, "2026-01-04"},  // 1–3 January rest, the 4th (Sunday) is worked
		{"2025-12-31", 2, "2026-01-05"},  // across the year boundary
		{"2026-01-05", -1, "2026-01-04"}, // backwards onto the adjusted working day
		{"2026-01-05", -2, "2025-12-31"},
		{"2024-12-31", 1, "2025-01-02"},
		{"2024-12-27", 2, "2024-12-31"}, // Friday + 2 skips the weekend
		{"2024-10-15", 7, "2024-10-24"},
		{"2026-03-04", 0, "2026-03-04"},
	} {
		if got := c.AddWorkdays(MustDate(tc.from), tc.n); got != MustDate(tc.want) {
			t.Errorf("AddWorkdays(%s, %d) = %v, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if got := c.NextWorkday(MustDate("2024-09-14")); got != MustDate("2024-09-18") {
		t.Errorf("NextWorkday(2024-09-14, an adjusted working day) = %v, want 2024-09-18 (strictly after)", got)
	}
}

func TestRestPeriod(t *testing.T) {
	c := Default()
	from, to, ok := c.RestPeriod(MustDate("2024-06-09"))
	if !ok || from != MustDate("2024-06-08") || to != MustDate("2024-06-10") {
		t.Errorf("端午 2024: got %v–%v %v, want 2024-06-08–2024-06-10", from, to, ok)
	}
	from, to, ok = c.RestPeriod(MustDate("2025-02-01"))
	if !ok || from != MustDate("2025-01-28") || to != MustDate("2025-02-04") {
		t.Errorf("春节 2025: got %v–%v %v", from, to, ok)
	}
	if _, _, ok := c.RestPeriod(MustDate("2024-10-13")); ok {
		t.Error("an ordinary weekend is not a holiday rest period")
	}
	if _, _, ok := c.RestPeriod(MustDate("2024-10-12")); ok {
		t.Error("an adjusted working day is not a rest period")
	}
}

func TestNewRefusesContradiction(t *testing.T) {
	d := MustDate("2026-10-10")
	if _, err := New([]Day{{Date: d, Off: true}, {Date: d, Off: false}}, nil); err == nil {
		t.Error("a day listed as both rest and work was accepted")
	}
	c, err := New([]Day{{Date: MustDate("2026-10-09"), Name: "test", Off: true}}, []int{2026})
	if err != nil || c.IsWorkday(MustDate("2026-10-09")) {
		t.Errorf("an administrator's edited calendar: %v", err)
	}
}

func TestDate(t *testing.T) {
	if got := MakeDate(2024, 13, 1); got != MustDate("2025-01-01") {
		t.Errorf("MakeDate overflow: %v", got)
	}
	if (Date{2023, time.February, 29}).Valid() {
		t.Error("2023-02-29 is valid")
	}
	if n := MustDate("2024-12-31").DaysUntil(MustDate("2025-01-01")); n != 1 {
		t.Errorf("DaysUntil = %d", n)
	}
	if n := MustDate("2024-03-01").DaysUntil(MustDate("2024-02-28")); n != -2 {
		t.Errorf("DaysUntil over a leap day = %d", n)
	}
	b, _ := json.Marshal(struct{ D Date }{MustDate("2026-01-20")})
	if string(b) != `{"D":"2026-01-20"}` {
		t.Errorf("JSON: %s", b)
	}
	var back struct{ D Date }
	if err := json.Unmarshal(b, &back); err != nil || back.D != MustDate("2026-01-20") {
		t.Errorf("JSON round trip: %v %v", back, err)
	}
}
