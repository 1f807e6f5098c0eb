package notify

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Prefs are one taxpayer user's choices: the in-site message always, and
// per category e-mail and/or SMS to the addresses given.
type Prefs struct {
	Email      string
	Phone      string
	EmailKinds []string
	SMSKinds   []string
	UpdatedAt  time.Time
}

// Wants reports whether the user receives category c on channel ch.
func (p *Prefs) Wants(ch, c string) bool {
	if ch == Email {
		return slices.Contains(p.EmailKinds, c)
	}
	return slices.Contains(p.SMSKinds, c)
}

// Service reads and saves the current user's preferences.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

var mobileRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// Mine returns the current taxpayer user's preferences (empty ones, with
// the login's phone filled in, when they have not chosen yet).
func (s *Service) Mine(ctx context.Context) (_ *Prefs, err error) {
	defer db.Wrap(&err, "notify.Mine")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	var p Prefs
	var ek, sk, at string
	err = s.DB.QueryRowContext(ctx, `SELECT email, phone, email_kinds, sms_kinds, updated_at FROM notify_prefs WHERE user_id = $1 AND taxpayer_id = $2`,
		a.UserID, a.TaxpayerID).Scan(&p.Email, &p.Phone, &ek, &sk, &at)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.DB.QueryRowContext(ctx, `SELECT phone FROM taxpayer_users WHERE id = $1`, a.UserID).Scan(&p.Phone)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
		return &p, err
	}
	if err != nil {
		return nil, err
	}
	p.EmailKinds, p.SMSKinds, p.UpdatedAt = splitKinds(ek), splitKinds(sk), db.ParseTS(at)
	return &p, nil
}

func splitKinds(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// Save stores the current user's preferences after checking them: known
// categories, a valid e-mail address when e-mail is chosen, an 11-digit
// mainland mobile number when SMS is.
func (s *Service) Save(ctx context.Context, p Prefs) (err error) {
	defer db.Wrap(&err, "notify.Save")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	f := apperr.Fields{}
	p.Email, p.Phone = strings.TrimSpace(p.Email), strings.TrimSpace(p.Phone)
	ek, sk := cleanKinds(p.EmailKinds, f, "email_kinds"), cleanKinds(p.SMSKinds, f, "sms_kinds")
	if p.Email != "" {
		if addr, err := mail.ParseAddress(p.Email); err != nil || addr.Address != p.Email || len(p.Email) > 200 {
			f.Add("email", "电子邮箱格式不正确，例如 caiwu@example.cn")
		}
	} else if len(ek) > 0 {
		f.Add("email", "选择了邮件提醒，请填写电子邮箱")
	}
	if p.Phone != "" {
		if !mobileRE.MatchString(p.Phone) {
			f.Add("phone", "手机号码应为 11 位数字，以 1 开头")
		}
	} else if len(sk) > 0 {
		f.Add("phone", "选择了短信提醒，请填写手机号码")
	}
	if err := f.Err(); err != nil {
		return err
	}
	now := db.TS(s.Now())
	_, err = s.DB.ExecContext(ctx, `INSERT INTO notify_prefs (user_id, taxpayer_id, email, phone, email_kinds, sms_kinds, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, phone = excluded.phone,
			email_kinds = excluded.email_kinds, sms_kinds = excluded.sms_kinds, updated_at = excluded.updated_at`,
		a.UserID, a.TaxpayerID, p.Email, p.Phone, strings.Join(ek, ","), strings.Join(sk, ","), now)
	return err
}

// cleanKinds keeps the known categories once each, in Categories order.
func cleanKinds(in []string, f apperr.Fields, field string) []string {
	var out []string
	for _, c := range Categories {
		if slices.Contains(in, c.Code) {
			out = append(out, c.Code)
		}
	}
	for _, c := range in {
		if !validCategory(c) {
			f.Add(field, "提醒类别不正确")
			break
		}
	}
	return out
}
