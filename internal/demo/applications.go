package demo

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/filingcal"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
	"taxhall/internal/workflow"
)

// demoPDF is a material file: the smallest thing the uploads sniffer takes
// for a PDF.
var demoPDF = []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

// Applications files on-application items (依申请事项) of the demo
// enterprises and moves them through the 思明 bureau's staff, so that the
// pool (/staff/tasks), the board (/staff/board) and the taxpayer's list
// (/hall/applications) show every state: waiting for acceptance, under
// review, returned for correction, approved, rejected, and overdue (filed
// twelve and twenty days before the seed's clock). Deterministic: fixed tokens and
// the seed's clock.
func Applications(ctx context.Context, d *db.DB, now time.Time) error {
	var luDao, guLang int64
	if err := d.QueryRowContext(ctx, `SELECT t.id FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
		WHERE o.division_code = '350203' AND t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&luDao); errors.Is(err, sql.ErrNoRows) {
		return nil // a seed without Xiamen
	} else if err != nil {
		return err
	}
	err := d.QueryRowContext(ctx, `SELECT t.id FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
		WHERE o.division_code = '350206' AND t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&guLang)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	clock := now
	svc := &workflow.Service{DB: d, Now: func() time.Time { return clock }}
	svc.Calendar = &filingcal.Service{DB: d, Now: svc.Now}
	svc.Taxpayers = &taxpayer.Service{DB: d, Now: svc.Now}
	svc.Returns = &returns.Service{DB: d, Now: svc.Now, Taxpayers: svc.Taxpayers, Calendar: svc.Calendar}

	tp := func(id int64) (context.Context, error) { return taxpayerActor(ctx, d, id) }
	clerk, err := staffActor(ctx, d, "35020301")
	if err != nil {
		return err
	}
	reviewer, err := staffActor(ctx, d, "35020302")
	if err != nil {
		return err
	}
	lu, err := tp(luDao)
	if err != nil {
		return err
	}
	// apply files an application as of day (the seed's clock minus days
	// ago) and returns it.
	apply := func(who context.Context, daysAgo int, token, item string, fields map[string]string, materials ...string) (*workflow.Application, error) {
		clock = now.AddDate(0, 0, -daysAgo)
		var files []workflow.File
		for _, m := range materials {
			files = append(files, workflow.File{Material: m, Name: m + ".pdf", Data: demoPDF})
		}
		ap, _, err := svc.Submit(who, workflow.SubmitInput{Item: item, Fields: fields, Files: files, Token: "demo-" + token})
		return ap, err
	}
	// step claims the application's open task and decides it.
	step := func(who context.Context, ap *workflow.Application, decision, opinion string) error {
		var task int64
		if err := d.QueryRowContext(ctx, `SELECT id FROM tasks WHERE application_id = $1 AND state = 'open'`, ap.ID).Scan(&task); err != nil {
			return err
		}
		if _, err := svc.Claim(who, task); err != nil {
			return err
		}
		_, err := svc.Decide(who, task, workflow.DecideInput{Decision: decision, Opinion: opinion})
		return err
	}
	contact := map[string]string{"contact": "陈晓东", "phone": "13906001234"}
	with := func(m map[string]string) map[string]string {
		out := map[string]string{}
		for k, v := range contact {
			out[k] = v
		}
		for k, v := range m {
			out[k] = v
		}
		return out
	}

	// 鹭岛 (思明): one application in each state.
	// Waiting for acceptance, a material missing.
	if _, err := apply(lu, 0, "quota", "invoice_quota_add", map[string]string{"count": "50", "amount": "86000", "reason": "业务量增长，本月发票不够用"}); err != nil {
		return err
	}
	// Under review: accepted, at the approval node.
	ap, err := apply(lu, 1, "phone", "reg_change", map[string]string{"field": "phone", "new_value": "0592-5201314", "changed_on": "2026-11-02", "reason": "办公电话变更"},
		"change_notice", "id_card")
	if err != nil {
		return err
	}
	if err := step(clerk, ap, workflow.DecisionPass, ""); err != nil {
		return err
	}
	// Returned for correction: the premises proof is missing.
	ap, err = apply(lu, 2, "types", "invoice_types", with(map[string]string{"kind": "special_e", "monthly": "100"}))
	if err != nil {
		return err
	}
	if err := step(clerk, ap, workflow.DecisionReturn, "请上传经办人身份证件。"); err != nil {
		return err
	}
	// Approved and rated.
	ap, err = apply(lu, 5, "software", "accounting_filing", map[string]string{"standard": "sbas", "software": "用友畅捷通T3", "from": "2026-01-01"}, "rules")
	if err != nil {
		return err
	}
	if err := step(clerk, ap, workflow.DecisionPass, "资料齐全，予以备案。"); err != nil {
		return err
	}
	if err := rateFirst(lu, svc, d, ap.ID, 5, "网上办理，当天办结。"); err != nil {
		return err
	}
	// Rejected at review.
	ap, err = apply(lu, 6, "limit", "invoice_limit", map[string]string{"limit": "10000000", "amount": "3200000", "reason": "承接大额合同"}, "contracts")
	if err != nil {
		return err
	}
	if err := step(clerk, ap, workflow.DecisionPass, ""); err != nil {
		return err
	}
	if err := step(reviewer, ap, workflow.DecisionReject, "上年度销售额与申请限额不匹配，可申请一百万元限额。"); err != nil {
		return err
	}
	// Overdue: filed twelve days ago, never accepted.
	if _, err := apply(lu, 12, "residency", "residency_cert", map[string]string{"country": "新加坡", "year": "2026", "income": "技术服务费"}, "registration"); err != nil {
		return err
	}
	// Overdue at a node being handled: accepted twenty days ago, claimed
	// by the reviewer and not decided.
	ap, err = apply(lu, 20, "reduction", "reduction_approval", map[string]string{"tax_type": "property", "policy": "闽财税〔2026〕5号", "amount": "42000", "reason": "受台风影响房屋受损"}, "application")
	if err != nil {
		return err
	}
	if err := step(clerk, ap, workflow.DecisionPass, ""); err != nil {
		return err
	}
	var task int64
	if err := d.QueryRowContext(ctx, `SELECT id FROM tasks WHERE application_id = $1 AND state = 'open'`, ap.ID).Scan(&task); err != nil {
		return err
	}
	if _, err := svc.Claim(reviewer, task); err != nil {
		return err
	}

	// 鼓浪超市 (湖里): a 同城通办 suspension, which 思明's clerk may take
	// from the city pool too.
	if guLang != 0 {
		gl, err := tp(guLang)
		if err != nil {
			return err
		}
		if _, err := apply(gl, 0, "suspension", "suspension", map[string]string{"from": "2027-01-01", "to": "2027-02-28", "reason": "店面装修"}, "invoices", "id_card"); err != nil {
			return err
		}
	}
	return nil
}

