// Command taxhall runs the online tax service hall.
//
//	taxhall serve   [--addr 127.0.0.1:8080] [--db taxhall.db|postgres://…] [--demo]
//	taxhall migrate [--db …]
//	taxhall seed    [--db …] [--enterprises 50] [--individuals 50] [--taxpayers N] [--returns N] [--tasks-open N] [--tasks-done N]
//	taxhall import-laws [--db …] DIR
//	taxhall loadtest [--target http://127.0.0.1:8080] [--db …] [--workers 20] [--duration 60s] [--scenario filing|workflow|all]
//	taxhall banksim [--addr 127.0.0.1:8090] [--auto-open]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"taxhall/internal/app"
	"taxhall/internal/banksim"
	"taxhall/internal/gctune"
	"taxhall/internal/loadtest"
)

const usage = `taxhall — 网上办税服务厅

用法:
  taxhall serve   [--addr 127.0.0.1:8080] [--db taxhall.db] [--demo]   运行办税服务厅
  taxhall migrate [--db taxhall.db]                                     仅执行数据库迁移
  taxhall seed    [--db taxhall.db] [--enterprises 50] [--individuals 50] [--taxpayers N] [--returns N] [--tasks-open N] [--tasks-done N]
                                                                        向空数据库写入演示数据（大量时批量写入）
  taxhall import-laws [--db taxhall.db] DIR                             导入法规库文件夹（可重复执行，未变的文件跳过）
  taxhall loadtest [--target http://127.0.0.1:8080] [--db taxhall.db] [--workers 20] [--duration 60s] [--scenario filing|workflow|all]
                                                                        对本机运行中的服务做压力测试
  taxhall banksim [--addr 127.0.0.1:8090] [--auto-open]                 运行银行模拟器（serve 用 --bank-url 连接）

--db 为 SQLite 文件路径，或 postgres:// 开头的 PostgreSQL 连接串；每个参数都可用 TAXHALL_* 环境变量设置。
运行 "taxhall <命令> -h" 查看全部参数。
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "taxhall:", err)
		}
		os.Exit(2)
	}
}

func run(args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Print(usage)
		return nil
	}
	cmd := args[0]
	if cmd == "loadtest" {
		return loadTest(args[1:])
	}
	if cmd == "banksim" {
		return bankSim(args[1:])
	}
	var lawsDir string
	if cmd == "import-laws" {
		// The folder is the last argument, after the flags.
		rest := args[1:]
		if n := len(rest); n > 0 && !strings.HasPrefix(rest[n-1], "-") {
			lawsDir, args = rest[n-1], append([]string{cmd}, rest[:n-1]...)
		}
	}
	if cmd != "serve" && cmd != "migrate" && cmd != "seed" && cmd != "import-laws" {
		fmt.Fprint(os.Stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	cfg, err := app.ParseFlags(cmd, args[1:], os.Stderr)
	if err != nil {
		return err
	}
	log := app.NewLogger(cfg, os.Stderr)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	d, err := app.Open(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	switch cmd {
	case "migrate":
		fmt.Println("数据库迁移完成。")
		return nil
	case "seed":
		return app.SeedDemo(ctx, d, cfg, os.Stdout)
	case "import-laws":
		if lawsDir == "" {
			lawsDir = cfg.LawsDir
		}
		a, err := app.New(cfg, log, d)
		if err != nil {
			return err
		}
		return a.ImportLaws(ctx, lawsDir, os.Stdout)
	}
	// A serving hall lets its heap grow further between collections
	// (GOGC and GOMEMLIMIT in the environment still win).
	gctune.Apply()
	if cfg.Demo && cfg.BankURL == "" {
		if err := app.StartDemoBank(ctx, cfg, d, log); err != nil {
			return err
		}
	}
	if cfg.Demo {
		if err := app.SeedDemo(ctx, d, cfg, os.Stdout); err != nil {
			return err
		}
		if err := app.SeedCMSDemo(ctx, d, os.Stdout); err != nil {
			return err
		}
	}
	if err := app.OpenDemoAccounts(ctx, cfg, d); err != nil {
		return err
	}
	a, err := app.New(cfg, log, d)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	if cfg.Demo {
		a.ImportLawsInBackground(ctx, cfg.LawsDir)
	}
	a.StartContentJobs(ctx)
	return a.Serve(ctx, ln)
}

func loadTest(args []string) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	o := loadtest.Options{Out: os.Stdout}
	fs.StringVar(&o.Target, "target", "http://127.0.0.1:8080", "the running hall (a loopback address)")
	fs.StringVar(&o.DSN, "db", os.Getenv("TAXHALL_DB"), "the hall's database, to choose the demo accounts (TAXHALL_DB)")
	fs.IntVar(&o.Workers, "workers", 20, "concurrent workers")
	fs.DurationVar(&o.Duration, "duration", 60*time.Second, "stop after this long")
	fs.IntVar(&o.Requests, "requests", 1_000_000, "or after this many requests")
	fs.IntVar(&o.Taxpayers, "taxpayers", 200, "taxpayer accounts to log in")
	fs.IntVar(&o.Clerks, "clerks", 20, "district clerks to log in")
	fs.StringVar(&o.Scenario, "scenario", "filing", "pages: filing (hall, taxpayer lists, filing board), workflow (task pool, boards, applications; seed --tasks-open) or all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.DSN == "" {
		o.DSN = "taxhall.db"
	}
	if o.Scenario != "filing" && o.Scenario != "workflow" && o.Scenario != "all" {
		return fmt.Errorf("--scenario must be filing, workflow or all, not %q", o.Scenario)
	}
	if o.Workers < 1 || o.Duration <= 0 || o.Requests < 1 || o.Taxpayers < 1 || o.Clerks < 1 {
		return errors.New("workers, duration, requests, taxpayers and clerks must be positive")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return loadtest.Run(ctx, o)
}

// bankSim serves the bank simulator until SIGINT/SIGTERM. Its state lives
// in memory (see package banksim).
func bankSim(args []string) error {
	fs := flag.NewFlagSet("banksim", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8090", "listen address")
	autoOpen := fs.Bool("auto-open", false, "verifying an unknown account opens it (numbers ending in 0000 excepted)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	bank := banksim.New(banksim.Options{AutoOpen: *autoOpen})
	srv := &http.Server{Handler: bank.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Printf("银行模拟器已启动：http://%s （状态仅保存在内存中）\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
