package taxpayer

import (
	"context"

	"taxhall/internal/audit"
)

// actionNames are the Chinese names of the audit actions about a taxpayer.
var actionNames = map[string]string{
	"taxpayer.register":            "在线登记",
	"tax_identification.create":    "税（费）种认定",
	"tax_identification.end":       "终止认定",
	"taxpayer_user.create":         "添加办税人员",
	"taxpayer_user.update":         "修改办税人员",
	"taxpayer_user.disable":        "停用办税人员",
	"taxpayer_user.enable":         "启用办税人员",
	"taxpayer_user.reset_password": "重置办税人员密码",
}

// Event is one line of a taxpayer's history.
type Event struct {
	audit.Entry
	ActionName string
}

// History lists what was done on a taxpayer's record, newest first, for
// whoever may see the taxpayer.
func (s *Service) History(ctx context.Context, taxpayerID int64) ([]Event, error) {
	if _, err := s.Get(ctx, taxpayerID); err != nil {
		return nil, err
	}
	entries, err := audit.ForObject(ctx, s.DB, "taxpayer", taxpayerID, 100)
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(entries))
	for i, e := range entries {
		name := actionNames[e.Action]
		if name == "" {
			name = e.Action
		}
		out[i] = Event{e, name}
	}
	return out, nil
}
