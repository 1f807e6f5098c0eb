package sif_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/forms"
	"taxhall/internal/ids"
	"taxhall/internal/returns"
	"taxhall/internal/rules"
	"taxhall/internal/sif"
	"taxhall/internal/taxpayer"
)

var now = time.Date(2026, 7, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func residentID(seq int) string {
	first := fmt.Sprintf("35020619900101%03d", seq)
	c, err := ids.ResidentIDCheckChar(first)
	if err != nil {
		panic(err)
	}
	return first + string(c)
}

var june = rules.Period{Start: calendar.MakeDate(2026, 6, 1), End: calendar.MakeDate(2026, 6, 30)}

// The worked example of June 2026 in Xiamen (base floor 4,500.00 and
// ceiling 22,500.00 yuan; pension 16% + 8%, medical 8% + 2%, unemployment
// 0.5% + 0.5%; work injury 0.2% for this employer): 社会保险法 第十二条、
// 第二十三条、第四十四条 and 国办发〔2019〕13号 (the parameters carry their
// sources, partly 待核实). 甲 earns 3,000.00 (raised to the floor), 乙
// 30,000.00 (lowered to the ceiling), 丙 8,000.55 (as is):
//
//	甲 4,500.00: 养老 720.00/360.00 医疗 360.00/90.00 失业 22.50/22.50 工伤 9.00
//	乙 22,500.00: 养老 3,600.00/1,800.00 医疗 1,800.00/450.00 失业 112.50/112.50 工伤 45.00
//	丙 8,000.55: 养老 1,280.09/640.04 医疗 640.04/160.01 失业 40.00/40.00 工伤 16.00
var example = []sif.Line{
	{EmployeeID: 1, ResidentID: residentID(1), Name: "陈甲", Wage: "3000"},
	{EmployeeID: 2, ResidentID: residentID(2), Name: "林乙", Wage: "30,000.00"},
	{EmployeeID: 3, ResidentID: residentID(3), Name: "王丙", Wage: "8000.55"},
}

var exampleCells = map[string]int64{
	"1.employer": 560009, "1.employee": 280004,
	"2.employer": 280004, "2.employee": 70001,
	"3.employer": 17500, "3.employee": 17500,
	"4.employer": 7000, "5.employer": 0,
	"6.employer": 864513, "6.employee": 367505,
	"7": 1232018,
}

func run(t *testing.T, d *sif.Detail, extra any) (forms.Output, error) {
	t.Helper()
	return sif.Form.Run(forms.Input{Period: june, Extra: extra}, map[string]string{forms.DetailKey: sif.EncodeDetail(d)})
}

func TestWorkedExample(t *testing.T) {
	out, err := run(t, &sif.Detail{InjuryRate: "0.2", Lines: example}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range exampleCells {
		if out.Values[k] != want {
			t.Errorf("cell %s = %d, want %d", k, out.Values[k], want)
		}
	}
	if out.TaxDue != 1232018 {
		t.Errorf("due %d", out.TaxDue)
	}
	res := out.Detail.([]sif.Result)
	var employer, employee int64
	for _, r := range res {
		employer += r.Employer
		employee += r.Employee
	}
	if employer != out.Values["6.employer"] || employee != out.Values["6.employee"] {
		t.Errorf("lines sum to %d/%d, summary %d/%d", employer, employee, out.Values["6.employer"], out.Values["6.employee"])
	}
	if res[0].Employer != 111150 || res[0].Employee != 47250 || res[1].Employer != 555750 || res[2].Employee != 84005 {
		t.Errorf("per employee: %+v", res)
	}
	notes := strings.Join(out.Notes, "\n")
	for _, want := range []string{"参保人数 3 人", "陈甲（缴费工资 3,000.00 元）：缴费基数按下限 4,500.00 元计算。",
		"林乙（缴费工资 30,000.00 元）：缴费基数按上限 22,500.00 元计算。"} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	if strings.Contains(notes, "王丙") {
		t.Errorf("a wage within the limits has a note:\n%s", notes)
	}
}

func TestMessages(t *testing.T) {
	roster := &sif.Extra{Employees: []sif.Employee{{1, residentID(1), "陈甲"}, {2, residentID(2), "林乙"}}}
	cases := []struct {
		name string
		d    sif.Detail
		want map[string]string
	}{
		{"bad wage", sif.Detail{InjuryRate: "0.2", Lines: []sif.Line{{1, residentID(1), "陈甲", "3千"}, {2, residentID(2), "林乙", "0"}}},
			map[string]string{"wage.1": "陈甲的缴费工资：金额格式不正确", "wage.2": "应大于 0"}},
		{"no rate", sif.Detail{Lines: []sif.Line{{1, residentID(1), "陈甲", "3000"}}}, map[string]string{"injury_rate": "请填写本单位的工伤保险费率"}},
		{"rate too high", sif.Detail{InjuryRate: "3", Lines: []sif.Line{{1, residentID(1), "陈甲", "3000"}}}, map[string]string{"injury_rate": "0.20%–2.85%"}},
		{"nobody", sif.Detail{InjuryRate: "0.2", Lines: []sif.Line{{1, residentID(1), "陈甲", ""}}}, map[string]string{"_detail": "请至少填写一名职工"}},
		{"not on the roster", sif.Detail{InjuryRate: "0.2", Lines: []sif.Line{{3, residentID(3), "王丙", "3000"}}}, map[string]string{"wage.3": "不在本月的员工花名册中"}},
		{"twice", sif.Detail{InjuryRate: "0.2", Lines: []sif.Line{{1, residentID(1), "陈甲", "3000"}, {1, residentID(1), "陈甲", "3000"}}}, map[string]string{"wage.1": "重复申报"}},
	}
	for _, c := range cases {
		_, err := run(t, &c.d, roster)
		e := apperr.As(err)
		if err == nil || e.Code != apperr.Invalid {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for k, want := range c.want {
			if !strings.Contains(e.Fields[k], want) {
				t.Errorf("%s: %s = %q, want %q (all %v)", c.name, k, e.Fields[k], want, e.Fields)
			}
		}
	}
	// A month without parameters says so rather than guessing.
	_, err := sif.Form.Run(forms.Input{Period: rules.Period{Start: calendar.MakeDate(2030, 1, 1), End: calendar.MakeDate(2030, 1, 31)}},
		map[string]string{forms.DetailKey: sif.EncodeDetail(&sif.Detail{InjuryRate: "0.2", Lines: example})})
	if e := apperr.As(err); err == nil || !strings.Contains(e.Fields[forms.DetailKey], "2030年1月的厦门市社会保险费缴费基数和费率尚未录入") {
		t.Errorf("2030: %v", err)
	}
}

// The worked example filed through the store on both databases: the
// roster (hired 2026-03, one who left in May is not offered) is the
// loader's, the canonical document keeps the lines, and July is prefilled
// from June.
func TestFileThroughStore(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 1, Now: now.Add(-time.Hour), PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		var bureau, staff int64
		if err := d.QueryRowContext(ctx, `SELECT o.id, s.id FROM orgs o JOIN staff s ON s.org_id = o.id WHERE s.staff_no = '35020301'`).Scan(&bureau, &staff); err != nil {
			t.Fatal(err)
		}
		tp := &taxpayer.Taxpayer{Kind: taxpayer.Enterprise, Code: "91350203SIF0000001", Name: "社保测试有限公司", DivisionCode: "350203",
			Address: "测试路1号", BureauID: bureau, Status: taxpayer.StatusActive, RegisteredAt: now.AddDate(-3, 0, 0)}
		if err := taxpayer.InsertTaxpayer(ctx, d, now, tp); err != nil {
			t.Fatal(err)
		}
		user, err := taxpayer.InsertUser(ctx, d, now, tp.ID, "admin", "林会计", "13800000000", auth.TPLegalRep, true, "x")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := taxpayer.InsertIdentification(ctx, d, now, tp.ID, "social_insurance", taxpayer.Monthly, "2025-01-01", staff); err != nil {
			t.Fatal(err)
		}
		emp := map[string]int64{}
		for i, e := range []struct{ name, left string }{{"陈甲", ""}, {"林乙", ""}, {"王丙", ""}, {"赵丁", "2026-05-31"}} {
			var left any
			if e.left != "" {
				left = e.left
			}
			var id int64
			if err := d.QueryRowContext(ctx, `INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, left_on, created_at)
				VALUES ($1, $2, $3, '2026-03-01', $4, $5) RETURNING id`, tp.ID, residentID(i+1), e.name, left, db.TS(now)).Scan(&id); err != nil {
				t.Fatal(err)
			}
			emp[e.name] = id
		}
		clock := now
		rs := &returns.Service{DB: d, Now: func() time.Time { return clock }, Taxpayers: &taxpayer.Service{DB: d, Now: func() time.Time { return clock }},
			Calendar: returns.DefaultDeadlines()}
		actx := auth.WithActor(ctx, &auth.Actor{Kind: auth.Taxpayer, UserID: user, Name: "林会计", TaxpayerID: tp.ID, TaxpayerCode: tp.Code,
			TaxpayerName: tp.Name, TaxpayerKind: taxpayer.Enterprise, Role: auth.TPLegalRep, Admin: true})

		sh, err := rs.Open(actx, sif.FormCode, "2026-06")
		if err != nil {
			t.Fatal(err)
		}
		x := sh.Extra.(*sif.Extra)
		if len(x.Employees) != 3 || x.Previous != nil || x.More {
			t.Fatalf("June's roster: %+v", x)
		}
		lines := make([]sif.Line, len(example))
		for i, l := range example {
			l.EmployeeID = emp[l.Name]
			lines[i] = l
		}
		detail := sif.EncodeDetail(&sif.Detail{InjuryRate: "0.20", Lines: lines})
		sub, err := rs.Submit(actx, sif.FormCode, "2026-06", map[string]string{forms.DetailKey: detail}, returns.NewKey(), 0, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rs.Get(actx, sub.Return.ID)
		if err != nil {
			t.Fatal(err)
		}
		v := got.Values()
		for k, want := range exampleCells {
			if v[k] != want {
				t.Errorf("stored cell %s = %d, want %d", k, v[k], want)
			}
		}
		res, err := sif.DetailOf(got.Doc.Detail)
		if err != nil || len(res) != 3 {
			t.Fatalf("stored detail: %v %v", res, err)
		}
		var employer, employee int64
		for _, r := range res {
			employer += r.Employer
			employee += r.Employee
		}
		if employer+employee != v["7"] || res[0].Lines[0].Clamped != "floor" || res[1].Lines[0].Base != 2_250_000 {
			t.Errorf("lines %d+%d, summary %d; %+v", employer, employee, v["7"], res)
		}

		// July: the same three are offered, prefilled from June.
		clock = time.Date(2026, 8, 3, 10, 0, 0, 0, now.Location())
		sh, err = rs.Open(actx, sif.FormCode, "2026-07")
		if err != nil {
			t.Fatal(err)
		}
		x = sh.Extra.(*sif.Extra)
		if x.Previous == nil || x.Previous.InjuryRate != "0.20" || len(x.Previous.Lines) != 3 || x.Previous.Lines[1].Wage != "30,000.00" {
			b, _ := json.Marshal(x.Previous)
			t.Errorf("July's previous: %s", b)
		}
	})
}
