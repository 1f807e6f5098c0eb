package returns

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// Sheet is a form opened for a period: what the taxpayer has entered so far
// (a draft or a correction's starting point), what earlier returns carry
// in, and the computation of what is entered.
type Sheet struct {
	Form       *forms.Form
	Taxpayer   *taxpayer.Taxpayer
	Period     rules.Period
	PeriodKind string
	Deadline   calendar.Deadline
	DaysLeft   int // from today to the deadline; negative: overdue
	Facts      forms.Facts
	Prior      forms.Values
	Cells      map[string]string // entered cells as typed
	Token      string            // the idempotency key the submission carries
	Draft      bool              // Cells come from a saved draft
	DraftAt    time.Time
	DraftBy    string
	// Correcting is the accepted return being corrected (nil: an original).
	Correcting *Return
	// Existing is the accepted current return of the period when the
	// taxpayer opens an original that was already filed.
	Existing *Return
	Output   forms.Output
	Errors   apperr.Fields // validation of what is entered
	// Extra is what the form's loader gave (see RegisterLoader).
	Extra any
}

// Loader gives a form what it needs from the store beyond the cells and
// the year to date: registered tax sources, each employee's cumulative
// sums from earlier accepted returns. It runs for the taxpayer and period
// being filed; q is the database (or the submission's transaction).
type Loader func(ctx context.Context, q db.Querier, taxpayerID int64, p rules.Period) (any, error)

var loaders = map[string]Loader{}

// RegisterLoader sets the loader of a form (at init time).
func RegisterLoader(form string, l Loader) { loaders[form] = l }

// Gate decides, for a form that is filed without a tax identification (the
// annual IIT reconciliation of a natural person), whether the taxpayer may
// file period p on today, and gives the deadline in place of the monthly
// one. It runs where the identification check runs (open).
type Gate func(t *taxpayer.Taxpayer, p rules.Period, today calendar.Date) (calendar.Deadline, error)

var gates = map[string]Gate{}

// RegisterGate sets the gate of a form (at init time).
func RegisterGate(form string, g Gate) { gates[form] = g }

// HasLoader reports whether a form needs its loader's data (the bulk demo
// seed skips such forms: their documents cannot be made from cells alone).
func HasLoader(form string) bool { return loaders[form] != nil }

func (s *Sheet) Key() string        { return PeriodKey(s.Period) }
func (s *Sheet) PeriodName() string { return PeriodName(s.Period) }

// open loads the form for the current taxpayer and period, checking that an
// identification creates the period and that the period has ended.
func (s *Service) open(ctx context.Context, formCode, periodKey string) (*Sheet, *auth.Actor, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, nil, err
	}
	f, ok := forms.Lookup(formCode)
	if !ok {
		return nil, nil, apperr.New(apperr.NotFound, "没有这种申报表")
	}
	p, kind, err := ParsePeriod(periodKey)
	if err != nil {
		return nil, nil, err
	}
	// Every read the sheet needs, in one round trip.
	var b db.Batch
	rec, err := s.Taxpayers.RecordReads(ctx, &b)
	if err != nil {
		return nil, nil, err
	}
	relief, prior := sheetReads(&b, a.TaxpayerID, f, p)
	var slp func() (bool, error)
	if f.SmallLowProfitFact {
		slp = smallLowProfitReads(&b, a.TaxpayerID, p)
	}
	if err := s.DB.Run(ctx, &b); err != nil {
		return nil, nil, err
	}
	t, idents, err := rec.Record()
	if err != nil {
		return nil, nil, err
	}
	gate := gates[f.Code]
	identified := gate != nil // a gated form is filed without an identification
	for _, i := range idents {
		if covers(i, f.TaxType, kind, p) {
			identified = true
		}
	}
	if !identified {
		return nil, nil, apperr.New(apperr.Invalid, fmt.Sprintf("%s没有%s（%s）的税种认定，不能申报。如认定有误，请联系主管税务机关。",
			PeriodName(p), f.Short, map[string]string{taxpayer.Monthly: "按月", taxpayer.Quarterly: "按季", taxpayer.Annual: "按年"}[kind]))
	}
	if f.Standard != "" && t.AccountingStandard != f.Standard {
		return nil, nil, apperr.New(apperr.Invalid, "《"+f.Name+"》适用于执行小企业会计准则的企业；您登记的会计制度不同，请按所执行的会计制度报送财务报表。")
	}
	if !p.End.Before(s.today()) {
		return nil, nil, apperr.New(apperr.Invalid, fmt.Sprintf("%s尚未结束，所属期结束后才能申报", PeriodName(p)))
	}
	ds, err := s.Calendar.Deadlines(ctx)
	if err != nil {
		return nil, nil, err
	}
	facts := Facts(t)
	facts.SmallScale = f.TaxType == "vat_small"
	if t.Kind == taxpayer.Enterprise && slp != nil {
		if facts.SmallLowProfit, err = slp(); err != nil {
			return nil, nil, err
		}
	}
	deadline := ds.ForPeriodEnd(p.End)
	deadline, _ = relief.Deadline(f.TaxType, p, deadline)
	if gate != nil {
		if deadline, err = gate(t, p, s.today()); err != nil {
			return nil, nil, err
		}
	}
	sh := &Sheet{Form: f, Taxpayer: t, Period: p, PeriodKind: kind, Deadline: deadline, Facts: facts}
	sh.DaysLeft = s.today().DaysUntil(sh.Deadline.Date)
	if sh.Prior, err = prior(); err != nil {
		return nil, nil, err
	}
	if l := loaders[f.Code]; l != nil {
		if sh.Extra, err = l(ctx, s.DB, t.ID, p); err != nil {
			return nil, nil, err
		}
	}
	return sh, a, nil
}

