package calendar

import (
	"testing"
	"time"
)

// Sources of the expected deadlines:
//   - 2026: 国家税务总局办公厅《关于明确2026年度申报纳税期限的通知》
//     (税总办征科函〔2025〕64号), as reprinted by 中新网 on 2025-12-12
//     (http://gxkgg.com/cj/2025/12-12/10532404.shtml).
//   - 2024: the STA's 2024 table as reprinted at
//     http://crsrw.com/dianzishuiwu/1586.html ("2月10日至17日放假8天，申报纳税
//     期限顺延至2月23日" ...; the other months end on the 15th).
//   - 2013: a 2013 table of filing deadlines by tax
//     (https://www.360docs.net/doc/00109655.html): January 1–18, February 1–22,
//     April 1–18.
//   - 2025 and 2027: computed by hand from Art. 109 and the State Council's
//     notice (国办发明电〔2024〕12号 for 2025; 2027 has no notice yet, so its
//     deadlines are provisional, weekends only).
var deadlineCases = []struct {
	month YearMonth
	want  string
	days  int // holiday days that postponed it
	src   string
}{
	// 2026, the whole official table.
	{YearMonth{2026, time.January}, "2026-01-20", 3, "64号 二: 1月1日至3日放假3天，顺延至1月20日"},
	{YearMonth{2026, time.February}, "2026-02-24", 0, "64号 三: 2月15日至23日放假，only the 15th lies in 1–15 → next working day"},
	{YearMonth{2026, time.March}, "2026-03-16", 0, "64号 四: 3月15日为星期日"},
	{YearMonth{2026, time.April}, "2026-04-20", 3, "64号 五: 4月4日至6日放假3天"},
	{YearMonth{2026, time.May}, "2026-05-22", 5, "64号 六: 5月1日至5日放假5天"},
	{YearMonth{2026, time.June}, "2026-06-15", 0, "64号 一: 端午 6月19–21 lies after the 15th"},
	{YearMonth{2026, time.July}, "2026-07-15", 0, "64号 一"},
	{YearMonth{2026, time.August}, "2026-08-17", 0, "64号 七: 8月15日为星期六"},
	{YearMonth{2026, time.September}, "2026-09-15", 0, "64号 一"},
	{YearMonth{2026, time.October}, "2026-10-26", 7, "64号 八: 10月1日至7日放假7天 (10-10 adjusted working day lies before the 15th)"},
	{YearMonth{2026, time.November}, "2026-11-16", 0, "64号 九: 11月15日为星期日"},
	{YearMonth{2026, time.December}, "2026-12-15", 0, "64号 一"},

	// 2024, the whole table.
	{YearMonth{2024, time.January}, "2024-01-15", 0, "2024 table: 元旦 is 1 day in 1–15, does not count"},
	{YearMonth{2024, time.February}, "2024-02-23", 6, "2024 table: 2月10日至17日, days 10–15 count; 02-18 adjusted working day counts"},
	{YearMonth{2024, time.March}, "2024-03-15", 0, "2024 table"},
	{YearMonth{2024, time.April}, "2024-04-18", 3, "2024 table: 4月4日至6日放假3天"},
	{YearMonth{2024, time.May}, "2024-05-22", 5, "2024 table: 5月1日至5日放假5天"},
	{YearMonth{2024, time.June}, "2024-06-19", 3, "2024 table: 6月8日至10日放假3天 (weekend 8–9 joined to the holiday, not listed in the data)"},
	{YearMonth{2024, time.July}, "2024-07-15", 0, "2024 table"},
	{YearMonth{2024, time.August}, "2024-08-15", 0, "2024 table"},
	{YearMonth{2024, time.September}, "2024-09-18", 0, "2024 table: 9月15日至17日, only the 15th in 1–15 → next working day"},
	{YearMonth{2024, time.October}, "2024-10-24", 7, "2024 table: 10月1日至7日放假7天"},
	{YearMonth{2024, time.November}, "2024-11-15", 0, "2024 table"},
	{YearMonth{2024, time.December}, "2024-12-16", 0, "2024 table: 12月15日为星期日"},

	// 2013: adjusted working days right after the 15th count as working days.
	{YearMonth{2013, time.January}, "2013-01-18", 3, "2013 table: 1月1日-3日元旦假期"},
	{YearMonth{2013, time.February}, "2013-02-22", 7, "2013 table: 2月9日-15日春节假期; 02-16 and 02-17 are adjusted working days"},
	{YearMonth{2013, time.April}, "2013-04-18", 3, "2013 table: 4月4日-6日清明节假期"},

	// 2025, computed by hand.
	{YearMonth{2025, time.January}, "2025-01-15", 0, "computed: 元旦 1 day"},
	{YearMonth{2025, time.February}, "2025-02-20", 4, "computed: 春节 1月28日至2月4日, days 1–4 of February count; the 15th is a Saturday"},
	{YearMonth{2025, time.March}, "2025-03-17", 0, "computed: the 15th is a Saturday"},
	{YearMonth{2025, time.April}, "2025-04-18", 3, "computed: 清明 4月4日至6日"},
	{YearMonth{2025, time.May}, "2025-05-22", 5, "computed: 劳动节 5月1日至5日"},
	{YearMonth{2025, time.June}, "2025-06-16", 0, "computed: 端午 5月31日至6月2日 is 2 days in June (< 3); the 15th is a Sunday"},
	{YearMonth{2025, time.October}, "2025-10-27", 8, "computed: 国庆中秋 10月1日至8日"},
	{YearMonth{2025, time.November}, "2025-11-17", 0, "computed: the 15th is a Saturday"},
	{YearMonth{2025, time.December}, "2025-12-15", 0, "computed"},
}

