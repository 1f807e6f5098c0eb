package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/ids"
	"taxhall/internal/input"
)

// Staff is a tax official with an org and roles.
type Staff struct {
	ID      int64    `json:"id"`
	OrgID   int64    `json:"org_id"`
	OrgName string   `json:"org_name"`
	StaffNo string   `json:"staff_no"`
	Name    string   `json:"name"`
	Phone   string   `json:"phone"`
	Roles   []string `json:"roles"`
	Active  bool     `json:"active"`
	orgPath string
}

const staffCols = `s.id, s.org_id, o.name, o.path, s.staff_no, s.name, s.phone, s.roles, s.active`

func scanStaff(sc db.Scanner) (*Staff, error) {
	var st Staff
	var roles string
	var active int
	if err := sc.Scan(&st.ID, &st.OrgID, &st.OrgName, &st.orgPath, &st.StaffNo, &st.Name, &st.Phone, &roles, &active); err != nil {
		return nil, err
	}
	if roles != "" {
		st.Roles = strings.Split(roles, ",")
	}
	st.Active = active == 1
	return &st, nil
}

// StaffFilter narrows the staff list.
type StaffFilter struct {
	OrgID int64
	Query string // staff number or name
}

// ListStaff lists staff in the administrator's subtree.
func (s *Service) ListStaff(ctx context.Context, f StaffFilter) (_ []*Staff, err error) {
	defer db.Wrap(&err, "org.ListStaff")
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	t := strings.TrimSpace(f.Query)
	bad := apperr.Fields{}
	if !bad.Text("q", t, input.MaxQuery) {
		return nil, bad.Err()
	}
	cond, scope := a.SubtreeSQL("o.path", 1)
	q := `SELECT ` + staffCols + ` FROM staff s JOIN orgs o ON o.id = s.org_id WHERE ` + cond
	args := []any{scope}
	if f.OrgID != 0 {
		args = append(args, f.OrgID)
		q += ` AND s.org_id = $2`
	}
	if t != "" {
		args = append(args, db.Like(t))
		n := fmt.Sprintf("$%d", len(args))
		q += ` AND (s.staff_no LIKE ` + n + ` ESCAPE '\' OR s.name LIKE ` + n + ` ESCAPE '\')`
	}
	return db.Query(ctx, s.DB, scanStaff, q+` ORDER BY o.path, s.staff_no LIMIT 500`, args...)
}

// GetStaff returns one staff member in the administrator's subtree.
func (s *Service) GetStaff(ctx context.Context, id int64) (_ *Staff, err error) {
	defer db.Wrap(&err, "org.GetStaff(%d)", id)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	return getStaff(ctx, s.DB, a, id)
}

func getStaff(ctx context.Context, q db.Querier, a *auth.Actor, id int64) (*Staff, error) {
	st, err := scanStaff(q.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !a.Covers(st.orgPath)) {
		return nil, apperr.New(apperr.NotFound, "工作人员不存在")
	}
	return st, err
}

// StaffInput is what an administrator types for a staff account.
type StaffInput struct {
	OrgID    int64
	StaffNo  string
	Name     string
	Phone    string
	Roles    []string
	Active   bool
	Password string // for a new account
}

func checkStaffInput(ctx context.Context, q db.Querier, a *auth.Actor, in *StaffInput, f apperr.Fields) {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Name == "" {
		f.Add("name", "请填写姓名")
	}
	f.Text("name", in.Name, 50)
	if f.Text("phone", in.Phone, 30) && in.Phone != "" {
		f.Check("phone", ids.ValidatePhone(in.Phone))
	}
	if len(in.Roles) == 0 {
		f.Add("roles", "请至少选择一个岗位角色")
	}
	for _, r := range in.Roles {
		if !auth.IsStaffRole(r) {
			f.Add("roles", "岗位角色无效")
		}
	}
	o, err := getOrg(ctx, q, in.OrgID)
	if err != nil || !a.Covers(o.Path) {
		f.Add("org_id", "请选择您管辖范围内的税务机关")
	}
}

