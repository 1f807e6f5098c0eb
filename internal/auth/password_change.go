package auth

import (
	"context"
	"database/sql"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/db"
)

// ChangePassword lets the logged-in user (taxpayer user or staff member)
// replace their own password after proving the current one. Their other
// sessions end; the one in use stays.
//
// The current-password check is throttled like a login, with the same
// atomic reservation: AccountLimit attempts per user in FailureWindow,
// so a stolen session cannot be turned into a password guesser.
func (s *Service) ChangePassword(ctx context.Context, current, password, confirm string) (err error) {
	now := s.Now()
	a := ActorFrom(ctx)
	if a == nil {
		return apperr.New(apperr.Unauthenticated, "请先登录")
	}
	defer db.Wrap(&err, "auth.ChangePassword(%s %d)", a.Kind, a.UserID)
	// The new password may not contain the user's identifiers.
	table, personal := "taxpayer_users", []string{a.TaxpayerCode}
	if a.Kind == Staff {
		table, personal = "staff", []string{a.StaffNo}
	}
	var hash, username string
	if a.Kind == Staff {
		if err := s.DB.QueryRowContext(ctx, `SELECT password_hash FROM staff WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
			return err
		}
	} else if err := s.DB.QueryRowContext(ctx, `SELECT password_hash, username FROM taxpayer_users WHERE id = $1`, a.UserID).Scan(&hash, &username); err != nil {
		return err
	}
	personal = append(personal, username)
	f := apperr.Fields{}
	key := "password_change:" + string(a.Kind) + ":" + strconv.FormatInt(a.UserID, 10)
	if current == "" {
		f.Add("current_password", "请填写当前密码")
	} else {
		n, err := CountAttempt(ctx, s.DB, key, now, s.FailureWindow)
		if err != nil {
			return err
		}
		if n > s.AccountLimit {
			return apperr.New(apperr.TooMany, "当前密码输入错误次数过多，请15分钟后再试")
		}
		if !s.verify(hash, current) {
			f.Add("current_password", "当前密码不正确")
		} else if err := clearKey(ctx, s.DB, key); err != nil {
			return err
		}
	}
	if password == current && password != "" {
		f.Add("password", "新密码不能与当前密码相同")
	}
	CheckNewPassword(f, "password", password, "password_confirm", confirm, personal...)
	if err := f.Err(); err != nil {
		return err
	}
	// A taxpayer user's change is recorded on the taxpayer, whose history
	// page lists what its users did; a staff member's on the staff record.
	objectType, objectID, detail := "taxpayer", a.TaxpayerID, username
	if a.Kind == Staff {
		objectType, objectID, detail = "staff", a.UserID, a.StaffNo
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// #nosec G202 -- table is one of two constants chosen above by the
		// actor's kind, never input.
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			HashPassword(password), db.TS(now), a.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE kind = $1 AND user_id = $2 AND token_hash <> $3`,
			string(a.Kind), a.UserID, a.sessionHash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, Who(ctx), now, audit.PasswordChange, objectType, objectID, detail)
	})
}
