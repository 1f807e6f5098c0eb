package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// staticFile is one embedded asset, read once at start.
type staticFile struct {
	name   string // "style.css"
	hashed string // "style.3f9a1c2b.css": changes with the content
	body   []byte
	ctype  string
}

// staticFiles maps both names of every asset to it.
var staticFiles = sync.OnceValue(func() map[string]*staticFile {
	out := map[string]*staticFile{}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets, p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		f := &staticFile{name: name, hashed: strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext, body: b,
			ctype: mime.TypeByExtension(ext)}
		out[f.name], out[f.hashed] = f, f
		return nil
	})
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	return out
})

// staticURL is the content-hashed URL of an asset, for templates:
// {{static "style.css"}} is "/static/style.3f9a1c2b.css".
func staticURL(name string) string {
	if f, ok := staticFiles()[name]; ok {
		return "/static/" + f.hashed
	}
	return "/static/" + name
}

// static serves the embedded assets. A hashed name never changes content,
// so browsers keep it a year without asking; the plain name (links from
// outside, old pages) is cached briefly. Anything else, directories
// included, is a bare 404: nothing is listed, and no page layout (whose
// links would name the assets) is sent for what only a browser's asset
// loader or a prober asks for.
func (s *Server) static() http.Handler {
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := staticFiles()[r.URL.Path]
		if !ok {
			s.securityHeaders(w, r)
			w.Header().Set("Cache-Control", "no-store")
			http.Error(w, "404 文件不存在", http.StatusNotFound)
			return
		}
		s.securityHeaders(w, r)
		if r.URL.Path == f.hashed {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		if f.ctype != "" {
			w.Header().Set("Content-Type", f.ctype)
		}
		w.Header().Set("ETag", `"`+f.hashed+`"`)
		http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(f.body))
	}))
}
