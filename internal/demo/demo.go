// Package demo fills an empty database with a realistic hall to explore and
// test: the Fujian provincial bureau with the Xiamen and Fuzhou city bureaus
// and their district bureaus on the real division codes, staff of every
// role, and enterprise and individual taxpayers with users and tax-type
// identifications. The data is deterministic: the same seed gives the same
// codes, so the README can list logins.
package demo

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"taxhall/internal/banksim"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/org"
)

// Password is the password of every demo account.
const Password = "Xiamen@2026"

// Options size the demo.
type Options struct {
	Enterprises int
	Individuals int
	Now         time.Time
	// PasswordHash, when set, is stored for every account instead of hashing
	// Password (tests pass a cheap precomputed hash).
	PasswordHash string
	// Returns caps the returns that Bulk files (0: a full history).
	Returns int
	// TasksOpen and TasksDone add a city's workload (Tasks) after the
	// taxpayers: live applications with open tasks and finished tasks.
	TasksOpen, TasksDone int
	// Progress receives Bulk's progress lines (nil: none).
	Progress io.Writer
	// Applications files the demo's on-application items (Applications):
	// serve --demo and seed do; tests of other capabilities leave the
	// first enterprise's inbox and the staff pools empty.
	Applications bool
	// Bank, when set, receives the demo payments: the fixed enterprises
	// get a verified tripartite agreement and some paid items (Payments).
	Bank *banksim.Bank
}

// FixedMax is how many enterprises and how many individuals the seed makes
// one by one through the services (the README's logins among them); those
// beyond are written in bulk (Bulk).
const FixedMax = 50

// Login is one demo account, for the README and the seed command's output.
type Login struct {
	Who      string // Chinese description
	Code     string // taxpayer code, or "" for staff
	Username string // taxpayer username or staff number
}

// Result says what was created.
type Result struct {
	Seeded  bool // false when the database already had data
	Logins  []Login
	Returns int // returns filed by History
}

// Bureau names: district bureaus of a city are "国家税务总局厦门市思明区税务局",
// counties and county-level cities are named on their own.
func bureauName(cityName, areaName string) string {
	if strings.HasSuffix(areaName, "区") {
		return "国家税务总局" + cityName + areaName + "税务局"
	}
	return "国家税务总局" + areaName + "税务局"
}

// Seed fills an empty database; it does nothing when orgs already exist.
func Seed(ctx context.Context, d *db.DB, opt Options) (*Result, error) {
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 {
		return &Result{}, nil
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.PasswordHash == "" {
		opt.PasswordHash = auth.HashPassword(Password)
	}
	res := &Result{Seeded: true}
	fixed := opt
	fixed.Enterprises, fixed.Individuals = min(opt.Enterprises, FixedMax), min(opt.Individuals, FixedMax)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		// #nosec G404 -- a fixed seed on purpose: the demo (and the README's
		// logins) must be the same on every run; nothing here is a secret.
		s := &seeder{ctx: ctx, tx: tx, opt: fixed, r: rand.New(rand.NewPCG(2026, 11)), res: res, used: map[string]bool{}}
		return s.run()
	})
	if err != nil {
		return res, err
	}
	if _, err := Sources(ctx, d, opt.Now); err != nil {
		return res, err
	}
	if err := Interaction(ctx, d, opt.Now); err != nil {
		return res, err
	}
	if opt.Applications {
		if err := Applications(ctx, d, opt.Now); err != nil {
			return res, err
		}
	}
	if _, err := Knowledge(ctx, d, opt.Now); err != nil {
		return res, err
	}
	if res.Returns, err = History(ctx, d, opt.Now); err != nil {
		return res, err
	}
	if n, err := iitLastYear(ctx, d, opt.Now); err != nil {
		return res, err
	} else {
		res.Returns += n
	}
	if opt.Bank != nil {
		if err := Payments(ctx, d, opt.Now, opt.Bank); err != nil {
			return res, err
		}
	}
	if more, moreI := opt.Enterprises-fixed.Enterprises, opt.Individuals-fixed.Individuals; more+moreI > 0 {
		if opt.Returns > 0 {
			opt.Returns = max(opt.Returns-res.Returns, 1)
		}
		n, err := Bulk(ctx, d, opt, more, moreI)
		res.Returns += int(n)
		if err != nil {
			return res, err
		}
	}
	if opt.TasksOpen > 0 {
		t0 := time.Now()
		if err := Tasks(ctx, d, opt.Now, "X", opt.TasksOpen, opt.TasksDone); err != nil {
			return res, err
		}
		if opt.Progress != nil {
			fmt.Fprintf(opt.Progress, "  办理中的申请 %d（待办任务），已办结任务约 %d：%.1fs\n", opt.TasksOpen, opt.TasksDone, time.Since(t0).Seconds())
		}
	}
	return res, nil
}

