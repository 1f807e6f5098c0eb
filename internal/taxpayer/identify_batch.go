package taxpayer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// The clerk's work on a new taxpayer: the usual set of identifications,
// recorded at once, then the set marked complete.

// Suggestions returns the taxpayer with its usual identification set
// (SuggestedIdentifications), each line starting on the registration day;
// a line whose tax group is already in force says so and is not ticked.
func (s *Service) Suggestions(ctx context.Context, taxpayerID int64) (_ *Taxpayer, _ []Suggestion, err error) {
	defer db.Wrap(&err, "taxpayer.Suggestions(%d)", taxpayerID)
	if _, err := auth.RequireStaff(ctx, identifyRoles...); err != nil {
		return nil, nil, err
	}
	t, existing, err := s.Record(ctx, taxpayerID)
	if err != nil {
		return nil, nil, err
	}
	return t, s.SuggestionsFor(t, existing), nil
}

// SuggestionsFor completes SuggestedIdentifications with start dates and
// the identifications in force, for a record already read (the record page
// shows both).
func (s *Service) SuggestionsFor(t *Taxpayer, existing []*Identification) []Suggestion {
	regDay := t.RegisteredAt.In(s.Now().Location()).Format(db.DateLayout)
	list := SuggestedIdentifications(t)
	for i := range list {
		list[i].StartDate = regDay
		for _, e := range existing {
			if e.EndDate == "" && TaxGroup(e.TaxType) == TaxGroup(list[i].TaxType) {
				list[i].Identified = e.TaxTypeName() + " " + e.PeriodName() + " 自 " + e.StartDate
				list[i].Checked = false
			}
		}
	}
	return list
}

// BatchField is the key of a batch line's field in the errors of
// IdentifyBatch: "items.2.start_date" for the third line's start date.
func BatchField(i int, field string) string { return "items." + strconv.Itoa(i) + "." + field }

// IdentifyBatch records several identifications of one taxpayer in one
// transaction: all of them or none. Each line is checked as by Identify
// (kind, period, start date, no overlap with an identification in force,
// the database's one open identification per group), and two lines of one
// group (VAT small-scale and general) refuse each other. A refusal names
// its line: the errors are keyed by BatchField and each message starts
// with the line's tax. The status does not change (see Identify).
func (s *Service) IdentifyBatch(ctx context.Context, taxpayerID int64, items []IdentifyInput) (_ []*Identification, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.IdentifyBatch(%d, %d lines)", taxpayerID, len(items))
	a, err := auth.RequireStaff(ctx, identifyRoles...)
	if err != nil {
		return nil, err
	}
	t, err := s.Get(ctx, taxpayerID)
	if err != nil {
		return nil, err
	}
	switch {
	case len(items) == 0:
		return nil, apperr.InvalidField("items", "请至少勾选一个税（费）种")
	case len(items) > len(TaxTypes):
		return nil, apperr.InvalidField("items", fmt.Sprintf("一次最多认定 %d 个税（费）种", len(TaxTypes)))
	}
	f := apperr.Fields{}
	// add records a line's problem, prefixed with the line's tax (or its
	// number when the tax is unknown) so that a list of messages names it.
	add := func(i int, field, msg string) {
		name := "第 " + strconv.Itoa(i+1) + " 项"
		if tt, ok := LookupTaxType(items[i].TaxType); ok {
			name = tt.Name
		}
		f.Add(BatchField(i, field), name+"："+msg)
	}
	groups := map[string]int{} // tax group → first line of it
	for i := range items {
		in, lf := checkIdentify(t, items[i], now)
		items[i] = in
		for _, field := range []string{"tax_type", "period", "start_date"} {
			if msg := lf[field]; msg != "" {
				add(i, field, msg)
			}
		}
		if _, ok := LookupTaxType(in.TaxType); !ok {
			continue
		}
		g := TaxGroup(in.TaxType)
		if j, seen := groups[g]; seen {
			first, _ := LookupTaxType(items[j].TaxType)
			add(i, "tax_type", "与本次勾选的"+first.Name+"不能同时认定，请只保留一项")
			continue
		}
		groups[g] = i
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out []*Identification
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		out = nil // fn may run again after a serialization failure
		existing, err := listIdentifications(ctx, tx, taxpayerID)
		if err != nil {
			return err
		}
		f := apperr.Fields{}
		for i, in := range items {
			if e := openOverlap(existing, in); e != nil {
				tt, _ := LookupTaxType(in.TaxType)
				f.Add(BatchField(i, "tax_type"), tt.Name+"："+identifiedMessage(e.TaxTypeName(), e.StartDate))
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		for i, in := range items {
			ident, err := insertChecked(ctx, tx, now, a, taxpayerID, in)
			var ae *apperr.Error
			if errors.As(err, &ae) && ae.Code == apperr.Invalid {
				// Another clerk identified this group since our read: the
				// whole batch rolls back, naming the line.
				tt, _ := LookupTaxType(in.TaxType)
				return apperr.InvalidField(BatchField(i, "tax_type"), tt.Name+"："+ae.Message)
			}
			if err != nil {
				return err
			}
			out = append(out, ident)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CompleteIdentification marks the identification of a new taxpayer
// complete: 新办待认定 → 正常, so that it leaves the clerks' to-do list.
// It takes one conditional update, so it happens once whoever else acts:
// only from pending, and only when an identification is in force.
// Afterwards identifications can still be added and ended as for any
// taxpayer, so nothing is lost by a premature completion.
func (s *Service) CompleteIdentification(ctx context.Context, taxpayerID int64) (_ *Taxpayer, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.CompleteIdentification(%d)", taxpayerID)
	a, err := auth.RequireStaff(ctx, identifyRoles...)
	if err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, taxpayerID); err != nil {
		return nil, err
	}
	var t *Taxpayer
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE taxpayers SET status = $1, updated_at = $2, identified_at = $2, identified_by = $3
			WHERE id = $4 AND status = $5
			AND EXISTS (SELECT 1 FROM tax_identifications i WHERE i.taxpayer_id = $4 AND i.end_date = '')`,
			StatusActive, db.TS(now), a.UserID, taxpayerID, StatusPending)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		t, err = getTaxpayer(ctx, tx, taxpayerID)
		if err != nil {
			return err
		}
		if n == 0 {
			if t.Status != StatusPending {
				return apperr.New(apperr.Conflict, "该纳税人当前状态为“"+t.StatusName()+"”，不是新办待认定，无需再完成认定")
			}
			return apperr.New(apperr.Invalid, "该纳税人尚无有效的税（费）种认定，请先认定再完成")
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxpayerIdentificationComplete, "taxpayer", taxpayerID, "新办待认定 → 正常")
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}
