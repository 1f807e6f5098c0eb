package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Agreement states.
const (
	AgreementVerifying = "verifying"
	AgreementRejected  = "rejected"
	AgreementActive    = "active"
	AgreementReplaced  = "replaced"
	AgreementEnded     = "ended"
)

// AgreementStates names the states in Chinese.
var AgreementStates = []auth.Label{
	{Code: AgreementVerifying, Name: "验证中"},
	{Code: AgreementRejected, Name: "验证未通过"},
	{Code: AgreementActive, Name: "已生效"},
	{Code: AgreementReplaced, Name: "已变更"},
	{Code: AgreementEnded, Name: "已终止"},
}

// Agreement is a tripartite agreement (三方协议).
type Agreement struct {
	ID          int64
	TaxpayerID  int64
	No          string
	BankCode    string
	AccountName string
	AccountNo   string
	State       string
	Reason      string
	CreatedBy   string
	CreatedAt   time.Time
	VerifiedAt  time.Time
	EndedAt     time.Time
}

func (a *Agreement) BankName() string  { return BankName(a.BankCode) }
func (a *Agreement) StateName() string { return auth.NameOf(AgreementStates, a.State) }

// MaskedAccount shows the last four digits only.
func (a *Agreement) MaskedAccount() string { return maskAccount(a.AccountNo) }

func maskAccount(n string) string {
	if len(n) <= 4 {
		return n
	}
	return strings.Repeat("*", min(len(n)-4, 8)) + n[len(n)-4:]
}

// Account is the agreement's account.
func (a *Agreement) Account() Account {
	return Account{BankCode: a.BankCode, Number: a.AccountNo, Name: a.AccountName}
}

const agreementCols = `id, taxpayer_id, agreement_no, bank_code, account_name, account_no, state, reason, created_by_name, created_at, verified_at, ended_at`

func scanAgreement(sc db.Scanner) (*Agreement, error) {
	var a Agreement
	var created, verified, ended string
	err := sc.Scan(&a.ID, &a.TaxpayerID, &a.No, &a.BankCode, &a.AccountName, &a.AccountNo, &a.State, &a.Reason, &a.CreatedBy, &created, &verified, &ended)
	a.CreatedAt, a.VerifiedAt, a.EndedAt = db.ParseTS(created), db.ParseTS(verified), db.ParseTS(ended)
	return &a, err
}

// SignInput is what the agreement form takes.
type SignInput struct {
	BankCode, AccountName, AccountNo string
}

func (in *SignInput) check() error {
	f := apperr.Fields{}
	in.AccountName = strings.TrimSpace(in.AccountName)
	in.AccountNo = strings.ReplaceAll(strings.TrimSpace(in.AccountNo), " ", "")
	if BankName(in.BankCode) == in.BankCode {
		f.Add("bank_code", "请选择开户银行")
	}
	if f.Text("account_name", in.AccountName, 100) && in.AccountName == "" {
		f.Add("account_name", "请填写账户名称（与银行开户名称一致）")
	}
	digits := in.AccountNo != "" && strings.IndexFunc(in.AccountNo, func(r rune) bool { return !unicode.IsDigit(r) || r > '9' }) < 0
	if !digits || len(in.AccountNo) < 8 || len(in.AccountNo) > 32 {
		f.Add("account_no", "银行账号应为 8 至 32 位数字")
	}
	return f.Err()
}

