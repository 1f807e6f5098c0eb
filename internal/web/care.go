package web

import (
	"net/http"
)

// Care mode (关怀模式, 工业和信息化部《互联网网站适老化通用设计规范》): larger
// text, stronger contrast and bigger targets, all in style.css under
// html.care. The switch on every page posts to /care, which flips a cookie
// and returns to the page: no JavaScript needed.

const careCookie = "care"

// careYear keeps the choice for a year: an older reader should not have to
// find the switch again every visit.
const careYear = 365 * 24 * 60 * 60

func careOn(r *http.Request) bool {
	c, err := r.Cookie(careCookie)
	return err == nil && c.Value == "1"
}

// here is where the care switch returns: the page itself, or, for a page
// that answered a POST (a refused form), the page the form was on.
func here(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return safeNext(r.URL.RequestURI(), "/")
	}
	if p := sameSitePath(r.Referer(), r.Host); p != "" {
		return p
	}
	return safeNext(r.URL.Path, "/")
}

// careForm is a page about care mode with the switch, so that /care is not
// a dead end when typed or bookmarked.
func (s *Server) careForm(w http.ResponseWriter, r *http.Request) error {
	return careView.ok(s, w, r, &basePage{Title: "关怀模式"})
}

// careToggle turns care mode on or off and returns to next (a path of this
// site only, as after a login).
func (s *Server) careToggle(w http.ResponseWriter, r *http.Request) error {
	c := &http.Cookie{Name: careCookie, Value: "1", Path: "/", MaxAge: careYear, // #nosec G124 -- Secure as documented at setSession
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode}
	msg := "已开启关怀模式：字号更大，对比更强，按钮更大。再次点击页头的“关怀模式”即可关闭。"
	if careOn(r) {
		c.Value, c.MaxAge = "", -1
		msg = "已关闭关怀模式。"
	}
	http.SetCookie(w, c)
	return s.redirect(w, r, safeNext(r.PostForm.Get("next"), "/care"), msg)
}
