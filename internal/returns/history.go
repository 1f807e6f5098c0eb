package returns

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// HistoryFilter filters a taxpayer's returns.
type HistoryFilter struct {
	TaxType string // "" for all
	Year    int    // 0 for all
	Status  string // "", "late", "corrected" (has been corrected), "current"
	Before  int64  // keyset: returns with id < Before (0: from the newest)
	Limit   int
	only    []string // an agent's delegated taxes
}

// HistoryPage is one page of returns, newest first; Next is the cursor of
// the next page (0: none).
type HistoryPage struct {
	Returns []*Return
	Next    int64
}

// MaxHistoryPage bounds a page.
const MaxHistoryPage = 100

// History lists the current taxpayer's returns, newest first, with keyset
// paging on the id (index returns_history: taxpayer_id, id).
func (s *Service) History(ctx context.Context, f HistoryFilter) (_ *HistoryPage, err error) {
	defer db.Wrap(&err, "returns.History")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if taxes, agent, err := s.agentTaxes(ctx, a); err != nil || agent {
		if err != nil {
			return nil, err
		}
		if f.TaxType == "" || !slices.Contains(taxes, f.TaxType) {
			if len(taxes) == 0 || f.TaxType != "" {
				return &HistoryPage{}, nil
			}
			f.only = taxes
		}
	}
	return s.history(ctx, a.TaxpayerID, f)
}

// TaxpayerHistory is History for staff who may see the taxpayer.
func (s *Service) TaxpayerHistory(ctx context.Context, taxpayerID int64, f HistoryFilter) (_ *HistoryPage, err error) {
	defer db.Wrap(&err, "returns.TaxpayerHistory(%d)", taxpayerID)
	if _, err := s.Taxpayers.Get(ctx, taxpayerID); err != nil {
		return nil, err
	}
	return s.history(ctx, taxpayerID, f)
}

func (s *Service) history(ctx context.Context, taxpayerID int64, f HistoryFilter) (*HistoryPage, error) {
	if f.Limit <= 0 || f.Limit > MaxHistoryPage {
		f.Limit = 20
	}
	if f.TaxType != "" {
		if _, ok := taxpayer.LookupTaxType(f.TaxType); !ok {
			return nil, apperr.InvalidField("tax_type", "没有这个税种")
		}
	}
	if f.Year != 0 && (f.Year < 2000 || f.Year > 2100) {
		return nil, apperr.InvalidField("year", "年份应在2000至2100之间")
	}
	q := `SELECT ` + returnCols + ` FROM returns WHERE taxpayer_id = $1`
	args := []any{taxpayerID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	if f.Before > 0 {
		add("id <", f.Before)
	}
	if f.TaxType != "" {
		add("tax_type =", f.TaxType)
	}
	if len(f.only) > 0 {
		var ph []string
		for _, t := range f.only {
			args = append(args, t)
			ph = append(ph, "$"+strconv.Itoa(len(args)))
		}
		q += " AND tax_type IN (" + strings.Join(ph, ", ") + ")"
	}
	if f.Year != 0 {
		add("period_start >=", calendar.MakeDate(f.Year, 1, 1).String())
		add("period_start <", calendar.MakeDate(f.Year+1, 1, 1).String())
	}
	switch f.Status {
	case "":
	case "late":
		q += " AND late = 1"
	case "corrected":
		q += " AND is_current = 0"
	case "current":
		q += " AND is_current = 1"
	default:
		return nil, apperr.InvalidField("status", "状态只能是 late、corrected 或 current")
	}
	args = append(args, f.Limit+1)
	q += " ORDER BY id DESC LIMIT $" + strconv.Itoa(len(args))
	list, err := db.Query(ctx, s.DB, scanReturn, q, args...)
	if err != nil {
		return nil, err
	}
	p := &HistoryPage{Returns: list}
	if len(list) > f.Limit {
		p.Returns = list[:f.Limit]
		p.Next = p.Returns[f.Limit-1].ID
	}
	return p, nil
}

// Event is one entry of a period's log.
type Event struct {
	Kind      string
	At        time.Time
	ActorKind string
	ActorName string
	ReturnID  int64
	Note      string
}

func (e *Event) KindName() string { return EventNames[e.Kind] }

// Events is the log of the return's tax period (all versions, drafts and
// reminders), oldest first; the caller has already been allowed the return.
func (s *Service) Events(ctx context.Context, r *Return) ([]*Event, error) {
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Event, error) {
		var e Event
		var at string
		err := sc.Scan(&e.Kind, &at, &e.ActorKind, &e.ActorName, &e.ReturnID, &e.Note)
		e.At = db.ParseTS(at)
		return &e, err
	}, `SELECT kind, at, actor_kind, actor_name, COALESCE(return_id, 0), note FROM return_events
		WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3 ORDER BY id`, r.TaxpayerID, r.Form, r.Period.Start.String())
}

