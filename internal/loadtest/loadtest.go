// Package loadtest drives a running `taxhall serve` with the pages people
// open most: a taxpayer's hall and return history, a district clerk's and
// the province's taxpayer lists (and the clerks' filing board when the
// server has it). It logs in real demo accounts through the login forms
// (it reads which ones from the same database), runs a fixed number of
// workers for a bounded time and number of requests, and reports p50/p95/
// p99 and requests per second for each page. It only talks to loopback
// addresses.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"taxhall/internal/db"
	"taxhall/internal/demo"
)

// Options configure a run.
type Options struct {
	Target    string        // base URL of the hall, on a loopback address
	DSN       string        // the hall's database, to choose the accounts
	Workers   int           // concurrent workers
	Duration  time.Duration // stop after this long
	Requests  int           // or after this many requests
	Taxpayers int           // taxpayer accounts to log in
	Clerks    int           // district clerks to log in
	// Scenario chooses the pages: "filing" (the hall, the taxpayer list,
	// the filing board), "workflow" (a window clerk's task pool, the
	// district and city supervisors' boards, a taxpayer's applications:
	// seed with --tasks-open) or "all".
	Scenario string
	Out      io.Writer
}

// user is a logged-in account with its own cookies.
type user struct {
	who    string
	client *http.Client
}

// step is one kind of request.
type step struct {
	name string
	path string
	as   func(r *rand.Rand) *user
}

// Run logs in, runs the workers and prints the report.
func Run(ctx context.Context, opt Options) error {
	out := opt.Out
	u, err := url.Parse(opt.Target)
	if err != nil || u.Host == "" {
		return fmt.Errorf("target %q is not a URL", opt.Target)
	}
	if !loopback(u.Hostname()) {
		return fmt.Errorf("target %s is not a loopback address: the load test only runs against a hall on this machine", u.Hostname())
	}
	base := strings.TrimSuffix(opt.Target, "/")
	d, err := db.Open(ctx, opt.DSN)
	if err != nil {
		return err
	}
	tps, clerks, province, err := accounts(ctx, d, opt.Taxpayers, opt.Clerks)
	cityNo, cityErr := cityAdmin(ctx, d)
	_ = d.Close()
	if err != nil {
		return err
	}
	transport := &http.Transport{MaxIdleConnsPerHost: opt.Workers * 2, MaxConnsPerHost: opt.Workers * 2}
	login := func(path string, form url.Values, who string) (*user, error) {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: transport, Timeout: 30 * time.Second}
		res, err := c.PostForm(base+path, form)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK || strings.HasSuffix(res.Request.URL.Path, "login") {
			return nil, fmt.Errorf("login %s: status %d at %s", who, res.StatusCode, res.Request.URL.Path)
		}
		return &user{who: who, client: c}, nil
	}
	t0 := time.Now()
	var tpUsers, clerkUsers []*user
	for _, a := range tps {
		x, err := login("/login", url.Values{"code": {a[0]}, "username": {a[1]}, "password": {demo.Password}}, a[0])
		if err != nil {
			return err
		}
		tpUsers = append(tpUsers, x)
	}
	for _, no := range clerks {
		x, err := login("/staff/login", url.Values{"staff_no": {no}, "password": {demo.Password}}, no)
		if err != nil {
			return err
		}
		clerkUsers = append(clerkUsers, x)
	}
	prov, err := login("/staff/login", url.Values{"staff_no": {province}, "password": {demo.Password}}, province)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已登录 %d 个纳税人、%d 个区县税务人员和省局 %s（%.1f 秒）\n", len(tpUsers), len(clerkUsers), province, time.Since(t0).Seconds())

	anyTP := func(r *rand.Rand) *user { return tpUsers[r.IntN(len(tpUsers))] }
	anyClerk := func(r *rand.Rand) *user { return clerkUsers[r.IntN(len(clerkUsers))] }
	theProvince := func(*rand.Rand) *user { return prov }
	var steps []step
	if opt.Scenario == "workflow" || opt.Scenario == "all" {
		wf, err := workflowSteps(ctx, opt, login)
		if err != nil {
			return err
		}
		steps = append(steps, wf...)
	}
	if opt.Scenario == "workflow" {
		return measure(ctx, opt, base, steps)
	}
	steps = append(steps, []step{
		{"纳税人 /hall", "/hall", anyTP},
		{"纳税人 /hall/returns", "/hall/returns", anyTP},
		{"区县 /staff/taxpayers", "/staff/taxpayers", anyClerk},
		{"区县 /staff/taxpayers?status=pending", "/staff/taxpayers?status=pending", anyClerk},
		{"省局 /staff/taxpayers", "/staff/taxpayers", theProvince},
		{"省局 /staff/taxpayers?kind=individual", "/staff/taxpayers?kind=individual", theProvince},
	}...)
	// The clerks' filing board (/staff/filing) joins the mix when the
	// server has it.
	if status(clerkUsers[0].client, base+"/staff/filing") == http.StatusOK {
		steps = append(steps, step{"区县 /staff/filing", "/staff/filing", anyClerk})
		// The not-filed list of a city's subtree and of the whole province.
		if cityErr == nil {
			city, err := login("/staff/login", url.Values{"staff_no": {cityNo}, "password": {demo.Password}}, cityNo)
			if err != nil {
				return err
			}
			steps = append(steps, step{"市局 /staff/filing", "/staff/filing", func(*rand.Rand) *user { return city }})
		}
		steps = append(steps, step{"省局 /staff/filing", "/staff/filing", theProvince})
	} else {
		fmt.Fprintln(out, "（服务器没有 /staff/filing，未纳入）")
	}
	// A second page of each list: the next link of its first page.
	for _, s := range steps {
		if strings.HasPrefix(s.path, "/staff/taxpayers") || strings.HasPrefix(s.path, "/staff/filing") {
			if next := nextLink(s.as(rand.New(rand.NewPCG(1, 1))).client, base+s.path); next != "" { // #nosec G404 -- choosing an account, not a secret
				steps = append(steps, step{s.name + " 下一页", next, s.as})
			}
		}
	}

	return measure(ctx, opt, base, steps)
}

