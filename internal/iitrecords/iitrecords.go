// Package iitrecords keeps each person's record of income tax withheld
// (个人所得税纳税记录): every line that any employer in the hall withheld
// for them, from the employers' accepted withholding returns (form iit).
// The rows are written by an accept hook of package returns in the same
// transaction as the acceptance (a correction replaces the employer's rows
// for the month), and read by the person's resident ID, which is a natural
// person's taxpayer code. The annual reconciliation (iitannual) totals them.
package iitrecords

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/iitw"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

func init() { returns.RegisterAcceptHook(iitw.FormCode, Record) }

// Line is one month of wages withheld by one employer for one person.
type Line struct {
	ID           int64
	ResidentID   string
	PersonName   string
	EmployerID   int64
	EmployerCode string
	EmployerName string
	ReturnID     int64
	AckNo        string
	Year         int
	PeriodStart  string
	PeriodEnd    string
	FiledOn      string
	Income       int64 // 本期收入
	TaxFree      int64 // 免税收入
	Special      int64 // 专项扣除
	Additional   int64 // 专项附加扣除
	Other        int64 // 其他扣除
	Tax          int64 // 本期已预扣预缴税额
}

// Month is the line's month, "2025-03".
func (l *Line) Month() string { return l.PeriodStart[:7] }

// batch bounds the rows of one INSERT (19 parameters a row).
const batch = 200

// Record is the accept hook of the withholding return: it replaces the
// employer's lines of the return's month with the return's lines. Running
// it twice for the same return leaves the same rows.
func Record(ctx context.Context, tx *sql.Tx, r *returns.Return) error {
	// The lines as the form computed them, or as the document stores them
	// (the same values: TestDetailSurvivesItsDocument in package iitw).
	res, ok := r.Computed.([]iitw.Result)
	if !ok {
		var err error
		if res, err = iitw.DetailOf(r.Doc.Detail); err != nil {
			return err
		}
	}
	start := r.Period.Start.String()
	if _, err := tx.ExecContext(ctx, `DELETE FROM iit_person_lines WHERE employer_taxpayer_id = $1 AND period_start = $2`, r.TaxpayerID, start); err != nil {
		return err
	}
	filed := r.SubmittedAt.In(china).Format(db.DateLayout)
	for from := 0; from < len(res); from += batch {
		part := res[from:min(from+batch, len(res))]
		var q strings.Builder
		q.WriteString(`INSERT INTO iit_person_lines (resident_id, person_name, person_taxpayer_id, employer_taxpayer_id, employer_code, employer_name,
			return_id, ack_no, year, period_start, period_end, filed_on, income, tax_free, special, additional, other, tax) VALUES `)
		args := []any{r.TaxpayerID, r.Doc.TaxpayerCode, r.Doc.TaxpayerName, r.ID, r.AckNo, r.Period.Start.Y, start, r.Period.End.String(), filed}
		for i := range part {
			l := &part[i]
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, `($%d, $%d, (SELECT id FROM taxpayers WHERE code = $%d AND kind = 'individual'), $1, $2, $3, $4, $5, $6, $7, $8, $9,
				$%d, $%d, $%d, $%d, $%d, $%d)`, n+1, n+2, n+1, n+3, n+4, n+5, n+6, n+7, n+8)
			args = append(args, l.ResidentID, l.Name, l.Income, l.TaxFree, l.Special(), l.Additional(), l.Other, l.Tax)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

var china = time.FixedZone("CST", 8*3600)

// Service reads a natural person's own record.
type Service struct {
	DB    *db.DB
	Now   func() time.Time
	Certs *certs.Service
}

var errNotPerson = apperr.New(apperr.Forbidden, "纳税记录仅供自然人查询：请以自然人身份登录")

// person returns the resident ID of the natural person in ctx.
func person(ctx context.Context, q db.Querier) (*auth.Actor, string, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, "", err
	}
	if a.TaxpayerKind != taxpayer.Individual {
		return nil, "", errNotPerson
	}
	code, err := ResidentIDOf(ctx, q, a.TaxpayerID)
	return a, code, err
}

// ResidentIDOf is a natural person's resident ID (their taxpayer code).
func ResidentIDOf(ctx context.Context, q db.Querier, taxpayerID int64) (string, error) {
	var code, kind string
	if err := q.QueryRowContext(ctx, `SELECT code, kind FROM taxpayers WHERE id = $1`, taxpayerID).Scan(&code, &kind); err != nil {
		return "", err
	}
	if kind != taxpayer.Individual {
		return "", errNotPerson
	}
	return code, nil
}

const lineCols = `id, resident_id, person_name, employer_taxpayer_id, employer_code, employer_name, return_id, ack_no, year,
	period_start, period_end, filed_on, income, tax_free, special, additional, other, tax`

func scanLine(sc db.Scanner) (*Line, error) {
	var l Line
	return &l, sc.Scan(&l.ID, &l.ResidentID, &l.PersonName, &l.EmployerID, &l.EmployerCode, &l.EmployerName, &l.ReturnID, &l.AckNo, &l.Year,
		&l.PeriodStart, &l.PeriodEnd, &l.FiledOn, &l.Income, &l.TaxFree, &l.Special, &l.Additional, &l.Other, &l.Tax)
}

// YearLines are every line of a person for a year, by month and employer
// (one index range: resident_id, year).
func YearLines(ctx context.Context, q db.Querier, residentID string, year int) ([]*Line, error) {
	return db.Query(ctx, q, scanLine, `SELECT `+lineCols+` FROM iit_person_lines WHERE resident_id = $1 AND year = $2
		ORDER BY period_start, employer_code`, residentID, year)
}

// Totals are a person's year summed over every employer.
type Totals struct {
	Employers  int
	Months     int // distinct months with a line
	Income     int64
	TaxFree    int64
	Special    int64
	Additional int64
	Other      int64
	Tax        int64
}

// Sum totals lines.
func Sum(lines []*Line) Totals {
	var t Totals
	emp, months := map[int64]bool{}, map[string]bool{}
	for _, l := range lines {
		emp[l.EmployerID], months[l.PeriodStart] = true, true
		t.Income += l.Income
		t.TaxFree += l.TaxFree
		t.Special += l.Special
		t.Additional += l.Additional
		t.Other += l.Other
		t.Tax += l.Tax
	}
	t.Employers, t.Months = len(emp), len(months)
	return t
}

// Year is the natural person's own lines and totals for a year.
func (s *Service) Year(ctx context.Context, year int) (_ []*Line, _ Totals, err error) {
	defer db.Wrap(&err, "iitrecords.Year(%d)", year)
	_, id, err := person(ctx, s.DB)
	if err != nil {
		return nil, Totals{}, err
	}
	lines, err := YearLines(ctx, s.DB, id, year)
	return lines, Sum(lines), err
}

// Years lists the years with lines for the person, newest first.
func (s *Service) Years(ctx context.Context) (_ []int, err error) {
	defer db.Wrap(&err, "iitrecords.Years")
	_, id, err := person(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, func(sc db.Scanner) (int, error) {
		var y int
		return y, sc.Scan(&y)
	}, `SELECT DISTINCT year FROM iit_person_lines WHERE resident_id = $1 ORDER BY year DESC`, id)
}

// Issue registers the person's 个人所得税纳税记录 for a year as a
// certificate (verifiable like one) and returns it.
func (s *Service) Issue(ctx context.Context, year int, key string) (*certs.Certificate, error) {
	if _, _, err := person(ctx, s.DB); err != nil {
		return nil, err
	}
	if old, err := s.Certs.Issued(ctx, key); err != nil || old != nil {
		return old, err
	}
	lines, _, err := s.Year(ctx, year)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, apperr.New(apperr.Invalid, fmt.Sprintf("%d年度没有扣缴义务人为您申报的个人所得税记录", year))
	}
	out := make([]certs.Line, len(lines))
	for i, l := range lines {
		out[i] = certs.Line{VoucherNo: l.AckNo, TaxCode: "iit", TaxName: "个人所得税", Item: "工资薪金所得",
			PeriodStart: l.PeriodStart, PeriodEnd: l.PeriodEnd, PaidOn: l.FiledOn, AmountFen: l.Tax, IncomeFen: l.Income, Agent: l.EmployerName, AgentCode: l.EmployerCode}
	}
	return s.Certs.Issue(ctx, certs.KindIITRecord, Scope(year), out, key)
}

