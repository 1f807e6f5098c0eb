package taxpayer

import (
	"context"

	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Event is one line of a taxpayer's history.
type Event struct {
	audit.Entry
	ActionName string // the Chinese name of the action
}

// History lists what was done on a taxpayer's record, newest first, with
// the names of the staff who did it. It is for staff who may see the
// taxpayer: a taxpayer user gets Forbidden, even for their own record
// (staff names and internal steps are not theirs to read).
func (s *Service) History(ctx context.Context, taxpayerID int64) (_ []Event, err error) {
	defer db.Wrap(&err, "taxpayer.History(%d)", taxpayerID)
	if _, err := auth.RequireStaff(ctx, staffViewRoles...); err != nil {
		return nil, err
	}
	if _, err := s.Get(ctx, taxpayerID); err != nil {
		return nil, err
	}
	entries, err := audit.ForObject(ctx, s.DB, "taxpayer", taxpayerID, 100)
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(entries))
	for i, e := range entries {
		out[i] = Event{e, e.Action.Name()}
	}
	return out, nil
}
