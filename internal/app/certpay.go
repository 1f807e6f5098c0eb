package app

import (
	"context"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/payment"
)

// paidSource gives tax certificates (税收完税证明) their lines from the
// payment capability: the items of the chosen payments (Selection.ItemIDs
// are payment ids, each the current taxpayer's and paid), or every item
// paid in a date range. A late fee is a line of its own (品目 滞纳金), as
// on a paper certificate.
func paidSource(p *payment.Service) certs.Source {
	return certs.SourceFunc(func(ctx context.Context, sel certs.Selection) ([]certs.Line, error) {
		a, err := auth.RequireTaxpayer(ctx)
		if err != nil {
			return nil, err
		}
		var out []certs.Line
		add := func(voucher, taxType, taxName, item string, start, end, paid calendar.Date, tax, fee int64) {
			l := certs.Line{VoucherNo: voucher, TaxCode: taxType, TaxName: taxName, Item: item,
				PeriodStart: start.String(), PeriodEnd: end.String(), PaidOn: paid.String(), AmountFen: tax}
			out = append(out, l)
			if fee > 0 {
				l.Item, l.AmountFen = "滞纳金", fee
				out = append(out, l)
			}
		}
		if len(sel.ItemIDs) > 0 {
			seen := map[int64]bool{}
			for _, id := range sel.ItemIDs {
				if seen[id] {
					continue
				}
				seen[id] = true
				pay, err := p.Payment(ctx, id)
				if err != nil {
					return nil, err
				}
				if pay.State != payment.Paid {
					return nil, apperr.InvalidField("item", "扣款请求号 "+pay.RequestNo+" 的缴款尚未成功，不能开具完税证明")
				}
				for _, it := range pay.Items {
					add(it.VoucherNo, it.TaxType, it.TaxName(), it.PeriodName(), it.Period.Start, it.Period.End, it.PaidOn, it.Tax, it.LateFee)
				}
			}
			return out, nil
		}
		lines, err := payment.PaidLines(ctx, p.DB, a.TaxpayerID, sel.From, sel.To)
		if err != nil {
			return nil, err
		}
		return payment.CertLines(lines), nil
	})
}
