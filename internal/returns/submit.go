package returns

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
)

// Return is an accepted return (one version).
type Return struct {
	ID           int64
	TaxpayerID   int64
	BureauID     int64
	Form         string
	TaxType      string
	Period       rules.Period
	Version      int
	PreviousID   int64
	Current      bool
	Zero         bool
	Deadline     calendar.Date
	Late         bool
	TaxDue       int64
	Difference   int64
	SHA256       string
	RulesVersion string
	AckNo        string
	SubmittedBy  string
	SubmittedAt  time.Time
	Doc          Doc
	Canonical    string
	// Computed is the form's computed detail (forms.Output.Detail) on a
	// return just accepted, for the accept hooks, which would otherwise
	// decode it again from Doc.Detail; nil on a return read back.
	Computed any
}

func (r *Return) PeriodKey() string  { return PeriodKey(r.Period) }
func (r *Return) PeriodName() string { return PeriodName(r.Period) }

// FormDef is the return's form definition.
func (r *Return) FormDef() *forms.Form {
	if r == nil {
		return nil
	}
	f, _ := forms.Lookup(r.Form)
	return f
}

// Values are the return's cells.
func (r *Return) Values() forms.Values { v, _ := r.Doc.Values(); return v }

// KindName: 正常申报, 更正申报 (第n次).
func (r *Return) KindName() string {
	if r.Version == 1 {
		return "正常申报"
	}
	return fmt.Sprintf("更正申报（第%d版）", r.Version)
}

const returnCols = `id, taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, COALESCE(previous_id, 0), is_current, zero,
	deadline, late, tax_due, difference, sha256, rules_version, ack_no, submitted_by_name, submitted_at, doc`

func scanReturn(sc db.Scanner) (*Return, error) {
	var r Return
	var ps, pe, dl, at string
	var cur, zero, late int
	if err := sc.Scan(&r.ID, &r.TaxpayerID, &r.BureauID, &r.Form, &r.TaxType, &ps, &pe, &r.Version, &r.PreviousID, &cur, &zero,
		&dl, &late, &r.TaxDue, &r.Difference, &r.SHA256, &r.RulesVersion, &r.AckNo, &r.SubmittedBy, &at, &r.Canonical); err != nil {
		return nil, err
	}
	r.Period = rules.Period{Start: calendar.MustDate(ps), End: calendar.MustDate(pe)}
	r.Deadline = calendar.MustDate(dl)
	r.Current, r.Zero, r.Late = cur == 1, zero == 1, late == 1
	r.SubmittedAt = db.ParseTS(at)
	if err := jsonUnmarshal(r.Canonical, &r.Doc); err != nil {
		return nil, err
	}
	return &r, nil
}

