package taxpayer

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
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

// UsernameRule is the rule of usernames, as the forms' hints say it.
const UsernameRule = "用户名为3至32位，以字母开头，可含字母、数字、下划线（_）、点（.）和连字符（-）"

// checkUser validates a new user; prefix names the form fields ("user_" on
// the registration form, "" on the user form).
func checkUser(u *UserInput, f apperr.Fields, prefix, taxpayerCode string) {
	if !checkUserText(u, f, prefix) {
		return
	}
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	u.Name = strings.TrimSpace(u.Name)
	u.Phone = strings.TrimSpace(u.Phone)
	switch {
	case u.Username == "":
		f.Add(prefix+"username", "请填写用户名")
	case u.Username == SelfUsername:
		f.Add(prefix+"username", "用户名“self”为系统保留，请换一个")
	case !usernameRe.MatchString(u.Username):
		f.Add(prefix+"username", UsernameRule)
	}
	checkUserDetails(u, f, prefix)
	auth.CheckNewPassword(f, prefix+"password", u.Password, prefix+"password_confirm", u.PasswordConfirm, u.Username, taxpayerCode, u.Phone)
}

// checkUserText refuses bad bytes in a user's text fields, before any
// other check looks at them.
func checkUserText(u *UserInput, f apperr.Fields, prefix string) bool {
	ok := f.Text(prefix+"username", u.Username, 32)
	ok = f.Text(prefix+"name", u.Name, 50) && ok
	ok = f.Text(prefix+"phone", u.Phone, 30) && ok
	return f.Text(prefix+"role", u.Role, 20) && ok
}

func checkUserDetails(u *UserInput, f apperr.Fields, prefix string) {
	// On the registration form (prefix "user_") the user is the
	// administrator, beside a legal representative's name: say whose.
	who := ""
	if prefix != "" {
		who = "管理员"
	}
	checkLength(f, prefix+"name", u.Name, who+"姓名", 2, 50)
	if u.Phone == "" {
		f.Add(prefix+"phone", "请填写"+who+"手机号码")
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
func (s *Service) Users(ctx context.Context) (_ []*User, err error) {
	defer db.Wrap(&err, "taxpayer.Users")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanUser, `SELECT `+userCols+` FROM taxpayer_users WHERE taxpayer_id = $1 ORDER BY id`, a.TaxpayerID)
}

// User returns one user of the current user's taxpayer.
func (s *Service) User(ctx context.Context, id int64) (_ *User, err error) {
	defer db.Wrap(&err, "taxpayer.User(%d)", id)
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

// Who manages whom among an enterprise's users (security finding 4). The
// legal representative's administrator account (role legal_rep, admin) is
// the senior one. Any administrator manages the ordinary users. Another
// administrator's account (changes, disabling, password reset) and the
// granting of the administrator flag or the legal_rep role are for the
// senior administrator only; the senior account itself is managed by its
// owner alone. So a stolen session of an ordinary administrator cannot
// take over the legal representative or another administrator, nor mint a
// new senior account. Everyone changes their own password with the
// current one (auth.ChangePassword), never through the reset.

func isSenior(role string, admin bool) bool { return admin && role == auth.TPLegalRep }

// mayManageUser says whether me (current values) may change target (old
// values) into next.
func mayManageUser(me, target *User, next UserInput) error {
	self := me.ID == target.ID
	if !self && target.Admin && (!isSenior(me.Role, me.Admin) || isSenior(target.Role, target.Admin)) {
		return errPeerAdmin
	}
	grants := (next.Admin && !target.Admin) || (next.Role == auth.TPLegalRep && target.Role != auth.TPLegalRep)
	if grants && !isSenior(me.Role, me.Admin) {
		return errPeerAdmin
	}
	return nil
}

var errPeerAdmin = apperr.New(apperr.Forbidden, "其他管理员的账号、管理员身份和法定代表人身份只能由法定代表人（管理员）设置")

// OwnPasswordMessage refuses a reset of one's own password.
const OwnPasswordMessage = /* #nosec G101 -- a message, not a credential */ "请通过修改密码功能修改本人密码，需验证当前密码"

// currentUser re-reads the acting administrator inside the transaction,
// so that two administrators cannot disable each other at once: on
// PostgreSQL the read makes such a race a serialization conflict, retried.
func currentUser(ctx context.Context, q db.Querier, a *auth.Actor) (*User, error) {
	me, err := getUser(ctx, q, a.TaxpayerID, a.UserID)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && (!me.Active || !me.Admin)) {
		return nil, apperr.New(apperr.Forbidden, "只有本单位的管理员可以管理用户")
	}
	return me, err
}

// AddUser adds a user to the administrator's enterprise.
func (s *Service) AddUser(ctx context.Context, in UserInput) (_ *User, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.AddUser")
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	checkUser(&in, f, "", a.TaxpayerCode)
	if err := f.Err(); err != nil {
		return nil, err
	}
	hash := auth.HashPassword(in.Password)
	var u *User
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		me, err := currentUser(ctx, tx, a)
		if err != nil {
			return err
		}
		if err := mayManageUser(me, &User{ID: -1}, in); err != nil {
			return err
		}
		id, err := insertUser(ctx, tx, now, a.TaxpayerID, in, hash)
		if db.IsUniqueViolation(err) {
			return apperr.InvalidField("username", "该用户名已被本单位其他用户使用")
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxpayerUserCreate, "taxpayer", a.TaxpayerID, in.Username+" "+auth.NameOf(auth.TaxpayerRoles, in.Role)); err != nil {
			return err
		}
		u, err = getUser(ctx, tx, a.TaxpayerID, id)
		return err
	})
	return u, err
}

