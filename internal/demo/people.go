package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/ids"
	"taxhall/internal/taxpayer"
)

var (
	surnames = []string{"陈", "林", "黄", "张", "李", "王", "吴", "刘", "蔡", "杨", "郑", "许", "洪", "庄", "苏", "叶"}
	given    = []string{"晓明", "丽华", "志强", "婷婷", "建国", "雅琪", "伟", "芳", "思远", "佳怡", "俊杰", "秀英", "明辉", "燕玲", "嘉欣", "国平"}
	brands   = []string{"鹭岛", "嘉禾", "鼓浪", "筼筜", "五缘", "环岛", "同安", "闽江", "榕城", "三坊", "鼓山", "马尾", "东街", "西湖", "金山", "屏山", "海峡", "丝路", "凤凰", "白鹭"}
	trades   = []struct{ word, industry string }{
		{"软件科技", "65"}, {"贸易", "51"}, {"餐饮管理", "62"}, {"建筑工程", "48"}, {"物流", "54"}, {"文化传媒", "86"},
		{"食品", "14"}, {"电子", "39"}, {"企业管理咨询", "72"}, {"医药", "27"}, {"家居", "21"}, {"机械设备", "34"},
		{"新能源科技", "44"}, {"旅行社", "72"}, {"超市", "52"}, {"房地产开发", "70"},
	}
)

func givenName(r *rand.Rand) string {
	return surnames[r.IntN(len(surnames))] + given[r.IntN(len(given))]
}

func mobile(r *rand.Rand) string {
	return fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
}

func (s *seeder) registeredAt() time.Time {
	return s.opt.Now.Add(-time.Duration(1+s.r.IntN(720*24)) * time.Hour)
}

// pendingSince moves the registration of a taxpayer still awaiting
// identification to two to eight weeks ago, the backlog a district's to-do
// list typically holds. It derives the time from reg instead of drawing
// again, so that every later random value (and so every demo login) stays.
func (s *seeder) pendingSince(reg time.Time) time.Time {
	h := int(s.opt.Now.Sub(reg) / time.Hour)
	return s.opt.Now.Add(-time.Duration(14*24+h%(42*24)) * time.Hour)
}

// enterprise i: the first ones are fixed (the README's logins); the rest
// spread over every district bureau.
func (s *seeder) enterprise(i int) error {
	bureau := s.areas[i%len(s.areas)]
	if i == 1 {
		bureau = s.areas[len(divisions.Areas("3502"))] // first Fuzhou district
	}
	city, _ := divisions.Lookup(bureau.DivisionCode[:4])
	trade := trades[(i*7)%len(trades)]
	name := fmt.Sprintf("%s%s%s有限公司", trimCity(city.Name), brands[i%len(brands)], trade.word)
	if i >= len(brands) {
		name = fmt.Sprintf("%s%s%s%s有限公司", trimCity(city.Name), brands[i%len(brands)], given[i%len(given)], trade.word)
	}
	rep := givenName(s.r)
	born := time.Date(1965+s.r.IntN(30), time.Month(1+s.r.IntN(12)), 1+s.r.IntN(28), 0, 0, 0, 0, time.UTC)
	reg := s.registeredAt()
	status := taxpayer.StatusActive
	if i%5 == 4 {
		status = taxpayer.StatusPending
		reg = s.pendingSince(reg)
	}
	t := &taxpayer.Taxpayer{
		Kind: taxpayer.Enterprise, Code: s.unique(func() string { return ids.GenerateUSCC(s.r, bureau.DivisionCode) }), Name: name,
		LegalRepName: rep, LegalRepID: ids.GenerateResidentID(s.r, bureau.DivisionCode, born, s.r.IntN(2) == 0),
		DivisionCode: bureau.DivisionCode, Address: fmt.Sprintf("%s%d号", streetOf(bureau.DivisionCode, i), 1+s.r.IntN(300)),
		IndustryCode: trade.industry, RegisteredCapitalFen: int64(10+s.r.IntN(990)) * 10_000_00,
		AccountingStandard: []string{"sbas", "sbas", "cas"}[i%3], Phone: mobile(s.r),
		Email: fmt.Sprintf("tax%03d@example.com", i+1), BureauID: bureau.ID, Status: status, RegisteredAt: reg,
	}
	if err := taxpayer.InsertTaxpayer(s.ctx, s.tx, s.opt.Now, t); err != nil {
		return err
	}
	users := []struct{ username, role string }{{"admin", auth.TPLegalRep}, {"caiwu", auth.TPFinance}, {"banshui", auth.TPClerk}}
	for j, u := range users {
		uname := rep
		if j > 0 {
			uname = givenName(s.r)
		}
		if _, err := taxpayer.InsertUser(s.ctx, s.tx, s.opt.Now, t.ID, u.username, uname, mobile(s.r), u.role, j == 0, s.opt.PasswordHash); err != nil {
			return err
		}
	}
	if i < 3 || (i%10 == 0 && i < 50) {
		s.res.Logins = append(s.res.Logins, Login{Who: "企业 " + name + "（" + t.StatusName() + "，主管：" + shortName(bureau.Name) + "）", Code: t.Code, Username: "admin"})
	}
	if status != taxpayer.StatusActive {
		return nil
	}
	start := reg.Format(db.DateLayout)
	vat := "vat_small"
	if t.RegisteredCapitalFen >= 500*10_000_00 {
		vat = "vat_general"
	}
	lines := [][2]string{{vat, map[string]string{"vat_small": taxpayer.Quarterly, "vat_general": taxpayer.Monthly}[vat]},
		{"cit", taxpayer.Quarterly}, {"iit_withholding", taxpayer.Monthly}, {"surcharges", taxpayer.Monthly}, {"social_insurance", taxpayer.Monthly}}
	if i%3 == 0 {
		lines = append(lines, [2]string{"property", taxpayer.Annual}, [2]string{"land_use", taxpayer.Annual})
	}
	if vat == "vat_small" {
		lines[3][1] = taxpayer.Quarterly
	}
	for _, l := range lines {
		if _, err := taxpayer.InsertIdentification(s.ctx, s.tx, reg.Add(48*time.Hour), t.ID, l[0], l[1], start, s.clerks[bureau.ID]); err != nil {
			return err
		}
	}
	return nil
}