// CreateStaff adds a staff account. Staff numbers are stored in upper
// case, as the login looks them up.
func (s *Service) CreateStaff(ctx context.Context, in StaffInput) (_ *Staff, err error) {
	now := s.Now()
	defer db.Wrap(&err, "org.CreateStaff(%q)", in.StaffNo)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	in.StaffNo = auth.NormalizeStaffNo(in.StaffNo)
	if in.StaffNo == "" {
		f.Add("staff_no", "请填写工号")
	} else if !validStaffNo(in.StaffNo) {
		f.Add("staff_no", "工号应为4至20位字母或数字")
	}
	checkStaffInput(ctx, s.DB, a, &in, f)
	auth.CheckNewPassword(f, "password", in.Password, "", "", in.StaffNo)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var st *Staff
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := InsertStaff(ctx, tx, now, in.OrgID, in.StaffNo, in.Name, in.Phone, in.Roles, auth.HashPassword(in.Password))
		if db.IsUniqueViolation(err) {
			return apperr.InvalidField("staff_no", "该工号已被使用")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.StaffCreate, "staff", id, in.StaffNo+" "+strings.Join(in.Roles, ",")); err != nil {
			return err
		}
		st, err = getStaff(ctx, tx, a, id)
		return err
	})
	return st, err
}

// InsertStaff writes a staff row; passwordHash is already hashed (seeding
// reuses one hash for thousands of demo accounts).
func InsertStaff(ctx context.Context, q db.Querier, now time.Time, orgID int64, staffNo, name, phone string, roles []string, passwordHash string) (int64, error) {
	var id int64
	ts := db.TS(now)
	err := q.QueryRowContext(ctx, `INSERT INTO staff (org_id, staff_no, name, phone, password_hash, roles, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`, orgID, auth.NormalizeStaffNo(staffNo), name, phone, passwordHash, strings.Join(roles, ","), ts).Scan(&id)
	return id, err
}

// StaffPatch changes a staff account; nil fields keep their value.
type StaffPatch struct {
	OrgID  *int64
	Name   *string
	Phone  *string
	Roles  *[]string
	Active *bool
}

// UpdateStaff changes a staff member's org, name, phone, roles and whether
// the account is active: the full form, as a patch of every field (the
// staff number never changes).
func (s *Service) UpdateStaff(ctx context.Context, id int64, in StaffInput) (*Staff, error) {
	return s.PatchStaff(ctx, id, StaffPatch{OrgID: &in.OrgID, Name: &in.Name, Phone: &in.Phone, Roles: &in.Roles, Active: &in.Active})
}

