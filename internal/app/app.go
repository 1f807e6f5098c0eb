package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"taxhall/internal/certs"
	"taxhall/internal/iitannual"
	"taxhall/internal/iitrecords"
	"taxhall/internal/pdfdoc"
	"taxhall/internal/uploads"
	"taxhall/internal/workflow"
	"time"

	"taxhall/internal/api"
	"taxhall/internal/appoint"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/complaints"
	"taxhall/internal/consult"
	"taxhall/internal/db"
	"taxhall/internal/demo"
	"taxhall/internal/filingcal"
	"taxhall/internal/httpx"
	"taxhall/internal/iitw"
	"taxhall/internal/jobs"
	"taxhall/internal/laws"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/notify/daily"
	"taxhall/internal/obs"
	"taxhall/internal/org"
	"taxhall/internal/payment"
	"taxhall/internal/returns"
	"taxhall/internal/search"
	"taxhall/internal/stats"
	"taxhall/internal/survey"
	"taxhall/internal/taxpayer"
	"taxhall/internal/taxsource"
	"taxhall/internal/training"
	"taxhall/internal/web"
)

// China has had one offset and no daylight saving since 1991: a fixed zone
// avoids depending on the system's tz database.
var shanghai = time.FixedZone("CST", 8*3600)

// Now is the service clock.
func Now() time.Time { return time.Now().In(shanghai) }

// App is a running configuration: an open database and the HTTP handler.
type App struct {
	Config  *Config
	Log     *slog.Logger
	DB      *db.DB
	Handler http.Handler
	// Metrics serves /metrics on Config.MetricsAddr when that is set.
	Metrics http.Handler
	Laws    *laws.Service // the regulation library, for import-laws and the demo's import
	CMS     *cms.Service  // the bureau sites, for the publishing and reminder jobs
	Site    *web.Server   // the pages: its cache watches the content, its statistics flush
	// Runner runs the background jobs (payment reconciliation, statement
	// imports) while Serve runs; Payments is the payment service.
	Runner   *jobs.Runner
	Payments *payment.Service
	// Daily enqueues the day's reminder run (notify/daily) while Serve runs.
	Daily *daily.Scheduler
	// NotFiled keeps the clerks' not-filed set (returns/notfiled_jobs.go).
	NotFiled *returns.NotFiledJobs
}

