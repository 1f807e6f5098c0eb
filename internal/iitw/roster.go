package iitw

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/ids"
	"taxhall/internal/input"
)

// Roster is the employee roster (花名册) of the current taxpayer: every
// method is scoped to the taxpayer of the user in ctx, and another
// taxpayer's employee is "not found".
type Roster struct {
	DB  *db.DB
	Now func() time.Time
}

// Employee is one person on an employer's roster.
type Employee struct {
	ID         int64
	ResidentID string
	Name       string
	HiredOn    calendar.Date
	LeftOn     calendar.Date // zero while employed
	CreatedAt  time.Time
}

// Employed reports whether the employee has not been marked as left.
func (e *Employee) Employed() bool { return e.LeftOn.IsZero() }

// EmployeeInput is what a user types for a new employee.
type EmployeeInput struct {
	ResidentID string
	Name       string
	HiredOn    string // YYYY-MM-DD
}

// Audit actions of the roster (object type "employee").
const (
	EmployeeCreate audit.Action = "employee.create"
	EmployeeLeave  audit.Action = "employee.leave"
)

// PageSize is the roster page's length; MaxPageSize bounds what the API asks.
const (
	PageSize    = 50
	MaxPageSize = 200
)

// EmployeePage is one page of the roster, by id; Next is the cursor of the
// next page (the last id shown), 0 on the last page.
type EmployeePage struct {
	Items []*Employee
	Next  int64
}

const employeeCols = `id, resident_id, name, hired_on, left_on, created_at`

func scanEmployee(sc db.Scanner) (*Employee, error) {
	var e Employee
	var hired, created string
	var left sql.NullString
	if err := sc.Scan(&e.ID, &e.ResidentID, &e.Name, &hired, &left, &created); err != nil {
		return nil, err
	}
	var err error
	if e.HiredOn, err = calendar.ParseDate(hired); err != nil {
		return nil, err
	}
	if left.Valid {
		if e.LeftOn, err = calendar.ParseDate(left.String); err != nil {
			return nil, err
		}
	}
	e.CreatedAt = db.ParseTS(created)
	return &e, nil
}

// List returns the page of the roster after the cursor (0: the first page).
func (s *Roster) List(ctx context.Context, after int64, limit int) (_ *EmployeePage, err error) {
	defer db.Wrap(&err, "iitw.List")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPageSize {
		limit = PageSize
	}
	items, err := db.Query(ctx, s.DB, scanEmployee, `SELECT `+employeeCols+` FROM employees
		WHERE taxpayer_id = $1 AND id > $2 ORDER BY id LIMIT $3`, a.TaxpayerID, max(after, 0), limit+1)
	if err != nil {
		return nil, err
	}
	p := &EmployeePage{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = p.Items[limit-1].ID
	}
	return p, nil
}

