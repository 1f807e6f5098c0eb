// Package payment pays tax through the tax–treasury–bank link (财税库银横向
// 联网), exactly once whatever the bank does.
//
//   - Tripartite agreements (三方协议): Sign asks the bank to verify the
//     account; matched makes it the taxpayer's one active agreement (a
//     partial unique index) and the previous one 'replaced'; End ends it.
//     Every version stays as history.
//   - Pay: the taxpayer picks unpaid liabilities (tax_liabilities written by
//     package returns); the late fee is computed to the payment date with
//     rules.LateFee. One payment row with a unique request number and its
//     items is committed as 'pending' BEFORE the bank is called, together
//     with a reconciliation job (package jobs). The partial unique index
//     payment_items_live makes it impossible for one liability to be in two
//     live or settled payments; (taxpayer_id, idem_key) makes a double click
//     or a browser retry the same payment.
//   - The bank's answer settles the payment with one
//     UPDATE … WHERE state = 'pending': paid (items get voucher numbers,
//     liabilities are settled, treasury totals grow) or failed (items
//     released). No answer leaves it pending — never guessed.
//   - Reconciliation: the job asks the bank "what happened to request N?"
//     (and, on the entrust day only, repeats the debit under the same
//     number, which the bank deduplicates); the daily statement import
//     settles what remains and reports matched / only in hall / only at
//     bank. The bank refuses a debit whose entrust date is not its today,
//     so after that day "unknown" is a definite "not debited".
//
// For the certificate issuer (税收完税证明), PaidLines returns the paid
// items of a taxpayer between two dates:
//
//	func PaidLines(ctx context.Context, q db.Querier, taxpayerID int64, from, to calendar.Date) ([]PaidLine, error)
//
// Each PaidLine carries VoucherNo (电子缴款凭证号), TaxType and TaxName,
// Item (the item's wording, e.g. "2026年第3季度"), PeriodStart and PeriodEnd,
// PaidOn, Tax, LateFee and Amount (= Tax + LateFee) in fen, PaymentID and
// RequestNo. It does no authorisation: the caller has checked who asks.
package payment
