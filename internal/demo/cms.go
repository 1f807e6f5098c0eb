package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/db"
	"taxhall/internal/org"
	"taxhall/internal/search"
)

// The demo bureau sites: the province's central site and the two cities'
// sub-sites, each with 6 top-level and 31 second-level columns (the
// structure of seed 004), articles over the last two years written by the
// site's content editor and approved by its reviewer, and a few columns
// left overdue so that the reminders and the freshness overview have
// something to show.

type demoColumn struct {
	code, name, dept string
	period           int
	overdue          bool     // the demo leaves it past its period
	titles           []string // title patterns: {city} {year} {month} {n}
}

var demoTree = []struct {
	code, name, dept string
	children         []demoColumn
}{
	{"news", "新闻动态", "办公室", []demoColumn{
		{"work", "工作动态", "办公室", 7, false, []string{"{city}税务局召开{year}年第{n}季度税收工作会议", "{city}税务局开展“便民办税春风行动”", "{city}税务局推进“非接触式”办税缴费服务", "{city}税务局举办新办纳税人“开业第一课”", "{city}税务局部署{month}月征期服务保障工作"}},
		{"local", "基层动态", "办公室", 14, false, []string{"{district}税务局走访重点企业问需解难", "{district}税务局开展青年税务干部业务比武", "{district}税务局办税服务厅推出“预约办”服务"}},
		{"media", "媒体关注", "办公室", 30, true, []string{"媒体聚焦：{city}减税降费助力小微企业发展", "媒体关注：{city}税务“智慧办税”跑出加速度"}},
		{"photo", "图片新闻", "办公室", 30, false, []string{"图片新闻：{city}税务局走进社区开展税法宣传", "图片新闻：{year}年税收宣传月启动仪式"}},
	}},
	{"notice", "通知公告", "办公室", []demoColumn{
		{"notice", "通知公告", "办公室", 7, false, []string{"关于{year}年{month}月纳税申报期限的通知", "关于办税服务厅调整办公时间的公告", "关于开展{year}年度个人所得税综合所得汇算清缴的公告", "关于做好{year}年企业所得税汇算清缴工作的通知"}},
		{"calendar", "办税日历提示", "纳税服务科", 30, false, []string{"{year}年{month}月办税日历", "温馨提示：{month}月征期截止日"}},
		{"outage", "系统维护公告", "信息中心", 90, false, []string{"关于电子税务局系统升级暂停服务的公告", "关于{month}月系统例行维护的公告"}},
		{"jobs", "招聘信息", "人事教育科", 180, false, []string{"{city}税务局{year}年公开招聘工作人员公告"}},
	}},
	{"policy", "政策法规", "政策法规科", []demoColumn{
		{"docs", "政策文件", "政策法规科", 30, false, []string{"关于进一步实施小微企业“六税两费”减免政策的公告", "关于增值税小规模纳税人减免增值税政策的公告", "关于个人所得税专项附加扣除标准的公告"}},
		{"reading", "政策解读", "政策法规科", 30, false, []string{"解读：小规模纳税人增值税政策要点", "解读：研发费用加计扣除政策十问", "一图读懂：{year}年个人所得税年度汇算"}},
		{"relief", "税收优惠", "税政科", 30, false, []string{"支持小微企业和个体工商户发展税费优惠政策指引", "支持科技创新税费优惠政策汇编（{year}年版）"}},
		{"local", "地方税费政策", "财产和行为税科", 90, false, []string{"{city}城镇土地使用税税额标准的公告", "{city}房产税从价计征减除比例的公告"}},
		{"draft", "征求意见", "政策法规科", 90, true, []string{"关于《{city}税务行政处罚裁量基准（征求意见稿）》公开征求意见的通知"}},
	}},
	{"service", "纳税服务", "纳税服务科", []demoColumn{
		{"guides", "办税指南", "纳税服务科", 30, false, []string{"新办纳税人套餐式服务指南", "跨区域涉税事项报告办理指南", "清税注销办理指南"}},
		{"forms", "表格下载", "纳税服务科", 90, false, []string{"增值税及附加税费申报表（小规模纳税人适用）（{year}年版）", "企业所得税月（季）度预缴纳税申报表（{year}年版）"}},
		{"software", "软件下载", "信息中心", 90, false, []string{"自然人电子税务局（扣缴端）{year}版下载", "电子税务局客户端升级说明"}},
		{"halls", "办税服务厅", "纳税服务科", 90, false, []string{"{city}各办税服务厅地址及办公时间", "{district}税务局办税服务厅迁址公告"}},
		{"faq", "常见问题", "纳税服务科", 30, false, []string{"热点问答：小规模纳税人季度申报", "热点问答：个人所得税专项附加扣除", "热点问答：发票领用和开具"}},
		{"hotline", "12366热点", "纳税服务中心", 14, true, []string{"12366热点问题（{year}年{month}月）", "12366本周热点：征期申报常见问题"}},
	}},
	{"open", "信息公开", "办公室", []demoColumn{
		{"duties", "机构职能", "办公室", 365, false, []string{"{city}税务局主要职责和内设机构"}},
		{"leaders", "领导信息", "办公室", 180, false, []string{"{city}税务局领导班子成员及分工"}},
		{"budget", "财政预决算", "财务管理科", 365, false, []string{"{city}税务局{year}年部门预算", "{city}税务局{year}年部门决算"}},
		{"plans", "规划计划", "办公室", 365, false, []string{"{city}税务局{year}年工作要点"}},
		{"stats", "统计数据", "收入规划核算科", 90, true, []string{"{year}年{month}月{city}税收收入情况"}},
		{"cases", "重大税收违法失信案件", "稽查局", 30, false, []string{"{city}重大税收违法失信主体信息公布（{year}年第{n}期）"}},
		{"arrears", "欠税公告", "征收管理科", 90, false, []string{"{city}税务局{year}年第{n}季度欠税公告"}},
	}},
	{"interact", "互动交流", "纳税服务科", []demoColumn{
		{"letters", "留言选登", "纳税服务科", 14, false, []string{"网友留言：个体工商户如何申请定额调整？", "网友留言：小规模纳税人季度销售额如何计算？"}},
		{"interview", "在线访谈", "办公室", 90, true, []string{"在线访谈：{year}年个人所得税汇算清缴答疑"}},
		{"survey", "意见征集", "纳税服务科", 90, false, []string{"关于征集办税服务改进意见的公告"}},
		{"satisfaction", "满意度调查", "纳税服务科", 180, false, []string{"{year}年度纳税人满意度调查结果"}},
		{"report", "投诉举报须知", "办公室", 365, false, []string{"纳税服务投诉和税收违法行为检举须知"}},
	}},
}

