package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The public pages — home, library, guides, the bureau sites, search,
// calendar — are what the whole province opens on deadline day. For a
// visitor without a session each is rendered once per change of the
// content and then served from memory, with an ETag and Last-Modified (a
// revalidation costs a 304) and a Cache-Control that a CDN in front may
// honour for visitors (Vary: Cookie keeps logged-in pages out of it). A
// change is noticed through a fingerprint of the content tables that every
// node reads every few seconds (WatchContent), or at once on the node that
// made it (bumpContent).
//
// The same wrapper counts visits and searches for the statistics, for
// everyone, without a database write on the request path.

// cacheMaxEntries bounds the cache: past it, the cache starts afresh
// (queries are unbounded; the pages people open are few).
const cacheMaxEntries = 4000

// publicMaxAge is how long a browser or CDN may reuse a public page
// without asking.
const publicMaxAge = 60

type cachedPage struct {
	gen      uint64
	status   int
	header   http.Header
	body     []byte
	etag     string
	modified time.Time
	search   string // the search the page answered ("scope|hits"), to count again
}

// pageCache holds rendered public pages by URL and care mode.
type pageCache struct {
	gen     atomic.Uint64
	mu      sync.RWMutex
	entries map[string]*cachedPage
	print   atomic.Value // string: the last content fingerprint
}

func (s *Server) cache() *pageCache { return s.pcache }

// bumpContent makes every cached page stale on this node, after a change
// it made itself.
func (s *Server) bumpContent() { s.cache().gen.Add(1) }

