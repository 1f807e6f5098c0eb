package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"taxhall/internal/consult"
	"taxhall/internal/httpx"
	"taxhall/internal/kb"
	"taxhall/internal/uploads"
)

// The 12366 consultation (网上税法咨询): ask, the asker's thread with
// rating and follow-up, the agents' queue with claim and answer.

var (
	consultView        = newView[consultPage]("consult.html")
	consultAskedView   = newView[consultAskedPage]("consult_asked.html")
	hallQuestionsView  = newView[questionListPage]("hall_questions.html")
	hallQuestionView   = newView[questionPage]("hall_question.html")
	staffQuestionsView = newView[questionListPage]("staff_questions.html")
	staffQuestionView  = newView[questionPage]("staff_question.html")
)

type consultPage struct {
	basePage
	TaxTypes []Option
	Bureaus  []Option
	QA       []consult.QA
	// Looked is set on the "search before you ask" step (GET
	// /consult?subject=…): Suggest holds what the knowledge base and the
	// public Q&A have for the subject, and the form below keeps it.
	Looked  bool
	Suggest kb.Suggestions
}

type consultAskedPage struct {
	basePage
	Asked *consult.Asked
}

type questionListPage struct {
	basePage
	Items   []*consult.Question
	State   string
	NextURL string
}

type questionPage struct {
	basePage
	Q       *consult.Question
	Bureaus []Option
	Mine    bool // the agent holds it
	// KB are knowledge-base entries that match the question, shown beside
	// it on the agent's page; ?use={id} puts one's answer in the form.
	KB []kb.Hit
}

func taxTypeOptions() []Option {
	var out []Option
	for _, t := range consult.TaxTypes {
		out = append(out, Option{t.Code, t.Name})
	}
	return out
}

// bureauOptions lists the city bureaus, whose 12366 agents keep the queues.
func (s *Server) bureauOptions(r *http.Request) ([]Option, error) {
	bs, err := s.Complaints.Bureaus(r.Context())
	if err != nil {
		return nil, err
	}
	var out []Option
	for _, b := range bs {
		if b.Level == "city" {
			out = append(out, Option{strconv.FormatInt(b.ID, 10), b.Name})
		}
	}
	return out, nil
}

func (s *Server) consultPage(r *http.Request) (*consultPage, error) {
	p := &consultPage{basePage: basePage{Title: "网上税法咨询"}, TaxTypes: taxTypeOptions()}
	var err error
	if p.Bureaus, err = s.bureauOptions(r); err != nil {
		return nil, err
	}
	p.QA, err = s.Consult.Published(r.Context(), 20)
	return p, err
}

func (s *Server) consultForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.consultPage(r)
	if err != nil {
		return err
	}
	if err := s.consultLook(r, p); err != nil {
		return err
	}
	return consultView.ok(s, w, r, p)
}

// consultLook fills the "search before you ask" step: the entries and
// public Q&A that match the subject typed, and the form with it kept.
func (s *Server) consultLook(r *http.Request, p *consultPage) error {
	qv := r.URL.Query()
	subject := strings.TrimSpace(qv.Get("subject"))
	if subject == "" || s.KB == nil {
		return nil
	}
	p.Form = url.Values{"subject": {subject}, "tax_type": {qv.Get("tax_type")}}
	sg, err := s.KB.Suggest(r.Context(), subject, qv.Get("tax_type"), 5)
	if err != nil {
		return err
	}
	p.Looked, p.Suggest = true, sg
	return nil
}

func (s *Server) consultSubmit(w http.ResponseWriter, r *http.Request) error {
	file, err := formWithFile(r, "attachment")
	if err != nil {
		return err
	}
	f := r.PostForm
	org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
	asked, err := s.Consult.Ask(r.Context(), consult.Input{OrgID: org, Channel: consult.Web, TaxType: f.Get("tax_type"), Subject: f.Get("subject"),
		Body: f.Get("body"), Name: f.Get("name"), Phone: f.Get("phone"), Email: f.Get("email"), Attachment: file})
	if err != nil {
		p, perr := s.consultPage(r)
		if perr != nil {
			return perr
		}
		return consultView.formError(s, w, r, err, p)
	}
	return consultAskedView.ok(s, w, r, &consultAskedPage{basePage: basePage{Title: "咨询已提交"}, Asked: asked})
}

func (s *Server) hallQuestions(w http.ResponseWriter, r *http.Request) error {
	items, err := s.Consult.Mine(r.Context())
	if err != nil {
		return err
	}
	return hallQuestionsView.ok(s, w, r, &questionListPage{basePage: basePage{Title: "我的咨询"}, Items: items})
}

