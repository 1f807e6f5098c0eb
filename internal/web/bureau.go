package web

import (
	"context"
	"sync"
	"time"

	"taxhall/internal/org"
)

// bureauTTL bounds how long a renamed provincial bureau keeps its old name
// on other instances; this one forgets it at once (forgetBureau).
const bureauTTL = time.Minute

// bureauCache holds the provincial bureau's name, which every page shows:
// one query a minute instead of one per page view.
type bureauCache struct {
	mu    sync.Mutex
	name  string
	until time.Time
}

// bureauName is the name of the root of the org tree, "" when there is none.
func (s *Server) bureauName(ctx context.Context) string {
	c := s.bureau
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().Before(c.until) {
		return c.name
	}
	name, err := org.RootName(ctx, s.DB)
	if err != nil {
		// The page still renders; the next view tries again.
		s.Log.Warn("bureau name", "err", err)
		return c.name
	}
	c.name, c.until = name, time.Now().Add(bureauTTL)
	return name
}

// forgetBureau drops the cached name after an org is changed here.
func (s *Server) forgetBureau() {
	s.bureau.mu.Lock()
	s.bureau.until = time.Time{}
	s.bureau.mu.Unlock()
}
