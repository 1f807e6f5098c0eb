package payment

import (
	"context"
	"strconv"

	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/rules"
)

// PaidLine is one paid item as a tax certificate (税收完税证明) lists it.
type PaidLine struct {
	VoucherNo   string // 电子缴款凭证号 (原凭证号)
	TaxType     string
	TaxName     string
	Item        string // 品目/所属期 wording, e.g. "2026年第3季度"
	PeriodStart calendar.Date
	PeriodEnd   calendar.Date
	PaidOn      calendar.Date
	Tax         int64 // fen
	LateFee     int64 // fen
	Amount      int64 // fen: Tax + LateFee
	PaymentID   int64
	RequestNo   string
}

// PaidLines returns taxpayerID's paid items with a payment day from from to
// to (both included), in payment-day and item order (index
// payment_items_paid). It checks no actor: the caller decides who may ask.
func PaidLines(ctx context.Context, q db.Querier, taxpayerID int64, from, to calendar.Date) ([]PaidLine, error) {
	return db.Query(ctx, q, func(sc db.Scanner) (PaidLine, error) {
		var l PaidLine
		var ps, pe, paid string
		if err := sc.Scan(&l.VoucherNo, &l.TaxType, &ps, &pe, &paid, &l.Tax, &l.LateFee, &l.PaymentID, &l.RequestNo); err != nil {
			return l, err
		}
		l.PeriodStart, l.PeriodEnd, l.PaidOn = calendar.MustDate(ps), calendar.MustDate(pe), calendar.MustDate(paid)
		l.TaxName = TaxName(l.TaxType)
		l.Item = periodName(rules.Period{Start: l.PeriodStart, End: l.PeriodEnd})
		l.Amount = l.Tax + l.LateFee
		return l, nil
	}, `SELECT i.voucher_no, i.tax_type, i.period_start, i.period_end, i.paid_on, i.tax, i.late_fee, i.payment_id, p.request_no
		FROM payment_items i JOIN payments p ON p.id = i.payment_id
		WHERE i.taxpayer_id = $1 AND i.voucher_no IS NOT NULL AND i.paid_on >= $2 AND i.paid_on <= $3
		ORDER BY i.paid_on, i.id`, taxpayerID, from.String(), to.String())
}

func itoa(n int) string { return strconv.Itoa(n) }

func periodOf(start, end string) rules.Period {
	return rules.Period{Start: calendar.MustDate(start), End: calendar.MustDate(end)}
}

// CertLines are the lines of a tax certificate (税收完税证明) for paid
// lines: a late fee is a line of its own (品目 滞纳金), as on a paper
// certificate.
func CertLines(paid []PaidLine) []certs.Line {
	var out []certs.Line
	for _, p := range paid {
		l := certs.Line{VoucherNo: p.VoucherNo, TaxCode: p.TaxType, TaxName: p.TaxName, Item: p.Item,
			PeriodStart: p.PeriodStart.String(), PeriodEnd: p.PeriodEnd.String(), PaidOn: p.PaidOn.String(), AmountFen: p.Tax}
		out = append(out, l)
		if p.LateFee > 0 {
			l.Item, l.AmountFen = "滞纳金", p.LateFee
			out = append(out, l)
		}
	}
	return out
}