// Get returns one employee of the current taxpayer.
func (s *Roster) Get(ctx context.Context, id int64) (_ *Employee, err error) {
	defer db.Wrap(&err, "iitw.Get(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return getEmployee(ctx, s.DB, a.TaxpayerID, id)
}

var errNoEmployee = apperr.New(apperr.NotFound, "花名册中没有该员工")

func getEmployee(ctx context.Context, q db.Querier, taxpayerID, id int64) (*Employee, error) {
	e, err := scanEmployee(q.QueryRowContext(ctx, `SELECT `+employeeCols+` FROM employees WHERE id = $1 AND taxpayer_id = $2`, id, taxpayerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoEmployee
	}
	return e, err
}

// checkDate reads a date field that may not lie after today.
func checkDate(f apperr.Fields, field, label, s string, today calendar.Date) calendar.Date {
	s = strings.TrimSpace(s)
	if !f.Text(field, s, 20) {
		return calendar.Date{}
	}
	if s == "" {
		f.Add(field, "请填写"+label)
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil || !d.Valid() {
		f.Add(field, label+"格式应为 2026-01-31")
		return calendar.Date{}
	}
	if d.After(today) {
		f.Add(field, label+"不能晚于今天")
	}
	return d
}

func (s *Roster) today() calendar.Date { return calendar.FromTime(s.Now()) }

// Add puts a person on the roster.
func (s *Roster) Add(ctx context.Context, in EmployeeInput) (_ *Employee, err error) {
	defer db.Wrap(&err, "iitw.Add")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	f := apperr.Fields{}
	id := ids.NormalizeResidentID(in.ResidentID)
	if f.Text("resident_id", id, 30) {
		f.Check("resident_id", ids.ValidateResidentID(id, now))
	}
	name := trimSpace(in.Name)
	if f.Text("name", name, MaxNameLength) {
		switch n := utf8.RuneCountInString(name); {
		case n == 0:
			f.Add("name", "请填写姓名")
		case n < 2:
			f.Add("name", "姓名至少 2 个字")
		}
	}
	hired := checkDate(f, "hired_on", "入职日期", in.HiredOn, s.today())
	if birth, ok := ids.BirthDate(id); ok && f["resident_id"] == "" && !hired.IsZero() && hired.Before(calendar.FromTime(birth)) {
		f.Add("hired_on", "入职日期不能早于出生日期")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var e *Employee
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var newID int64
		err := tx.QueryRowContext(ctx, `INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, a.TaxpayerID, id, name, hired.String(), db.TS(now)).Scan(&newID)
		if db.IsUniqueViolation(err) {
			return apperr.InvalidField("resident_id", "该证件号码已在本单位花名册中")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, EmployeeCreate, "employee", newID, ids.MaskResidentID(id)); err != nil {
			return err
		}
		e, err = getEmployee(ctx, tx, a.TaxpayerID, newID)
		return err
	})
	return e, err
}

// MarkLeft records that an employee left on the date (离职日期). It is
// done once: an employee already marked is a conflict.
func (s *Roster) MarkLeft(ctx context.Context, id int64, leftOn string) (_ *Employee, err error) {
	defer db.Wrap(&err, "iitw.MarkLeft(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var e *Employee
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getEmployee(ctx, tx, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		if !old.Employed() {
			return apperr.New(apperr.Conflict, fmt.Sprintf("%s已于 %s 标记离职", old.Name, old.LeftOn))
		}
		f := apperr.Fields{}
		left := checkDate(f, "left_on", "离职日期", leftOn, s.today())
		if !left.IsZero() && left.Before(old.HiredOn) {
			f.Add("left_on", "离职日期不能早于入职日期（"+old.HiredOn.String()+"）")
		}
		if err := f.Err(); err != nil {
			return err
		}
		// The WHERE makes the transition happen once, whoever else tries.
		res, err := tx.ExecContext(ctx, `UPDATE employees SET left_on = $1 WHERE id = $2 AND taxpayer_id = $3 AND left_on IS NULL`,
			left.String(), id, a.TaxpayerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return apperr.New(apperr.Conflict, old.Name+"已标记离职")
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, EmployeeLeave, "employee", id, left.String()); err != nil {
			return err
		}
		e, err = getEmployee(ctx, tx, a.TaxpayerID, id)
		return err
	})
	return e, err
}

// syncBatch bounds the rows of one INSERT (5 parameters each).
const syncBatch = 500

// Sync keeps the roster in step with a month's accepted lines: a person not
// on it is added, hired on the first day of the month; a name is updated
// to the one on the line; someone who had left before the month is back,
// hired anew on its first day; a hiring date after the month moves back to
// its first day. It returns how many rows it added or changed.
func (s *Roster) Sync(ctx context.Context, month calendar.YearMonth, lines []Line) (_ int64, err error) {
	defer db.Wrap(&err, "iitw.Sync(%v)", month)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return 0, err
	}
	for i := range lines {
		if input.Check(lines[i].Name, MaxNameLength) != "" || ids.ValidateResidentID(lines[i].ResidentID, lastDayOf(month).Time()) != nil {
			return 0, fmt.Errorf("line %d was not checked", lines[i].Row)
		}
	}
	first, now := month.Day(1).String(), db.TS(s.Now())
	var changed int64
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		changed = 0
		for start := 0; start < len(lines); start += syncBatch {
			batch := lines[start:min(start+syncBatch, len(lines))]
			var q strings.Builder
			q.WriteString(`INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at) VALUES `)
			args := make([]any, 0, 2+2*len(batch))
			args = append(args, a.TaxpayerID, first, now)
			for i, l := range batch {
				if i > 0 {
					q.WriteString(", ")
				}
				fmt.Fprintf(&q, "($1, $%d, $%d, $2, $3)", len(args)+1, len(args)+2)
				args = append(args, l.ResidentID, l.Name)
			}
			q.WriteString(` ON CONFLICT (taxpayer_id, resident_id) DO UPDATE SET
				name = excluded.name,
				hired_on = CASE WHEN employees.left_on < excluded.hired_on OR employees.hired_on > excluded.hired_on
					THEN excluded.hired_on ELSE employees.hired_on END,
				left_on = CASE WHEN employees.left_on < excluded.hired_on THEN NULL ELSE employees.left_on END
				WHERE employees.name <> excluded.name OR employees.left_on < excluded.hired_on OR employees.hired_on > excluded.hired_on`)
			res, err := tx.ExecContext(ctx, q.String(), args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			changed += n
		}
		return nil
	})
	return changed, err
}

// Hired returns the hiring dates of the current taxpayer's employees with
// the given resident IDs, for MonthsBefore.
func (s *Roster) Hired(ctx context.Context, residentIDs []string) (_ map[string]calendar.Date, err error) {
	defer db.Wrap(&err, "iitw.Hired")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range residentIDs {
		want[id] = true
	}
	out := map[string]calendar.Date{}
	// One pass over the taxpayer's roster (its unique index) rather than a
	// query per employee or an IN list of thousands.
	rows, err := db.Query(ctx, s.DB, scanEmployee, `SELECT `+employeeCols+` FROM employees WHERE taxpayer_id = $1`, a.TaxpayerID)
	if err != nil {
		return nil, err
	}
	for _, e := range rows {
		if want[e.ResidentID] {
			out[e.ResidentID] = e.HiredOn
		}
	}
	return out, nil
}

// WithholdsWages reports whether the current taxpayer has an open
// identification for withholding individual income tax (iit_withholding):
// only such a taxpayer is offered the roster in the menu.
func (s *Roster) WithholdsWages(ctx context.Context) (bool, error) {
	a := auth.ActorFrom(ctx)
	if a == nil || a.Kind != auth.Taxpayer {
		return false, nil
	}
	var one int
	err := s.DB.QueryRowContext(ctx, `SELECT 1 FROM tax_identifications
		WHERE taxpayer_id = $1 AND tax_type = 'iit_withholding' AND end_date = '' LIMIT 1`, a.TaxpayerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