// PatchStaff reads the account, applies the fields given, validates the
// result and writes it, in one serializable transaction. Administrators
// cannot lock themselves out, and an administrator's account is managed
// only from a higher bureau (see mayManage).
func (s *Service) PatchStaff(ctx context.Context, id int64, p StaffPatch) (_ *Staff, err error) {
	now := s.Now()
	defer db.Wrap(&err, "org.PatchStaff(%d)", id)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var st *Staff
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		me, err := currentAdmin(ctx, tx, a)
		if err != nil {
			return err
		}
		old, err := getStaff(ctx, tx, me, id)
		if err != nil {
			return err
		}
		if err := mayManage(me, old); err != nil {
			return err
		}
		in := StaffInput{OrgID: old.OrgID, Name: old.Name, Phone: old.Phone, Roles: old.Roles, Active: old.Active}
		setIf(&in.OrgID, p.OrgID)
		setIf(&in.Name, p.Name)
		setIf(&in.Phone, p.Phone)
		setIf(&in.Roles, p.Roles)
		setIf(&in.Active, p.Active)
		f := apperr.Fields{}
		checkStaffInput(ctx, tx, me, &in, f)
		if id == me.UserID {
			if !in.Active {
				f.Add("active", "不能停用您本人的账号")
			}
			if !slices.Contains(in.Roles, auth.RoleAdmin) {
				f.Add("roles", "不能取消您本人的系统管理员角色")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET org_id = $1, name = $2, phone = $3, roles = $4, active = $5, updated_at = $6 WHERE id = $7`,
			in.OrgID, in.Name, in.Phone, strings.Join(in.Roles, ","), boolInt(in.Active), db.TS(now), id); err != nil {
			return err
		}
		// A disabled account, or one whose roles or bureau changed, starts
		// afresh: its sessions carry the old roles and scope.
		if !in.Active || in.OrgID != old.OrgID || !slices.Equal(in.Roles, old.Roles) {
			if err := auth.EndSessions(ctx, tx, auth.Staff, id); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.StaffUpdate, "staff", id, strings.Join(in.Roles, ",")); err != nil {
			return err
		}
		st, err = getStaff(ctx, tx, me, id)
		return err
	})
	return st, err
}

// currentAdmin re-reads the acting administrator inside the transaction:
// the session was resolved before it began, and in the meantime another
// administrator may have disabled them or taken their role away. Reading
// the row here makes such a race a serialization conflict on PostgreSQL
// (one of the two transactions is retried and then sees the other's
// change), so two administrators cannot disable each other at once.
func currentAdmin(ctx context.Context, q db.Querier, a *auth.Actor) (*auth.Actor, error) {
	var roles, path string
	var active, orgActive int
	err := q.QueryRowContext(ctx, `SELECT s.roles, s.active, o.path, o.active FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.id = $1`, a.UserID).
		Scan(&roles, &active, &path, &orgActive)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (active != 1 || orgActive != 1 || !slices.Contains(strings.Split(roles, ","), auth.RoleAdmin))) {
		return nil, apperr.New(apperr.Forbidden, "您的账号已停用或已不是系统管理员")
	}
	if err != nil {
		return nil, err
	}
	me := *a
	me.OrgPath, me.Roles = path, strings.Split(roles, ",")
	return &me, nil
}

// mayManage says whether the administrator me may change, disable or reset
// the password of target. Anyone in their subtree, except another
// administrator: that account may be managed only from a strictly higher
// bureau (target's org a proper descendant of me's). Two administrators of
// the same bureau are peers, and a stolen session of one must not become
// the other's account too. Their own account is for the caller to decide.
func mayManage(me *auth.Actor, target *Staff) error {
	if target.ID == me.UserID || !slices.Contains(target.Roles, auth.RoleAdmin) {
		return nil
	}
	if target.orgPath != me.OrgPath && strings.HasPrefix(target.orgPath, me.OrgPath) {
		return nil
	}
	return apperr.New(apperr.Forbidden, "其他系统管理员的账号只能由上级税务机关的系统管理员修改、停用或重置密码")
}

// ResetStaffPassword sets a new password and ends the member's sessions.
// It is for other people's accounts: one's own password is changed with
// the current one (auth.ChangePassword), so a stolen session cannot set it.
func (s *Service) ResetStaffPassword(ctx context.Context, id int64, password string) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "org.ResetStaffPassword(%d)", id)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return err
	}
	return s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		me, err := currentAdmin(ctx, tx, a)
		if err != nil {
			return err
		}
		st, err := getStaff(ctx, tx, me, id)
		if err != nil {
			return err
		}
		if st.ID == me.UserID {
			return apperr.New(apperr.Forbidden, OwnPasswordMessage)
		}
		if err := mayManage(me, st); err != nil {
			return err
		}
		f := apperr.Fields{}
		auth.CheckNewPassword(f, "password", password, "", "", st.StaffNo)
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = $1, updated_at = $2 WHERE id = $3`, auth.HashPassword(password), db.TS(now), id); err != nil {
			return err
		}
		if err := auth.EndSessions(ctx, tx, auth.Staff, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.StaffPasswordReset, "staff", id, st.StaffNo)
	})
}

// OwnPasswordMessage refuses a reset of one's own password.
const OwnPasswordMessage = /* #nosec G101 -- a message, not a credential */ "请通过修改密码功能修改本人密码，需验证当前密码"

func validStaffNo(s string) bool {
	if len(s) < 4 || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}