// demoParagraphs are the body's paragraphs; the first names the title.
var demoParagraphs = []string{
	"为进一步优化税收营商环境，切实提升纳税人、缴费人的获得感，现将有关事项说明如下。",
	"纳税人可通过网上办税服务厅办理申报、缴税等业务，也可到就近的办税服务厅办理。办理中遇到问题，请拨打 12366 纳税服务热线咨询。",
	"各基层税务分局要加强宣传辅导，确保政策红利直达快享，对符合条件的纳税人做到应享尽享。",
	"本公告自发布之日起施行。此前规定与本公告不一致的，以本公告为准。",
	"下一步，我们将持续深化税收征管改革，推出更多便民办税举措，让纳税人少跑腿、好办事。",
}

// SeedCMS writes the demo sites into a database that has the demo bureaus
// and none of its own columns yet; it does nothing otherwise. The
// province's content editor and reviewer (35000004, 35000005) are added
// with the password of the province's administrator.
func SeedCMS(ctx context.Context, d *db.DB, now time.Time) (seeded bool, err error) {
	defer db.Wrap(&err, "demo.SeedCMS")
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM cms_columns`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	type site struct {
		org              *org.Org
		city, district   string
		editor, reviewer int64
	}
	var sites []site
	orgs, err := db.Query(ctx, d, func(r db.Scanner) (*org.Org, error) {
		var o org.Org
		return &o, r.Scan(&o.ID, &o.Name, &o.Level, &o.DivisionCode, &o.Path)
	}, `SELECT id, name, level, division_code, path FROM orgs WHERE level IN ('province', 'city') ORDER BY path`)
	if err != nil || len(orgs) == 0 {
		return false, err
	}
	r := rand.New(rand.NewPCG(11, 2026)) // #nosec G404 -- deterministic demo data
	ix := search.New(d)
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for _, o := range orgs {
			st := site{org: o, city: strings.TrimSuffix(strings.TrimPrefix(o.Name, "国家税务总局"), "税务局")}
			st.district = st.city + "某区"
			if o.Level == org.Province {
				var hash string
				if err := tx.QueryRowContext(ctx, `SELECT password_hash FROM staff WHERE org_id = $1 ORDER BY id LIMIT 1`, o.ID).Scan(&hash); err != nil {
					return err
				}
				for i, who := range []struct {
					name string
					role string
				}{{"方雅婷", auth.RoleContentEditor}, {"严志伟", auth.RoleContentReviewer}} {
					if _, err := org.InsertStaff(ctx, tx, now, o.ID, fmt.Sprintf("%s%02d", padDivision(o.DivisionCode), 4+i), who.name, "0591-87654321", []string{who.role}, hash); err != nil {
						return err
					}
				}
			}
			for _, role := range []string{auth.RoleContentEditor, auth.RoleContentReviewer} {
				var id int64
				if err := tx.QueryRowContext(ctx, `SELECT id FROM staff WHERE org_id = $1 AND ','||roles||',' LIKE $2 ORDER BY id LIMIT 1`, o.ID, "%,"+role+",%").Scan(&id); err != nil {
					return fmt.Errorf("%s has no %s: %w", o.Name, role, err)
				}
				if role == auth.RoleContentEditor {
					st.editor = id
				} else {
					st.reviewer = id
				}
			}
			sites = append(sites, st)
		}
		for _, st := range sites {
			created := now.AddDate(-2, 0, -10)
			for ti, top := range demoTree {
				topID, err := cms.InsertColumn(ctx, tx, created, cms.NewColumn{SiteOrgID: st.org.ID, Code: top.code, Name: top.name, Dept: top.dept, PeriodDays: 30, Sort: ti, Policy: top.code == "policy"})
				if err != nil {
					return err
				}
				for ci, c := range top.children {
					id, err := cms.InsertColumn(ctx, tx, created, cms.NewColumn{SiteOrgID: st.org.ID, ParentID: topID, Code: top.code + "-" + c.code, Name: c.name, Dept: c.dept, PeriodDays: c.period, Sort: ci, Policy: top.code == "policy"})
					if err != nil {
						return err
					}
					if err := seedArticles(ctx, tx, ix, r, now, st.org.ID, id, topID, c, st.city, st.district, st.editor, st.reviewer); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return err == nil, err
}

// seedArticles writes a column's published articles, the newest first,
// one per period back over two years (at most 12). An overdue column's
// newest is older than its period.
func seedArticles(ctx context.Context, tx *sql.Tx, ix *search.Index, r *rand.Rand, now time.Time, site, column, top int64, c demoColumn, city, district string, editor, reviewer int64) error {
	at := now.Add(-time.Duration(r.IntN(max(1, c.period/2)*24)+2) * time.Hour)
	if c.overdue {
		at = now.AddDate(0, 0, -(c.period + 5 + r.IntN(20)))
	}
	oldest := now.AddDate(-2, 0, 0)
	var newest time.Time
	for k := 0; k < 12 && at.After(oldest); k++ {
		title := strings.NewReplacer("{city}", city, "{district}", district, "{year}", strconv.Itoa(at.Year()),
			"{month}", strconv.Itoa(int(at.Month())), "{n}", strconv.Itoa((int(at.Month())-1)/3+1)).Replace(c.titles[k%len(c.titles)])
		var body strings.Builder
		fmt.Fprintf(&body, "<p>%s</p>", demoParagraphs[0])
		for i := 1; i < 3+r.IntN(2); i++ {
			fmt.Fprintf(&body, "<p>%s</p>", demoParagraphs[(k+i)%len(demoParagraphs)])
		}
		summary := title + "。" + demoParagraphs[0]
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO cms_articles (column_id, site_org_id, state, title, summary, body_html, author_staff_id, reviewer_staff_id, version, publish_at, published_at, created_at, updated_at)
			VALUES ($1, $2, 'published', $3, $4, $5, $6, $7, 1, $8, $8, $9, $8) RETURNING id`,
			column, site, title, summary, body.String(), editor, reviewer, db.TS(at), db.TS(at.Add(-26*time.Hour))).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO cms_versions (article_id, version, title, body_html, staff_id, created_at) VALUES ($1, 1, $2, $3, $4, $5)`,
			id, title, body.String(), editor, db.TS(at.Add(-26*time.Hour))); err != nil {
			return err
		}
		for _, e := range []struct {
			action, from, to string
			staff            int64
			at               time.Time
		}{{"create", "", cms.Draft, editor, at.Add(-26 * time.Hour)}, {"submit", cms.Draft, cms.Review, editor, at.Add(-25 * time.Hour)}, {"approve", cms.Review, cms.Published, reviewer, at}} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO cms_events (article_id, action, from_state, to_state, staff_id, comment, at) VALUES ($1, $2, $3, $4, $5, '', $6)`,
				id, e.action, e.from, e.to, e.staff, db.TS(e.at)); err != nil {
				return err
			}
		}
		plain := strings.NewReplacer("<p>", "", "</p>", "\n").Replace(body.String())
		if err := ix.Put(ctx, tx, search.Doc{Kind: cms.SearchKind, Ref: strconv.FormatInt(id, 10), Title: title, Body: summary + "\n" + plain,
			URL: cms.ArticleURL(id), Facets: map[string]string{"site": strconv.FormatInt(site, 10), "col": strconv.FormatInt(column, 10)}}); err != nil {
			return err
		}
		if newest.IsZero() {
			newest = at
		}
		at = at.AddDate(0, 0, -c.period).Add(-time.Duration(r.IntN(48)) * time.Hour)
	}
	for _, col := range []int64{column, top} {
		if _, err := tx.ExecContext(ctx, `UPDATE cms_columns SET last_published_at = $1 WHERE id = $2 AND last_published_at < $1`, db.TS(newest), col); err != nil {
			return err
		}
	}
	return nil
}