type seeder struct {
	ctx    context.Context
	tx     *sql.Tx
	opt    Options
	r      *rand.Rand
	res    *Result
	areas  []*org.Org      // district bureaus, in order
	clerks map[int64]int64 // district bureau → its window clerk's staff id
	used   map[string]bool // taxpayer codes handed out
}

func (s *seeder) staff(o *org.Org, seq int, name string, roles ...string) (int64, error) {
	no := fmt.Sprintf("%s%02d", padDivision(o.DivisionCode), seq)
	id, err := org.InsertStaff(s.ctx, s.tx, s.opt.Now, o.ID, no, name, "0592-"+fmt.Sprintf("%07d", 2000000+int(o.ID)*10+seq), roles, s.opt.PasswordHash)
	if err != nil {
		return 0, err
	}
	var labels []string
	for _, r := range roles {
		labels = append(labels, auth.NameOf(auth.StaffRoles, r))
	}
	if seq <= 9 && (o.Level != org.District || strings.HasPrefix(o.DivisionCode, "3502") || o.DivisionCode == "350102") {
		s.res.Logins = append(s.res.Logins, Login{Who: shortName(o.Name) + " " + strings.Join(labels, "、") + " " + name, Username: no})
	}
	return id, nil
}

func padDivision(code string) string { return code + strings.Repeat("0", 6-len(code)) }

func shortName(n string) string { return strings.TrimPrefix(n, "国家税务总局") }

func (s *seeder) run() error {
	now := s.opt.Now
	prov, err := org.CreateRoot(s.ctx, s.tx, now, "35", "国家税务总局福建省税务局")
	if err != nil {
		return err
	}
	if _, err := s.staff(prov, 1, "郑立新", auth.RoleAdmin); err != nil {
		return err
	}
	s.clerks = map[int64]int64{}
	for _, c := range []struct{ code, addr string }{{"3502", "厦门市思明区"}, {"3501", "福州市鼓楼区"}} {
		cd, _ := divisions.Lookup(c.code)
		city, err := org.CreateChild(s.ctx, s.tx, now, prov, c.code, "国家税务总局"+cd.Name+"税务局", "", "12366")
		if err != nil {
			return err
		}
		staff := []struct {
			name  string
			roles []string
		}{
			{"林海峰", []string{auth.RoleAdmin}},
			{"陈雅琴", []string{auth.RoleHallSupervisor}},
			{"黄志明", []string{auth.Role12366Agent}},
			{"吴晓丽", []string{auth.RoleContentEditor}},
			{"许国强", []string{auth.RoleContentReviewer}},
			{"蔡文静", []string{auth.RoleRiskAnalyst}},
		}
		for i, st := range staff {
			if _, err := s.staff(city, i+1, st.name, st.roles...); err != nil {
				return err
			}
		}
		for _, a := range divisions.Areas(c.code) {
			if a.Name == "市辖区" {
				continue
			}
			dist, err := org.CreateChild(s.ctx, s.tx, now, city, a.Code, bureauName(cd.Name, a.Name), "", "12366")
			if err != nil {
				return err
			}
			s.areas = append(s.areas, dist)
			clerk, err := s.staff(dist, 1, givenName(s.r), auth.RoleWindowClerk)
			if err != nil {
				return err
			}
			s.clerks[dist.ID] = clerk
			if _, err := s.staff(dist, 2, givenName(s.r), auth.RoleReviewer); err != nil {
				return err
			}
			if _, err := s.staff(dist, 3, givenName(s.r), auth.RoleHallSupervisor); err != nil {
				return err
			}
		}
	}
	for i := range s.opt.Enterprises {
		if err := s.enterprise(i); err != nil {
			return err
		}
	}
	for i := range s.opt.Individuals {
		if err := s.individual(i); err != nil {
			return err
		}
	}
	return nil
}
