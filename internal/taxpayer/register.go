package taxpayer

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/ids"
	"taxhall/internal/money"
	"taxhall/internal/org"
)

// EnterpriseInput is the online registration form of an enterprise and its
// first (administrator) user. Capital is typed in yuan and kept in fen.
type EnterpriseInput struct {
	Code               string
	Name               string
	LegalRepName       string
	LegalRepID         string
	DivisionCode       string
	Address            string
	IndustryCode       string
	RegisteredCapital  string
	AccountingStandard string
	Phone              string
	Email              string

	User UserInput
}

// IndividualInput registers a natural person by resident ID.
type IndividualInput struct {
	ResidentID      string
	Name            string
	Phone           string
	DivisionCode    string // where they habitually live: picks the competent bureau
	Password        string
	PasswordConfirm string
}

// Registered is the result of a registration.
type Registered struct {
	Taxpayer *Taxpayer
	Username string
}

// RegisterEnterprise records a new enterprise in the competent bureau of its
// address's district and creates its administrator user.
func (s *Service) RegisterEnterprise(ctx context.Context, in EnterpriseInput) (_ *Registered, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.RegisterEnterprise(%q)", in.Code)
	f := apperr.Fields{}
	// Bad bytes first: each field with them gets one clear message, and no
	// later check (nor the database) sees them.
	unit := unitForm{Code: in.Code, Name: in.Name, RepName: in.LegalRepName, RepID: in.LegalRepID, DivisionCode: in.DivisionCode,
		Address: in.Address, IndustryCode: in.IndustryCode, Phone: in.Phone, Email: in.Email}
	enterpriseKind.checkText(f, &unit)
	f.Text("registered_capital", in.RegisteredCapital, 30)
	f.Text("accounting_standard", in.AccountingStandard, 20)
	checkUserText(&in.User, f, "user_")
	if err := f.Err(); err != nil {
		return nil, err
	}
	bureau := s.checkUnit(ctx, f, enterpriseKind, &unit, now)
	in.Code, in.Name, in.LegalRepName, in.LegalRepID = unit.Code, unit.Name, unit.RepName, unit.RepID
	in.Address, in.Phone, in.Email = unit.Address, unit.Phone, unit.Email
	capital, err := money.ParseYuan(in.RegisteredCapital)
	if in.RegisteredCapital == "" {
		f.Add("registered_capital", "请填写注册资本（元）")
	} else if err != nil {
		f.Add("registered_capital", err.Error())
	}
	if auth.NameOf(AccountingStandards, in.AccountingStandard) == in.AccountingStandard {
		f.Add("accounting_standard", "请选择适用的会计制度")
	}
	checkUser(&in.User, f, "user_", in.Code)
	if err := f.Err(); err != nil {
		return nil, err
	}
	t := &Taxpayer{Kind: Enterprise, Code: in.Code, Name: in.Name, LegalRepName: in.LegalRepName, LegalRepID: in.LegalRepID,
		DivisionCode: in.DivisionCode, Address: in.Address, IndustryCode: in.IndustryCode, RegisteredCapitalFen: capital,
		AccountingStandard: in.AccountingStandard, Phone: in.Phone, Email: in.Email, Status: StatusPending}
	u := in.User
	u.Admin = true
	return s.register(ctx, now, t, bureau, u, "code", "该统一社会信用代码已经登记，请直接登录；如忘记密码请联系主管税务机关")
}

// RegisterIndividual records a natural person; their single user logs in
// with the resident ID and password alone.
func (s *Service) RegisterIndividual(ctx context.Context, in IndividualInput) (_ *Registered, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.RegisterIndividual(%q)", in.ResidentID)
	f := apperr.Fields{}
	f.Text("resident_id", in.ResidentID, 30)
	f.Text("name", in.Name, 50)
	f.Text("phone", in.Phone, 30)
	f.Text("division_code", in.DivisionCode, 12)
	if err := f.Err(); err != nil {
		return nil, err
	}
	in.ResidentID = ids.NormalizeResidentID(in.ResidentID)
	in.Name = strings.TrimSpace(in.Name)
	in.Phone = strings.TrimSpace(in.Phone)
	if in.ResidentID == "" {
		f.Add("resident_id", "请填写居民身份证号码")
	} else {
		f.Check("resident_id", ids.ValidateResidentID(in.ResidentID, now))
	}
	checkLength(f, "name", in.Name, "姓名", 2, 50)
	if in.Phone == "" {
		f.Add("phone", "请填写手机号码")
	} else {
		f.Check("phone", ids.ValidateMobile(in.Phone))
	}
	bureau := s.checkDivision(ctx, f, in.DivisionCode)
	auth.CheckNewPassword(f, "password", in.Password, "password_confirm", in.PasswordConfirm, in.ResidentID, in.Phone)
	if err := f.Err(); err != nil {
		return nil, err
	}
	t := &Taxpayer{Kind: Individual, Code: in.ResidentID, Name: in.Name, DivisionCode: in.DivisionCode, Phone: in.Phone, Status: StatusPending}
	u := UserInput{Username: SelfUsername, Name: in.Name, Phone: in.Phone, Role: auth.TPLegalRep, Admin: true, Password: in.Password}
	return s.register(ctx, now, t, bureau, u, "resident_id", "该身份证号码已经注册，请直接登录")
}

