package calendar

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sync"
)

// The State Council's holiday notices 2007–2027, one file a year, copied from
// ../shared/data/holidays (NateScarlet/holiday-cn; each file's "papers" names
// the notice). A year with no papers has no notice yet.
//
//go:embed data/*.json
var holidayFiles embed.FS

// holidayFile is the holiday-cn JSON schema.
type holidayFile struct {
	Year   int      `json:"year"`
	Papers []string `json:"papers"`
	Days   []struct {
		Name     string `json:"name"`
		Date     string `json:"date"`
		IsOffDay bool   `json:"isOffDay"`
	} `json:"days"`
}

// Default returns the calendar of the embedded notices, parsed once. It is
// the seed; the hall's administrators edit a copy kept in the database.
func Default() *Calendar { return defaultCalendar() }

var defaultCalendar = sync.OnceValue(func() *Calendar {
	sub, err := fs.Sub(holidayFiles, "data")
	if err != nil {
		panic(err)
	}
	c, err := parseHolidays(sub)
	if err != nil {
		panic(err) // the embedded data is checked by the tests
	}
	return c
})

// ParseHolidays reads holiday-cn JSON files (*.json at the root of fsys) into
// a Calendar; used for the embedded seed and for importing a new year's file.
func ParseHolidays(fsys fs.FS) (*Calendar, error) { return parseHolidays(fsys) }

func parseHolidays(fsys fs.FS) (*Calendar, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	var days []Day
	var years []int
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var f holidayFile
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("calendar: %s: %w", name, err)
		}
		if len(f.Papers) > 0 {
			years = append(years, f.Year)
		}
		for _, d := range f.Days {
			date, err := ParseDate(d.Date)
			if err != nil {
				return nil, fmt.Errorf("calendar: %s: %w", name, err)
			}
			days = append(days, Day{Date: date, Name: d.Name, Off: d.IsOffDay})
		}
	}
	return New(days, years)
}
