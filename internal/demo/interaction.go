package demo

import (
	"context"
	"database/sql"
	"time"

	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/filingcal"
	"taxhall/internal/search"
	"taxhall/internal/survey"
	"taxhall/internal/training"
	"taxhall/internal/uploads"
)

// Interaction seeds the interaction capabilities so that their pages are
// not empty: a service hall per district bureau with slots for the next
// working days and a few bookings of the first enterprise's admin.
func Interaction(ctx context.Context, d *db.DB, now time.Time) error {
	if err := d.Tx(ctx, func(tx *sql.Tx) error {
		return interactionAppointments(ctx, tx, now)
	}); err != nil {
		return err
	}
	if err := interactionComplaints(ctx, d, now); err != nil {
		return err
	}
	if err := interactionQuestions(ctx, d, now); err != nil {
		return err
	}
	if err := interactionSurveys(ctx, d, now); err != nil {
		return err
	}
	return interactionTraining(ctx, d, now)
}

// demoCourseware is a one-page PDF for the demo's courseware.
const demoCourseware = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// interactionTraining schedules two Xiamen sessions (a live one and one in
// the Siming hall) in the coming days, two past ones with recordings, and
// files a courseware document.
func interactionTraining(ctx context.Context, d *db.DB, now time.Time) error {
	svc := &training.Service{DB: d, Now: func() time.Time { return now }}
	var xiamen, adminID int64
	var path string
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.path, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = '35020001' WHERE o.division_code = '3502'`).
		Scan(&xiamen, &path, &adminID); err != nil {
		return nil // a seed without Xiamen
	}
	admin := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: adminID, OrgID: xiamen, OrgPath: path, Roles: []string{auth.RoleAdmin}})
	day := func(n int, hm string) string { return now.In(cst).AddDate(0, 0, n).Format("2006-01-02") + "T" + hm }
	for _, in := range []training.Input{
		{Topic: "invoice", Title: "数电发票开具与红冲实务", Start: day(3, "14:30"), Minutes: 90, Capacity: 200, Link: "https://live.example.gov.cn/xiamen/invoice",
			Intro: "讲解数电发票的开具、交付、红冲和常见问题，适合企业财务人员。"},
		{Topic: "new", Title: "新办纳税人涉税事项辅导", Start: day(5, "09:30"), Minutes: 60, Capacity: 30, Place: "思明区办税服务厅三楼培训室"},
	} {
		if _, err := svc.Schedule(admin, in); err != nil {
			return err
		}
	}
	// Two sessions held last month, with their recordings (往期回放).
	past := &training.Service{DB: d, Now: func() time.Time { return now.AddDate(0, 0, -40) }}
	for _, in := range []struct {
		training.Input
		url string
	}{
		{training.Input{Topic: "vat", Title: "增值税纳税申报要点解读", Start: day(-30, "14:30"), Minutes: 90, Capacity: 200, Link: "https://live.example.gov.cn/xiamen/vat"},
			"https://video.example.gov.cn/xiamen/vat-2026"},
		{training.Input{Topic: "policy", Title: "小微企业税费优惠政策辅导", Start: day(-16, "09:30"), Minutes: 60, Capacity: 100, Link: "https://live.example.gov.cn/xiamen/policy"},
			"https://video.example.gov.cn/xiamen/policy-2026"},
	} {
		id, err := past.Schedule(admin, in.Input)
		if err != nil {
			return err
		}
		if err := svc.AttachRecording(admin, id, in.url, ""); err != nil {
			return err
		}
	}
	return svc.AddCourseware(admin, "invoice", "数电发票操作指引（2026版）", &uploads.Incoming{Name: "数电发票操作指引.pdf", Data: []byte(demoCourseware)})
}

// interactionSurveys publishes the Xiamen bureau's public satisfaction
// survey (by its administrator, 35020001) with the answers of the first
// two enterprises' administrators.
func interactionSurveys(ctx context.Context, d *db.DB, now time.Time) error {
	svc := &survey.Service{DB: d, Now: func() time.Time { return now }}
	var xiamen, adminID int64
	var path string
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.path, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = '35020001' WHERE o.division_code = '3502'`).
		Scan(&xiamen, &path, &adminID); err != nil {
		return nil // a seed without Xiamen
	}
	admin := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: adminID, OrgID: xiamen, OrgPath: path, Roles: []string{auth.RoleAdmin}})
	id, err := svc.Create(admin, survey.Input{Title: "2026年度纳税人满意度调查", Audience: "public",
		Intro: "为改进办税服务，请您用几分钟时间回答以下问题。调查匿名统计，每人只能回答一次。",
		Items: "单选：您对网上办税服务厅的总体评价？｜非常满意｜满意｜一般｜不满意\n" +
			"多选：您通常通过哪些渠道办税？｜网上办税服务厅｜手机App｜办税服务厅窗口｜自助办税终端\n" +
			"评分：请为12366咨询答复的及时性打分\n" +
			"填空：您对改进办税服务有什么建议？"})
	if err != nil {
		return err
	}
	rows, err := db.Query(ctx, d, func(sc db.Scanner) (*auth.Actor, error) {
		a := &auth.Actor{Kind: auth.Taxpayer}
		return a, sc.Scan(&a.UserID, &a.TaxpayerID)
	}, `SELECT u.id, t.id FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin' WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 2`)
	if err != nil {
		return err
	}
	for i, a := range rows {
		ans := survey.Answers{Choices: map[int][]string{1: {[]string{"0", "1"}[i]}, 2: {"0", "2"}, 3: {[]string{"5", "4"}[i]}},
			Texts: map[int]string{4: []string{"希望增加周末延时服务。", ""}[i]}}
		if err := svc.Answer(auth.WithActor(ctx, a), id, ans); err != nil {
			return err
		}
	}
	return nil
}

