package web

import (
	"net/http"
	"net/url"
	"strings"
)

// cookieName uses the __Host- prefix over TLS: the browser then refuses the
// cookie unless it is Secure, host-only and for path "/".
func cookieName(secure bool) string {
	if secure {
		return "__Host-taxhall_session"
	}
	return "taxhall_session"
}

func (s *Server) secure(r *http.Request) bool { return s.SecureCookies || r.TLS != nil }

// setSession stores the token in a browser-session cookie (no Expires): the
// server decides expiry (idle and absolute), and closing the browser ends it.
//
// Secure follows --secure-cookies or TLS: a Secure cookie would never come
// back over the plain HTTP of a development hall or a TLS-terminating proxy
// that was not declared. The same holds for every cookie below.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{ // #nosec G124 -- Secure as documented above
		Name: cookieName(s.secure(r)), Value: token, Path: "/",
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{ // #nosec G124 -- Secure as documented at setSession
		Name: cookieName(s.secure(r)), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// flash sets a one-time message shown on the next page.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, msg string) {
	http.SetCookie(w, &http.Cookie{Name: "taxhall_flash", Value: url.QueryEscape(msg), Path: "/", MaxAge: 60, // #nosec G124 -- Secure as documented at setSession
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie("taxhall_flash")
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: "taxhall_flash", Value: "", Path: "/", MaxAge: -1, // #nosec G124 -- Secure as documented at setSession
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// redirect sends the browser on with a flash message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, msg string) error {
	if msg != "" {
		s.flash(w, r, msg)
	}
	// #nosec G710 -- every caller passes a path the server built or one
	// that safeNext has reduced to a same-origin path.
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// safeNext keeps a post-login redirect on this site: only an absolute path
// of this origin is followed, anything else gives fallback. Browsers strip
// tabs and line breaks from URLs and read "\\" as "/", so "/\t/evil.example"
// and "/\\evil.example" would leave the site: such bytes are refused before
// parsing, and the parsed URL must have no scheme, host or user.
func safeNext(next, fallback string) string {
	if next == "" || len(next) > 2000 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return fallback
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return fallback
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return fallback
	}
	// The decoded path too: "/%0d%0aLocation:" or "/%5Cevil" carry the same
	// bytes in escaped form.
	if strings.HasPrefix(u.Path, "//") || strings.ContainsFunc(u.Path, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return fallback
	}
	return u.String()
}
