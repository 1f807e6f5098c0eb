package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sort"
	"sync"
	"time"

	"taxhall/internal/db"
)

// Handler does one job. Its context ends when the job's lease does. A nil
// return marks the job done; an error retries it after a backoff (or the
// delay of a RetryAfter error).
type Handler func(ctx context.Context, j *Claimed) error

// RetryAfter is an error that asks for the next try after Delay rather
// than after the default backoff (a payment the bank has not settled yet).
type RetryAfter struct {
	Delay time.Duration
	Err   error
}

func (r *RetryAfter) Error() string { return fmt.Sprintf("retry after %v: %v", r.Delay, r.Err) }
func (r *RetryAfter) Unwrap() error { return r.Err }

// Backoff is the default delay before try attempts+1: 2^attempts seconds
// (2 s, 4 s, 8 s, …) capped at an hour, with up to 25% random jitter so
// that jobs failed together do not come back together.
func Backoff(attempts int) time.Duration {
	if attempts > 12 {
		attempts = 12
	}
	d := time.Duration(1<<attempts) * time.Second
	if d > time.Hour {
		d = time.Hour
	}
	return d + time.Duration(rand.Int64N(int64(d)/4+1)) // #nosec G404 -- jitter, not a secret
}

// Runner runs jobs of the kinds it has handlers for.
type Runner struct {
	DB      *db.DB
	Log     *slog.Logger
	Now     func() time.Time // the clock (tests move it); time.Now when nil
	Name    string           // this node's worker name; host:pid when ""
	Workers int              // goroutines claiming jobs; 2 when 0
	Lease   time.Duration    // how long a claim holds a job; 1 minute when 0
	Poll    time.Duration    // the pause when nothing is due; 1 second when 0

	mu       sync.Mutex
	handlers map[string]Handler
	wake     chan struct{}
}

// Handle registers h for kind; register before Run.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[kind] = h
}

// Kinds lists the kinds with a handler, sorted.
func (r *Runner) Kinds() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Wake makes an idle worker look for due jobs now rather than after Poll
// (after a commit that enqueued a job due at once).
func (r *Runner) Wake() {
	r.mu.Lock()
	w := r.wake
	r.mu.Unlock()
	if w == nil {
		return
	}
	select {
	case w <- struct{}{}:
	default:
	}
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) defaults() {
	if r.Name == "" {
		host, _ := os.Hostname()
		r.Name = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if r.Workers <= 0 {
		r.Workers = 2
	}
	if r.Lease <= 0 {
		r.Lease = time.Minute
	}
	if r.Poll <= 0 {
		r.Poll = time.Second
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
}

// Run claims and runs jobs until ctx ends, then waits for the handlers in
// flight (whose contexts end with ctx).
func (r *Runner) Run(ctx context.Context) {
	r.defaults()
	r.mu.Lock()
	r.wake = make(chan struct{}, r.Workers)
	r.mu.Unlock()
	var wg sync.WaitGroup
	for i := range r.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx, fmt.Sprintf("%s/%d", r.Name, i))
		}()
	}
	wg.Wait()
}

func (r *Runner) work(ctx context.Context, name string) {
	kinds := r.Kinds()
	for ctx.Err() == nil {
		ran, err := r.RunOne(ctx, kinds, name)
		if err != nil && ctx.Err() == nil {
			r.Log.Warn("jobs: claim failed", "worker", name, "err", err)
		}
		if ran {
			continue
		}
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-time.After(r.Poll):
		}
	}
}

// RunOne claims one due job of kinds and runs it; it reports whether there
// was one. Tests call it to run jobs step by step.
func (r *Runner) RunOne(ctx context.Context, kinds []string, worker string) (bool, error) {
	r.defaults()
	c, err := Claim(ctx, r.DB, kinds, worker, r.now(), r.Lease)
	if err != nil || c == nil {
		return false, err
	}
	r.mu.Lock()
	h := r.handlers[c.Kind]
	r.mu.Unlock()
	hctx, cancel := context.WithDeadline(ctx, c.LeaseEnd)
	herr := r.call(hctx, h, c)
	cancel()
	// The job's fate is written even when ctx has just ended (a shutdown):
	// otherwise it would wait for its lease to run out.
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer fcancel()
	now := r.now()
	if herr == nil {
		err = Complete(fctx, r.DB, c, now)
	} else {
		delay := Backoff(c.Attempts)
		if ra, ok := errors.AsType[*RetryAfter](herr); ok {
			delay = ra.Delay
		}
		if c.Attempts >= c.Max {
			r.Log.Error("jobs: job failed for good", "kind", c.Kind, "key", c.Key, "attempts", c.Attempts, "err", herr)
		} else {
			r.Log.Info("jobs: job will be retried", "kind", c.Kind, "key", c.Key, "attempts", c.Attempts, "in", delay, "err", herr)
		}
		err = Fail(fctx, r.DB, c, now, now.Add(delay), herr)
	}
	if errors.Is(err, ErrLostLease) {
		r.Log.Warn("jobs: lease lost before the job finished", "kind", c.Kind, "key", c.Key, "worker", worker)
		err = nil
	}
	return true, err
}

// call runs h, turning a panic into an error so that one bad job does not
// stop the worker.
func (r *Runner) call(ctx context.Context, h Handler, c *Claimed) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("jobs: handler of %s panicked: %v", c.Kind, p)
		}
	}()
	if h == nil {
		return fmt.Errorf("jobs: no handler for %s", c.Kind)
	}
	return h(ctx, c)
}