func (s *seeder) individual(i int) error {
	bureau := s.areas[(i*3)%len(s.areas)]
	born := time.Date(1960+s.r.IntN(40), time.Month(1+s.r.IntN(12)), 1+s.r.IntN(28), 0, 0, 0, 0, time.UTC)
	name := givenName(s.r)
	status := taxpayer.StatusActive
	if i%4 == 3 {
		status = taxpayer.StatusPending
	}
	phone := mobile(s.r)
	t := &taxpayer.Taxpayer{
		Kind: taxpayer.Individual, Code: s.unique(func() string { return ids.GenerateResidentID(s.r, bureau.DivisionCode, born, i%2 == 0) }), Name: name,
		DivisionCode: bureau.DivisionCode, Address: fmt.Sprintf("%s%d号", streetOf(bureau.DivisionCode, i+3), 1+s.r.IntN(300)),
		Phone: phone, BureauID: bureau.ID, Status: status, RegisteredAt: s.registeredAt(),
	}
	if status == taxpayer.StatusPending {
		t.RegisteredAt = s.pendingSince(t.RegisteredAt)
	}
	if err := taxpayer.InsertTaxpayer(s.ctx, s.tx, s.opt.Now, t); err != nil {
		return err
	}
	if _, err := taxpayer.InsertUser(s.ctx, s.tx, s.opt.Now, t.ID, taxpayer.SelfUsername, name, phone, auth.TPLegalRep, true, s.opt.PasswordHash); err != nil {
		return err
	}
	if i == 0 {
		s.res.Logins = append(s.res.Logins, Login{Who: "自然人 " + name + "（主管：" + shortName(bureau.Name) + "，用户名留空）", Code: t.Code})
	}
	if status == taxpayer.StatusActive && i%2 == 0 {
		_, err := s.tx.ExecContext(s.ctx, `INSERT INTO tax_identifications (taxpayer_id, tax_type, period, start_date, created_by, created_at)
			VALUES ($1, 'property', 'year', $2, $3, $4)`, t.ID, t.RegisteredAt.Format(db.DateLayout), s.clerks[bureau.ID], db.TS(t.RegisteredAt))
		return err
	}
	return nil
}

func trimCity(name string) string {
	if r := []rune(name); len(r) > 1 && r[len(r)-1] == '市' {
		return string(r[:len(r)-1])
	}
	return name
}

var streets = map[string][]string{
	"3502": {"湖滨南路", "嘉禾路", "厦禾路", "仙岳路", "环岛东路", "软件园二期观日路", "海沧大道", "集美大道"},
	"3501": {"五四路", "八一七北路", "工业路", "华林路", "六一北路", "福马路", "江滨西大道", "乌山路"},
}

func streetOf(division string, i int) string {
	list := streets[division[:4]]
	a, _ := divisions.Area(division)
	return a.Name + list[i%len(list)]
}

// unique draws codes until one is new: random resident IDs collide within a
// few tens of thousands (same district, birthday and sequence number).
func (s *seeder) unique(gen func() string) string {
	for {
		c := gen()
		if !s.used[c] {
			s.used[c] = true
			return c
		}
	}
}
