package loadtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"

	"taxhall/internal/db"
	"taxhall/internal/demo"
)

// workflowSteps are issue 10's pages at a deadline: the Xiamen district
// window clerks' task pool (first page and the next), the district
// supervisors' and the city supervisor's boards, and the application list
// of taxpayers with many applications (seed them with --tasks-open).
func workflowSteps(ctx context.Context, opt Options, login func(path string, form url.Values, who string) (*user, error)) ([]step, error) {
	d, err := db.Open(ctx, opt.DSN)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	col := func(q string, args ...any) ([]string, error) {
		return db.Query(ctx, d, func(sc db.Scanner) (string, error) { var s string; return s, sc.Scan(&s) }, q, args...)
	}
	// Staff of the Xiamen district bureaus by role (one role each in the
	// demo), and the city's supervisor.
	xiamen := `(SELECT path FROM orgs WHERE division_code = '3502') || '%'`
	clerks, err := col(`SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE o.level = 'district' AND o.path LIKE `+xiamen+` AND s.roles = 'window_clerk' AND s.active = 1 ORDER BY o.id LIMIT $1`, max(1, opt.Clerks))
	if err != nil {
		return nil, err
	}
	sups, err := col(`SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE o.level = 'district' AND o.path LIKE `+xiamen+` AND s.roles = 'hall_supervisor' AND s.active = 1 ORDER BY o.id LIMIT $1`, max(1, opt.Clerks))
	if err != nil {
		return nil, err
	}
	city, err := col(`SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE o.division_code = '3502' AND s.roles = 'hall_supervisor' AND s.active = 1 ORDER BY s.id LIMIT 1`)
	if err != nil {
		return nil, err
	}
	// Taxpayers with applications: the seeded ones ("S…"), at evenly
	// spread application numbers.
	var n int64
	if err := d.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM applications`).Scan(&n); err != nil {
		return nil, err
	}
	var tps [][2]string
	seen := map[string]bool{}
	for i := int64(1); i <= int64(max(1, opt.Taxpayers)) && n > 0; i++ {
		var code, username string
		err := d.QueryRowContext(ctx, `SELECT t.code, u.username FROM applications a JOIN taxpayers t ON t.id = a.taxpayer_id
			JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.is_admin = 1
			WHERE a.id >= $1 ORDER BY a.id LIMIT 1`, n*i/int64(opt.Taxpayers+1)).Scan(&code, &username)
		if err != nil || seen[code] {
			continue
		}
		seen[code] = true
		tps = append(tps, [2]string{code, username})
	}
	if len(clerks) == 0 || len(sups) == 0 || len(city) == 0 || len(tps) == 0 {
		return nil, errors.New("no Xiamen clerks, supervisors or applications: seed the database first (taxhall seed --tasks-open N)")
	}
	staffLogin := func(nos []string) ([]*user, error) {
		var out []*user
		for _, no := range nos {
			u, err := login("/staff/login", url.Values{"staff_no": {no}, "password": {demo.Password}}, no)
			if err != nil {
				return nil, err
			}
			out = append(out, u)
		}
		return out, nil
	}
	clerkUsers, err := staffLogin(clerks)
	if err != nil {
		return nil, err
	}
	supUsers, err := staffLogin(sups)
	if err != nil {
		return nil, err
	}
	cityUsers, err := staffLogin(city)
	if err != nil {
		return nil, err
	}
	var tpUsers []*user
	for _, a := range tps {
		u, err := login("/login", url.Values{"code": {a[0]}, "username": {a[1]}, "password": {demo.Password}}, a[0])
		if err != nil {
			return nil, err
		}
		tpUsers = append(tpUsers, u)
	}
	fmt.Fprintf(opt.Out, "办理流程：已登录厦门区县受理人员 %d、区县值班长 %d、市局值班长 %s、有申请的纳税人 %d\n", len(clerkUsers), len(supUsers), city[0], len(tpUsers))
	one := func(us []*user) func(r *rand.Rand) *user {
		return func(r *rand.Rand) *user { return us[r.IntN(len(us))] }
	}
	steps := []step{
		{"区县受理 /staff/tasks", "/staff/tasks", one(clerkUsers)},
		{"区县值班长 /staff/board", "/staff/board", one(supUsers)},
		{"市局值班长 /staff/board", "/staff/board", one(cityUsers)},
		{"纳税人 /hall/applications", "/hall/applications", one(tpUsers)},
	}
	for _, s := range []step{steps[0], steps[3]} {
		u := s.as(rand.New(rand.NewPCG(1, 1))) // #nosec G404 -- choosing an account, not a secret
		if code := status(u.client, opt.Target+s.path); code != http.StatusOK {
			return nil, fmt.Errorf("%s: status %d", s.path, code)
		}
		if next := nextLink(u.client, strings.TrimSuffix(opt.Target, "/")+s.path); next != "" {
			steps = append(steps, step{s.name + " 下一页", next, func(*rand.Rand) *user { return u }})
		}
	}
	return steps, nil
}
