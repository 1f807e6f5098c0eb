package payment

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"slices"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/jobs"
	"taxhall/internal/taxpayer"
)

// Service is the payment capability.
type Service struct {
	DB   *db.DB
	Bank Bank
	Now  func() time.Time
	Log  *slog.Logger
	// Runner, when set, is woken after a commit that enqueued a job.
	Runner *jobs.Runner
	// RetryDelay is how long after a payment its first reconciliation runs
	// (the synchronous debit normally settles it first); 15 s when 0.
	RetryDelay time.Duration
	// Backoff is the pause before a pending payment's next reconciliation;
	// jobs.Backoff when nil (tests shorten it).
	Backoff func(attempts int) time.Duration
	// OnRefundRequest, when set, runs in the transaction that records a
	// refund request (RequestRefund): the workflow opens the request's
	// refund application there (workflow.OpenOverpaidRefund).
	OnRefundRequest func(ctx context.Context, tx *sql.Tx, now time.Time, requestID, userID int64) error
}

func (s *Service) backoff(attempts int) time.Duration {
	if s.Backoff != nil {
		return s.Backoff(attempts)
	}
	return jobs.Backoff(attempts)
}

var china = time.FixedZone("CST", 8*3600)

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// today is the China date: the entrust date of a debit, the day a
// statement covers.
func (s *Service) today() calendar.Date { return calendar.FromTime(s.now().In(china)) }

// Today is the hall's date in China: the day a payment made now is dated.
func (s *Service) Today() calendar.Date { return s.today() }

func (s *Service) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Permissions. A taxpayer's legal representative or finance officer (or
// an individual) signs agreements; they and tax clerks pay; an appointed
// agent pays only the taxes delegated to them (checked in Pay).
func CanSign(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Taxpayer && (a.TaxpayerKind == taxpayer.Individual || a.Role == auth.TPLegalRep || a.Role == auth.TPFinance)
}

// CanPay reports whether a taxpayer user may pay at all.
func CanPay(a *auth.Actor) bool {
	if a == nil || a.Kind != auth.Taxpayer {
		return false
	}
	return a.TaxpayerKind == taxpayer.Individual || slices.Contains([]string{auth.TPLegalRep, auth.TPFinance, auth.TPClerk, auth.TPAgent}, a.Role)
}

var (
	ledgerRoles    = []string{auth.RoleWindowClerk, auth.RoleReviewer, auth.RoleHallSupervisor, auth.RoleRiskAnalyst, auth.RoleAdmin}
	reconcileRoles = []string{auth.RoleHallSupervisor, auth.RoleAdmin}
)

// CanViewLedger reports whether a staff member sees the payment ledger,
// pending payments, treasury totals and refund requests of their bureau.
func CanViewLedger(a *auth.Actor) bool { return slices.ContainsFunc(ledgerRoles, a.HasRole) }

// CanReconcile reports whether a staff member imports bank statements.
func CanReconcile(a *auth.Actor) bool { return slices.ContainsFunc(reconcileRoles, a.HasRole) }

var (
	errNoSign     = apperr.New(apperr.Forbidden, "三方协议须由法定代表人或财务负责人办理")
	errNoPay      = apperr.New(apperr.Forbidden, "您的办税身份不能缴纳税款，请联系单位管理员")
	errNotFound   = apperr.New(apperr.NotFound, "没有找到这笔缴款")
	errNoAgreemnt = apperr.InvalidField("agreement", "请先签订三方协议并通过银行验证，再缴纳税款")
	errChanged    = apperr.New(apperr.Conflict, "所选税款的金额已因更正申报发生变化，请刷新后重新缴纳")
	errNoBank     = apperr.New(apperr.Conflict, "本厅尚未接通银行缴税接口，请到办税服务厅或通过银行柜台缴纳")
)

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Banks lists the banks of the demo link: 行别代码 (the first three digits
// of a CNAPS bank code) and name.
var Banks = []auth.Label{
	{Code: "102", Name: "中国工商银行"},
	{Code: "103", Name: "中国农业银行"},
	{Code: "104", Name: "中国银行"},
	{Code: "105", Name: "中国建设银行"},
	{Code: "301", Name: "交通银行"},
	{Code: "308", Name: "招商银行"},
	{Code: "309", Name: "兴业银行"},
	{Code: "403", Name: "中国邮政储蓄银行"},
}

// BankName is the name of a bank code.
func BankName(code string) string { return auth.NameOf(Banks, code) }

// TaxName is the Chinese name of a tax type.
func TaxName(code string) string {
	if tt, ok := taxpayer.LookupTaxType(code); ok {
		return tt.Name
	}
	return code
}