// measure runs the workers over the steps and prints the report.
func measure(ctx context.Context, opt Options, base string, steps []step) error {
	out := opt.Out
	ctx, cancel := context.WithTimeout(ctx, opt.Duration)
	defer cancel()
	type sample struct {
		step int
		dur  time.Duration
		err  bool
	}
	results := make([][]sample, opt.Workers)
	var mu sync.Mutex
	issued := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 2026)) // #nosec G404 G115 -- picking pages, not a secret; w counts workers from 0
			for ctx.Err() == nil {
				mu.Lock()
				if issued >= opt.Requests {
					mu.Unlock()
					return
				}
				issued++
				mu.Unlock()
				i := r.IntN(len(steps))
				s := steps[i]
				t := time.Now()
				code := status(s.as(r).client, base+s.path)
				if ctx.Err() != nil && code == 0 {
					return // cut off by the deadline
				}
				results[w] = append(results[w], sample{i, time.Since(t), code != http.StatusOK})
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	per := make([][]time.Duration, len(steps))
	errs := make([]int, len(steps))
	var all []time.Duration
	for _, rs := range results {
		for _, s := range rs {
			per[s.step] = append(per[s.step], s.dur)
			all = append(all, s.dur)
			if s.err {
				errs[s.step]++
			}
		}
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "页面\t请求\t失败\tp50\tp95\tp99\t最长")
	for i, s := range steps {
		p50, p95, p99, mx := quantiles(per[i])
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", s.name, len(per[i]), errs[i], ms(p50), ms(p95), ms(p99), ms(mx))
	}
	p50, p95, p99, mx := quantiles(all)
	fmt.Fprintf(tw, "全部\t%d\t%d\t%s\t%s\t%s\t%s\n", len(all), sum(errs), ms(p50), ms(p95), ms(p99), ms(mx))
	_ = tw.Flush()
	fmt.Fprintf(out, "%d 个并发，%.1f 秒，%.0f 次请求/秒\n", opt.Workers, elapsed.Seconds(), float64(len(all))/elapsed.Seconds())
	if n := sum(errs); n > 0 {
		return fmt.Errorf("%d 次请求失败", n)
	}
	return nil
}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func quantiles(ds []time.Duration) (p50, p95, p99, mx time.Duration) {
	if len(ds) == 0 {
		return
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.95), at(0.99), s[len(s)-1]
}