// rateFirst rates the application's first decided node.
func rateFirst(who context.Context, svc *workflow.Service, d *db.DB, app int64, stars int, comment string) error {
	var task int64
	if err := d.QueryRowContext(who, `SELECT id FROM tasks WHERE application_id = $1 AND state = 'done' ORDER BY id LIMIT 1`, app).Scan(&task); err != nil {
		return err
	}
	return svc.Rate(who, app, task, stars, comment)
}

// taxpayerActor is a context acting as the taxpayer's admin user.
func taxpayerActor(ctx context.Context, d *db.DB, tp int64) (context.Context, error) {
	a := &auth.Actor{Kind: auth.Taxpayer, TaxpayerID: tp}
	err := d.QueryRowContext(ctx, `SELECT u.id, u.name, t.name, t.code FROM taxpayer_users u JOIN taxpayers t ON t.id = u.taxpayer_id
		WHERE u.taxpayer_id = $1 AND u.username = 'admin'`, tp).Scan(&a.UserID, &a.Name, &a.TaxpayerName, &a.TaxpayerCode)
	return auth.WithActor(ctx, a), err
}

// staffActor is a context acting as the staff member.
func staffActor(ctx context.Context, d *db.DB, no string) (context.Context, error) {
	a := &auth.Actor{Kind: auth.Staff, StaffNo: no}
	var roles string
	err := d.QueryRowContext(ctx, `SELECT s.id, s.name, s.roles, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id WHERE s.staff_no = $1`, no).
		Scan(&a.UserID, &a.Name, &roles, &a.OrgID, &a.OrgPath)
	a.Roles = strings.Split(roles, ",")
	return auth.WithActor(ctx, a), err
}
