// Package app wires the service: configuration, database, migrations,
// services and the HTTP server. cmd/taxhall only parses the command line
// and calls it; end-to-end tests start the same App.
package app

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"taxhall/internal/banksim"
	"time"
)

// Config is every setting; each flag has a TAXHALL_* environment twin.
type Config struct {
	Addr            string
	DSN             string
	Demo            bool
	Enterprises     int
	Individuals     int
	Taxpayers       int
	Returns         int
	TasksOpen       int // seed: live applications with an open task (issue 10's scale)
	TasksDone       int // seed: finished tasks of those applications
	SecureCookies   bool
	MetricsAddr     string // separate listener for /metrics; "" serves it on the main one, guarded
	MetricsToken    string // bearer token that opens /metrics on the main listener
	LogFormat       string
	LogLevel        string
	ShutdownTimeout time.Duration
	LawsDir         string        // the regulation library folder that serve --demo imports
	BankURL         string        // the bank link (banksim or a real adapter's endpoint); "" with --demo: an in-process simulator
	PaymentRetry    time.Duration // when a payment's first reconciliation runs (the job's safety net)
	DemoBank        *banksim.Bank // the in-process simulator of --demo, set by StartDemoBank
	BaseURL         string        // the hall's public address, for the QR codes of certificates
	CJKFont         string        // the TTF font the PDFs embed; "" finds it (pdfdoc.FindFont)
	SMTPAddr        string        // the e-mail submission server host:port; "" turns e-mail off
	SMTPUser        string        // its AUTH user; "" sends without AUTH
	SMTPPassword    string        // from TAXHALL_SMTP_PASSWORD only, never a flag (flags show in ps)
	SMTPFrom        string        // the sender address of notices
	SMTPTLS         string        // starttls (default), tls or none
}