func (s *Server) myQuestion(r *http.Request) (*consult.Question, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Consult.MyQuestion(r.Context(), id)
}

func (s *Server) hallQuestion(w http.ResponseWriter, r *http.Request) error {
	q, err := s.myQuestion(r)
	if err != nil {
		return err
	}
	return hallQuestionView.ok(s, w, r, &questionPage{basePage: basePage{Title: q.Subject}, Q: q})
}

func (s *Server) hallQuestionFile(w http.ResponseWriter, r *http.Request) error {
	q, err := s.myQuestion(r)
	if err != nil {
		return err
	}
	return serveAttachment(w, r, func(id int64) (*uploads.Upload, []byte, error) { return s.Consult.Attachment(r.Context(), q, id) })
}

func (s *Server) staffQuestionFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	q, err := s.Consult.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return serveAttachment(w, r, func(id int64) (*uploads.Upload, []byte, error) { return s.Consult.Attachment(r.Context(), q, id) })
}

func (s *Server) hallQuestionRate(w http.ResponseWriter, r *http.Request) error {
	q, err := s.myQuestion(r)
	if err != nil {
		return err
	}
	rating, _ := strconv.Atoi(r.PostForm.Get("rating"))
	if err := s.Consult.Rate(r.Context(), q, rating, r.PostForm.Get("comment")); err != nil {
		return hallQuestionView.formError(s, w, r, asFormError(err, "rating"), &questionPage{basePage: basePage{Title: q.Subject}, Q: q})
	}
	return s.redirect(w, r, "/hall/questions/"+strconv.FormatInt(q.ID, 10), "感谢您的评价")
}

func (s *Server) hallQuestionFollowUp(w http.ResponseWriter, r *http.Request) error {
	q, err := s.myQuestion(r)
	if err != nil {
		return err
	}
	if err := s.Consult.FollowUp(r.Context(), q, r.PostForm.Get("followup")); err != nil {
		return hallQuestionView.formError(s, w, r, err, &questionPage{basePage: basePage{Title: q.Subject}, Q: q})
	}
	return s.redirect(w, r, "/hall/questions/"+strconv.FormatInt(q.ID, 10), "追问已提交，12366 将继续答复")
}

func (s *Server) staffQuestions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	state := q.Get("state")
	pg, err := s.Consult.Queue(r.Context(), state, after)
	if err != nil {
		return err
	}
	if state != "claimed" && state != "answered" {
		state = "open"
	}
	p := &questionListPage{basePage: basePage{Title: "12366咨询队列"}, Items: pg.Items, State: state}
	if pg.Next != 0 {
		p.NextURL = "/staff/questions?state=" + url.QueryEscape(state) + "&after=" + strconv.FormatInt(pg.Next, 10)
	}
	return staffQuestionsView.ok(s, w, r, p)
}

func (s *Server) staffQuestionPage(r *http.Request) (*questionPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	q, err := s.Consult.Get(r.Context(), id)
	if err != nil {
		return nil, err
	}
	p := &questionPage{basePage: basePage{Title: q.Subject}, Q: q}
	p.Mine = q.State == "claimed" && actorOf(r) != nil && q.ClaimedBy == actorOf(r).UserID
	if p.Bureaus, err = s.bureauOptions(r); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) staffQuestion(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffQuestionPage(r)
	if err != nil {
		return err
	}
	if err := s.questionKB(r, p); err != nil {
		return err
	}
	return staffQuestionView.ok(s, w, r, p)
}

func (s *Server) staffQuestionAct(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffQuestionPage(r)
	if err != nil {
		return err
	}
	f := r.PostForm
	var msg string
	switch f.Get("action") {
	case "claim":
		err, msg = s.Consult.Claim(r.Context(), p.Q.ID), "已受理，请答复"
	case "answer":
		err, msg = s.Consult.Answer(r.Context(), p.Q.ID, f.Get("answer")), "答复已发送给咨询人"
	case "transfer":
		org, _ := strconv.ParseInt(f.Get("org_id"), 10, 64)
		err, msg = s.Consult.Transfer(r.Context(), p.Q.ID, org, f.Get("note")), "已转交"
	case "propose":
		err, msg = s.Consult.Propose(r.Context(), p.Q.ID, f.Get("qa_question"), f.Get("qa_answer")), "已提交内容审核"
	default:
		return s.redirect(w, r, "/staff/questions/"+strconv.FormatInt(p.Q.ID, 10), "")
	}
	if err != nil {
		return staffQuestionView.formError(s, w, r, asFormError(err, "_"), p)
	}
	return s.redirect(w, r, "/staff/questions/"+strconv.FormatInt(p.Q.ID, 10), msg)
}
