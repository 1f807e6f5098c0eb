package returns

import (
	"context"
	"slices"
	"strings"

	"taxhall/internal/auth"
	"time"

	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// Period statuses in my tax area.
const (
	StatusFiled     = "filed"     // accepted on time
	StatusFiledLate = "late"      // accepted after the deadline
	StatusDue       = "due"       // not filed, deadline today or later
	StatusOverdue   = "overdue"   // not filed, deadline passed
	StatusOpen      = "open"      // the period has not ended yet
	StatusNoForm    = "no_form"   // the tax has no online form here yet
	StatusSuspended = "suspended" // not filed, wholly inside an approved suspension (停业): not due
)

// StatusNames are the statuses in Chinese.
var StatusNames = map[string]string{
	StatusFiled: "已申报", StatusFiledLate: "逾期申报", StatusDue: "待申报", StatusOverdue: "逾期未申报",
	StatusOpen: "未到申报期", StatusNoForm: "暂不支持网上申报", StatusSuspended: "停业期间免于申报",
}

// Due is one period that an identification creates, with its state.
type Due struct {
	TaxType    string
	TaxName    string
	Form       *forms.Form // nil when the tax has no form yet
	Period     rules.Period
	PeriodKind string
	Deadline   calendar.Deadline
	DaysLeft   int  // days from today to the deadline (negative: overdue)
	Extended   bool // the deadline is an approved extension of filing (延期申报)
	Status     string
	// The current accepted return, when filed.
	ReturnID int64
	AckNo    string
	TaxDue   int64
	Version  int
	// A draft in progress.
	DraftAt time.Time
	Draft   bool
}

func (d *Due) Key() string        { return PeriodKey(d.Period) }
func (d *Due) PeriodName() string { return PeriodName(d.Period) }
func (d *Due) StatusName() string { return StatusNames[d.Status] }

// periodsOf enumerates the periods of an identification that end on or
// before last (and, for the current one, that started by last).
func periodsOf(ident *taxpayer.Identification, from, last calendar.Date) []rules.Period {
	start, err := calendar.ParseDate(ident.StartDate)
	if err != nil {
		return nil
	}
	end := last
	if ident.EndDate != "" {
		if e, err := calendar.ParseDate(ident.EndDate); err == nil && e.Before(end) {
			end = e
		}
	}
	if start.Before(from) {
		start = from
	}
	var out []rules.Period
	p := periodContaining(ident.Period, start)
	for i := 0; i < 1000 && !p.Start.After(end); i++ {
		out = append(out, p)
		p = periodContaining(ident.Period, p.End.AddDays(1))
	}
	return out
}

func periodContaining(kind string, d calendar.Date) rules.Period {
	if kind == taxpayer.Annual {
		return rules.Year(d.Y)
	}
	if kind == taxpayer.Quarterly {
		return rules.Quarter(d.Y, (int(d.M)+2)/3)
	}
	return rules.Month(d.Y, d.M)
}

// covers reports whether an identification of the form's tax with this
// period kind is in force for some day of the period.
func covers(ident *taxpayer.Identification, taxType, kind string, p rules.Period) bool {
	if ident.TaxType != taxType || ident.Period != kind {
		return false
	}
	start, err := calendar.ParseDate(ident.StartDate)
	if err != nil || start.After(p.End) {
		return false
	}
	if ident.EndDate != "" {
		if e, err := calendar.ParseDate(ident.EndDate); err == nil && e.Before(p.Start) {
			return false
		}
	}
	return true
}

// MyPeriods lists the current taxpayer's periods from the start of the
// previous year to today: every identified tax's periods with deadline and
// status, newest first within each deadline.
func (s *Service) MyPeriods(ctx context.Context) (_ []*Due, err error) {
	defer db.Wrap(&err, "returns.MyPeriods")
	t, idents, err := s.Taxpayers.MyRecord(ctx)
	if err != nil {
		return nil, err
	}
	return s.PeriodsOf(ctx, t, idents)
}

// PeriodsOf is MyPeriods for a record the caller has already loaded with
// Taxpayers.MyRecord (my tax area shows the record too).
func (s *Service) PeriodsOf(ctx context.Context, t *taxpayer.Taxpayer, idents []*taxpayer.Identification) (_ []*Due, err error) {
	defer db.Wrap(&err, "returns.PeriodsOf")
	if a, err := auth.RequireTaxpayer(ctx); err != nil || a.TaxpayerID != t.ID {
		if err != nil {
			return nil, err
		}
		return nil, errNotFound
	}
	today := s.today()
	if taxes, agent, err := s.agentTaxes(ctx, auth.ActorFrom(ctx)); err != nil || agent {
		if err != nil {
			return nil, err
		}
		var mine []*taxpayer.Identification
		for _, i := range idents {
			if slices.Contains(taxes, i.TaxType) {
				mine = append(mine, i)
			}
		}
		idents = mine
	}
	return s.periods(ctx, t, idents, calendar.MakeDate(today.Y-1, 1, 1), today)
}

func (s *Service) periods(ctx context.Context, t *taxpayer.Taxpayer, idents []*taxpayer.Identification, from, today calendar.Date) ([]*Due, error) {
	ds, err := s.Calendar.Deadlines(ctx)
	if err != nil {
		return nil, err
	}
	filed, err := db.Query(ctx, s.DB, scanFiled, `SELECT form, period_start, id, ack_no, late, tax_due, version FROM returns
		WHERE taxpayer_id = $1 AND is_current = 1 AND period_start >= $2`, t.ID, from.String())
	if err != nil {
		return nil, err
	}
	byKey := map[string]*filedRow{}
	for _, f := range filed {
		byKey[f.form+"|"+f.start] = f
	}
	drafts, err := db.Query(ctx, s.DB, scanDraftRow, `SELECT form, period_start, updated_at FROM return_drafts WHERE taxpayer_id = $1`, t.ID)
	if err != nil {
		return nil, err
	}
	draftAt := map[string]time.Time{}
	for _, d := range drafts {
		draftAt[d.form+"|"+d.start] = d.at
	}
	relief, err := ReliefOf(ctx, s.DB, t.ID)
	if err != nil {
		return nil, err
	}
	var out []*Due
	for _, ident := range idents {
		tt, _ := taxpayer.LookupTaxType(ident.TaxType)
		main, _ := forms.ForTaxType(ident.TaxType)
		fs := []*forms.Form{main}
		if main != nil {
			for _, c := range forms.Companions(ident.TaxType) {
				if (c.Standard == "" || c.Standard == t.AccountingStandard) && slices.Contains(c.Periods, ident.Period) {
					fs = append(fs, c)
				}
			}
		}
		for _, f := range fs {
			for _, p := range periodsOf(ident, from, today) {
				name := tt.Name
				if f != nil && f.Companion {
					name = f.Short
				}
				d := &Due{TaxType: ident.TaxType, TaxName: name, Form: f, Period: p, PeriodKind: ident.Period}
				d.Deadline, d.Extended = relief.Deadline(ident.TaxType, p, ds.ForPeriodEnd(p.End))
				d.DaysLeft = today.DaysUntil(d.Deadline.Date)
				switch {
				case f == nil:
					d.Status = StatusNoForm
				case !p.End.Before(today):
					d.Status = StatusOpen
				default:
					if r := byKey[f.Code+"|"+p.Start.String()]; r != nil {
						d.ReturnID, d.AckNo, d.TaxDue, d.Version = r.id, r.ack, r.due, r.version
						d.Status = StatusFiled
						if r.late {
							d.Status = StatusFiledLate
						}
					} else if relief.Suspended(p) {
						d.Status = StatusSuspended
					} else if d.DaysLeft >= 0 {
						d.Status = StatusDue
					} else {
						d.Status = StatusOverdue
					}
					if at, ok := draftAt[f.Code+"|"+p.Start.String()]; ok {
						d.Draft, d.DraftAt = true, at
					}
				}
				out = append(out, d)
			}
		}
	}
	sortDues(out)
	return out, nil
}

// sortDues orders by the period's end, newest first, then by tax.
func sortDues(list []*Due) {
	slices.SortStableFunc(list, func(a, b *Due) int {
		if c := b.Period.End.Compare(a.Period.End); c != 0 {
			return c
		}
		return strings.Compare(a.TaxType, b.TaxType)
	})
}

type filedRow struct {
	form, start, ack string
	id, due          int64
	late             bool
	version          int
}

func scanFiled(sc db.Scanner) (*filedRow, error) {
	var r filedRow
	var late int
	err := sc.Scan(&r.form, &r.start, &r.id, &r.ack, &late, &r.due, &r.version)
	r.late = late == 1
	return &r, err
}

type draftRow struct {
	form, start string
	at          time.Time
}

func scanDraftRow(sc db.Scanner) (*draftRow, error) {
	var r draftRow
	var at string
	err := sc.Scan(&r.form, &r.start, &at)
	r.at = db.ParseTS(at)
	return &r, err
}