// sheetReads queues into b the reads of the taxpayer's relief (reliefReads)
// and, for a form that sums or carries earlier returns, of the year's
// earlier current returns of the form, in one statement. After b has run,
// the Relief is filled in and the function answers with the sums of those
// returns' year-to-date cells and the previous period's carried cells
// (sumPrior), read from each return's carry column (what CarryValues kept)
// or from its document when the return predates that column.
func sheetReads(b *db.Batch, taxpayerID int64, f *forms.Form, p rules.Period) (*Relief, func() (forms.Values, error)) {
	if len(f.PriorKeys) == 0 && len(f.CarryKeys) == 0 {
		return reliefReads(b, taxpayerID), func() (forms.Values, error) { return forms.Values{}, nil }
	}
	r := &Relief{extended: map[string]calendar.Date{}}
	var docs []*docRow
	b.Query(func(sc db.Scanner) error {
		var kind, x, y, z string
		if err := sc.Scan(&kind, &x, &y, &z); err != nil {
			return err
		}
		if kind == "p" {
			docs = append(docs, &docRow{start: x, carry: y, doc: z})
		} else {
			r.add(kind, x, y, z)
		}
		return nil
	}, reliefPriorQuery, taxpayerID, f.Code, calendar.MakeDate(p.Start.Y-1, 1, 1).String(), p.Start.String())
	return r, func() (forms.Values, error) {
		// In period order (the statement has no ORDER BY: no sort on the
		// server for a few rows).
		slices.SortFunc(docs, func(x, y *docRow) int { return strings.Compare(x.start, y.start) })
		return sumPrior(docs, f, p)
	}
}

// reliefPriorQuery is the earlier returns' rows ("p") and reliefQuery's
// ("e" and "s"), in no particular order.
const reliefPriorQuery = `SELECT 'p', period_start, COALESCE(carry, ''), CASE WHEN carry IS NULL THEN doc ELSE '' END FROM returns
		WHERE taxpayer_id = $1 AND form = $2 AND is_current = 1 AND period_start >= $3 AND period_start < $4
		UNION ALL ` + reliefQuery

// sumPrior adds up the year's earlier returns (docs, in period order) as
// prior describes.
func sumPrior(docs []*docRow, f *forms.Form, p rules.Period) (forms.Values, error) {
	v := forms.Values{}
	for i, d := range docs {
		vals, err := d.values()
		if err != nil {
			return nil, err
		}
		if d.start >= calendar.MakeDate(p.Start.Y, 1, 1).String() {
			for _, k := range f.PriorKeys {
				v[k] += vals[k]
			}
		}
		if i == len(docs)-1 {
			// A key the previous return does not hold (it was filed in an
			// earlier layout of the form) is left out, not 0: the form
			// tells the two apart (forms.VATGeneral's line 25).
			for from, to := range f.CarryKeys {
				if x, ok := vals[from]; ok {
					v[to] = x
				}
			}
		}
	}
	return v, nil
}