// Active returns the taxpayer's agreement in force, or nil.
func Active(ctx context.Context, q db.Querier, taxpayerID int64) (*Agreement, error) {
	a, err := scanAgreement(q.QueryRowContext(ctx, `SELECT `+agreementCols+` FROM bank_agreements WHERE taxpayer_id = $1 AND state = 'active'`, taxpayerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return a, err
}

// Agreements lists the current taxpayer's agreements, newest first (the
// history, at most 50).
func (s *Service) Agreements(ctx context.Context) (_ []*Agreement, err error) {
	defer db.Wrap(&err, "payment.Agreements")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanAgreement, `SELECT `+agreementCols+` FROM bank_agreements WHERE taxpayer_id = $1 ORDER BY id DESC LIMIT 50`, a.TaxpayerID)
}

// Sign records a new agreement, asks the bank to verify the account and,
// when it matches, puts it in force in place of the previous one. The row
// is committed before the bank is asked, so the attempt is kept whatever
// the bank answers; without an answer it is rejected with that reason and
// may simply be signed again.
func (s *Service) Sign(ctx context.Context, in SignInput) (_ *Agreement, err error) {
	defer db.Wrap(&err, "payment.Sign")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if !CanSign(a) {
		return nil, errNoSign
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	if s.Bank == nil {
		return nil, errNoBank
	}
	now := s.now()
	no := fmt.Sprintf("SF%s%s", now.In(china).Format("20060102"), strings.ToUpper(randomHex(5)))
	var id int64
	if err := s.DB.QueryRowContext(ctx, `INSERT INTO bank_agreements (taxpayer_id, agreement_no, bank_code, account_name, account_no, state,
		created_by, created_by_name, created_at) VALUES ($1, $2, $3, $4, $5, 'verifying', $6, $7, $8) RETURNING id`,
		a.TaxpayerID, no, in.BankCode, in.AccountName, in.AccountNo, a.UserID, a.Name, db.TS(now)).Scan(&id); err != nil {
		return nil, err
	}
	v, verr := s.Bank.Verify(ctx, Account{BankCode: in.BankCode, Number: in.AccountNo, Name: in.AccountName})
	if verr != nil {
		s.log().Warn("payment: bank did not answer a verification", "agreement", no, "err", verr)
		v = Verification{Reason: "银行暂未应答，请稍后重新提交"}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		at := db.TS(s.now())
		if !v.Matched {
			_, err := tx.ExecContext(ctx, `UPDATE bank_agreements SET state = 'rejected', reason = $2, verified_at = $3 WHERE id = $1 AND state = 'verifying'`, id, v.Reason, at)
			return err
		}
		// The previous agreement steps down first: the partial unique
		// index allows one active agreement per taxpayer.
		if _, err := tx.ExecContext(ctx, `UPDATE bank_agreements SET state = 'replaced', ended_at = $2 WHERE taxpayer_id = $1 AND state = 'active'`, a.TaxpayerID, at); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE bank_agreements SET state = 'active', verified_at = $2 WHERE id = $1 AND state = 'verifying'`, id, at)
		return err
	})
	if err != nil {
		if db.IsUniqueViolation(err) {
			return nil, apperr.New(apperr.Conflict, "另一份三方协议刚刚生效，请刷新后再试")
		}
		return nil, err
	}
	return scanAgreement(s.DB.QueryRowContext(ctx, `SELECT `+agreementCols+` FROM bank_agreements WHERE id = $1`, id))
}

// End ends the taxpayer's agreement in force. Payments already sent are
// not affected; new ones need a new agreement.
func (s *Service) End(ctx context.Context) (err error) {
	defer db.Wrap(&err, "payment.End")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return err
	}
	if !CanSign(a) {
		return errNoSign
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE bank_agreements SET state = 'ended', ended_at = $2 WHERE taxpayer_id = $1 AND state = 'active'`, a.TaxpayerID, db.TS(s.now()))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "没有生效中的三方协议")
	}
	return nil
}

// AccountsInForce lists the accounts of every active agreement, for a
// demo bank that starts empty to open them again.
func AccountsInForce(ctx context.Context, q db.Querier) ([]Account, error) {
	return db.Query(ctx, q, func(sc db.Scanner) (Account, error) {
		var a Account
		return a, sc.Scan(&a.BankCode, &a.Number, &a.Name)
	}, `SELECT bank_code, account_no, account_name FROM bank_agreements WHERE state = 'active' ORDER BY id`)
}
