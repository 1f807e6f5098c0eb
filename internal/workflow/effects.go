package workflow

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/certs"
	"taxhall/internal/db"
	"taxhall/internal/money"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// What an approval does, in the approving decision's transaction: when an
// effect fails (a deregistration with returns outstanding), the decision
// is refused and nothing changes. Items without an effect here are done
// when approved (their result is the approval itself).

// changeColumns maps a change registration's field to the register's
// column. A whitelist: the column name comes from here, never from input.
var changeColumns = map[string]string{"address": "address", "phone": "phone", "email": "email", "legal_rep_name": "legal_rep_name"}

func (s *Service) effect(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	switch ap.Item.Code {
	case "reg_change":
		return changeRegistration(ctx, tx, now, ap)
	case "vat_general":
		return generalTaxpayer(ctx, tx, now, a, ap)
	case "deregistration":
		return s.deregister(ctx, tx, now, a, ap)
	case "suspension":
		_, err := tx.ExecContext(ctx, `INSERT INTO taxpayer_suspensions (taxpayer_id, application_id, from_date, to_date, created_at)
			VALUES ($1, $2, $3, $4, $5)`, ap.TaxpayerID, ap.ID, ap.Form["from"], ap.Form["to"], db.TS(now))
		return "停业登记：" + ap.Form["from"] + " 至 " + ap.Form["to"], err
	case "filing_extension":
		p, _, err := returns.ParsePeriod(strings.ToUpper(strings.TrimSpace(ap.Form["period"])))
		if err != nil {
			return "", apperr.InvalidField("decision", "所属期“"+ap.Form["period"]+"”格式有误（应为 2026-10 或 2026Q3），请退回补正")
		}
		ap.Form["period"] = returns.PeriodKey(p)
		_, err = tx.ExecContext(ctx, `INSERT INTO filing_extensions (taxpayer_id, application_id, tax_type, period, deadline, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, ap.TaxpayerID, ap.ID, ap.Form["tax_type"], ap.Form["period"], ap.Form["until"], db.TS(now))
		if db.IsUniqueViolation(err) {
			return "", errState("该税种该所属期已核准过延期申报")
		}
		return "核准延期申报至 " + ap.Form["until"], err
	case "no_arrears_cert", "residency_cert":
		return certificate(ctx, tx, now, a, ap)
	case "payment_cert":
		return paymentCertificate(ctx, tx, now, a, ap)
	case "refund_overpaid", "refund_credit", "refund_iit":
		return refund(ctx, tx, now, a, ap)
	}
	return "已办结", nil
}

// certificate issues the certificate an approved certificate item asks
// for (package certs, in the decision's transaction) and links it to the
// application: the taxpayer downloads it from the application's page and
// anyone verifies it on /verify. A no-arrears certificate is refused while
// tax declared is unpaid.
func certificate(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	today := calendar.FromTime(now.In(china)).String()
	var kind, scope string
	switch ap.Item.Code {
	case "no_arrears_cert":
		var unpaid int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount - paid), 0) FROM tax_liabilities
			WHERE taxpayer_id = $1 AND settled = 0 AND amount > paid`, ap.TaxpayerID).Scan(&unpaid); err != nil {
			return "", err
		}
		if unpaid > 0 {
			return "", apperr.InvalidField("decision", "该纳税人有欠缴税款 "+money.FormatYuan(unpaid)+" 元，不能开具无欠税证明，请不予办理")
		}
		kind = certs.KindNoArrears
		scope = "截至 " + today + "，该纳税人在税收征管信息系统中没有欠缴税款的记录。证明用途：" + ap.Form["use"] + "。"
	default:
		kind = certs.KindResidency
		scope = "该纳税人为 " + ap.Form["year"] + " 年度中国税收居民。本证明应纳税人申请开具，用于向" + ap.Form["country"] +
			"税务主管当局申请享受税收协定待遇，所得类型：" + ap.Form["income"] + "。"
	}
	c, err := certs.IssueTx(ctx, tx, now, certs.Request{TaxpayerID: ap.TaxpayerID, IssuedBy: a.UserID, Kind: kind, Scope: scope,
		Key: "application:" + strconv.FormatInt(ap.ID, 10)})
	if err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET certificate_id = $1 WHERE id = $2`, c.ID, ap.ID); err != nil {
		return "", err
	}
	ap.CertificateID = c.ID
	return "已开具" + c.Title() + "，编号 " + c.No, nil
}

// refund records an approved refund (table refunds, one per application)
// and starts paying it out: the payout of the amount to the account of the
// taxpayer's tripartite agreement and its job (payment.StartPayout), in
// the decision's transaction. An application opened for a refund request
// (refundflow.go) refunds what the request says, marks the request
// approved and links the refund to it.
func refund(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	amountField, period := "amount", ap.Form["period"]
	switch ap.Item.Code {
	case "refund_credit":
		amountField = "refund"
	case "refund_iit":
		period = ap.Form["year"]
	}
	amount, err := strconv.ParseInt(ap.Form[amountField], 10, 64)
	if err != nil || amount <= 0 {
		return "", apperr.InvalidField("decision", "申请退税额应大于 0，请退回补正")
	}
	taxType := ap.Form["tax_type"]
	switch ap.Item.Code {
	case "refund_credit":
		taxType = "vat"
	case "refund_iit":
		taxType = "iit"
	}
	var reqID, iitReqID any
	if ap.RefundRequestID != 0 || ap.IITRefundRequestID != 0 {
		var due int64
		if taxType, period, due, err = linkedRefund(ctx, tx, now, ap); err != nil {
			return "", err
		}
		if amount != due {
			return "", apperr.InvalidField("decision", "申请退税额 "+money.FormatYuan(amount)+" 元与核定的应退税额 "+money.FormatYuan(due)+" 元不一致，请退回补正")
		}
		if ap.RefundRequestID != 0 {
			reqID = ap.RefundRequestID
		} else {
			iitReqID = ap.IITRefundRequestID
		}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO refunds (taxpayer_id, application_id, item_code, tax_type, period, amount, account, approved_by, created_at,
		refund_request_id, iit_refund_request_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, ap.TaxpayerID, ap.ID, ap.Item.Code, taxType, period, amount, ap.Form["account"], a.UserID, db.TS(now),
		reqID, iitReqID).Scan(&id)
	if db.IsUniqueViolation(err) {
		return "", errState("该申请已记录退税")
	}
	if err != nil {
		return "", err
	}
	p, err := payment.StartPayout(ctx, tx, now, id, ap.Form["account"])
	if err != nil {
		return "", err
	}
	return "核准退税 " + money.FormatYuan(amount) + " 元，退至" + p.BankName() + "账户 " + p.MaskedAccount() + "（退库请求号 " + p.RequestNo + "）", nil
}

func changeRegistration(ctx context.Context, tx *sql.Tx, now time.Time, ap *Application) (string, error) {
	col := changeColumns[ap.Form["field"]]
	if col == "" {
		return "", apperr.InvalidField("decision", "变更项目无效")
	}
	v := ap.Form["new_value"]
	if _, err := tx.ExecContext(ctx, `UPDATE taxpayers SET `+col+` = $1, updated_at = $2 WHERE id = $3`, v, db.TS(now), ap.TaxpayerID); err != nil {
		return "", err
	}
	label := auth.NameOf(ChangeFields, ap.Form["field"])
	if err := audit.Record(ctx, tx, auth.Who(ctx), now, "taxpayer.change_registration", "taxpayer", ap.TaxpayerID, label+" → "+v+"（"+ap.No+"）"); err != nil {
		return "", err
	}
	return label + "已变更为“" + v + "”", nil
}

// periodEnd is the last day of the period of kind ("month", "quarter")
// that contains d.
func periodEnd(kind string, d calendar.Date) calendar.Date {
	m := int(d.M)
	if kind == taxpayer.Quarterly {
		m = (m-1)/3*3 + 3
	}
	return calendar.MakeDate(d.Y, time.Month(m)+1, 0)
}

// generalTaxpayer switches the taxpayer's VAT from small-scale to general
// from the next period: the small-scale identification ends with its
// current period (month or quarter), the general one (monthly) starts the
// day after. The returns' forms follow the identification, so the next
// VAT return is the general one.
func generalTaxpayer(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	today := calendar.FromTime(now.In(china))
	var id int64
	var kind, period string
	err := tx.QueryRowContext(ctx, `SELECT id, tax_type, period FROM tax_identifications
		WHERE taxpayer_id = $1 AND tax_group = 'vat' AND end_date = ''`, ap.TaxpayerID).Scan(&id, &kind, &period)
	start := calendar.MakeDate(today.Y, today.M+1, 1)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return "", err
	case kind == "vat_general":
		return "", errState("该纳税人已是增值税一般纳税人")
	default:
		end := periodEnd(period, today)
		res, err := tx.ExecContext(ctx, `UPDATE tax_identifications SET end_date = $1, ended_by = $2, ended_at = $3 WHERE id = $4 AND end_date = ''`,
			end.String(), a.UserID, db.TS(now), id)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", errState("增值税认定已变化，请刷新后重试")
		}
		start = end.AddDays(1)
	}
	if _, err := taxpayer.InsertIdentification(ctx, tx, now, ap.TaxpayerID, "vat_general", taxpayer.Monthly, start.String(), a.UserID); err != nil {
		if db.IsUniqueViolation(err) {
			return "", errState("增值税认定已变化，请刷新后重试")
		}
		return "", err
	}
	if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxIdentificationCreate, "taxpayer", ap.TaxpayerID,
		"增值税一般纳税人 按月 自 "+start.String()+"（"+ap.No+"）"); err != nil {
		return "", err
	}
	return "自 " + start.String() + " 起登记为增值税一般纳税人，按月申报", nil
}

// deregister closes the taxpayer after the clearance check: no period
// past its deadline unfiled, no tax declared and unpaid. Every open
// identification ends today.
func (s *Service) deregister(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, ap *Application) (string, error) {
	if s.Returns == nil {
		return "", errors.New("workflow: no returns service for the clearance check")
	}
	c, err := s.Returns.ClearanceOf(ctx, tx, ap.TaxpayerID)
	if err != nil {
		return "", err
	}
	if !c.Clear() {
		var why []string
		for _, d := range c.Unfiled {
			why = append(why, d.TaxName+" "+d.PeriodName())
		}
		msg := "未通过清税检查："
		if len(why) > 0 {
			if len(why) > 5 {
				why = append(why[:5], "等 "+strconv.Itoa(len(c.Unfiled))+" 个所属期")
			}
			msg += "逾期未申报 " + strings.Join(why, "、") + "；"
		}
		if c.Unpaid > 0 {
			msg += "欠缴税款 " + money.FormatYuan(c.Unpaid) + " 元；"
		}
		return "", apperr.InvalidField("decision", strings.TrimSuffix(msg, "；")+"。请退回补正或不予批准")
	}
	today := calendar.FromTime(now.In(china)).String()
	if _, err := tx.ExecContext(ctx, `UPDATE tax_identifications SET end_date = $1, ended_by = $2, ended_at = $3 WHERE taxpayer_id = $4 AND end_date = ''`,
		today, a.UserID, db.TS(now), ap.TaxpayerID); err != nil {
		return "", err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE taxpayers SET status = $1, updated_at = $2 WHERE id = $3`, taxpayer.StatusDeregistered, db.TS(now), ap.TaxpayerID); err != nil {
		return "", err
	}
	if err := audit.Record(ctx, tx, auth.Who(ctx), now, "taxpayer.deregister", "taxpayer", ap.TaxpayerID, ap.No); err != nil {
		return "", err
	}
	return "已于 " + today + " 注销税务登记", nil
}