// NewLogger builds the slog logger of the configuration.
func NewLogger(c *Config, w io.Writer) *slog.Logger {
	var level slog.Level
	badLevel := level.UnmarshalText([]byte(c.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	var log *slog.Logger
	if c.LogFormat == "json" {
		log = slog.New(slog.NewJSONHandler(w, opts))
	} else {
		log = slog.New(slog.NewTextHandler(w, opts))
	}
	if badLevel != nil {
		log.Warn("unknown log level, logging at INFO", "log_level", c.LogLevel)
	}
	return log
}

// Open connects to the database and applies migrations.
func Open(ctx context.Context, c *Config, log *slog.Logger) (*db.DB, error) {
	d, err := db.Open(ctx, c.DSN)
	if err != nil {
		return nil, err
	}
	n, err := d.Migrate(ctx)
	if err != nil {
		_ = d.Close() // the migration error is the one to report
		return nil, err
	}
	if n > 0 {
		log.Info("migrations applied", "count", n, "dialect", d.Dialect)
	}
	return d, nil
}

// SeedDemo fills an empty database with the demo hall and prints its logins.
func SeedDemo(ctx context.Context, d *db.DB, c *Config, out io.Writer) error {
	start := time.Now()
	res, err := demo.Seed(ctx, d, demo.Options{Enterprises: c.Enterprises, Individuals: c.Individuals, Returns: c.Returns, TasksOpen: c.TasksOpen, TasksDone: c.TasksDone, Now: Now(), Progress: out, Bank: seedBank(c), Applications: true})
	if err != nil {
		return err
	}
	if res.Seeded {
		fmt.Fprintf(out, "用时 %.1f 秒：纳税人 %d，申报 %d。\n", time.Since(start).Seconds(), c.Enterprises+c.Individuals, res.Returns)
	}
	if !res.Seeded {
		fmt.Fprintln(out, "数据库已有数据，未重复生成演示数据。")
		return nil
	}
	fmt.Fprintf(out, "已生成演示数据。所有演示账户的密码均为 %s\n", demo.Password)
	for _, l := range res.Logins {
		if l.Code != "" {
			fmt.Fprintf(out, "  纳税人  识别号 %-20s 用户名 %-8s %s\n", l.Code, l.Username, l.Who)
		} else {
			fmt.Fprintf(out, "  税务人员 工号 %-10s %s\n", l.Username, l.Who)
		}
	}
	return nil
}

// New builds the services and the HTTP handler over an open database.
func New(c *Config, log *slog.Logger, d *db.DB) (*App, error) {
	authSvc := auth.NewService(d, Now)
	orgs := &org.Service{DB: d, Now: Now}
	taxpayers := &taxpayer.Service{DB: d, Now: Now}
	filings := &returns.Service{DB: d, Now: Now, Taxpayers: taxpayers}
	employees := &iitw.Roster{DB: d, Now: Now}
	sources := &taxsource.Service{DB: d, Now: Now}
	inbox := &messages.Service{DB: d, Now: Now}
	filingCalendar := &filingcal.Service{DB: d, Now: Now}
	filings.Calendar = filingCalendar
	baseURL := c.BaseURL
	if baseURL == "" {
		baseURL = "http://" + c.Addr
	}
	certificates := &certs.Service{DB: d, Now: Now, BaseURL: baseURL, Renderer: &pdfdoc.Renderer{FontPath: c.CJKFont}}
	if c.CJKFont == "" {
		if font, err := pdfdoc.FindFont(""); err == nil {
			certificates.Renderer.FontPath = font
		} else {
			log.Warn("no CJK font: PDF certificates cannot be downloaded until fonts-lxgw-wenkai is installed or TAXHALL_CJK_FONT is set")
		}
	}
	iitRecords := &iitrecords.Service{DB: d, Now: Now, Certs: certificates}
	iitAnnual := &iitannual.Service{DB: d}
	appointments := &appoint.Service{DB: d, Now: Now, Cal: filingCalendar}
	cases := &complaints.Service{DB: d, Now: Now, Cal: filingCalendar}
	queue := &consult.Service{DB: d, Now: Now, Cal: filingCalendar, Index: search.New(d)} // Notifier: the e-mail/SMS outbox, when it exists
	flow := &workflow.Service{DB: d, Now: Now, Calendar: filingCalendar, Returns: filings, Taxpayers: taxpayers}
	surveys := &survey.Service{DB: d, Now: Now}
	payments := &payment.Service{DB: d, Now: Now, Log: log, RetryDelay: c.PaymentRetry}
	payments.OnRefundRequest = workflow.OpenOverpaidRefund // a refund request opens its application
	if c.BankURL != "" {
		payments.Bank = &payment.HTTPBank{BaseURL: c.BankURL}
	}
	runner := &jobs.Runner{DB: d, Log: log}
	if c.PaymentRetry > 0 && c.PaymentRetry < time.Second {
		// A drill (the crash test): retries and the lease of a job whose
		// node died are as quick.
		payments.Backoff = func(int) time.Duration { return c.PaymentRetry }
		runner.Lease, runner.Poll = 5*time.Second, c.PaymentRetry
	}
	payments.Register(runner)
	outbox := &notify.Outbox{DB: d, Now: Now, Log: log, SMS: &notify.TableGateway{DB: d, Now: Now}, BaseURL: baseURL}
	if c.SMTPAddr != "" {
		outbox.Mailer = &notify.SMTP{Addr: c.SMTPAddr, User: c.SMTPUser, Password: c.SMTPPassword, From: c.SMTPFrom, Mode: c.SMTPTLS}
	}
	outbox.Register(runner)
	queue.Notifier = outbox // 12366 answers to phone and e-mail askers
	scheduler := &daily.Scheduler{DB: d, Now: Now, Cal: filingCalendar, Log: log}
	scheduler.Register(runner)
	notFiled := &returns.NotFiledJobs{DB: d, Now: Now, Log: log} // the clerks' not-filed set
	notFiled.Register(runner)
	certificates.Paid = paidSource(payments) // 完税证明 from paid items (certpay.go)
	site, err := web.New(web.Server{DB: d, Auth: authSvc, Orgs: orgs, Taxpayers: taxpayers, Returns: filings, Employees: employees, Sources: sources,
		Messages: inbox, Calendar: filingCalendar, Payments: payments, Log: log, SecureCookies: c.SecureCookies,
		Appoint: appointments, Complaints: cases, Consult: queue, Survey: surveys, Training: &training.Service{DB: d, Now: Now},
		Certs: certificates, IITRecords: iitRecords, IITAnnual: iitAnnual})
	if err != nil {
		return nil, err
	}
	searchIndex := search.New(d)
	library := &laws.Service{DB: d, Index: searchIndex, Now: Now}
	site.Search, site.Laws = searchIndex, library
	content := &cms.Service{DB: d, Index: searchIndex, Now: Now}
	content.RegisterJobs(runner) // policy notices (cms.policy)
	site.CMS = content
	site.Stats = stats.New(d, Now)
	// The guides are data in the binary: index them at start (a few ms, an
	// upsert per guide), so that the site search finds this version's text.
	ictx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := site.Guides.Index(ictx, searchIndex); err != nil {
		return nil, err
	}
	site.Workflow = flow
	site.Uploads = &uploads.Service{DB: d}
	site.Notify = &notify.Service{DB: d, Now: Now}
	metrics := obs.NewMetrics(d.DB)
	mux := http.NewServeMux()
	site.Register(mux)
	apiSvc := &api.API{Auth: authSvc, Orgs: orgs, Taxpayers: taxpayers, Returns: filings, Employees: employees, Sources: sources, Messages: inbox, Calendar: filingCalendar, Payments: payments, Workflow: flow, Log: log, Notify: site.Notify,
		Consult: queue, Complaints: cases, Appoint: appointments, Survey: surveys,
		KB: site.KB, Training: site.Training,
		Certs: certificates, IITRecords: iitRecords, IITAnnual: iitAnnual}
	apiSvc.Public = api.PublicServices{Laws: library, Guides: site.Guides, Search: searchIndex, Lists: site.Lists}
	apiSvc.Public.CMS = content
	apiSvc.Register(mux)
	// /metrics names every route, the request rates and the database pool:
	// not for anyone on the internet. With --metrics-addr it lives only on
	// that separate listener (bind it to loopback or a private network);
	// otherwise the main listener serves it to holders of --metrics-token
	// and, without a token, only to loopback peers that no proxy forwarded.
	metricsMux := http.NewServeMux()
	metricsMux.Handle("GET /metrics", metrics.Handler())
	if c.MetricsAddr == "" {
		mux.Handle("GET /metrics", metricsGuard(c.MetricsToken, metrics.Handler(), site.NotFound()))
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := d.PingContext(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"status":"unavailable","database":%q}`+"\n", string(d.Dialect))
			return
		}
		fmt.Fprintf(w, `{"status":"ok","database":%q}`+"\n", string(d.Dialect))
	})
	mux.Handle("/", site.NotFound())
	// Cross-origin protection rejects non-safe requests a browser sends from
	// another origin (Sec-Fetch-Site / Origin), which is the CSRF defence of
	// every form; API clients without those headers pass.
	csrf := http.NewCrossOriginProtection()
	h := obs.Middleware(csrf.Handler(site.PublicCache(mux)), log, metrics)
	return &App{Config: c, Log: log, DB: d, Handler: h, Metrics: metricsMux, Laws: library, CMS: content, Site: site,
		Runner: runner, Payments: payments, Daily: scheduler, NotFiled: notFiled}, nil
}

// Serve listens until ctx is cancelled (SIGTERM/SIGINT), then stops taking
// connections and waits for requests in flight.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           a.Handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(ln) }()
	jobsDone := a.startJobs(ctx)
	defer jobsDone()
	a.Log.Info("taxhall listening", "addr", "http://"+ln.Addr().String(), "database", string(a.DB.Dialect))
	var msrv *http.Server
	if a.Config.MetricsAddr != "" {
		mln, err := net.Listen("tcp", a.Config.MetricsAddr)
		if err != nil {
			_ = srv.Close() // the listener error is the one to report
			return fmt.Errorf("metrics listener: %w", err)
		}
		msrv = &http.Server{Handler: a.Metrics, ReadHeaderTimeout: 10 * time.Second, ErrorLog: srv.ErrorLog}
		go func() {
			if err := msrv.Serve(mln); !errors.Is(err, http.ErrServerClosed) {
				errc <- fmt.Errorf("metrics listener: %w", err)
			}
		}()
		a.Log.Info("metrics listening", "addr", "http://"+mln.Addr().String()+"/metrics")
	}
	select {
	case err := <-errc:
		// A listener failed: stop the other one at once; its error is the
		// one to report.
		_ = srv.Close()
		if msrv != nil {
			_ = msrv.Close()
		}
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", a.Config.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), a.Config.ShutdownTimeout)
	defer cancel()
	if msrv != nil {
		if err := msrv.Shutdown(sctx); err != nil {
			a.Log.Warn("metrics listener did not stop cleanly", "err", err)
		}
	}
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.Log.Info("stopped")
	return nil
}

// metricsGuard serves metrics to a request bearing the token, or, when no
// token is configured, to a loopback peer whose request no proxy forwarded
// (a reverse proxy on the same host connects from loopback too, but adds
// forwarding headers). Anyone else gets the site's 404 page: the endpoint
// is not advertised.
func metricsGuard(token string, metrics, notFound http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if metricsAllowed(token, r) {
			metrics.ServeHTTP(w, r)
			return
		}
		notFound.ServeHTTP(w, r)
	})
}

func metricsAllowed(token string, r *http.Request) bool {
	if token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		return ok && subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	for _, h := range []string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip"} {
		if r.Header.Get(h) != "" {
			return false
		}
	}
	ip, err := netip.ParseAddr(httpx.ClientIP(r))
	return err == nil && ip.IsLoopback()
}
