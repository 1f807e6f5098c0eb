package web

import (
	"net/http"
	"strconv"

	"taxhall/internal/httpx"
	"taxhall/internal/survey"
)

// Surveys (网上调查): a taxpayer user's open surveys and the answer form;
// the staff's list, new survey, results with bar charts, close.

var (
	hallSurveysView      = newView[surveyListPage]("hall_surveys.html")
	hallSurveyView       = newView[surveyPage]("hall_survey.html")
	staffSurveysView     = newView[surveyListPage]("staff_surveys.html")
	staffSurveyNewView   = newView[surveyNewPage]("staff_survey_new.html")
	staffSurveyView      = newView[surveyResultsPage]("staff_survey.html")
	staffSurveyCloseView = newView[surveyResultsPage]("staff_survey_close.html")
)

type surveyListPage struct {
	basePage
	Invitations []survey.Invitation
	Surveys     []*survey.Survey
}

type surveyPage struct {
	basePage
	S        *survey.Survey
	Answered bool
	Picked   map[string]bool // "i3=2": kept choices of a failed form
}

// Chose reports whether the failed form had value v for item name.
func (p *surveyPage) Chose(name string, v int) bool { return p.Picked[name+"="+strconv.Itoa(v)] }

type surveyNewPage struct {
	basePage
	Audiences, Kinds []Option
}

type surveyResultsPage struct {
	basePage
	S       *survey.Survey
	Results []survey.ItemResult
}

// newSurveyPage notes the survey's controls in page order, for the
// error summary (the items are written by hand, not by "field").
func newSurveyPage(x *survey.Survey, answered bool, picked map[string]bool) *surveyPage {
	p := &surveyPage{basePage: basePage{Title: x.Title}, S: x, Answered: answered, Picked: picked}
	for _, it := range x.Items {
		p.noteControl(it.Name())
	}
	return p
}

func (s *Server) hallSurveys(w http.ResponseWriter, r *http.Request) error {
	inv, err := s.Survey.ForMe(r.Context())
	if err != nil {
		return err
	}
	return hallSurveysView.ok(s, w, r, &surveyListPage{basePage: basePage{Title: "网上调查"}, Invitations: inv})
}

func (s *Server) hallSurvey(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	x, answered, err := s.Survey.ForAnswer(r.Context(), id)
	if err != nil {
		return err
	}
	return hallSurveyView.ok(s, w, r, newSurveyPage(x, answered, nil))
}

func (s *Server) hallSurveyAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	x, answered, err := s.Survey.ForAnswer(r.Context(), id)
	if err != nil {
		return err
	}
	ans := survey.Answers{Choices: map[int][]string{}, Texts: map[int]string{}}
	picked := map[string]bool{}
	for _, it := range x.Items {
		if it.Kind == survey.Text {
			ans.Texts[it.Position] = r.PostForm.Get(it.Name())
			continue
		}
		ans.Choices[it.Position] = r.PostForm[it.Name()]
		for _, v := range r.PostForm[it.Name()] {
			picked[it.Name()+"="+v] = true
		}
	}
	if err := s.Survey.Answer(r.Context(), id, ans); err != nil {
		return hallSurveyView.formError(s, w, r, asFormError(err, "_"), newSurveyPage(x, answered, picked))
	}
	return s.redirect(w, r, "/hall/surveys/"+strconv.FormatInt(id, 10), "感谢您参与调查")
}

func (s *Server) staffSurveys(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Survey.List(r.Context())
	if err != nil {
		return err
	}
	return staffSurveysView.ok(s, w, r, &surveyListPage{basePage: basePage{Title: "网上调查"}, Surveys: list})
}

func surveyNew() *surveyNewPage {
	p := &surveyNewPage{basePage: basePage{Title: "发布网上调查"},
		Audiences: []Option{{"public", "全体纳税人（公开调查）"}, {"group", "本局管辖的纳税人"}},
		Kinds:     []Option{{"", "不限"}, {"enterprise", "仅企业"}, {"individual", "仅自然人"}}}
	for _, name := range []string{"title", "intro", "audience", "taxpayer_kind", "items"} {
		p.noteControl(name)
	}
	return p
}

func (s *Server) staffSurveyNew(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.Survey.List(r.Context()); err != nil { // the role check
		return err
	}
	return staffSurveyNewView.ok(s, w, r, surveyNew())
}

func (s *Server) staffSurveyCreate(w http.ResponseWriter, r *http.Request) error {
	f := r.PostForm
	id, err := s.Survey.Create(r.Context(), survey.Input{Title: f.Get("title"), Intro: f.Get("intro"), Audience: f.Get("audience"),
		TaxpayerKind: f.Get("taxpayer_kind"), Items: f.Get("items")})
	if err != nil {
		return staffSurveyNewView.formError(s, w, r, err, surveyNew())
	}
	return s.redirect(w, r, "/staff/surveys/"+strconv.FormatInt(id, 10), "调查已发布")
}

func (s *Server) surveyResults(r *http.Request) (*surveyResultsPage, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	x, res, err := s.Survey.Results(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return &surveyResultsPage{basePage: basePage{Title: x.Title}, S: x, Results: res}, nil
}

func (s *Server) staffSurvey(w http.ResponseWriter, r *http.Request) error {
	p, err := s.surveyResults(r)
	if err != nil {
		return err
	}
	return staffSurveyView.ok(s, w, r, p)
}

func (s *Server) staffSurveyCloseForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.surveyResults(r)
	if err != nil {
		return err
	}
	p.Title = "确认结束调查"
	return staffSurveyCloseView.ok(s, w, r, p)
}

func (s *Server) staffSurveyClose(w http.ResponseWriter, r *http.Request) error {
	p, err := s.surveyResults(r)
	if err != nil {
		return err
	}
	if err := s.Survey.Close(r.Context(), p.S.ID); err != nil {
		p.Title = "确认结束调查"
		return staffSurveyCloseView.formError(s, w, r, asFormError(err, "_"), p)
	}
	return s.redirect(w, r, "/staff/surveys/"+strconv.FormatInt(p.S.ID, 10), "调查已结束，不再接受回答")
}
