// Package filingcal is the hall's effective filing calendar (征期日历): the
// State Council holiday notices embedded in package calendar, plus what the
// provincial bureau's administrators enter in the database (next year's
// notice when it arrives, corrections, and the official monthly deadlines
// the State Taxation Administration publishes, which win over the computed
// ones).
//
// Package calendar stays pure; this package reads the rows, builds an
// immutable *calendar.Calendar and *calendar.Deadlines and keeps them in
// memory. Several stateless nodes share one database, so each node checks a
// one-row version (bumped in the same transaction as every edit) at most
// every TTL, and the node that made an edit reloads at once.
package filingcal

import (
	"context"
	"strings"
	"sync"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/org"
)

// DefaultTTL is how long a node trusts its cached calendar before it checks
// the version: an edit on another node shows here within this time.
const DefaultTTL = 30 * time.Second

// FirstYear is the first year of the embedded notices.
const FirstYear = 2007

// lastDataYear bounds the years read from the embedded notices.
const lastDataYear = 2100

// Service builds and caches the effective calendar and edits it.
type Service struct {
	DB  *db.DB
	Now func() time.Time
	TTL time.Duration // 0 means DefaultTTL

	mu      sync.Mutex
	st      *state
	checked time.Time // when st's version was last compared with the database
}

// Entry is a day an administrator entered.
type Entry struct {
	Date      calendar.Date
	Rest      bool // 放假; false is 调休上班
	Name      string
	EnteredBy string // staff name
	EnteredAt time.Time
}

// Official is an official filing deadline an administrator entered.
type Official struct {
	Month     calendar.YearMonth
	Date      calendar.Date
	Source    string // the document, e.g. 税总办征科函〔2025〕64号
	EnteredBy string
	EnteredAt time.Time
}

// state is one loaded version of the calendar. It is never changed after
// load: readers share it without locks.
type state struct {
	version   int64
	cal       *calendar.Calendar
	dl        *calendar.Deadlines
	entries   map[calendar.Date]Entry
	officials map[calendar.YearMonth]Official
}

// CanEdit reports whether a may edit the calendar: an administrator of the
// top-level (provincial) bureau, since the calendar is the whole province's.
// City and district administrators see the public calendar like everyone.
func CanEdit(a *auth.Actor) bool {
	return org.CanAdminister(a) && strings.Count(a.OrgPath, "/") == 2
}

// LastYear is the last year the calendar shows and accepts edits for: next
// year, whose notice arrives in November or December.
func (s *Service) LastYear() int { return s.Now().Year() + 1 }

// Calendar returns the effective working-day calendar.
func (s *Service) Calendar(ctx context.Context) (*calendar.Calendar, error) {
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return st.cal, nil
}

// Deadlines returns the effective filing deadlines: official where entered,
// else computed by Art. 109 on the effective calendar.
func (s *Service) Deadlines(ctx context.Context) (*calendar.Deadlines, error) {
	st, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	return st.dl, nil
}

func (s *Service) ttl() time.Duration {
	if s.TTL > 0 {
		return s.TTL
	}
	return DefaultTTL
}

// current returns the cached state, checking the version when the TTL has
// passed and reloading when it changed.
func (s *Service) current(ctx context.Context) (_ *state, err error) {
	defer db.Wrap(&err, "filingcal.current")
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st != nil && now.Sub(s.checked) < s.ttl() && !now.Before(s.checked) {
		return s.st, nil
	}
	var version int64
	if err := s.DB.QueryRowContext(ctx, `SELECT version FROM calendar_version WHERE id = 1`).Scan(&version); err != nil {
		return nil, err
	}
	if s.st == nil || s.st.version != version {
		// The version is read before the rows: an edit between the two
		// leaves a newer calendar under an older number, which the next
		// check simply loads again.
		st, err := load(ctx, s.DB, version)
		if err != nil {
			return nil, err
		}
		s.st = st
	}
	s.checked = now
	return s.st, nil
}

// forget makes the next read compare the version at once: the node that
// made an edit shows it immediately.
func (s *Service) forget() {
	s.mu.Lock()
	s.checked = time.Time{}
	s.mu.Unlock()
}

// load reads the entered rows and builds the calendar over the embedded one.
func load(ctx context.Context, q db.Querier, version int64) (*state, error) {
	st := &state{version: version, entries: map[calendar.Date]Entry{}, officials: map[calendar.YearMonth]Official{}}
	entries, err := db.Query(ctx, q, scanEntry, `SELECT c.date, c.kind, c.name, COALESCE(s.name, ''), c.entered_at
		FROM calendar_days c LEFT JOIN staff s ON s.id = c.entered_by`)
	if err != nil {
		return nil, err
	}
	officials, err := db.Query(ctx, q, scanOfficial, `SELECT f.year, f.month, f.deadline, f.source, COALESCE(s.name, ''), f.entered_at
		FROM filing_deadlines f LEFT JOIN staff s ON s.id = f.entered_by`)
	if err != nil {
		return nil, err
	}
	base := calendar.Default()
	days := map[calendar.Date]calendar.Day{}
	years := map[int]bool{}
	// The embedded notices cover FirstYear up to the year of the binary;
	// reading years beyond costs little and needs no edit when data is added.
	for y := FirstYear; y <= lastDataYear; y++ {
		for _, d := range base.Days(y) {
			days[d.Date] = d
		}
		if base.HasNotice(y) {
			years[y] = true
		}
	}
	for _, e := range entries {
		days[e.Date] = calendar.Day{Date: e.Date, Name: e.Name, Off: e.Rest}
		st.entries[e.Date] = e
		// A year with entered holidays has its notice: its deadlines are
		// no longer provisional.
		if e.Rest {
			years[e.Date.Y] = true
		}
	}
	list := make([]calendar.Day, 0, len(days))
	for _, d := range days {
		list = append(list, d)
	}
	noticeYears := make([]int, 0, len(years))
	for y := range years {
		noticeYears = append(noticeYears, y)
	}
	cal, err := calendar.New(list, noticeYears)
	if err != nil {
		return nil, err
	}
	overrides := map[calendar.YearMonth]calendar.Date{}
	for _, o := range officials {
		overrides[o.Month] = o.Date
		st.officials[o.Month] = o
	}
	dl, err := calendar.NewDeadlines(cal, overrides)
	if err != nil {
		return nil, err
	}
	st.cal, st.dl = cal, dl
	return st, nil
}

func scanEntry(sc db.Scanner) (Entry, error) {
	var e Entry
	var date, kind, at string
	if err := sc.Scan(&date, &kind, &e.Name, &e.EnteredBy, &at); err != nil {
		return e, err
	}
	d, err := calendar.ParseDate(date)
	e.Date, e.Rest, e.EnteredAt = d, kind == KindRest, db.ParseTS(at)
	return e, err
}

func scanOfficial(sc db.Scanner) (Official, error) {
	var o Official
	var year, month int
	var date, at string
	if err := sc.Scan(&year, &month, &date, &o.Source, &o.EnteredBy, &at); err != nil {
		return o, err
	}
	d, err := calendar.ParseDate(date)
	o.Month, o.Date, o.EnteredAt = calendar.YearMonth{Y: year, M: time.Month(month)}, d, db.ParseTS(at)
	return o, err
}