func TestFilingDeadline(t *testing.T) {
	ds, err := NewDeadlines(Default(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range deadlineCases {
		t.Run(c.month.String(), func(t *testing.T) {
			got := ds.FilingDeadline(c.month.Y, c.month.M)
			if got.Date.String() != c.want || got.HolidayDays != c.days {
				t.Errorf("%v: got %v (%d holiday days), want %s (%d) — %s",
					c.month, got.Date, got.HolidayDays, c.want, c.days, c.src)
			}
			if got.Source != Computed || got.Provisional {
				t.Errorf("%v: source %s provisional %v, want computed and final", c.month, got.Source, got.Provisional)
			}
		})
	}
}

func TestFilingDeadlineWithoutNotice(t *testing.T) {
	ds, _ := NewDeadlines(Default(), nil)
	// 2027's notice is not in the data yet: weekends only, and flagged.
	got := ds.FilingDeadline(2027, time.May) // 2027-05-15 is a Saturday
	if got.Date != MustDate("2027-05-17") || !got.Provisional {
		t.Errorf("2027-05: got %+v, want 2027-05-17 provisional", got)
	}
}

func TestOfficialDeadlineWins(t *testing.T) {
	// An administrator enters a deadline the STA moved for a special reason;
	// it wins over the computed one, and other months stay computed.
	ov := map[YearMonth]Date{{2026, time.February}: MustDate("2026-02-27")}
	ds, err := NewDeadlines(Default(), ov)
	if err != nil {
		t.Fatal(err)
	}
	ov[YearMonth{2026, time.February}] = MustDate("2026-02-28") // the caller's map is copied
	if got := ds.FilingDeadline(2026, time.February); got.Date != MustDate("2026-02-27") || got.Source != Official {
		t.Errorf("override: got %+v", got)
	}
	if got := ds.FilingDeadline(2026, time.March); got.Date != MustDate("2026-03-16") || got.Source != Computed {
		t.Errorf("March: got %+v", got)
	}
	if got := ds.ForPeriodEnd(MustDate("2026-01-31")); got.Date != MustDate("2026-02-27") {
		t.Errorf("period ending January: got %+v", got)
	}
	if got := ds.ForPeriodEnd(MustDate("2025-12-31")); got.Date != MustDate("2026-01-20") {
		t.Errorf("2025Q4 return: got %+v, want 2026-01-20", got)
	}
	if _, err := NewDeadlines(Default(), map[YearMonth]Date{{2026, time.March}: MustDate("2026-04-01")}); err == nil {
		t.Error("an override outside its month was accepted")
	}
}

func TestYearDeadlines(t *testing.T) {
	ds, _ := NewDeadlines(Default(), nil)
	year := ds.Year(2026)
	want := []string{"2026-01-20", "2026-02-24", "2026-03-16", "2026-04-20", "2026-05-22", "2026-06-15",
		"2026-07-15", "2026-08-17", "2026-09-15", "2026-10-26", "2026-11-16", "2026-12-15"}
	for i, d := range year {
		if d.Date.String() != want[i] {
			t.Errorf("month %d: %v, want %s", i+1, d.Date, want[i])
		}
	}
}

func BenchmarkYearDeadlines(b *testing.B) {
	ds, _ := NewDeadlines(Default(), nil)
	for b.Loop() {
		_ = ds.Year(2026)
	}
}