// ParseFlags reads the flags of a subcommand. Environment variables give the
// defaults, flags override them.
func ParseFlags(name string, args []string, out io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.Addr, "addr", env("TAXHALL_ADDR", "127.0.0.1:8080"), "listen address (TAXHALL_ADDR)")
	fs.StringVar(&c.DSN, "db", env("TAXHALL_DB", "taxhall.db"), "SQLite file, or a postgres:// DSN for PostgreSQL (TAXHALL_DB)")
	fs.BoolVar(&c.Demo, "demo", envBool("TAXHALL_DEMO", false), "seed demo data into an empty database (TAXHALL_DEMO)")
	fs.IntVar(&c.Enterprises, "enterprises", envInt("TAXHALL_DEMO_ENTERPRISES", 50), "demo enterprises to create (TAXHALL_DEMO_ENTERPRISES)")
	fs.IntVar(&c.Individuals, "individuals", envInt("TAXHALL_DEMO_INDIVIDUALS", 50), "demo individuals to create (TAXHALL_DEMO_INDIVIDUALS)")
	fs.IntVar(&c.Taxpayers, "taxpayers", envInt("TAXHALL_DEMO_TAXPAYERS", 0), "demo taxpayers in all, half enterprises and half individuals; overrides --enterprises and --individuals (TAXHALL_DEMO_TAXPAYERS)")
	fs.IntVar(&c.Returns, "returns", envInt("TAXHALL_DEMO_RETURNS", 0), "seed: at most this many returns in all (0: a full 2025–2026 history for every taxpayer) (TAXHALL_DEMO_RETURNS)")
	fs.IntVar(&c.TasksOpen, "tasks-open", envInt("TAXHALL_DEMO_TASKS_OPEN", 0), "seed: live applications of the Xiamen enterprises, each with an open (or claimed) task (TAXHALL_DEMO_TASKS_OPEN)")
	fs.IntVar(&c.TasksDone, "tasks-done", envInt("TAXHALL_DEMO_TASKS_DONE", 0), "seed: finished tasks of those applications in all (TAXHALL_DEMO_TASKS_DONE)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", envBool("TAXHALL_SECURE_COOKIES", false), "mark cookies Secure (set behind a TLS proxy) (TAXHALL_SECURE_COOKIES)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("TAXHALL_METRICS_ADDR", ""), "serve /metrics only on this separate address, e.g. 127.0.0.1:9090 (TAXHALL_METRICS_ADDR); unset: on the main address, for loopback peers or --metrics-token holders")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("TAXHALL_METRICS_TOKEN", ""), "bearer token that opens /metrics on the main address from anywhere (TAXHALL_METRICS_TOKEN)")
	fs.StringVar(&c.LogFormat, "log-format", env("TAXHALL_LOG_FORMAT", "text"), "log format: text or json (TAXHALL_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", env("TAXHALL_LOG_LEVEL", "info"), "log level: debug, info, warn, error (TAXHALL_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", envDuration("TAXHALL_SHUTDOWN_TIMEOUT", 20*time.Second), "grace period for requests in flight on SIGTERM (TAXHALL_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.LawsDir, "laws", env("TAXHALL_LAWS", "../shared/data/laws"), "regulation library folder that serve --demo imports on start (TAXHALL_LAWS)")
	fs.StringVar(&c.BankURL, "bank-url", env("TAXHALL_BANK_URL", ""), "base URL of the bank link, e.g. http://127.0.0.1:8090 for taxhall banksim (TAXHALL_BANK_URL); unset with --demo: a simulator inside the process")
	fs.DurationVar(&c.PaymentRetry, "payment-retry", envDuration("TAXHALL_PAYMENT_RETRY", 15*time.Second), "ask the bank about a payment still pending after this long; then with a growing backoff (TAXHALL_PAYMENT_RETRY)")
	fs.StringVar(&c.BaseURL, "base-url", env("TAXHALL_BASE_URL", ""), "the hall's public address for the QR codes of certificates, e.g. https://etax.example.cn (TAXHALL_BASE_URL); unset: http://ADDR")
	fs.StringVar(&c.CJKFont, "cjk-font", "", "TrueType font file the PDF certificates embed (default: $TAXHALL_CJK_FONT, else Debian fonts-lxgw-wenkai)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("TAXHALL_SMTP_ADDR", ""), "SMTP submission server for e-mail notices, e.g. smtp.example.cn:587 (TAXHALL_SMTP_ADDR); unset: e-mail off. The password comes from TAXHALL_SMTP_PASSWORD only")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("TAXHALL_SMTP_USER", ""), "SMTP AUTH user (TAXHALL_SMTP_USER)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("TAXHALL_SMTP_FROM", ""), "sender address of e-mail notices, e.g. noreply@etax.example.cn (TAXHALL_SMTP_FROM)")
	fs.StringVar(&c.SMTPTLS, "smtp-tls", env("TAXHALL_SMTP_TLS", "starttls"), "SMTP encryption: starttls (port 587), tls (port 465) or none (a relay on loopback only) (TAXHALL_SMTP_TLS)")
	c.SMTPPassword = os.Getenv("TAXHALL_SMTP_PASSWORD")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.SMTPTLS != "starttls" && c.SMTPTLS != "tls" && c.SMTPTLS != "none" {
		return nil, fmt.Errorf("smtp-tls must be starttls, tls or none, not %q", c.SMTPTLS)
	}
	if c.SMTPAddr != "" && c.SMTPFrom == "" {
		return nil, fmt.Errorf("--smtp-addr needs --smtp-from (the sender address)")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if c.Taxpayers > 0 {
		c.Enterprises, c.Individuals = c.Taxpayers/2, c.Taxpayers-c.Taxpayers/2
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, fmt.Errorf("log format must be text or json, not %q", c.LogFormat)
	}
	return c, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envBool(key string, def bool) bool {
	if b, err := strconv.ParseBool(os.Getenv(key)); err == nil {
		return b
	}
	return def
}

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil {
		return n
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(key)); err == nil {
		return d
	}
	return def
}