// interactionQuestions fills the Xiamen 12366 queue: the first enterprise's
// open question, SMS and hotline questions, and answered ones published as
// public Q&A after review.
func interactionQuestions(ctx context.Context, d *db.DB, now time.Time) error {
	clock := func() time.Time { return now }
	svc := &consult.Service{DB: d, Now: clock, Cal: &filingcal.Service{DB: d, Now: clock}, Index: search.New(d)}
	var xiamen, agentID, reviewerID int64
	var path string
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.path, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = '35020003' WHERE o.division_code = '3502'`).
		Scan(&xiamen, &path, &agentID); err != nil {
		return nil // a seed without Xiamen
	}
	if err := d.QueryRowContext(ctx, `SELECT id FROM staff WHERE staff_no = '35020005'`).Scan(&reviewerID); err != nil {
		return err
	}
	agent := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: agentID, OrgID: xiamen, OrgPath: path, Roles: []string{auth.Role12366Agent}})
	reviewer := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: reviewerID, OrgID: xiamen, OrgPath: path, Roles: []string{auth.RoleContentReviewer}})
	var tp, user int64
	var name string
	if err := d.QueryRowContext(ctx, `SELECT t.id, u.id, u.name FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin'
		WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&tp, &user, &name); err == nil {
		named := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, TaxpayerID: tp, Name: name})
		if _, err := svc.Ask(named, consult.Input{OrgID: xiamen, Channel: consult.Web, TaxType: "cit", Subject: "研发费用加计扣除比例",
			Body: "我公司为软件企业，2026年发生的研发费用能否按100%加计扣除？预缴时可以享受吗？"}); err != nil {
			return err
		}
	}
	type qa struct {
		channel, taxType, subject, body, answer string
	}
	for _, x := range []qa{
		{consult.SMS, "invoice", "数电发票红冲", "开错的数电发票怎么红冲？", ""},
		{consult.Hotline, "iit", "个税汇算退税进度", "来电人称3月提交的汇算退税还未到账，询问进度。", ""},
		{consult.Web, "vat", "小规模纳税人季度免税标准", "小规模纳税人季度销售额多少以下免征增值税？",
			"根据财政部 税务总局公告2023年第19号，对月销售额10万元以下（含本数）的增值税小规模纳税人免征增值税；按季申报的，季度销售额不超过30万元免征。"},
		{consult.Web, "iit", "赡养老人专项附加扣除标准", "独生子女赡养老人每月可以扣除多少？",
			"根据国发〔2023〕13号，自2023年1月1日起，纳税人为独生子女的，赡养老人专项附加扣除按照每月3000元的标准定额扣除。"},
		{consult.Web, "stamp", "电子合同是否缴纳印花税", "通过电子平台签订的买卖合同需要缴纳印花税吗？",
			"根据《中华人民共和国印花税法》及财政部 税务总局公告2022年第22号，书立应税凭证包括以电子形式书立的合同，应按规定缴纳印花税。"},
	} {
		in := consult.Input{OrgID: xiamen, Channel: x.channel, TaxType: x.taxType, Subject: x.subject, Body: x.body, Phone: "13906005678"}
		c := ctx
		if x.channel != consult.Web {
			c = agent
		}
		asked, err := svc.Ask(c, in)
		if err != nil {
			return err
		}
		if x.answer == "" {
			continue
		}
		if err := svc.Claim(agent, asked.ID); err != nil {
			return err
		}
		if err := svc.Answer(agent, asked.ID, x.answer); err != nil {
			return err
		}
		if err := svc.Propose(agent, asked.ID, x.body, x.answer); err != nil {
			return err
		}
	}
	pending, err := svc.Pending(reviewer)
	if err != nil {
		return err
	}
	for i, p := range pending {
		// The last one waits for the reviewer in the demo.
		if i < len(pending)-1 {
			if err := svc.Review(reviewer, p.ID, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// interactionComplaints files a named case of the first enterprise's admin
// and anonymous ones, some answered and published.
func interactionComplaints(ctx context.Context, d *db.DB, now time.Time) error {
	clock := func() time.Time { return now }
	svc := &complaints.Service{DB: d, Now: clock, Cal: &filingcal.Service{DB: d, Now: clock}}
	var siming, xiamen, sup, admin int64
	var supPath, adminPath string
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.path, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = o.division_code || '03'
		WHERE o.division_code = '350203'`).Scan(&siming, &supPath, &sup); err != nil {
		return nil // a seed without Xiamen (tests of other packages)
	}
	if err := d.QueryRowContext(ctx, `SELECT o.id, o.path, s.id FROM orgs o JOIN staff s ON s.org_id = o.id AND s.staff_no = '35020001'
		WHERE o.division_code = '3502'`).Scan(&xiamen, &adminPath, &admin); err != nil {
		return err
	}
	supervisor := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: sup, OrgID: siming, OrgPath: supPath, Roles: []string{auth.RoleHallSupervisor}})
	cityAdmin := auth.WithActor(ctx, &auth.Actor{Kind: auth.Staff, UserID: admin, OrgID: xiamen, OrgPath: adminPath, Roles: []string{auth.RoleAdmin}})
	var tp, user int64
	var name string
	if err := d.QueryRowContext(ctx, `SELECT t.id, u.id, u.name FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin'
		WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&tp, &user, &name); err != nil {
		return nil
	}
	named := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, TaxpayerID: tp, Name: name})
	cases := []struct {
		ctx     context.Context
		in      complaints.Input
		replier context.Context
		reply   string
	}{
		{named, complaints.Input{Kind: "mailbox", OrgID: xiamen, Subject: "建议周六延长办税服务厅开放时间", Body: "公司财务人员工作日较忙，建议办税服务厅周六全天开放，或增加延时服务。"}, nil, ""},
		// An open letter keeps the enterprise's inbox as the other demo data leaves it.
		{ctx, complaints.Input{Kind: "mailbox", OrgID: xiamen, Anonymous: true, Subject: "建议增加午间办税服务", Body: "中午时段办税服务厅人少窗口少，建议实行午间不断档服务。"}, cityAdmin, "感谢您的建议。自2026年12月起，全市各办税服务厅实行“午间不断档”延时服务。"},
		{ctx, complaints.Input{Kind: "complaint", OrgID: siming, Anonymous: true, Subject: "办税服务厅叫号系统故障排队过久", Body: "11月上旬某日上午叫号系统故障，现场排队一个多小时，工作人员未及时说明情况。"}, supervisor, "经核实，当日叫号系统因网络故障中断约40分钟。我局已增设备用叫号终端，并要求故障时由值班主管现场告知等候人员。"},
		{ctx, complaints.Input{Kind: "complaint", OrgID: siming, Anonymous: true, Subject: "发票领用窗口工作人员解释不清", Body: "领用发票时询问最高开票限额变更流程，窗口人员解释不清楚，让我来回跑了两次。"}, supervisor, "已对窗口人员进行业务培训，并在办税服务厅公示发票最高开票限额变更的办理指引。"},
		{ctx, complaints.Input{Kind: "report", OrgID: siming, Anonymous: true, Subject: "某餐饮店长期不开发票", Body: "思明区某路某餐饮店消费后以各种理由拒开发票，已持续数月。"}, nil, ""},
	}
	for _, c := range cases {
		f, err := svc.File(c.ctx, c.in)
		if err != nil {
			return err
		}
		if c.replier != nil {
			if err := svc.Reply(c.replier, f.ID, c.reply, true, false); err != nil {
				return err
			}
		}
	}
	return nil
}

