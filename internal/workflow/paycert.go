package workflow

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/payment"
)

// paymentCertificate issues the tax certificate (税收完税证明) an approved
// payment_cert item asks for: every item of the taxpayer paid (入库) from
// the form's start to its end date, of the tax chosen, each line with its
// electronic payment voucher number, the late fee a line of its own — the
// same certificate as the taxpayer issues online (certs, payment.PaidLines),
// registered in the decision's transaction and linked to the application,
// where the taxpayer downloads it; /verify verifies it.
func paymentCertificate(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	from, err1 := calendar.ParseDate(ap.Form["from"])
	to, err2 := calendar.ParseDate(ap.Form["to"])
	if err1 != nil || err2 != nil || to.Before(from) {
		return "", apperr.InvalidField("decision", "入库日期起止有误（止日早于起日），请退回补正")
	}
	paid, err := payment.PaidLines(ctx, tx, ap.TaxpayerID, from, to)
	if err != nil {
		return "", err
	}
	tax := ap.Form["tax_type"]
	var chosen []payment.PaidLine
	for _, l := range paid {
		if tax == "" || genericTax(l.TaxType) == tax || l.TaxType == tax {
			chosen = append(chosen, l)
		}
	}
	taxName := auth.NameOf(taxTypes, tax)
	if len(chosen) == 0 {
		return "", apperr.InvalidField("decision", "该纳税人 "+from.String()+" 至 "+to.String()+" 没有已缴纳入库的"+taxName+"，不能开具完税证明，请不予办理")
	}
	c, err := certs.IssueTx(ctx, tx, now, certs.Request{TaxpayerID: ap.TaxpayerID, IssuedBy: a.UserID, Kind: certs.KindTaxPaid,
		Scope: "缴款日期 " + from.String() + " 至 " + to.String() + "，税种：" + taxName, Lines: payment.CertLines(chosen),
		Key: "application:" + strconv.FormatInt(ap.ID, 10)})
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET certificate_id = $1 WHERE id = $2`, c.ID, ap.ID); err != nil {
		return "", err
	}
	ap.CertificateID = c.ID
	return "已开具" + c.Title() + "，编号 " + c.No + "，共 " + strconv.Itoa(len(c.Lines)) + " 行", nil
}
