package web

import "net/http"

// The taxpayer's 互动服务 page: the interaction functions on one page (the
// menu lists it once instead of five entries).

var interactView = newView[interactPage]("hall_interact.html")

type interactPage struct {
	basePage
	Surveys int // open surveys the user has not answered
}

func (s *Server) hallInteract(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.Survey.ForMe(r.Context())
	if err != nil {
		return err
	}
	p := &interactPage{basePage: basePage{Title: "互动服务"}}
	for _, i := range inv {
		if !i.Answered {
			p.Surveys++
		}
	}
	return interactView.ok(s, w, r, p)
}
