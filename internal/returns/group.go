package returns

import (
	"context"
	"sync"
)

// group serves requests that arrive together with one piece of work for
// all of them, as PostgreSQL's own group commit writes several
// transactions' WAL with one flush: the first caller that finds a free
// leader's place runs the work for every request waiting at that moment,
// and keeps running until its own request has been served; then it hands
// its place to a waiting caller (so no caller serves others for long), or
// frees it when nobody waits. The others only wait for their answer. With
// one caller at a time nothing waits: a group of one.
//
// Accepting returns on PostgreSQL uses it (submit_group.go): under load,
// several requests share one round trip, one plan, one executor start-up
// and one WAL flush, and the server's backends stop competing with each
// other for the cores. (Reading the sheets of the returns being filed the
// same way was tried and measured slower: the groups stayed small and each
// read statement grew.)
type group[Q, A any] struct {
	maxSize, maxLeaders int
	// distinct, when set, keeps two requests with the same key out of one
	// group (the later one waits for the next).
	distinct func(Q) int64
	// run serves a group: one answer per request, in the requests' order.
	// It must not fail a request because another's caller went away: it
	// gets a context that is never cancelled.
	run func(ctx context.Context, qs []Q) []A

	mu      sync.Mutex
	waiting []*member[Q, A]
	leaders int
}

type member[Q, A any] struct {
	q    Q
	done chan memberResult[A] // room for a promotion and the answer: senders never block
	// Under group.mu: taken into a group; told to lead.
	taken, promoted bool
}

type memberResult[A any] struct {
	a    A
	lead bool // not an answer: this member's caller now leads
}

// do serves q with whatever other requests wait at the same time. The wait
// is one piece of work or two, so it does not give up when ctx ends: a
// request once queued is answered.
func (g *group[Q, A]) do(ctx context.Context, q Q) A {
	me := &member[Q, A]{q: q, done: make(chan memberResult[A], 2)}
	g.mu.Lock()
	g.waiting = append(g.waiting, me)
	if g.leaders < g.maxLeaders {
		g.leaders++
		g.mu.Unlock()
		return g.lead(ctx, me)
	}
	g.mu.Unlock()
	if r := <-me.done; !r.lead {
		return r.a
	}
	return g.lead(ctx, me)
}

// lead runs groups until its own request has been taken into one.
func (g *group[Q, A]) lead(ctx context.Context, me *member[Q, A]) A {
	for {
		g.mu.Lock()
		if me.taken {
			g.handOff()
			g.mu.Unlock()
			break
		}
		ms := g.take()
		g.mu.Unlock()
		qs := make([]Q, len(ms))
		for i, m := range ms {
			qs[i] = m.q
		}
		as := g.run(context.WithoutCancel(ctx), qs)
		for i, m := range ms {
			m.done <- memberResult[A]{a: as[i]}
		}
	}
	for {
		if r := <-me.done; !r.lead {
			return r.a
		}
	}
}

// handOff (under g.mu) passes a leader's place to the first waiting
// request not yet told to lead, or frees it.
func (g *group[Q, A]) handOff() {
	for _, w := range g.waiting {
		if !w.promoted {
			w.promoted = true
			w.done <- memberResult[A]{lead: true}
			return
		}
	}
	g.leaders--
}

// take removes from the waiting list (under g.mu) up to maxSize requests,
// distinct ones when distinct is set; the others stay for the next group.
func (g *group[Q, A]) take() []*member[Q, A] {
	var seen map[int64]bool
	if g.distinct != nil {
		seen = make(map[int64]bool, len(g.waiting))
	}
	var ms, rest []*member[Q, A]
	for _, w := range g.waiting {
		ok := len(ms) < g.maxSize
		if ok && seen != nil {
			k := g.distinct(w.q)
			ok = !seen[k]
			seen[k] = true
		}
		if ok {
			w.taken = true
			ms = append(ms, w)
		} else {
			rest = append(rest, w)
		}
	}
	g.waiting = rest
	return ms
}
