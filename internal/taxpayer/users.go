package taxpayer

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/ids"
)

// User is a person who acts for a taxpayer in the hall.
type User struct {
	ID        int64     `json:"id"`
	Username  string    `json:"username"`
	Name      string    `json:"name"`
	Phone     string    `json:"phone"`
	Role      string    `json:"role"`
	Admin     bool      `json:"is_admin"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// RoleName is the Chinese name of the user's role.
func (u *User) RoleName() string { return auth.NameOf(auth.TaxpayerRoles, u.Role) }

// UserInput is what an administrator types for a user.
type UserInput struct {
	Username        string
	Name            string
	Phone           string
	Role            string
	Admin           bool
	Password        string // new users only
	PasswordConfirm string
}

var usernameRe = regexp.MustCompile(`^[a-z][a-z0-9_.-]{2,31}$`)

// checkUser validates a new user; prefix names the form fields ("user_" on
// the registration form, "" on the user form).
func checkUser(u *UserInput, f apperr.Fields, prefix, taxpayerCode string) {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Name = strings.TrimSpace(u.Name)
	u.Phone = strings.TrimSpace(u.Phone)
	if !usernameRe.MatchString(u.Username) || u.Username == SelfUsername {
		f.Add(prefix+"username", "用户名为3至32位，以字母开头，可含字母、数字、下划线、点和连字符")
	}
	checkUserDetails(u, f, prefix)
	if u.Password != u.PasswordConfirm {
		f.Add(prefix+"password_confirm", "两次输入的密码不一致")
	}
	f.Check(prefix+"password", auth.CheckPasswordStrength(u.Password, u.Username, taxpayerCode, u.Phone))
}

func checkUserDetails(u *UserInput, f apperr.Fields, prefix string) {
	if n := len([]rune(u.Name)); n < 2 || n > 50 {
		f.Add(prefix+"name", "请填写真实姓名")
	}
	if u.Phone == "" {
		f.Add(prefix+"phone", "请填写手机号码")
	} else {
		f.Check(prefix+"phone", ids.ValidateMobile(u.Phone))
	}
	if !auth.IsTaxpayerRole(u.Role) {
		f.Add(prefix+"role", "请选择身份")
	}
}

func insertUser(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, u UserInput, hash string) (int64, error) {
	return InsertUser(ctx, q, now, taxpayerID, u.Username, u.Name, u.Phone, u.Role, u.Admin, hash)
}

// InsertUser writes a taxpayer user; seeding uses it directly.
func InsertUser(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, username, name, phone, role string, admin bool, hash string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO taxpayer_users (taxpayer_id, username, name, phone, role, is_admin, password_hash, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING id`,
		taxpayerID, username, name, phone, role, boolInt(admin), hash, db.TS(now)).Scan(&id)
	return id, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// RequireUserAdmin is nil when the current user administers an enterprise's
// users; pages ask it before offering the forms.
func RequireUserAdmin(ctx context.Context) error {
	_, err := requireAdmin(ctx)
	return err
}

// requireAdmin returns the current user when they administer an
// enterprise's users.
func requireAdmin(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if a.TaxpayerKind != Enterprise {
		return nil, apperr.New(apperr.Forbidden, "自然人账户不能添加其他用户")
	}
	if !a.Admin {
		return nil, apperr.New(apperr.Forbidden, "只有本单位的管理员可以管理用户")
	}
	return a, nil
}

const userCols = `id, username, name, phone, role, is_admin, active, created_at`

func scanUser(sc db.Scanner) (*User, error) {
	var u User
	var admin, active int
	var created string
	if err := sc.Scan(&u.ID, &u.Username, &u.Name, &u.Phone, &u.Role, &admin, &active, &created); err != nil {
		return nil, err
	}
	u.Admin, u.Active, u.CreatedAt = admin == 1, active == 1, db.ParseTS(created)
	return &u, nil
}

// Users lists the users of the current user's taxpayer.
func (s *Service) Users(ctx context.Context) ([]*User, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanUser, `SELECT `+userCols+` FROM taxpayer_users WHERE taxpayer_id = $1 ORDER BY id`, a.TaxpayerID)
}

// User returns one user of the current user's taxpayer.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return getUser(ctx, s.DB, a.TaxpayerID, id)
}

func getUser(ctx context.Context, q db.Querier, taxpayerID, id int64) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userCols+` FROM taxpayer_users WHERE id = $1 AND taxpayer_id = $2`, id, taxpayerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "用户不存在")
	}
	return u, err
}

// AddUser adds a user to the administrator's enterprise.
func (s *Service) AddUser(ctx context.Context, in UserInput) (*User, error) {
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	checkUser(&in, f, "", a.TaxpayerCode)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	var u *User
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := insertUser(ctx, tx, now, a.TaxpayerID, in, auth.HashPassword(in.Password))
		if db.IsUniqueViolation(err) {
			return apperr.InvalidField("username", "该用户名已被本单位其他用户使用")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, "taxpayer_user.create", "taxpayer", a.TaxpayerID, in.Username+" "+auth.NameOf(auth.TaxpayerRoles, in.Role)); err != nil {
			return err
		}
		u, err = getUser(ctx, tx, a.TaxpayerID, id)
		return err
	})
	return u, err
}

// UpdateUser changes a user's name, phone, role, administrator flag and
// whether they may log in. An administrator cannot remove their own
// administration or disable themselves, so the enterprise never locks
// itself out.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput, active bool) (*User, error) {
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	checkUserDetails(&in, f, "")
	if id == a.UserID && (!in.Admin || !active) {
		f.Add("admin", "不能停用自己或取消自己的管理员身份，请由其他管理员操作")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	var u *User
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getUser(ctx, tx, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE taxpayer_users SET name = $1, phone = $2, role = $3, is_admin = $4, active = $5, updated_at = $6
			WHERE id = $7 AND taxpayer_id = $8`, in.Name, in.Phone, in.Role, boolInt(in.Admin), boolInt(active), db.TS(now), id, a.TaxpayerID); err != nil {
			return err
		}
		if !active || old.Admin != in.Admin || old.Role != in.Role {
			if err := auth.EndSessions(ctx, tx, auth.Taxpayer, id); err != nil {
				return err
			}
		}
		action := "taxpayer_user.update"
		if old.Active && !active {
			action = "taxpayer_user.disable"
		} else if !old.Active && active {
			action = "taxpayer_user.enable"
		}
		if err := audit.Record(ctx, tx, now, action, "taxpayer", a.TaxpayerID, old.Username); err != nil {
			return err
		}
		u, err = getUser(ctx, tx, a.TaxpayerID, id)
		return err
	})
	return u, err
}

// ResetUserPassword sets a new password for another user of the enterprise
// and ends their sessions.
func (s *Service) ResetUserPassword(ctx context.Context, id int64, password, confirm string) error {
	a, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		f := apperr.Fields{}
		if password != confirm {
			f.Add("password_confirm", "两次输入的密码不一致")
		}
		f.Check("password", auth.CheckPasswordStrength(password, u.Username, a.TaxpayerCode, u.Phone))
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE taxpayer_users SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			auth.HashPassword(password), db.TS(now), id); err != nil {
			return err
		}
		if err := auth.EndSessions(ctx, tx, auth.Taxpayer, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, "taxpayer_user.reset_password", "taxpayer", a.TaxpayerID, u.Username)
	})
}