// SelfUsername is the username of an individual taxpayer's only user.
const SelfUsername = auth.SelfUsername

// checkDivision requires a real district that some bureau of the hall
// serves, and returns that competent bureau.
func (s *Service) checkDivision(ctx context.Context, f apperr.Fields, division string) *org.Org {
	if division == "" {
		f.Add("division_code", "请选择所在区县")
		return nil
	}
	if _, ok := divisions.Area(division); !ok {
		f.Add("division_code", "所选区县不存在，请重新选择")
		return nil
	}
	b, err := org.CompetentBureau(ctx, s.DB, division)
	if err != nil || b == nil {
		f.Add("division_code", "本办税服务厅暂不受理该地区的登记，请到所在地电子税务局办理")
		return nil
	}
	return b
}

// RegistrationsPerHour bounds online registrations from one network address:
// registration is public and each one costs a password hash.
const RegistrationsPerHour = 20

// register writes the taxpayer and its first user. The attempt is counted
// against the address first, in its own statement: a registration that
// then fails (a code already registered) still counts, so nobody can probe
// "is this code registered?" without limit.
func (s *Service) register(ctx context.Context, now time.Time, t *Taxpayer, bureau *org.Org, u UserInput, codeField, dupMsg string) (*Registered, error) {
	if ip := auth.IPFrom(ctx); ip != "" {
		n, err := auth.CountAttempt(ctx, s.DB, "register:"+ip, now, time.Hour)
		if err != nil {
			return nil, err
		}
		if n > RegistrationsPerHour {
			return nil, apperr.New(apperr.TooMany, "来自您所在网络地址的登记次数过多，请一小时后再试")
		}
	}
	hash := auth.HashPassword(u.Password)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t.BureauID, t.BureauName = bureau.ID, bureau.Name
		if err := InsertTaxpayer(ctx, tx, now, t); err != nil {
			if db.IsUniqueViolation(err) {
				return apperr.InvalidField(codeField, dupMsg)
			}
			return err
		}
		uid, err := insertUser(ctx, tx, now, t.ID, u, hash)
		if err != nil {
			return err
		}
		// The new user is the one who registered.
		by := auth.Who(ctx)
		by.Kind, by.ID = string(auth.Taxpayer), uid
		return audit.Record(ctx, tx, by, now, audit.TaxpayerRegister, "taxpayer", t.ID, t.Code+" "+t.Name+" → "+bureau.Name)
	})
	if err != nil {
		return nil, err
	}
	return &Registered{Taxpayer: t, Username: u.Username}, nil
}

// InsertTaxpayer writes t (BureauID set) and fills its ID. Seeding uses it
// directly; the services validate first.
func InsertTaxpayer(ctx context.Context, q db.Querier, now time.Time, t *Taxpayer) error {
	if t.RegisteredAt.IsZero() {
		t.RegisteredAt = now
	}
	return q.QueryRowContext(ctx, `INSERT INTO taxpayers (kind, code, name, legal_rep_name, legal_rep_id, division_code, address,
		industry_code, registered_capital_fen, accounting_standard, phone, email, bureau_id, status, registered_at, updated_at, sub_kind)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
		t.Kind, t.Code, t.Name, t.LegalRepName, t.LegalRepID, t.DivisionCode, t.Address, t.IndustryCode, t.RegisteredCapitalFen,
		t.AccountingStandard, t.Phone, t.Email, t.BureauID, t.Status, db.TS(t.RegisteredAt), db.TS(now), t.SubKind).Scan(&t.ID)
}
