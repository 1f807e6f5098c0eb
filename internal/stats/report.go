package stats

import (
	"context"
	"time"

	"taxhall/internal/db"
)

// Day is a day's total.
type Day struct {
	Day string
	N   int64
}

// Top is an object or a query with its count.
type Top struct {
	Kind, Ref string
	N         int64
}

// Report is what the dashboard shows for the last Days days.
type Report struct {
	Days          int
	Visits        []Day // per day, every day of the period (0 where none)
	Searches      []Day
	EmptySearches []Day
	ByKind        []Top // visits per kind
	TopObjects    []Top // most visited objects
	TopSearches   []Top
	TopEmpty      []Top // searches that found nothing
	Downloads     []Top
}

// Read returns the report of the days up to today.
func Read(ctx context.Context, d *db.DB, today time.Time, days int) (rep Report, err error) {
	defer db.Wrap(&err, "stats.Read")
	rep.Days = days
	from := today.AddDate(0, 0, -days+1).Format(db.DateLayout)
	perDay := func(q string) ([]Day, error) {
		rows, err := db.Query(ctx, d, func(r db.Scanner) (Day, error) {
			var x Day
			return x, r.Scan(&x.Day, &x.N)
		}, q, from)
		if err != nil {
			return nil, err
		}
		have := map[string]int64{}
		for _, x := range rows {
			have[x.Day] = x.N
		}
		out := make([]Day, days)
		for i := range out {
			day := today.AddDate(0, 0, -days+1+i).Format(db.DateLayout)
			out[i] = Day{day, have[day]}
		}
		return out, nil
	}
	top := func(q string) ([]Top, error) {
		return db.Query(ctx, d, func(r db.Scanner) (Top, error) {
			var x Top
			return x, r.Scan(&x.Kind, &x.Ref, &x.N)
		}, q, from)
	}
	if rep.Visits, err = perDay(`SELECT day, sum(n) FROM visit_counts WHERE day >= $1 AND kind <> 'download' GROUP BY day`); err != nil {
		return rep, err
	}
	if rep.Searches, err = perDay(`SELECT day, sum(n) FROM search_counts WHERE day >= $1 GROUP BY day`); err != nil {
		return rep, err
	}
	if rep.EmptySearches, err = perDay(`SELECT day, sum(n) FROM search_counts WHERE day >= $1 AND empty = 1 GROUP BY day`); err != nil {
		return rep, err
	}
	if rep.ByKind, err = top(`SELECT kind, '', sum(n) AS t FROM visit_counts WHERE day >= $1 GROUP BY kind ORDER BY t DESC`); err != nil {
		return rep, err
	}
	if rep.TopObjects, err = top(`SELECT kind, ref, sum(n) AS t FROM visit_counts WHERE day >= $1 AND kind NOT IN ('download', 'page') GROUP BY kind, ref ORDER BY t DESC, kind, ref LIMIT 15`); err != nil {
		return rep, err
	}
	if rep.TopSearches, err = top(`SELECT scope, q, sum(n) AS t FROM search_counts WHERE day >= $1 GROUP BY scope, q ORDER BY t DESC, q LIMIT 15`); err != nil {
		return rep, err
	}
	if rep.TopEmpty, err = top(`SELECT scope, q, sum(n) AS t FROM search_counts WHERE day >= $1 AND empty = 1 GROUP BY scope, q ORDER BY t DESC, q LIMIT 15`); err != nil {
		return rep, err
	}
	rep.Downloads, err = top(`SELECT kind, ref, sum(n) AS t FROM visit_counts WHERE day >= $1 AND kind = 'download' GROUP BY kind, ref ORDER BY t DESC, ref LIMIT 15`)
	return rep, err
}