// cacheable reports whether path is a public page served from the cache.
func cacheable(path string) bool {
	if path == "/" {
		return true
	}
	if strings.HasPrefix(path, "/info/files/") || strings.HasPrefix(path, "/info/dl/") {
		return false // files: their own ETag (the content's hash), never in memory here
	}
	for _, p := range []string{"/laws", "/guides", "/info", "/search", "/calendar"} {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// counted reports whether path is a public page whose visits count.
func counted(path string) bool {
	return cacheable(path) || path == "/lists" || path == "/lists/export" || path == "/kb" || strings.HasPrefix(path, "/kb/")
}

// noSession reports whether r comes without a session or a flash: only the
// care-mode cookie may be present.
func noSession(r *http.Request) bool {
	for _, c := range r.Cookies() {
		if c.Name != careCookie {
			return false
		}
	}
	return true
}

// searchHeader is how a search page tells the wrapper what it answered
// ("scope|hits"); the wrapper removes it before the response leaves.
const searchHeader = "X-Taxhall-Search"

// markSearch notes on the response that it answers a search of scope with
// n hits, for the statistics.
func markSearch(w http.ResponseWriter, scope string, n int) {
	w.Header().Set(searchHeader, scope+"|"+strconv.Itoa(n))
}

// capture records a response instead of sending it.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// PublicCache wraps the site's handler (mux) with the page cache and the
// visit counting.
func (s *Server) PublicCache(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !counted(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		pc := s.cache()
		key := r.URL.RequestURI()
		if careOn(r) {
			key += "|care"
		}
		useCache := cacheable(r.URL.Path) && noSession(r)
		gen := pc.gen.Load()
		if useCache {
			pc.mu.RLock()
			e := pc.entries[key]
			pc.mu.RUnlock()
			if e != nil && e.gen == gen {
				s.count(r, e.status, e.search)
				serveCached(w, r, e, "HIT")
				return
			}
		}
		c := &capture{header: http.Header{}}
		next.ServeHTTP(c, r)
		search := c.header.Get(searchHeader)
		c.header.Del(searchHeader)
		s.count(r, c.status, search)
		if c.status == 0 {
			c.status = http.StatusOK
		}
		if !useCache || c.status != http.StatusOK || c.header.Get("Set-Cookie") != "" {
			for k, v := range c.header {
				w.Header()[k] = v
			}
			w.WriteHeader(c.status)
			_, _ = w.Write(c.body.Bytes())
			return
		}
		sum := sha256.Sum256(c.body.Bytes())
		e := &cachedPage{gen: gen, status: c.status, header: c.header, body: c.body.Bytes(), search: search,
			etag: `"` + hex.EncodeToString(sum[:12]) + `"`, modified: time.Now().UTC().Truncate(time.Second)}
		e.header.Set("Cache-Control", "public, max-age="+strconv.Itoa(publicMaxAge))
		e.header.Set("Vary", "Cookie")
		e.header.Set("ETag", e.etag)
		e.header.Set("Last-Modified", e.modified.Format(http.TimeFormat))
		pc.mu.Lock()
		if len(pc.entries) >= cacheMaxEntries {
			pc.entries = map[string]*cachedPage{}
		}
		pc.entries[key] = e
		pc.mu.Unlock()
		serveCached(w, r, e, "MISS")
	})
}

// serveCached writes a cached page, or 304 when the browser has it.
func serveCached(w http.ResponseWriter, r *http.Request, e *cachedPage, state string) {
	h := w.Header()
	for k, v := range e.header {
		h[k] = v
	}
	h.Set("X-Cache", state)
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		if strings.Contains(inm, e.etag) || inm == "*" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !e.modified.After(ims) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(e.body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(e.body)
	}
}

// count adds a visit of a public page (and its search) to the statistics.
func (s *Server) count(r *http.Request, status int, search string) {
	if s.Stats == nil || (status != 0 && status != http.StatusOK) {
		return
	}
	kind, ref := visitOf(r)
	s.Stats.Visit(kind, ref)
	if scope, hits, ok := strings.Cut(search, "|"); ok {
		q := r.URL.Query().Get("q")
		s.Stats.Search(scope, q, hits == "0")
	}
}

// visitOf names what a public URL shows, for the statistics.
func visitOf(r *http.Request) (kind, ref string) {
	p := r.URL.Path
	seg := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(seg) == 2 && seg[0] == "laws":
		return "law", seg[1]
	case len(seg) == 2 && seg[0] == "guides":
		return "guide", seg[1]
	case len(seg) == 3 && seg[0] == "info" && seg[1] == "articles":
		return "article", seg[2]
	case len(seg) == 3 && seg[0] == "info" && seg[1] == "columns":
		return "column", seg[2]
	case p == "/lists":
		l := r.URL.Query().Get("list")
		if l == "" {
			l = "irregular"
		}
		return "list", l
	case p == "/lists/export":
		return "download", r.URL.Query().Get("list") + "." + r.URL.Query().Get("format")
	case p == "/":
		return "page", "home"
	}
	return "page", p
}

// contentPrint is a fingerprint of what the cached pages show: the last
// step of any article, the library's size and last import, the filing
// calendar's version, the knowledge base's last change (the site search
// shows its entries). Cheap: indexed maxima and a one-row table.
const contentPrint = `SELECT CAST((SELECT COALESCE(max(id), 0) FROM cms_events) AS TEXT) || '/' ||
	CAST((SELECT count(*) FROM laws) AS TEXT) || '/' || (SELECT COALESCE(max(imported_at), '') FROM laws) || '/' ||
	CAST((SELECT version FROM calendar_version WHERE id = 1) AS TEXT) || '/' ||
	(SELECT COALESCE(max(updated_at), '') FROM kb_entries) || '/' ||
	(SELECT COALESCE(max(updated_at), '') FROM cms_topics) || '/' ||
	(SELECT COALESCE(max(updated_at), '') FROM downloads)`

// WatchContent reads the content fingerprint every interval and makes the
// cached pages stale when it changes (another node published, the library
// was imported), until ctx ends.
func (s *Server) WatchContent(ctx context.Context, every time.Duration) {
	pc := s.cache()
	check := func() {
		var fp string
		if err := s.DB.QueryRowContext(ctx, contentPrint).Scan(&fp); err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("page cache: content fingerprint", "err", err)
			}
			return
		}
		if old, _ := pc.print.Load().(string); old != fp {
			pc.print.Store(fp)
			pc.gen.Add(1)
		}
	}
	check()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check()
		}
	}
}