// Versions lists every version of the return's period, newest first.
func (s *Service) Versions(ctx context.Context, r *Return) ([]*Return, error) {
	return db.Query(ctx, s.DB, scanReturn, `SELECT `+returnCols+` FROM returns
		WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3 ORDER BY version DESC`, r.TaxpayerID, r.Form, r.Period.Start.String())
}

// Liability is tax due (or overpaid) by an accepted return, with the late
// fee accruing to today on what is unpaid.
type Liability struct {
	ReturnID int64
	AckNo    string
	TaxType  string
	TaxName  string
	Period   rules.Period
	Deadline calendar.Date
	Amount   int64
	Paid     int64
	Unpaid   int64
	LateFee  int64
	LateDays int
	FeeBasis string
}

func (l *Liability) PeriodName() string { return PeriodName(l.Period) }

// Unpaid lists the current taxpayer's unsettled liabilities with the late
// fee to today (rules.LateFee: 0.05% a day from the day after the deadline).
func (s *Service) Unpaid(ctx context.Context) (_ []*Liability, err error) {
	defer db.Wrap(&err, "returns.Unpaid")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	list, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*Liability, error) {
		var l Liability
		var ps, pe, dl string
		err := sc.Scan(&l.ReturnID, &l.AckNo, &l.TaxType, &ps, &pe, &dl, &l.Amount, &l.Paid)
		if err != nil {
			return nil, err
		}
		l.Period = rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)}
		l.Deadline = calendar.MustDate(dl)
		return &l, nil
	}, `SELECT l.return_id, r.ack_no, l.tax_type, l.period_start, l.period_end, l.deadline, l.amount, l.paid
		FROM tax_liabilities l JOIN returns r ON r.id = l.return_id
		WHERE l.taxpayer_id = $1 AND l.settled = 0 AND l.amount > 0 ORDER BY l.deadline, l.id LIMIT 200`, a.TaxpayerID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	if taxes, agent, err := s.agentTaxes(ctx, a); err != nil || agent {
		if err != nil {
			return nil, err
		}
		list = slices.DeleteFunc(list, func(l *Liability) bool { return !slices.Contains(taxes, l.TaxType) })
	}
	for _, l := range list {
		l.TaxName = taxName(l.TaxType)
		l.Unpaid = l.Amount - l.Paid
		if today.After(l.Deadline) && l.Unpaid > 0 {
			fee, err := rules.LateFee(l.Unpaid, l.Deadline, today)
			if err != nil {
				return nil, err
			}
			l.LateFee, l.LateDays, l.FeeBasis = fee.Fee, fee.Days, fee.Source
		}
	}
	return list, nil
}

// taxName names a liability's tax: a tax type, or for a form that is
// not tied to an identification (年度汇算) the form's short name.
func taxName(code string) string {
	if tt, ok := taxpayer.LookupTaxType(code); ok {
		return tt.Name
	}
	for _, f := range forms.All() {
		if f.TaxType == code {
			return f.Short
		}
	}
	return code
}
