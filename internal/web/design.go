package web

import "net/http"

// staffDesign is the living example of docs/design.md (templates/design.html):
// every component with real content, inside the real layout. It is for the
// people who build pages, so it sits behind the staff login.
func (s *Server) staffDesign(w http.ResponseWriter, r *http.Request) error {
	return designView.ok(s, w, r, &basePage{Title: "组件示例"})
}
