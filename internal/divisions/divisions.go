// Package divisions provides read-only access to the Chinese administrative
// division codes (GB/T 2260 style: 2-digit provinces, 4-digit cities and
// 6-digit county-level areas). The data is embedded from CSV files and parsed
// once on first use.
package divisions

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed data/*.csv
var dataFS embed.FS

// Division is one administrative division at any level. ParentCode is empty
// for provinces, the province code for cities and the city code for areas.
type Division struct{ Code, Name, ParentCode string }

// table holds the parsed data set.
type table struct {
	provinces []Division
	byCode    map[string]Division
	children  map[string][]Division
}

// load parses the embedded CSV files exactly once.
var load = sync.OnceValue(func() *table {
	t := &table{byCode: map[string]Division{}, children: map[string][]Division{}}
	for _, rows := range []struct {
		file      string
		parentCol int // -1 for none
	}{{"provinces.csv", -1}, {"cities.csv", 2}, {"areas.csv", 2}} {
		for _, rec := range readCSV(rows.file) {
			d := Division{Code: strings.TrimSpace(rec[0]), Name: strings.TrimSpace(rec[1])}
			if rows.parentCol >= 0 {
				d.ParentCode = strings.TrimSpace(rec[rows.parentCol])
			}
			t.byCode[d.Code] = d
			if d.ParentCode == "" {
				t.provinces = append(t.provinces, d)
			} else {
				t.children[d.ParentCode] = append(t.children[d.ParentCode], d)
			}
		}
	}
	byCode := func(a, b Division) int { return strings.Compare(a.Code, b.Code) }
	slices.SortFunc(t.provinces, byCode)
	for _, c := range t.children {
		slices.SortFunc(c, byCode)
	}
	return t
})

// readCSV returns the data rows (header skipped) of an embedded CSV file.
// The files are part of the binary, so any error is a programming error.
func readCSV(name string) [][]string {
	b, err := dataFS.ReadFile("data/" + name)
	if err != nil {
		panic(fmt.Sprintf("divisions: read %s: %v", name, err))
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		panic(fmt.Sprintf("divisions: parse %s: %v", name, err))
	}
	if len(recs) > 0 {
		recs = recs[1:]
	}
	return recs
}

// Provinces returns all province-level divisions sorted by code.
func Provinces() []Division { return slices.Clone(load().provinces) }

// Cities returns the city-level divisions of a province, sorted by code.
func Cities(provinceCode string) []Division {
	if len(provinceCode) != 2 {
		return nil
	}
	return slices.Clone(load().children[provinceCode])
}

// Areas returns the county-level divisions of a city, sorted by code.
func Areas(cityCode string) []Division {
	if len(cityCode) != 4 {
		return nil
	}
	return slices.Clone(load().children[cityCode])
}

// Area looks up a 6-digit county-level division.
func Area(code6 string) (Division, bool) {
	if len(code6) != 6 {
		return Division{}, false
	}
	return Lookup(code6)
}

// Lookup finds a division of any level by its 2, 4 or 6 digit code.
func Lookup(code string) (Division, bool) {
	d, ok := load().byCode[code]
	return d, ok
}

// pseudoLevel reports whether name is a placeholder level that should not
// appear in a human-readable full name.
func pseudoLevel(name string) bool {
	switch name {
	case "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划":
		return true
	}
	return false
}

// FullName returns the concatenated names from the province down to the
// given division, e.g. "福建省厦门市思明区", skipping placeholder levels such
// as "市辖区". It returns "" when the code is unknown.
func FullName(code string) string {
	d, ok := Lookup(code)
	if !ok {
		return ""
	}
	var parts []string
	for {
		if !pseudoLevel(d.Name) {
			parts = append(parts, d.Name)
		}
		if d.ParentCode == "" {
			break
		}
		if d, ok = Lookup(d.ParentCode); !ok {
			break
		}
	}
	slices.Reverse(parts)
	return strings.Join(parts, "")
}

// ProvinceOf returns the 2-digit province prefix of code, or "" if code is
// shorter than 2 characters.
func ProvinceOf(code string) string {
	if len(code) < 2 {
		return ""
	}
	return code[:2]
}

// CityOf returns the 4-digit city prefix of code, or "" if code is shorter
// than 4 characters.
func CityOf(code string) string {
	if len(code) < 4 {
		return ""
	}
	return code[:4]
}