// UserPatch changes a user; nil fields keep their value.
type UserPatch struct {
	Name, Phone, Role *string
	Admin, Active     *bool
}

// UpdateUser changes a user's name, phone, role, administrator flag and
// whether they may log in: the full form, as a patch of every field.
func (s *Service) UpdateUser(ctx context.Context, id int64, in UserInput, active bool) (*User, error) {
	return s.PatchUser(ctx, id, UserPatch{Name: &in.Name, Phone: &in.Phone, Role: &in.Role, Admin: &in.Admin, Active: &active})
}

// PatchUser reads the user, applies the fields given, validates the result
// and writes it, in one serializable transaction. An administrator cannot
// remove their own administration or disable themselves, so the enterprise
// never locks itself out; other administrators are managed as mayManageUser
// says.
func (s *Service) PatchUser(ctx context.Context, id int64, p UserPatch) (_ *User, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.PatchUser(%d)", id)
	a, err := requireAdmin(ctx)
	if err != nil {
		return nil, err
	}
	var u *User
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		me, err := currentUser(ctx, tx, a)
		if err != nil {
			return err
		}
		old, err := getUser(ctx, tx, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		in := UserInput{Username: old.Username, Name: old.Name, Phone: old.Phone, Role: old.Role, Admin: old.Admin}
		active := old.Active
		setIf(&in.Name, p.Name)
		setIf(&in.Phone, p.Phone)
		setIf(&in.Role, p.Role)
		setIf(&in.Admin, p.Admin)
		setIf(&active, p.Active)
		f := apperr.Fields{}
		if checkUserText(&in, f, "") {
			checkUserDetails(&in, f, "")
		}
		if id == me.ID && (!in.Admin || !active) {
			f.Add("admin", "不能停用自己或取消自己的管理员身份，请由其他管理员操作")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := mayManageUser(me, old, in); err != nil {
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
		action := audit.TaxpayerUserUpdate
		if old.Active && !active {
			action = audit.TaxpayerUserDisable
		} else if !old.Active && active {
			action = audit.TaxpayerUserEnable
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, action, "taxpayer", a.TaxpayerID, old.Username); err != nil {
			return err
		}
		u, err = getUser(ctx, tx, a.TaxpayerID, id)
		return err
	})
	return u, err
}

// setIf sets *dst to *p when p is not nil: a patch field that was sent.
func setIf[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
	}
}

// ResetUserPassword sets a new password for another user of the enterprise
// and ends their sessions. One's own password is changed with the current
// one (auth.ChangePassword): a stolen session must not be enough to set it.
func (s *Service) ResetUserPassword(ctx context.Context, id int64, password, confirm string) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.ResetUserPassword(%d)", id)
	a, err := requireAdmin(ctx)
	if err != nil {
		return err
	}
	return s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		me, err := currentUser(ctx, tx, a)
		if err != nil {
			return err
		}
		u, err := getUser(ctx, tx, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		if u.ID == me.ID {
			return apperr.New(apperr.Forbidden, OwnPasswordMessage)
		}
		if err := mayManageUser(me, u, UserInput{Role: u.Role, Admin: u.Admin}); err != nil {
			return err
		}
		f := apperr.Fields{}
		auth.CheckNewPassword(f, "password", password, "password_confirm", confirm, u.Username, a.TaxpayerCode, u.Phone)
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
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxpayerUserPasswordReset, "taxpayer", a.TaxpayerID, u.Username)
	})
}

// checkLength asks for an empty text ("请填写姓名") and tells a short or
// long one the rule it breaks ("姓名至少 2 个字"), instead of asking a
// person who typed something to fill it in.
func checkLength(f apperr.Fields, field, value, what string, min, max int) {
	switch n := len([]rune(value)); {
	case n == 0:
		f.Add(field, "请填写"+what)
	case n < min:
		f.Add(field, what+"至少 "+strconv.Itoa(min)+" 个字")
	case n > max:
		f.Add(field, what+"不能超过 "+strconv.Itoa(max)+" 个字")
	}
}