// status GETs a page and returns its status (0 when the request failed).
func status(c *http.Client, u string) int {
	res, err := c.Get(u)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode
}

// nextLink reads the rel="next" link of a list page.
func nextLink(c *http.Client, u string) string {
	res, err := c.Get(u)
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<20))
	page := string(b)
	i := strings.Index(page, `rel="next"`)
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(page[:i], `href="`)
	if j < 0 {
		return ""
	}
	link, _, _ := strings.Cut(page[j+len(`href="`):], `"`)
	return strings.ReplaceAll(link, "&amp;", "&")
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// accounts chooses n active taxpayers that have filed, spread over the
// register, the district window clerks and the province's administrator.
func accounts(ctx context.Context, d *db.DB, n, clerks int) (tps [][2]string, staff []string, province string, err error) {
	var lo, hi int64
	if err := d.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM taxpayers`).Scan(&lo, &hi); err != nil {
		return nil, nil, "", err
	}
	r := rand.New(rand.NewPCG(7, 7)) // #nosec G404 -- choosing accounts, not a secret
	seen := map[string]bool{}
	for tries := 0; len(tps) < n && tries < n*50 && hi > 0; tries++ {
		from := lo + r.Int64N(hi-lo+1)
		var code, username string
		err := d.QueryRowContext(ctx, `SELECT t.code, u.username FROM taxpayers t JOIN taxpayer_users u ON u.taxpayer_id = t.id AND u.is_admin = 1
			WHERE t.id >= $1 AND t.status = 'active' AND EXISTS (SELECT 1 FROM returns r WHERE r.taxpayer_id = t.id)
			ORDER BY t.id LIMIT 1`, from).Scan(&code, &username)
		if err != nil || seen[code] {
			continue
		}
		seen[code] = true
		tps = append(tps, [2]string{code, username})
	}
	if len(tps) == 0 {
		return nil, nil, "", errors.New("no active taxpayer with returns: seed the database first (taxhall seed)")
	}
	staff, err = db.Query(ctx, d, func(sc db.Scanner) (string, error) { var s string; return s, sc.Scan(&s) },
		`SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id WHERE o.level = 'district' AND s.roles = 'window_clerk' AND s.active = 1
		ORDER BY o.id LIMIT $1`, clerks)
	if err != nil || len(staff) == 0 {
		return nil, nil, "", fmt.Errorf("no district window clerks: %v", err)
	}
	err = d.QueryRowContext(ctx, `SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id WHERE o.level = 'province' AND s.active = 1
		ORDER BY s.id LIMIT 1`).Scan(&province)
	return tps, staff, province, err
}

// cityAdmin is the administrator of the Xiamen city bureau (or of another
// city when the register has no Xiamen): a city subtree's filing board.
func cityAdmin(ctx context.Context, d *db.DB) (string, error) {
	var no string
	err := d.QueryRowContext(ctx, `SELECT s.staff_no FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE o.level = 'city' AND s.roles = 'admin' AND s.active = 1 ORDER BY o.division_code = '3502' DESC, o.id LIMIT 1`).Scan(&no)
	return no, err
}