// CarryValues is what a return of form f keeps in its carry column: its
// year-to-date and carried cells as JSON, or nil (NULL) when the form has
// none.
func CarryValues(f *forms.Form, v forms.Values) any {
	if len(f.PriorKeys) == 0 && len(f.CarryKeys) == 0 {
		return nil
	}
	m := make(forms.Values, len(f.PriorKeys)+len(f.CarryKeys))
	for _, k := range f.PriorKeys {
		m[k] = v[k]
	}
	for k := range f.CarryKeys {
		m[k] = v[k]
	}
	return carryJSON(m)
}

type docRow struct {
	start, carry, doc string
}

func (d *docRow) values() (forms.Values, error) {
	if d.carry != "" {
		var v forms.Values
		if err := json.Unmarshal([]byte(d.carry), &v); err != nil {
			return nil, err
		}
		return v, nil
	}
	var doc Doc
	if err := json.Unmarshal([]byte(d.doc), &doc); err != nil {
		return nil, err
	}
	return doc.Values()
}

// Open returns the form for a period: the saved draft if there is one,
// else empty. An original for a period already filed carries Existing.
func (s *Service) Open(ctx context.Context, formCode, periodKey string) (_ *Sheet, err error) {
	defer db.Wrap(&err, "returns.Open(%s, %s)", formCode, periodKey)
	sh, a, err := s.open(ctx, formCode, periodKey)
	if err != nil {
		return nil, err
	}
	if ok, err := s.mayFile(ctx, a, sh.Form.TaxType); err != nil || !ok {
		if err != nil {
			return nil, err
		}
		return nil, errNoRole
	}
	if err := s.loadDraft(ctx, sh); err != nil {
		return nil, err
	}
	if sh.Correcting == nil {
		cur, err := s.current(ctx, s.DB, sh.Taxpayer.ID, sh.Form.Code, sh.Period)
		if err != nil {
			return nil, err
		}
		sh.Existing = cur
	}
	if sh.Cells == nil {
		sh.Cells = map[string]string{}
		sh.Token = NewKey()
	}
	sh.compute()
	return sh, nil
}

// OpenCorrection opens a correction of an accepted current return,
// starting from its entered cells (or the correction draft).
func (s *Service) OpenCorrection(ctx context.Context, returnID int64) (_ *Sheet, err error) {
	defer db.Wrap(&err, "returns.OpenCorrection(%d)", returnID)
	r, err := s.Get(ctx, returnID)
	if err != nil {
		return nil, err
	}
	sh, a, err := s.open(ctx, r.Form, PeriodKey(r.Period))
	if err != nil {
		return nil, err
	}
	if !canCorrect(a) {
		return nil, errNoCorrection
	}
	if !r.Current {
		return nil, apperr.New(apperr.Conflict, "这不是该所属期的最新申报，请更正最新的一份")
	}
	sh.Correcting = r
	if err := s.loadDraft(ctx, sh); err != nil {
		return nil, err
	}
	if !sh.Draft || sh.Correcting == nil {
		sh.Correcting = r
		sh.Cells = r.Doc.Entered
		sh.Draft = false
		sh.Token = NewKey()
	}
	sh.compute()
	return sh, nil
}

func (sh *Sheet) compute() {
	out, err := sh.Form.Run(forms.Input{Period: sh.Period, Facts: sh.Facts, Prior: sh.Prior, Extra: sh.Extra}, sh.Cells)
	sh.Output = out
	if e := apperr.As(err); err != nil && e.Code == apperr.Invalid {
		sh.Errors = e.Fields
	}
}

func (s *Service) loadDraft(ctx context.Context, sh *Sheet) error {
	var cells, token, by, at string
	var corr sql.NullInt64
	err := s.DB.QueryRowContext(ctx, `SELECT cells, token, updated_by_name, updated_at, correction_of FROM return_drafts
		WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3`, sh.Taxpayer.ID, sh.Form.Code, sh.Period.Start.String()).
		Scan(&cells, &token, &by, &at, &corr)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	// A draft of an original does not resume as a correction, nor the other way.
	if corr.Valid != (sh.Correcting != nil) || (corr.Valid && corr.Int64 != sh.Correcting.ID) {
		if sh.Correcting != nil {
			sh.Correcting = nil
		}
		return nil
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(cells), &m); err != nil {
		return err
	}
	sh.Cells, sh.Token, sh.Draft, sh.DraftBy, sh.DraftAt = m, token, true, by, db.ParseTS(at)
	return nil
}