func (s *Service) current(ctx context.Context, q db.Querier, taxpayerID int64, form string, p rules.Period) (*Return, error) {
	r, err := scanReturn(q.QueryRowContext(ctx, `SELECT `+returnCols+` FROM returns
		WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3 AND is_current = 1`, taxpayerID, form, p.Start.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

func byIdemKey(ctx context.Context, q db.Querier, taxpayerID int64, key string) (*Return, error) {
	r, err := scanReturn(q.QueryRowContext(ctx, `SELECT `+returnCols+` FROM returns WHERE taxpayer_id = $1 AND idem_key = $2`, taxpayerID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// Get returns an accepted return to one of its taxpayer's users or to staff
// whose bureau covers the taxpayer; anyone else gets NotFound.
func (s *Service) Get(ctx context.Context, id int64) (_ *Return, err error) {
	defer db.Wrap(&err, "returns.Get(%d)", id)
	a := auth.ActorFrom(ctx)
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	r, err := scanReturn(s.DB.QueryRowContext(ctx, `SELECT `+returnCols+` FROM returns WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	if a.Kind == auth.Taxpayer {
		if r.TaxpayerID != a.TaxpayerID {
			return nil, errNotFound
		}
		if taxes, agent, err := s.agentTaxes(ctx, a); err != nil || (agent && !slices.Contains(taxes, r.TaxType)) {
			if err != nil {
				return nil, err
			}
			return nil, errNotFound
		}
		return r, nil
	}
	// Staff: the taxpayer register decides who may see the taxpayer.
	if _, err := s.Taxpayers.Get(ctx, r.TaxpayerID); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, errNotFound
		}
		return nil, err
	}
	return r, nil
}

// Submission is the answer to a submission: the accepted return, and
// whether this call created it (false: the same idempotency key was
// submitted before, and this is that return's acknowledgement).
type Submission struct {
	Return  *Return
	Created bool
}

// Submit validates the entered cells and, when they pass, accepts the
// return exactly once per idempotency key: a repeated or concurrent
// submission with the same key returns the same acknowledgement and never
// creates a second return — the database's unique constraints decide, so
// it holds across nodes. A second original for the same form and period
// with another key is refused with the existing return's number.
// correctionOf is 0 for an original, else the current return corrected.
func (s *Service) Submit(ctx context.Context, formCode, periodKey string, raw map[string]string, key string, correctionOf int64, zero bool) (_ *Submission, err error) {
	defer db.Wrap(&err, "returns.Submit(%s, %s)", formCode, periodKey)
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	sub, err := s.submit(ctx, a, formCode, periodKey, raw, key, correctionOf, zero)
	if err != nil && ctx.Err() == nil {
		// A retry after success answers with the same acknowledgement even
		// though the period is now filed (the draft gone, the corrected
		// version no longer current). The key is looked up only when the
		// submission cannot be accepted: a first submission, the common
		// case, costs no read for it, and acceptance itself is decided by
		// the unique key on (taxpayer, idempotency key).
		if r, kerr := byIdemKey(ctx, s.DB, a.TaxpayerID, key); kerr != nil || r != nil {
			if r != nil {
				return &Submission{Return: r}, nil
			}
			return nil, kerr
		}
	}
	return sub, err
}

func (s *Service) submit(ctx context.Context, a *auth.Actor, formCode, periodKey string, raw map[string]string, key string, correctionOf int64, zero bool) (_ *Submission, err error) {
	var sh *Sheet
	if correctionOf > 0 {
		sh, err = s.OpenCorrection(ctx, correctionOf)
	} else {
		sh, _, err = s.open(ctx, formCode, periodKey)
		if err == nil {
			if ok, ferr := s.mayFile(ctx, a, sh.Form.TaxType); ferr != nil {
				err = ferr
			} else if !ok {
				err = errNoRole
			}
		}
	}
	if err != nil {
		return nil, err
	}
	if sh.Form.Code != formCode || PeriodKey(sh.Period) != periodKey {
		return nil, apperr.New(apperr.Invalid, "更正的申报与所属期不一致")
	}
	if zero {
		if !sh.Form.Zero {
			return nil, apperr.New(apperr.Invalid, "这种申报表不能零申报")
		}
		raw = map[string]string{}
	}
	raw = keepEntered(sh.Form, raw)
	out, err := sh.Form.Run(forms.Input{Period: sh.Period, Facts: sh.Facts, Prior: sh.Prior, Extra: sh.Extra}, raw)
	if err != nil {
		return nil, err
	}
	if zero && out.TaxDue != 0 {
		return nil, apperr.New(apperr.Invalid, "本期有应纳税额，不能零申报")
	}
	now := s.Now()
	today := calendar.FromTime(now.In(china))
	doc := Doc{Form: sh.Form.Code, FormName: sh.Form.Name, FormBasis: sh.Form.Basis, TaxType: sh.Form.TaxType,
		TaxpayerID: sh.Taxpayer.ID, TaxpayerCode: sh.Taxpayer.Code, TaxpayerName: sh.Taxpayer.Name,
		PeriodStart: sh.Period.Start.String(), PeriodEnd: sh.Period.End.String(), Version: 1, Zero: zero,
		RulesVersion: rules.Version, Lines: forms.Format(out.Values, sh.Form.Cells()), Entered: raw, TaxDue: forms.Plain(out.TaxDue)}
	if out.Detail != nil {
		if doc.Detail, err = json.Marshal(out.Detail); err != nil {
			return nil, err
		}
	}
	prevDue := int64(0)
	var prevID any
	if sh.Correcting != nil {
		doc.Version = sh.Correcting.Version + 1
		doc.Corrects = sh.Correcting.SHA256
		prevDue = sh.Correcting.TaxDue
		prevID = sh.Correcting.ID
	}
	canonical := doc.Canonical()
	hash := Hash(canonical)
	// The document's cells in fen are out's values of the cells it lists
	// (doc.Values would parse them back from the yuan strings).
	docVals := make(forms.Values, len(doc.Lines))
	for k := range doc.Lines {
		docVals[k] = out.Values[k]
	}
	carry := CarryValues(sh.Form, docVals)
	late := today.After(sh.Deadline.Date)
	if sh.Correcting != nil {
		// A correction does not make a return late: the obligation was met
		// (or missed) by the original.
		late = sh.Correcting.Late
	}

	// The row written, as scanReturn would read it back (without a query
	// and a second parse of the document).
	built := func(id int64, ack string) *Return {
		r := &Return{ID: id, TaxpayerID: sh.Taxpayer.ID, BureauID: sh.Taxpayer.BureauID, Form: sh.Form.Code, TaxType: sh.Form.TaxType,
			Period: sh.Period, Version: doc.Version, Current: true, Zero: zero, Deadline: sh.Deadline.Date, Late: late,
			TaxDue: out.TaxDue, Difference: out.TaxDue - prevDue, SHA256: hash, RulesVersion: rules.Version, AckNo: ack,
			SubmittedBy: a.Name, SubmittedAt: db.ParseTS(db.TS(now)), Doc: doc, Canonical: string(canonical)}
		if sh.Correcting != nil {
			r.PreviousID = sh.Correcting.ID
		}
		return r
	}
	if s.oneStatement(sh.Form.Code, sh.Correcting) {
		ar := &acceptRow{taxpayerID: sh.Taxpayer.ID, bureauID: sh.Taxpayer.BureauID, form: sh.Form.Code, taxType: sh.Form.TaxType,
			start: doc.PeriodStart, end: doc.PeriodEnd, deadline: sh.Deadline.Date.String(), zero: b2i(zero), late: b2i(late),
			taxDue: out.TaxDue, doc: string(canonical), hash: hash, rulesVersion: rules.Version, key: key,
			userID: a.UserID, userName: a.Name, at: db.TS(now), carry: carry}
		for try := 0; try < 3; try++ {
			ar.ack = newAckNo(now)
			res := s.accepts().do(ctx, ar)
			id, ok, err := res.id, res.ok, res.err
			if err != nil {
				return nil, err
			}
			if ok {
				return &Submission{Return: built(id, ar.ack), Created: true}, nil
			}
			// A unique constraint held: the same key, an original already
			// filed or (rarely) the same random ack number.
			if r, err := byIdemKey(ctx, s.DB, a.TaxpayerID, key); err != nil || r != nil {
				if r != nil {
					return &Submission{Return: r}, nil
				}
				return nil, err
			}
			if cur, err := s.current(ctx, s.DB, sh.Taxpayer.ID, sh.Form.Code, sh.Period); err != nil || cur != nil {
				if cur != nil {
					return nil, alreadyFiled(cur)
				}
				return nil, err
			}
		}
		return nil, errors.New("returns: could not allocate an acknowledgement number")
	}

	var result *Submission
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		result = nil
		if sh.Correcting != nil {
			// The version corrected stops being current, once: a second
			// correction racing this one finds 0 rows.
			res, err := tx.ExecContext(ctx, `UPDATE returns SET is_current = 0 WHERE id = $1 AND is_current = 1`, sh.Correcting.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errRaced
			}
		}
		var id int64
		var inserted bool
		var ack string
		for try := 0; try < 3 && !inserted; try++ {
			ack = newAckNo(now)
			err := tx.QueryRowContext(ctx, `INSERT INTO returns (taxpayer_id, bureau_id, form, tax_type, period_start, period_end, version, previous_id,
				is_current, zero, deadline, late, tax_due, difference, doc, sha256, rules_version, ack_no, idem_key, submitted_by, submitted_by_name, submitted_at, carry)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
				ON CONFLICT DO NOTHING RETURNING id`,
				sh.Taxpayer.ID, sh.Taxpayer.BureauID, sh.Form.Code, sh.Form.TaxType, doc.PeriodStart, doc.PeriodEnd, doc.Version, prevID,
				b2i(zero), sh.Deadline.Date.String(), b2i(late), out.TaxDue, out.TaxDue-prevDue, string(canonical), hash, rules.Version,
				ack, key, a.UserID, a.Name, db.TS(now), carry).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				// A unique constraint held: the same key, the same
				// version or (rarely) the same random ack number.
				if r, err := byIdemKey(ctx, tx, a.TaxpayerID, key); err != nil || r != nil {
					if r != nil {
						// Roll back: a correction has already cleared
						// the current mark of the version it corrects.
						return &replayed{r}
					}
					return err
				}
				if cur, err := s.current(ctx, tx, sh.Taxpayer.ID, sh.Form.Code, sh.Period); err != nil || cur != nil {
					if cur != nil {
						return alreadyFiled(cur)
					}
					return err
				}
				continue
			}
			if err != nil {
				return err
			}
			inserted = true
		}
		if !inserted {
			return errors.New("returns: could not allocate an acknowledgement number")
		}
		var liab int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO tax_liabilities (taxpayer_id, return_id, tax_type, period_start, period_end, deadline, amount, settled, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, sh.Taxpayer.ID, id, sh.Form.TaxType, doc.PeriodStart, doc.PeriodEnd,
			sh.Deadline.Date.String(), out.TaxDue-prevDue, b2i(out.TaxDue-prevDue == 0), db.TS(now)).Scan(&liab); err != nil {
			return err
		}
		if sh.Correcting != nil { // set off against the period's open liabilities (netting.go)
			if err := netLiability(ctx, tx, liab, sh.Taxpayer.ID, sh.Form.TaxType, doc.PeriodStart, out.TaxDue-prevDue); err != nil {
				return err
			}
		}
		kind, note := EventAccepted, ackNotePrefix+ack
		if sh.Correcting != nil {
			kind = EventCorrected
		}
		if err := addEvent(ctx, tx, now, a, sh.Taxpayer.ID, sh.Form.Code, sh.Period, id, kind, note); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM return_drafts WHERE taxpayer_id = $1 AND form = $2 AND period_start = $3`,
			sh.Taxpayer.ID, sh.Form.Code, doc.PeriodStart); err != nil {
			return err
		}
		filed, lateN, corrected := 1, b2i(late), 0
		if sh.Correcting != nil {
			filed, lateN, corrected = 0, 0, 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO filing_stats (bureau_id, tax_type, period_start, shard, filed, late, corrected, tax_due)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (bureau_id, tax_type, period_start, shard) DO UPDATE SET filed = filing_stats.filed + excluded.filed,
				late = filing_stats.late + excluded.late, corrected = filing_stats.corrected + excluded.corrected, tax_due = filing_stats.tax_due + excluded.tax_due`,
			sh.Taxpayer.BureauID, sh.Form.TaxType, doc.PeriodStart, sh.Taxpayer.ID%8, filed, lateN, corrected, out.TaxDue-prevDue); err != nil {
			return err
		}
		r := built(id, ack)
		r.Computed = out.Detail
		for _, h := range acceptHooks[r.Form] {
			if err := h(ctx, tx, r); err != nil {
				return err
			}
		}
		result = &Submission{Return: r, Created: true}
		return nil
	})
	var rp *replayed
	if errors.As(err, &rp) {
		return &Submission{Return: rp.r}, nil
	}
	if errors.Is(err, errRaced) {
		// Someone else's correction (or this same key on another node)
		// made the corrected version stale.
		if r, err := byIdemKey(ctx, s.DB, a.TaxpayerID, key); err != nil || r != nil {
			if r != nil {
				return &Submission{Return: r}, nil
			}
			return nil, err
		}
		return nil, apperr.New(apperr.Conflict, "这份申报刚刚已被更正，请刷新后在最新版本上更正")
	}
	if err != nil {
		return nil, err
	}
	return result, nil
}

var errRaced = errors.New("returns: corrected version is no longer current")

// replayed ends the accepting transaction, rolling it back, when the
// idempotency key is already a return's: the answer is that return.
type replayed struct{ r *Return }

func (e *replayed) Error() string {
	return "returns: idempotency key already used by return " + e.r.AckNo
}

// AcceptHook runs inside the transaction that accepts a return of its form
// (an original or a correction), after the return row is written: what it
// writes commits or rolls back with the acceptance. The per-person IIT
// record (iitrecords) and the annual reconciliation's refund request
// (iitannual) are kept this way.
type AcceptHook func(ctx context.Context, tx *sql.Tx, r *Return) error

var acceptHooks = map[string][]AcceptHook{}

// RegisterAcceptHook adds a hook for a form (at init time).
func RegisterAcceptHook(form string, h AcceptHook) { acceptHooks[form] = append(acceptHooks[form], h) }

func alreadyFiled(cur *Return) error {
	return &AlreadyFiled{Return: cur}
}

// AlreadyFiled refuses a second original; Return is the existing one, for
// a link to it.
type AlreadyFiled struct{ Return *Return }

func (e *AlreadyFiled) Error() string {
	return fmt.Sprintf("%s的%s已经申报（回执号 %s），不能重复申报；如需修改，请办理更正申报。", PeriodName(e.Return.Period), e.Return.FormDef().Short, e.Return.AckNo)
}

// Unwrap makes it a Conflict for apperr.
func (e *AlreadyFiled) Unwrap() error { return apperr.New(apperr.Conflict, e.Error()) }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
