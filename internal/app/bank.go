package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"taxhall/internal/banksim"
	"taxhall/internal/db"
	"taxhall/internal/demo"
	"taxhall/internal/payment"
)

// StartDemoBank serves a bank simulator on a loopback port for serve
// --demo without --bank-url, sets c.BankURL and c.DemoBank, and opens at
// it the accounts of the agreements in force (the simulator keeps its
// state in memory, so a restarted demo reopens them). It stops with ctx.
func StartDemoBank(ctx context.Context, c *Config, d *db.DB, log *slog.Logger) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	bank := banksim.New(banksim.Options{AutoOpen: true, AutoBalance: demo.DemoBalance, Now: Now})
	srv := &http.Server{Handler: bank.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Error("demo bank stopped", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	c.BankURL, c.DemoBank = "http://"+ln.Addr().String(), bank
	log.Info("demo bank simulator listening", "url", c.BankURL)
	return OpenDemoAccounts(ctx, c, d)
}

// OpenDemoAccounts opens the accounts of the agreements in force at the
// in-process simulator (after a seed, or on a restart with an old database).
func OpenDemoAccounts(ctx context.Context, c *Config, d *db.DB) error {
	if c.DemoBank == nil {
		return nil
	}
	accts, err := payment.AccountsInForce(ctx, d)
	if err != nil {
		return err
	}
	for _, a := range accts {
		if c.DemoBank.Balance(a.BankCode, a.Number) < 0 {
			c.DemoBank.Open(banksim.Account{BankCode: a.BankCode, Number: a.Number, Name: a.Name, Balance: demo.DemoBalance})
		}
	}
	return nil
}

// seedBank is where the seed's demo payments go: the in-process simulator
// of serve --demo, or a throwaway one for taxhall seed (a later serve
// --demo opens the same accounts again).
func seedBank(c *Config) *banksim.Bank {
	if c.DemoBank != nil {
		return c.DemoBank
	}
	return banksim.New(banksim.Options{AutoOpen: true, AutoBalance: demo.DemoBalance, Now: Now})
}

// startJobs runs the job runner and the daily statement schedule until ctx
// ends; the returned function waits for them.
func (a *App) startJobs(ctx context.Context) func() {
	if a.Runner == nil {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.Runner.Run(ctx) }()
	if a.Daily != nil {
		wg.Add(1)
		go func() { defer wg.Done(); a.Daily.Loop(ctx, 10*time.Minute) }()
	}
	if a.NotFiled != nil {
		wg.Add(1)
		go func() { defer wg.Done(); a.NotFiled.Loop(ctx, 30*time.Second) }()
	}
	if a.Payments != nil && a.Payments.Bank != nil {
		wg.Add(1)
		go func() { defer wg.Done(); a.Payments.ScheduleStatements(ctx) }()
	}
	return func() { cancel(); wg.Wait() }
}
