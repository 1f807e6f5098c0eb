package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/consult"
)

// The 12366 agent's form for SMS and hotline questions, the content
// reviewer's page of proposed Q&A, and the public Q&A list.

var (
	staffQuestionNewView = newView[questionNewPage]("staff_question_new.html")
	staffQAView          = newView[qaReviewPage]("staff_qa.html")
	publicQAView         = newView[qaListPage]("qa.html")
)

type questionNewPage struct {
	basePage
	Channels, TaxTypes []Option
}

type qaReviewPage struct {
	basePage
	Items []consult.QA
}

type qaListPage struct {
	basePage
	Items    []consult.QA
	TaxTypes []Option
	TaxType  string
	NextURL  string
}

func questionNew() *questionNewPage {
	return &questionNewPage{basePage: basePage{Title: "录入短信、热线咨询"},
		Channels: []Option{{consult.Hotline, "热线电话"}, {consult.SMS, "短信"}}, TaxTypes: taxTypeOptions()}
}

func (s *Server) staffQuestionNew(w http.ResponseWriter, r *http.Request) error {
	if !consult.CanAnswer(actorOf(r)) {
		return apperr.New(apperr.Forbidden, "只有12366坐席可以录入短信和热线咨询")
	}
	return staffQuestionNewView.ok(s, w, r, questionNew())
}

func (s *Server) staffQuestionCreate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	a := actorOf(r)
	asked, err := s.Consult.Ask(r.Context(), consult.Input{OrgID: a.OrgID, Channel: f.Get("channel"), TaxType: f.Get("tax_type"), Subject: f.Get("subject"),
		Body: f.Get("body"), Name: f.Get("name"), Phone: f.Get("phone")})
	if err != nil {
		return staffQuestionNewView.formError(s, w, r, err, questionNew())
	}
	return s.redirect(w, r, "/staff/questions/"+strconv.FormatInt(asked.ID, 10), "已录入队列，编号 "+asked.TrackingNo)
}

func (s *Server) staffQA(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Consult.Pending(r.Context())
	if err != nil {
		return err
	}
	return staffQAView.ok(s, w, r, &qaReviewPage{basePage: basePage{Title: "公开问答审核"}, Items: items})
}

func (s *Server) staffQAReview(w http.ResponseWriter, r *http.Request) error {
	id, _ := strconv.ParseInt(r.PostForm.Get("qa_id"), 10, 64)
	publish := r.PostForm.Get("decision") == "publish"
	if err := s.Consult.Review(r.Context(), id, publish); err != nil {
		items, lerr := s.Consult.Pending(r.Context())
		if lerr != nil {
			return lerr
		}
		return staffQAView.formError(s, w, r, asFormError(err, "_"), &qaReviewPage{basePage: basePage{Title: "公开问答审核"}, Items: items})
	}
	msg := "已退回，不予公开"
	if publish {
		msg = "已公开发布"
	}
	return s.redirect(w, r, "/staff/qa", msg)
}

func (s *Server) publicQA(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	tt := q.Get("tax_type")
	if auth.NameOf(consult.TaxTypes, tt) == tt {
		tt = ""
	}
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	items, next, err := s.Consult.PublishedPage(r.Context(), tt, before, 20)
	if err != nil {
		return err
	}
	p := &qaListPage{basePage: basePage{Title: "12366 常见问答"}, Items: items, TaxTypes: append([]Option{{"", "全部税种"}}, taxTypeOptions()...), TaxType: tt}
	p.Form = url.Values{"tax_type": {tt}}
	if next != 0 {
		p.NextURL = "/qa?tax_type=" + url.QueryEscape(tt) + "&before=" + strconv.FormatInt(next, 10)
	}
	return publicQAView.ok(s, w, r, p)
}
