package returns

import (
	"context"
	"database/sql"
	"slices"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/taxpayer"
)

// An appointed agent (涉税代理人员) files only the taxes the enterprise
// delegated to them (agent_delegations); everyone else's role decides alone.

// mayFile reports whether the taxpayer user a may prepare and submit taxType.
func (s *Service) mayFile(ctx context.Context, a *auth.Actor, taxType string) (bool, error) {
	if a.Role != auth.TPAgent {
		return canFile(a, taxType), nil
	}
	taxes, err := delegated(ctx, s.DB, a.TaxpayerID, a.UserID)
	return slices.Contains(taxes, taxType), err
}

// agentTaxes is nil for users who are not agents, else the taxes delegated.
func (s *Service) agentTaxes(ctx context.Context, a *auth.Actor) ([]string, bool, error) {
	if a == nil || a.Kind != auth.Taxpayer || a.Role != auth.TPAgent {
		return nil, false, nil
	}
	taxes, err := delegated(ctx, s.DB, a.TaxpayerID, a.UserID)
	return taxes, true, err
}

func delegated(ctx context.Context, q db.Querier, taxpayerID, userID int64) ([]string, error) {
	return db.Query(ctx, q, func(sc db.Scanner) (string, error) {
		var t string
		return t, sc.Scan(&t)
	}, `SELECT tax_type FROM agent_delegations WHERE taxpayer_id = $1 AND user_id = $2 ORDER BY tax_type`, taxpayerID, userID)
}

// Delegations lists the taxes delegated to an agent user of the current
// user's enterprise.
func (s *Service) Delegations(ctx context.Context, userID int64) (_ []string, err error) {
	defer db.Wrap(&err, "returns.Delegations(%d)", userID)
	u, err := s.Taxpayers.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	a := auth.ActorFrom(ctx)
	return delegated(ctx, s.DB, a.TaxpayerID, u.ID)
}

// SetDelegations replaces the taxes delegated to an agent user; only the
// enterprise's user administrators may, and only for users whose role is
// 涉税代理人员.
func (s *Service) SetDelegations(ctx context.Context, userID int64, taxes []string) (err error) {
	defer db.Wrap(&err, "returns.SetDelegations(%d)", userID)
	if err := taxpayer.RequireUserAdmin(ctx); err != nil {
		return err
	}
	a := auth.ActorFrom(ctx)
	u, err := s.Taxpayers.User(ctx, userID)
	if err != nil {
		return err
	}
	if u.Role != auth.TPAgent {
		return apperr.InvalidField("tax_type", "只有“涉税代理人员”需要设置代理的税种，其他办税人员按身份办理")
	}
	seen := map[string]bool{}
	var names []string
	for _, t := range taxes {
		tt, ok := taxpayer.LookupTaxType(t)
		if !ok {
			return apperr.InvalidField("tax_type", "没有这个税（费）种")
		}
		if !seen[t] {
			seen[t] = true
			names = append(names, tt.Name)
		}
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent_delegations WHERE taxpayer_id = $1 AND user_id = $2`, a.TaxpayerID, u.ID); err != nil {
			return err
		}
		for t := range seen {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agent_delegations (taxpayer_id, user_id, tax_type, granted_by, granted_at) VALUES ($1, $2, $3, $4, $5)`,
				a.TaxpayerID, u.ID, t, a.UserID, db.TS(now)); err != nil {
				return err
			}
		}
		detail := u.Username + "：" + strings.Join(names, "、")
		if len(names) == 0 {
			detail = u.Username + "：无"
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.AgentDelegationUpdate, "taxpayer", a.TaxpayerID, detail)
	})
}
