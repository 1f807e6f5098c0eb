package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/ids"
	"time"
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
func (s *Service) ListStaff(ctx context.Context, f StaffFilter) ([]*Staff, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	cond, scope := a.SubtreeSQL("o.path", 1)
	q := `SELECT ` + staffCols + ` FROM staff s JOIN orgs o ON o.id = s.org_id WHERE ` + cond
	args := []any{scope}
	if f.OrgID != 0 {
		args = append(args, f.OrgID)
		q += ` AND s.org_id = $2`
	}
	if t := strings.TrimSpace(f.Query); t != "" {
		args = append(args, db.Like(t))
		n := fmt.Sprintf("$%d", len(args))
		q += ` AND (s.staff_no LIKE ` + n + ` ESCAPE '\' OR s.name LIKE ` + n + ` ESCAPE '\')`
	}
	return db.Query(ctx, s.DB, scanStaff, q+` ORDER BY o.path, s.staff_no LIMIT 500`, args...)
}

// GetStaff returns one staff member in the administrator's subtree.
func (s *Service) GetStaff(ctx context.Context, id int64) (*Staff, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	st, err := scanStaff(s.DB.QueryRowContext(ctx, `SELECT `+staffCols+` FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.id = $1`, id))
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

func (s *Service) checkStaffInput(ctx context.Context, a *auth.Actor, in *StaffInput, f apperr.Fields) {
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	if in.Name == "" {
		f.Add("name", "请填写姓名")
	}
	if in.Phone != "" {
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
	o, err := getOrg(ctx, s.DB, in.OrgID)
	if err != nil || !a.Covers(o.Path) {
		f.Add("org_id", "请选择您管辖范围内的税务机关")
	}
}

// CreateStaff adds a staff account.
func (s *Service) CreateStaff(ctx context.Context, in StaffInput) (*Staff, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	in.StaffNo = strings.TrimSpace(in.StaffNo)
	if !validStaffNo(in.StaffNo) {
		f.Add("staff_no", "工号应为4至20位字母或数字")
	}
	s.checkStaffInput(ctx, a, &in, f)
	f.Check("password", auth.CheckPasswordStrength(in.Password, in.StaffNo))
	if err := f.Err(); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = InsertStaff(ctx, tx, s.Now(), in.OrgID, in.StaffNo, in.Name, in.Phone, in.Roles, auth.HashPassword(in.Password))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.Now(), "staff.create", "staff", id, in.StaffNo+" "+strings.Join(in.Roles, ","))
	})
	if db.IsUniqueViolation(err) {
		return nil, apperr.InvalidField("staff_no", "该工号已被使用")
	}
	if err != nil {
		return nil, err
	}
	return s.GetStaff(ctx, id)
}

// InsertStaff writes a staff row; passwordHash is already hashed (seeding
// reuses one hash for thousands of demo accounts).
func InsertStaff(ctx context.Context, q db.Querier, now time.Time, orgID int64, staffNo, name, phone string, roles []string, passwordHash string) (int64, error) {
	var id int64
	ts := db.TS(now)
	err := q.QueryRowContext(ctx, `INSERT INTO staff (org_id, staff_no, name, phone, password_hash, roles, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7) RETURNING id`, orgID, staffNo, name, phone, passwordHash, strings.Join(roles, ","), ts).Scan(&id)
	return id, err
}

// UpdateStaff changes a staff member's org, name, phone, roles and whether
// the account is active. Administrators cannot lock themselves out.
func (s *Service) UpdateStaff(ctx context.Context, id int64, in StaffInput) (*Staff, error) {
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	if _, err := s.GetStaff(ctx, id); err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	s.checkStaffInput(ctx, a, &in, f)
	if id == a.UserID {
		if !in.Active {
			f.Add("active", "不能停用您本人的账号")
		}
		if !slices.Contains(in.Roles, auth.RoleAdmin) {
			f.Add("roles", "不能取消您本人的系统管理员角色")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	active := 0
	if in.Active {
		active = 1
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET org_id = $1, name = $2, phone = $3, roles = $4, active = $5, updated_at = $6 WHERE id = $7`,
			in.OrgID, in.Name, in.Phone, strings.Join(in.Roles, ","), active, db.TS(s.Now()), id); err != nil {
			return err
		}
		if !in.Active {
			if err := auth.EndSessions(ctx, tx, auth.Staff, id); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, s.Now(), "staff.update", "staff", id, strings.Join(in.Roles, ","))
	})
	if err != nil {
		return nil, err
	}
	return s.GetStaff(ctx, id)
}

// ResetStaffPassword sets a new password and ends the member's sessions.
func (s *Service) ResetStaffPassword(ctx context.Context, id int64, password string) error {
	st, err := s.GetStaff(ctx, id)
	if err != nil {
		return err
	}
	if err := auth.CheckPasswordStrength(password, st.StaffNo); err != nil {
		return apperr.InvalidField("password", err.Error())
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE staff SET password_hash = $1, updated_at = $2 WHERE id = $3`, auth.HashPassword(password), db.TS(s.Now()), id); err != nil {
			return err
		}
		if err := auth.EndSessions(ctx, tx, auth.Staff, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, s.Now(), "staff.password_reset", "staff", id, "")
	})
}

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
