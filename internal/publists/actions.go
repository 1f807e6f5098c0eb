package publists

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/money"
)

// CanMark reports whether a may set and lift 非正常户 and set quotas: the
// window clerks and reviewers of the taxpayer's bureau or above.
func CanMark(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Staff && (a.HasRole(auth.RoleWindowClerk) || a.HasRole(auth.RoleReviewer))
}

// subject reads the taxpayer a acts on: 404 outside a's subtree.
func subject(ctx context.Context, q db.Querier, a *auth.Actor, id int64) (status, subKind string, err error) {
	var path string
	err = q.QueryRowContext(ctx, `SELECT t.status, t.sub_kind, o.path FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE t.id = $1`, id).Scan(&status, &subKind, &path)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.Covers(path)) {
		return "", "", apperr.New(apperr.NotFound, "没有找到该纳税人")
	}
	return status, subKind, err
}

// SetIrregular marks an active taxpayer as 非正常户 with a reason; lift
// returns it to active. The change is one UPDATE … WHERE status = … and is
// logged with its reason and in the audit log.
func (s *Service) SetIrregular(ctx context.Context, a *auth.Actor, taxpayerID int64, set bool, reason string) (err error) {
	defer db.Wrap(&err, "publists.SetIrregular(%d, %v)", taxpayerID, set)
	if !CanMark(a) {
		return apperr.New(apperr.Forbidden, "仅限窗口受理和审核人员办理")
	}
	reason = strings.TrimSpace(reason)
	f := apperr.Fields{}
	if reason == "" {
		f.Add("reason", "请填写原因")
	} else if f.Text("reason", reason, 500) && len([]rune(reason)) < 4 {
		f.Add("reason", "原因至少 4 个字")
	}
	if err := f.Err(); err != nil {
		return err
	}
	from, to, action := "active", Irregular, audit.TaxpayerIrregularSet
	if !set {
		from, to, action = Irregular, "active", audit.TaxpayerIrregularLift
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		status, _, err := subject(ctx, tx, a, taxpayerID)
		if err != nil {
			return err
		}
		var id int64
		err = tx.QueryRowContext(ctx, `UPDATE taxpayers SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4 RETURNING id`,
			to, db.TS(now), taxpayerID, from).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			if set {
				return apperr.New(apperr.Conflict, "只有状态为“正常”的纳税人可以认定为非正常户（当前："+statusName(status)+"）")
			}
			return apperr.New(apperr.Conflict, "该纳税人不是非正常户")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO taxpayer_status_changes (taxpayer_id, from_status, to_status, reason, staff_id, at) VALUES ($1, $2, $3, $4, $5, $6)`,
			taxpayerID, from, to, reason, a.UserID, db.TS(now)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Actor{Kind: "staff", ID: a.UserID}, now, action, "taxpayer", taxpayerID, reason)
	})
}

func statusName(s string) string {
	return map[string]string{"pending": "待认定", "active": "正常", Irregular: "非正常户", Deregistered: "已注销", Suspended: "停业"}[s]
}

var monthRe = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// QuotaInput is a quota a clerk sets.
type QuotaInput struct {
	From, To   string // months, "2026-01"
	Sales, Tax string // yuan, as typed
}

// SetQuota sets the fixed quota of an individual business for a period of
// months. Periods of one taxpayer may not overlap: the check and the
// insert run in one serializable transaction (UNIQUE on the first month
// backs it).
func (s *Service) SetQuota(ctx context.Context, a *auth.Actor, taxpayerID int64, in QuotaInput) (err error) {
	defer db.Wrap(&err, "publists.SetQuota(%d)", taxpayerID)
	if !CanMark(a) {
		return apperr.New(apperr.Forbidden, "仅限窗口受理和审核人员办理")
	}
	f := apperr.Fields{}
	if !monthRe.MatchString(in.From) {
		f.Add("from", "请按“年-月”填写起始月份，如 2026-01")
	}
	if !monthRe.MatchString(in.To) {
		f.Add("to", "请按“年-月”填写终止月份，如 2026-12")
	} else if in.To < in.From {
		f.Add("to", "终止月份不能早于起始月份")
	}
	sales, err := money.ParseYuan(in.Sales)
	if err != nil || sales < 0 {
		f.Add("sales", "请填写月定额销售额（元）")
	}
	tax, err := money.ParseYuan(in.Tax)
	if err != nil || tax < 0 {
		f.Add("tax", "请填写月定额税款（元），免税的填 0")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	return s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		status, subKind, err := subject(ctx, tx, a, taxpayerID)
		if err != nil {
			return err
		}
		if subKind != "individual_business" {
			return apperr.New(apperr.Conflict, "只有个体工商户可以核定定额")
		}
		if status != "active" {
			return apperr.New(apperr.Conflict, "纳税人状态为“"+statusName(status)+"”，不能核定定额")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM business_quotas WHERE taxpayer_id = $1 AND month_from <= $2 AND month_to >= $3`,
			taxpayerID, in.To, in.From).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.InvalidField("from", "该期间与已核定的定额重叠")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO business_quotas (taxpayer_id, month_from, month_to, sales_fen, tax_fen, staff_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			taxpayerID, in.From, in.To, sales, tax, a.UserID, db.TS(now))
		if db.IsUniqueViolation(err) {
			return apperr.InvalidField("from", "该期间与已核定的定额重叠")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Actor{Kind: "staff", ID: a.UserID}, now, audit.BusinessQuotaSet, "taxpayer", taxpayerID,
			in.From+" 至 "+in.To+"，月销售额 "+money.FormatYuan(sales)+" 元，月税款 "+money.FormatYuan(tax)+" 元")
	})
}
