// Package publists is the public lists (公开名单): deregistered,
// suspended and abnormal (非正常户) taxpayers, read from the taxpayers'
// status, and the fixed quotas (定额) of individual businesses, read from
// the quotas clerks set — queries of the live data, never typed in. A
// clerk sets and lifts 非正常户 with a reason, and sets a quota.
package publists

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// Service is the public lists.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// List kinds.
const (
	Irregular    = "irregular"
	Deregistered = "deregistered"
	Suspended    = "suspended"
	Quotas       = "quotas"
)

// Lists names the lists in the order the page offers them.
var Lists = []struct{ Code, Name, Desc string }{
	{Irregular, "非正常户名单", "已办理税务登记，未按规定期限申报纳税，经税务机关责令限期改正后逾期不改正，且无法联系的纳税人。"},
	{Quotas, "定期定额户定额公示", "实行定期定额征收的个体工商户的核定定额。"},
	{Deregistered, "注销户名单", "已办理注销税务登记的纳税人。"},
	{Suspended, "停业户名单", "经税务机关核准停业的定期定额个体工商户。"},
}

// NameOf returns a list's name, or "" for an unknown list.
func NameOf(list string) string {
	for _, l := range Lists {
		if l.Code == list {
			return l.Name
		}
	}
	return ""
}

// Filter narrows a list.
type Filter struct {
	Q        string // part of the name, or the start of the code
	District string // a division code: its taxpayers and those below it
	Year     int    // the year the status began (the quota's first month)
}

// Row is one line of a list.
type Row struct {
	ID       int64 // the taxpayer's (the quota's for the quota list)
	Code     string
	Name     string
	Operator string // the legal representative or operator, masked
	District string // division code
	Since    string // the date the status began, or the quota's period
	Reason   string // why (the last status change's reason), "" if none
	// Quota only.
	Period           string
	SalesFen, TaxFen int64
}

// PageSize is how many rows a page lists; Export returns at most
// MaxExport.
const (
	PageSize  = 30
	MaxExport = 50_000
)

// Cursor is where a page starts: after the row with this key and id
// (taxpayer lists: id only; quotas: month_from and id).
type Cursor struct {
	Key string
	ID  int64
}

// String is the cursor as a URL value.
func (c Cursor) String() string {
	if c.ID == 0 {
		return ""
	}
	return c.Key + "." + strconv.FormatInt(c.ID, 10)
}

// ParseCursor reads a cursor; the zero cursor for anything malformed.
func ParseCursor(s string) Cursor {
	key, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 || len(key) > 7 {
		return Cursor{}
	}
	return Cursor{Key: key, ID: n}
}

// check validates a filter's text.
func (f Filter) check() error {
	e := apperr.Fields{}
	e.Text("q", f.Q, 50)
	if f.District != "" {
		if _, err := strconv.Atoi(f.District); err != nil || len(f.District) > 6 {
			e.Add("district", "请选择地区")
		}
	}
	return e.Err()
}

// Page returns a page of a list from after cursor; next is the cursor of
// the following page (zero at the end).
func (s *Service) Page(ctx context.Context, list string, f Filter, after Cursor) ([]Row, Cursor, error) {
	return s.query(ctx, list, f, after, PageSize)
}

// Export returns up to MaxExport rows of a list, for CSV and Excel.
func (s *Service) Export(ctx context.Context, list string, f Filter) ([]Row, error) {
	rows, _, err := s.query(ctx, list, f, Cursor{}, MaxExport)
	return rows, err
}

func (s *Service) query(ctx context.Context, list string, f Filter, after Cursor, limit int) (rows []Row, next Cursor, err error) {
	defer db.Wrap(&err, "publists.query(%s)", list)
	if NameOf(list) == "" {
		return nil, Cursor{}, apperr.New(apperr.NotFound, "没有这个名单")
	}
	f.Q = strings.TrimSpace(f.Q)
	if err := f.check(); err != nil {
		return nil, Cursor{}, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Q != "" {
		where = append(where, "(t.name LIKE "+arg(db.Like(f.Q))+" ESCAPE '\\' OR t.code LIKE "+arg(prefixLike(f.Q))+" ESCAPE '\\')")
	}
	if f.District != "" {
		where = append(where, "t.division_code LIKE "+arg(strings.TrimRight(f.District, "0")+"%"))
	}
	var q string
	if list == Quotas {
		if f.Year > 0 {
			where = append(where, "q.month_from LIKE "+arg(strconv.Itoa(f.Year)+"-%"))
		}
		if after.ID > 0 {
			k, id := arg(after.Key), arg(after.ID)
			where = append(where, "(q.month_from < "+k+" OR (q.month_from = "+k+" AND q.id < "+id+"))")
		}
		q = `SELECT q.id, t.code, t.name, t.legal_rep_name, t.division_code, q.month_from, q.month_to, q.sales_fen, q.tax_fen
			FROM business_quotas q JOIN taxpayers t ON t.id = q.taxpayer_id`
		if len(where) > 0 {
			q += ` WHERE ` + strings.Join(where, " AND ")
		}
		q += ` ORDER BY q.month_from DESC, q.id DESC LIMIT ` + arg(limit+1)
		rows, err = db.Query(ctx, s.DB, func(r db.Scanner) (Row, error) {
			var w Row
			var from, to string
			err := r.Scan(&w.ID, &w.Code, &w.Name, &w.Operator, &w.District, &from, &to, &w.SalesFen, &w.TaxFen)
			w.Since, w.Period, w.Operator = from, from+" 至 "+to, maskName(w.Operator)
			return w, err
		}, q, args...)
	} else {
		where = append([]string{"t.status = " + arg(list)}, where...)
		if f.Year > 0 {
			where = append(where, "COALESCE(c.at, t.updated_at) LIKE "+arg(strconv.Itoa(f.Year)+"-%"))
		}
		if after.ID > 0 {
			where = append(where, "t.id < "+arg(after.ID))
		}
		// The latest status change of each taxpayer listed gives the date and
		// the reason; a status set by another path has none (its date is the
		// record's last change).
		q = `SELECT t.id, t.code, t.name, t.legal_rep_name, t.division_code, COALESCE(c.at, t.updated_at), COALESCE(c.reason, '')
			FROM taxpayers t
			LEFT JOIN taxpayer_status_changes c ON c.id = (SELECT max(c2.id) FROM taxpayer_status_changes c2 WHERE c2.taxpayer_id = t.id)
			WHERE ` + strings.Join(where, " AND ") + ` ORDER BY t.id DESC LIMIT ` + arg(limit+1)
		rows, err = db.Query(ctx, s.DB, func(r db.Scanner) (Row, error) {
			var w Row
			var since string
			err := r.Scan(&w.ID, &w.Code, &w.Name, &w.Operator, &w.District, &since, &w.Reason)
			w.Since, w.Operator = since[:min(len(since), 10)], maskName(w.Operator)
			return w, err
		}, q, args...)
	}
	if err != nil {
		return nil, Cursor{}, err
	}
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = Cursor{ID: last.ID}
		if list == Quotas {
			next.Key = last.Since
		}
	}
	return rows, next, nil
}

// maskName shows a person's surname only (张**): the lists are public.
func maskName(n string) string {
	rs := []rune(n)
	if len(rs) <= 1 {
		return n
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-1)
}

// prefixLike is a LIKE pattern (ESCAPE '\\') for text starting with s.
func prefixLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}