// keepEntered keeps only the form's entered cells, trimmed and bounded, so
// a draft stores nothing else.
func keepEntered(f *forms.Form, raw map[string]string) map[string]string {
	m := map[string]string{}
	if d := raw[forms.DetailKey]; f.DetailMax > 0 && d != "" {
		m[forms.DetailKey] = d // bounded by Run, which refuses more than DetailMax
	}
	for _, k := range f.EnteredCells() {
		if v := strings.TrimSpace(raw[k]); v != "" {
			if len(v) > 64 {
				v = v[:64] // still over forms.MaxCell: refused by Parse, kept for the page
			}
			m[k] = v
		}
	}
	return m
}

// SaveDraft saves what is entered, valid or not (a draft is never lost to
// a validation error), and returns the sheet computed from it. token is
// the form's idempotency key; correctionOf is 0 for an original.
func (s *Service) SaveDraft(ctx context.Context, formCode, periodKey string, raw map[string]string, token string, correctionOf int64) (_ *Sheet, err error) {
	defer db.Wrap(&err, "returns.SaveDraft(%s, %s)", formCode, periodKey)
	var sh *Sheet
	if correctionOf > 0 {
		sh, err = s.OpenCorrection(ctx, correctionOf)
	} else {
		sh, err = s.Open(ctx, formCode, periodKey)
	}
	if err != nil {
		return nil, err
	}
	if sh.Form.Code != formCode || PeriodKey(sh.Period) != periodKey {
		return nil, apperr.New(apperr.Invalid, "更正的申报与所属期不一致")
	}
	if err := CheckKey(token); err != nil {
		token = NewKey()
	}
	a := auth.ActorFrom(ctx)
	now := s.Now()
	cells := keepEntered(sh.Form, raw)
	b, _ := json.Marshal(cells)
	var corr any
	if correctionOf > 0 {
		corr = correctionOf
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO return_drafts (taxpayer_id, form, period_start, period_end, correction_of, cells, token, updated_by, updated_by_name, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
			ON CONFLICT (taxpayer_id, form, period_start) DO UPDATE SET cells = excluded.cells, correction_of = excluded.correction_of,
				token = excluded.token, updated_by = excluded.updated_by, updated_by_name = excluded.updated_by_name, updated_at = excluded.updated_at`,
			sh.Taxpayer.ID, sh.Form.Code, sh.Period.Start.String(), sh.Period.End.String(), corr, string(b), token, a.UserID, a.Name, db.TS(now)); err != nil {
			return err
		}
		if !sh.Draft {
			return addEvent(ctx, tx, now, a, sh.Taxpayer.ID, sh.Form.Code, sh.Period, 0, EventDrafted, "")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sh.Cells, sh.Token, sh.Draft, sh.DraftAt, sh.DraftBy = cells, token, true, now, a.Name
	sh.Errors = nil
	sh.compute()
	return sh, nil
}

// DiscardDraft deletes the period's draft.
func (s *Service) DiscardDraft(ctx context.Context, formCode, periodKey string) (err error) {
	defer db.Wrap(&err, "returns.DiscardDraft(%s, %s)", formCode, periodKey)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	p, _, err := ParsePeriod(periodKey)
	if err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `DELETE FROM return_drafts WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3`, a.TaxpayerID, formCode, p.Start.String())
	return err
}

// Event kinds.
const (
	EventDrafted   = "drafted"
	EventAccepted  = "accepted"
	EventCorrected = "corrected"
	EventReminded  = "reminded"
)

// EventNames names the events.
var EventNames = map[string]string{EventDrafted: "开始填写（草稿）", EventAccepted: "申报成功", EventCorrected: "更正申报成功", EventReminded: "税务机关催报"}

func addEvent(ctx context.Context, q db.Querier, now time.Time, a *auth.Actor, taxpayerID int64, form string, p rules.Period, returnID int64, kind, note string) error {
	var rid any
	if returnID > 0 {
		rid = returnID
	}
	kindOf, id, name := "system", int64(0), "系统"
	if a != nil {
		kindOf, id, name = string(a.Kind), a.UserID, a.Name
		if a.Kind == auth.Staff {
			name = a.Name + "（" + a.OrgName + "）"
		}
	}
	_, err := q.ExecContext(ctx, `INSERT INTO return_events (taxpayer_id, form, period_start, return_id, kind, at, actor_kind, actor_id, actor_name, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, taxpayerID, form, p.Start.String(), rid, kind, db.TS(now), kindOf, id, name, note)
	return err
}

// Doc is the canonical document of an accepted return: canonical JSON of
// every line, the rules version, the period and the taxpayer. Its SHA-256
// is stored with it and shown on the acknowledgement; a later issue signs
// exactly these bytes.
type Doc struct {
	Form         string            `json:"form"`
	FormName     string            `json:"form_name"`
	FormBasis    string            `json:"form_basis"`
	TaxType      string            `json:"tax_type"`
	TaxpayerID   int64             `json:"taxpayer_id"`
	TaxpayerCode string            `json:"taxpayer_code"`
	TaxpayerName string            `json:"taxpayer_name"`
	PeriodStart  string            `json:"period_start"`
	PeriodEnd    string            `json:"period_end"`
	Version      int               `json:"version"`
	Corrects     string            `json:"corrects,omitempty"` // SHA-256 of the version corrected
	Zero         bool              `json:"zero,omitempty"`
	RulesVersion string            `json:"rules_version"`
	Lines        map[string]string `json:"lines"`            // every cell, yuan
	Entered      map[string]string `json:"entered"`          // what the taxpayer typed, for corrections
	Detail       json.RawMessage   `json:"detail,omitempty"` // a detail form's computed lines
	TaxDue       string            `json:"tax_due"`
}

// Values reads the lines back into fen.
func (d *Doc) Values() (forms.Values, error) {
	v := forms.Values{}
	for k, s := range d.Lines {
		neg := strings.HasPrefix(s, "-")
		fen, err := parsePlain(strings.TrimPrefix(s, "-"))
		if err != nil {
			return nil, fmt.Errorf("returns: line %s: %w", k, err)
		}
		if neg {
			fen = -fen
		}
		v[k] = fen
	}
	return v, nil
}

func parsePlain(s string) (int64, error) {
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) != 2 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	var n int64
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("bad amount %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// Hash is the hex SHA-256 of the canonical bytes.
func Hash(canonical []byte) string {
	h := sha256.Sum256(canonical)
	return hex.EncodeToString(h[:])
}

// DraftInfo says whose draft a period holds, for the page that confirms
// deleting it.
type DraftInfo struct {
	Form         *forms.Form
	Period       rules.Period
	By           string
	At           time.Time
	CorrectionOf int64 // 0: a draft of an original return
	Cells        int   // how many cells it holds
}

// Draft returns the actor's taxpayer's draft of a form and period, or
// NotFound when there is none.
func (s *Service) Draft(ctx context.Context, formCode, periodKey string) (_ *DraftInfo, err error) {
	defer db.Wrap(&err, "returns.Draft(%s, %s)", formCode, periodKey)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	f, ok := forms.Lookup(formCode)
	if !ok {
		return nil, apperr.New(apperr.NotFound, "没有这张申报表")
	}
	p, _, err := ParsePeriod(periodKey)
	if err != nil {
		return nil, err
	}
	var cells, by, at string
	var corr sql.NullInt64
	err = s.DB.QueryRowContext(ctx, `SELECT cells, updated_by_name, updated_at, correction_of FROM return_drafts
		WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3`, a.TaxpayerID, f.Code, p.Start.String()).Scan(&cells, &by, &at, &corr)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "这个所属期没有草稿，可能已经删除或已经申报")
	}
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	_ = json.Unmarshal([]byte(cells), &m)
	return &DraftInfo{Form: f, Period: p, By: by, At: db.ParseTS(at), CorrectionOf: corr.Int64, Cells: len(m)}, nil
}

// Key is the period's key, as in the form's address.
func (d *DraftInfo) Key() string { return PeriodKey(d.Period) }

// PeriodName names the draft's period.
func (d *DraftInfo) PeriodName() string { return PeriodName(d.Period) }
