package workflow

import (
	"testing"

	"taxhall/internal/calendar"
)

// Working days on the State Council notices embedded in package calendar:
// 2026 New Year (1–3 January off, Sunday 4 January worked), Spring Festival
// (15–23 February off, Saturday 14 February worked), National Day (1–7
// October off, Saturday 10 October worked), and the 2025 New Year.
func TestWorkingDays(t *testing.T) {
	c := calendar.Default()
	d := calendar.MustDate
	cases := []struct {
		start     string
		n         int
		due, warn string
		usedOnDue int
	}{
		{"2025-12-31", 1, "2026-01-04", "2026-01-04", 1}, // across the year end onto an adjusted Sunday
		{"2025-12-31", 3, "2026-01-06", "2026-01-05", 3},
		{"2024-12-31", 1, "2025-01-02", "2025-01-02", 1}, // 1 January 2025 off
		{"2024-12-31", 3, "2025-01-06", "2025-01-03", 3}, // over a weekend
		{"2026-02-13", 2, "2026-02-24", "2026-02-24", 2}, // Saturday worked, then the Spring Festival; 60% of 2 rounds up to 2
		{"2026-09-30", 3, "2026-10-10", "2026-10-09", 3}, // National Day, Saturday 10 October worked
		{"2026-05-11", 5, "2026-05-18", "2026-05-14", 5}, // an ordinary week: 60% of 5 is 3
		{"2026-05-11", 0, "2026-05-11", "2026-05-11", 0}, // 即办: the same day
		{"2026-05-11", 10, "2026-05-25", "2026-05-19", 10},
	}
	for _, c2 := range cases {
		start := d(c2.start)
		due, warn := DueDate(c, start, c2.n), WarnDate(c, start, c2.n)
		if due.String() != c2.due || warn.String() != c2.warn {
			t.Errorf("%s + %d: due %s warn %s, want %s %s", c2.start, c2.n, due, warn, c2.due, c2.warn)
		}
		if got := WorkdaysUsed(c, start, due); got != c2.usedOnDue {
			t.Errorf("%s → %s: %d working days used, want %d", c2.start, due, got, c2.usedOnDue)
		}
	}
	// The holiday itself counts nothing: 1–7 October used 0 from 30 September.
	if got := WorkdaysUsed(c, d("2026-09-30"), d("2026-10-07")); got != 0 {
		t.Errorf("National Day used %d", got)
	}
	if got := WorkdaysUsed(c, d("2026-05-11"), d("2026-05-10")); got != 0 {
		t.Errorf("end before start used %d", got)
	}
	due := d("2026-05-18")
	for day, want := range map[string]Timing{"2026-05-12": TimingOK, "2026-05-14": TimingNear, "2026-05-18": TimingNear, "2026-05-19": TimingOverdue} {
		if got := TimingOn(d(day), d("2026-05-14"), due); got != want {
			t.Errorf("timing on %s: %s, want %s", day, got, want)
		}
	}
}

// TestTransitions walks the whole table: every status × node × decision of
// a three-node item; what the table does not allow is refused.
func TestTransitions(t *testing.T) {
	nodes := []Node{{NodeAccept, "window_clerk", 1}, {NodeReview, "reviewer", 5}, {NodeApprove, "hall_supervisor", 3}}
	statuses := []string{StatusSubmitted, StatusProcessing, StatusReturned, StatusApproved, StatusRejected, StatusWithdrawn}
	decisions := []string{DecisionPass, DecisionReturn, DecisionReject, "approve", ""}
	allowed := map[string]Step{
		"submitted/0/pass":    {StatusProcessing, 1},
		"submitted/0/return":  {StatusReturned, -1},
		"submitted/0/reject":  {StatusRejected, -1},
		"processing/1/pass":   {StatusProcessing, 2},
		"processing/1/return": {StatusReturned, -1},
		"processing/1/reject": {StatusRejected, -1},
		"processing/2/pass":   {StatusApproved, -1},
		"processing/2/reject": {StatusRejected, -1},
	}
	n := 0
	for _, st := range statuses {
		for i := -1; i <= len(nodes); i++ {
			for _, dec := range decisions {
				key := st + "/" + string(rune('0'+i)) + "/" + dec
				got, err := Transition(st, nodes, i, dec)
				want, ok := allowed[key]
				switch {
				case ok && (err != nil || got != want):
					t.Errorf("%s: %+v %v, want %+v", key, got, err, want)
				case !ok && err == nil:
					t.Errorf("%s: allowed (%+v), want refused", key, got)
				}
				if ok {
					n++
				}
			}
		}
	}
	if n != len(allowed) {
		t.Errorf("%d allowed transitions seen, want %d", n, len(allowed))
	}
	// A one-node item (即办): passing acceptance finishes it.
	if got, err := Transition(StatusSubmitted, nodes[:1], 0, DecisionPass); err != nil || got.Status != StatusApproved {
		t.Errorf("instant item: %+v %v", got, err)
	}
	for _, st := range statuses {
		if CanWithdraw(st) != (st == StatusSubmitted || st == StatusReturned) || CanResubmit(st) != (st == StatusReturned) {
			t.Errorf("taxpayer actions on %s", st)
		}
	}
}

func TestParseCoefficient(t *testing.T) {
	for in, want := range map[string]int{"1": 100, "1.5": 150, "0.25": 25, "5": 500, "2.05": 205} {
		if got, ok := parseCoefficient(in); !ok || got != want {
			t.Errorf("%s: %d %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "0", "5.01", "1.234", "-1", "a", ".5"} {
		if _, ok := parseCoefficient(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if pct(150) != "1.5" || pct(100) != "1" || pct(25) != "0.25" {
		t.Error(pct(150), pct(100), pct(25))
	}
}