// Scope is what a year's record covers, in words.
func Scope(year int) string {
	return fmt.Sprintf("%d年度（%d-01-01至%d-12-31）", year, year, year)
}

// CurrentYear is the year in China today.
func (s *Service) CurrentYear() int { return calendar.FromTime(s.Now().In(china)).Y }

// EmployerSum is one employer's part of a person's year: where the
// annual reconciliation's prefilled figures come from.
type EmployerSum struct {
	Code       string
	Name       string
	Months     int
	First      string // first month, "2025-01"
	Last       string // last month
	Income     int64
	TaxFree    int64
	Special    int64
	Additional int64
	Other      int64
	Tax        int64
}

// ByEmployer sums lines per employer, in the order each first appears
// (lines come by month, then employer code).
func ByEmployer(lines []*Line) []EmployerSum {
	var out []EmployerSum
	at := map[int64]int{}
	for _, l := range lines {
		i, ok := at[l.EmployerID]
		if !ok {
			i = len(out)
			at[l.EmployerID] = i
			out = append(out, EmployerSum{Code: l.EmployerCode, Name: l.EmployerName, First: l.Month()})
		}
		e := &out[i]
		e.Months++
		e.Last = l.Month()
		e.Income += l.Income
		e.TaxFree += l.TaxFree
		e.Special += l.Special
		e.Additional += l.Additional
		e.Other += l.Other
		e.Tax += l.Tax
	}
	return out
}