func interactionAppointments(ctx context.Context, tx *sql.Tx, now time.Time) error {
	type area struct {
		id         int64
		name, addr string
	}
	areas, err := db.Query(ctx, tx, func(sc db.Scanner) (area, error) {
		var a area
		return a, sc.Scan(&a.id, &a.name, &a.addr)
	}, `SELECT id, name, address FROM orgs WHERE level = 'district' ORDER BY id`)
	if err != nil {
		return err
	}
	cal := calendar.Default()
	today := appoint.Today(now)
	var first int64
	for i, a := range areas {
		addr := a.addr
		if addr == "" {
			addr = shortName(a.name) + "办税服务厅（政务服务中心一楼）"
		}
		hall, err := appoint.CreateHall(ctx, tx, now, a.id, shortName(a.name)+"办税服务厅", addr, 3, 6)
		if err != nil {
			return err
		}
		if i == 0 {
			first = hall
		}
		// Slots only for the first halls of each city keep the seed small;
		// a hall supervisor opens the others with one button.
		if i < 3 {
			if _, err := appoint.GenerateSlots(ctx, tx, cal, hall, today, appoint.DaysAhead); err != nil {
				return err
			}
		}
	}
	if first == 0 {
		return nil
	}
	var tp, user int64
	var tpName string
	err = tx.QueryRowContext(ctx, `SELECT t.id, t.name, u.id FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.username = 'admin'
		WHERE t.kind = 'enterprise' ORDER BY t.id LIMIT 1`).Scan(&tp, &tpName, &user)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	svc := &appoint.Service{Now: func() time.Time { return now }}
	actor := &auth.Actor{Kind: auth.Taxpayer, UserID: user, TaxpayerID: tp, TaxpayerName: tpName}
	for _, k := range []struct {
		service int64
		offset  int
		item    string
	}{{1, 0, ""}, {3, 8, "增值税专用发票最高开票限额变更"}} {
		var slot int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM appt_slots WHERE hall_id = $1 AND service_id = $2 ORDER BY day, start_time LIMIT 1 OFFSET $3`,
			first, k.service, k.offset).Scan(&slot); err != nil {
			return err
		}
		if _, err := svc.BookTx(ctx, tx, actor, appoint.BookInput{SlotID: slot, Item: k.item, Phone: "13906001234"}); err != nil {
			return err
		}
	}
	return nil
}
