package auth

import (
	"context"
	"database/sql"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// ChangePassword lets the logged-in user (taxpayer user or staff member)
// replace their own password after proving the current one. Their other
// sessions end; the one in use stays.
func (s *Service) ChangePassword(ctx context.Context, current, password, confirm string) error {
	a := ActorFrom(ctx)
	if a == nil {
		return apperr.New(apperr.Unauthenticated, "请先登录")
	}
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
	if current == "" {
		f.Add("current_password", "请填写当前密码")
	} else if !VerifyPassword(hash, current) {
		f.Add("current_password", "当前密码不正确")
	}
	if password == current && password != "" {
		f.Add("password", "新密码不能与当前密码相同")
	}
	f.Check("password", CheckPasswordStrength(password, personal...))
	if password != confirm {
		f.Add("password_confirm", "两次输入的密码不一致")
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET password_hash = $1, updated_at = $2 WHERE id = $3`,
			HashPassword(password), db.TS(s.Now()), a.UserID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE kind = $1 AND user_id = $2 AND token_hash <> $3`,
			string(a.Kind), a.UserID, a.sessionHash)
		return err
	})
}
