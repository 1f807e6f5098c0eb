package web

import (
	"fmt"
	"net/http"

	"taxhall/internal/consult"
	"taxhall/internal/httpx"
)

// 12366 intake tokens (接入令牌): the administrator issues a token for the
// bureau's SMS platform or hotline system (shown once), sees the bureau's
// tokens and revokes one through a confirmation page. Decisions live in
// consult (intake.go, intake_admin.go).

var (
	intakeTokensView = newView[intakeTokensPage]("staff_intake_tokens.html")
	intakeRevokeView = newView[intakeRevokePage]("staff_intake_token_revoke.html")
)

type intakeTokensPage struct {
	basePage
	Tokens   []*consult.IntakeToken
	Channels []Option
	Issued   string // the new token, shown this once
	IssuedTo string
}

type intakeRevokePage struct {
	basePage
	Token *consult.IntakeToken
}

var intakeChannels = []Option{{consult.SMS, "短信平台"}, {consult.Hotline, "热线系统"}}

func (s *Server) intakeTokensPage(r *http.Request) (*intakeTokensPage, error) {
	list, err := s.Consult.IntakeTokens(r.Context())
	if err != nil {
		return nil, err
	}
	return &intakeTokensPage{basePage: basePage{Title: "12366接入令牌"}, Tokens: list, Channels: intakeChannels}, nil
}

func (s *Server) staffIntakeTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := s.intakeTokensPage(r)
	if err != nil {
		return err
	}
	return intakeTokensView.ok(s, w, r, p)
}

// staffIntakeTokenIssue shows the new token on the answer to the POST (not
// after a redirect): it is never stored, so it cannot be shown again.
func (s *Server) staffIntakeTokenIssue(w http.ResponseWriter, r *http.Request) error {
	token, in, err := s.Consult.IssueIntakeToken(r.Context(), r.PostForm.Get("channel"), r.PostForm.Get("name"))
	p, perr := s.intakeTokensPage(r)
	if perr != nil {
		return perr
	}
	if err != nil {
		p.Form = r.PostForm
		return intakeTokensView.formError(s, w, r, err, p)
	}
	p.Issued, p.IssuedTo = token, in.Name
	w.Header().Set("Cache-Control", "no-store")
	return intakeTokensView.ok(s, w, r, p)
}

func (s *Server) intakeTokenOf(r *http.Request) (*consult.IntakeToken, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Consult.IntakeTokenOf(r.Context(), id)
}

func (s *Server) staffIntakeTokenRevokeForm(w http.ResponseWriter, r *http.Request) error {
	t, err := s.intakeTokenOf(r)
	if err != nil {
		return err
	}
	return intakeRevokeView.ok(s, w, r, &intakeRevokePage{basePage: basePage{Title: "停用接入令牌"}, Token: t})
}

func (s *Server) staffIntakeTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	t, err := s.intakeTokenOf(r)
	if err != nil {
		return err
	}
	if _, err := s.Consult.RevokeIntakeToken(r.Context(), t.ID); err != nil {
		return err
	}
	return s.redirect(w, r, "/staff/intake-tokens", fmt.Sprintf("已停用“%s”的接入令牌，此后用它提交的咨询将被拒绝", t.Name))
}
