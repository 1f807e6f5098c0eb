package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/calendar"
	"taxhall/internal/forms"
	"taxhall/internal/httpx"
	"taxhall/internal/money"
	"taxhall/internal/taxsource"
)

// Tax sources (税源信息) of the taxpayer hall: the buildings and land
// parcels from which the 财产和行为税 returns compute the property tax and
// the urban land use tax. The service (taxsource.Service) scopes them to
// the user's own taxpayer.

var (
	sourcesView      = newView[sourcesPage]("sources.html")
	sourceBuildView  = newView[buildingFormPage]("source_building.html")
	sourceParcelView = newView[parcelFormPage]("source_parcel.html")
	sourceEndView    = newView[sourceEndPage]("source_end.html")
)

const (
	sourcesListTitle  = "税源信息"
	sourcesListURL    = "/hall/sources"
	sourceBuildingURL = "/hall/sources/buildings/"
	sourceParcelURL   = "/hall/sources/parcels/"
)

type sourcesPage struct {
	basePage
	Buildings []*taxsource.Building
	Parcels   []*taxsource.Parcel
	// Pager: each list pages on its own cursor (b, p); FirstURL returns
	// to the first pages.
	BuildingsNext, ParcelsNext, FirstURL string
	PropertyForm, LandForm               string // the forms' short names
}

// buildingFormPage adds (Building nil) or edits a building.
type buildingFormPage struct {
	basePage
	Building  *taxsource.Building
	Districts []Group
	Usages    []Option
	Action    string
}

type parcelFormPage struct {
	basePage
	Parcel    *taxsource.Parcel
	Districts []Group
	Grades    []Group
	Action    string
}

// sourceEndPage confirms the end of a building or a parcel.
type sourceEndPage struct {
	basePage
	Kind   string // 房产 or 土地
	Name   string
	Facts  []Option // label, value
	From   calendar.Date
	Ended  calendar.Date // zero while held
	Action string
}

func cursor(q url.Values, name string) int64 {
	n, err := strconv.ParseInt(q.Get(name), 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Server) hallSources(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ba, pa := cursor(q, "b"), cursor(q, "p")
	bs, err := s.Sources.Buildings(r.Context(), ba, taxsource.PageSize)
	if err != nil {
		return err
	}
	ps, err := s.Sources.Parcels(r.Context(), pa, taxsource.PageSize)
	if err != nil {
		return err
	}
	p := &sourcesPage{basePage: basePage{Title: sourcesListTitle}, Buildings: bs.Items, Parcels: ps.Items,
		PropertyForm: forms.PropertyBehaviour.Short, LandForm: forms.PropertyBehaviourLand.Short}
	if bs.Next != 0 {
		p.BuildingsNext = sourcesListURL + "?" + url.Values{"b": {strconv.FormatInt(bs.Next, 10)}, "p": {strconv.FormatInt(pa, 10)}}.Encode()
	}
	if ps.Next != 0 {
		p.ParcelsNext = sourcesListURL + "?" + url.Values{"b": {strconv.FormatInt(ba, 10)}, "p": {strconv.FormatInt(ps.Next, 10)}}.Encode()
	}
	if ba > 0 || pa > 0 {
		p.FirstURL = sourcesListURL
	}
	return sourcesView.ok(s, w, r, p)
}

func usageOptions() []Option {
	var out []Option
	for _, u := range taxsource.Usages {
		out = append(out, Option{u.Code, u.Name})
	}
	return out
}

func (s *Server) gradeGroups() []Group {
	var out []Group
	for _, g := range taxsource.Grades(calendar.FromTime(s.Returns.Now().In(cst))) {
		if len(out) == 0 || out[len(out)-1].Label != g.CityName {
			out = append(out, Group{Label: g.CityName})
		}
		last := &out[len(out)-1]
		last.Options = append(last.Options, Option{g.Code, g.Name + "（每平方米年税额 " + money.FormatYuan(g.PerM2) + " 元）"})
	}
	return out
}

func (s *Server) buildingForm(r *http.Request, b *taxsource.Building) (*buildingFormPage, error) {
	d, err := s.districtGroups(r.Context())
	if err != nil {
		return nil, err
	}
	p := &buildingFormPage{basePage: basePage{Title: "登记房产税源"}, Building: b, Districts: d, Usages: usageOptions(), Action: "/hall/sources/buildings"}
	if b != nil {
		p.Title = "修改房产税源：" + b.Name
		p.Action = sourceBuildingURL + strconv.FormatInt(b.ID, 10)
		p.Form = url.Values{"name": {b.Name}, "division": {b.Division}, "original_value": {forms.Plain(b.OriginalValue)},
			"area": {forms.Plain(b.Area)}, "usage": {b.Usage}, "from_date": {b.From.String()}}
		if b.Rented {
			p.Form.Set("rented", "1")
			p.Form.Set("annual_rent", forms.Plain(b.AnnualRent))
			if b.Residential {
				p.Form.Set("let_for_living", "1")
			}
		}
	}
	return p, nil
}

func (s *Server) parcelForm(r *http.Request, pc *taxsource.Parcel) (*parcelFormPage, error) {
	d, err := s.districtGroups(r.Context())
	if err != nil {
		return nil, err
	}
	p := &parcelFormPage{basePage: basePage{Title: "登记土地税源"}, Parcel: pc, Districts: d, Grades: s.gradeGroups(), Action: "/hall/sources/parcels"}
	if pc != nil {
		p.Title = "修改土地税源：" + pc.Name
		p.Action = sourceParcelURL + strconv.FormatInt(pc.ID, 10)
		p.Form = url.Values{"name": {pc.Name}, "division": {pc.Division}, "area": {forms.Plain(pc.Area)}, "grade": {pc.Grade}, "from_date": {pc.From.String()}}
	}
	return p, nil
}

func buildingInput(f url.Values) taxsource.BuildingInput {
	return taxsource.BuildingInput{Name: f.Get("name"), Division: f.Get("division"), OriginalValue: f.Get("original_value"),
		Area: f.Get("area"), Usage: f.Get("usage"), Rented: f.Get("rented") == "1", AnnualRent: f.Get("annual_rent"),
		LetForLiving: f.Get("let_for_living") == "1", From: f.Get("from_date")}
}

func parcelInput(f url.Values) taxsource.ParcelInput {
	return taxsource.ParcelInput{Name: f.Get("name"), Division: f.Get("division"), Area: f.Get("area"), Grade: f.Get("grade"), From: f.Get("from_date")}
}

func (s *Server) hallBuildingNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.buildingForm(r, nil)
	if err != nil {
		return err
	}
	return sourceBuildView.ok(s, w, r, p)
}

func (s *Server) hallBuildingCreate(w http.ResponseWriter, r *http.Request) error {
	b, err := s.Sources.AddBuilding(r.Context(), buildingInput(r.PostForm))
	if err != nil {
		p, perr := s.buildingForm(r, nil)
		if perr != nil {
			return perr
		}
		return sourceBuildView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, sourcesListURL, "已登记房产税源："+b.Name)
}

func (s *Server) buildingOf(r *http.Request) (*taxsource.Building, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Sources.Building(r.Context(), id)
}

func (s *Server) parcelOf(r *http.Request) (*taxsource.Parcel, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.Sources.Parcel(r.Context(), id)
}

func (s *Server) hallBuildingEdit(w http.ResponseWriter, r *http.Request) error {
	b, err := s.buildingOf(r)
	if err != nil {
		return err
	}
	p, err := s.buildingForm(r, b)
	if err != nil {
		return err
	}
	return sourceBuildView.ok(s, w, r, p)
}

func (s *Server) hallBuildingUpdate(w http.ResponseWriter, r *http.Request) error {
	b, err := s.buildingOf(r)
	if err != nil {
		return err
	}
	updated, err := s.Sources.UpdateBuilding(r.Context(), b.ID, buildingInput(r.PostForm))
	if err != nil {
		p, perr := s.buildingForm(r, b)
		if perr != nil {
			return perr
		}
		if apperr.CodeOf(err) == apperr.Conflict {
			p.Alert = apperr.As(err).Message
			sourceBuildView.render(s, w, r, http.StatusConflict, p)
			return nil
		}
		return sourceBuildView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, sourcesListURL, "已保存房产税源："+updated.Name+"。之后的申报按修改后的信息计算。")
}

func buildingEndPage(b *taxsource.Building) *sourceEndPage {
	p := &sourceEndPage{basePage: basePage{Title: "终止房产税源：" + b.Name}, Kind: "房产", Name: b.Name, From: b.From, Ended: b.To,
		Action: sourceBuildingURL + strconv.FormatInt(b.ID, 10) + "/end"}
	p.Facts = []Option{{"坐落地址", b.Name}, {"所在区县", b.DivisionName()}, {"房产原值", money.FormatYuan(b.OriginalValue) + " 元"},
		{"用途", b.UsageName()}, {"取得日期", b.From.String()}}
	return p
}

func parcelEndPage(pc *taxsource.Parcel) *sourceEndPage {
	p := &sourceEndPage{basePage: basePage{Title: "终止土地税源：" + pc.Name}, Kind: "土地", Name: pc.Name, From: pc.From, Ended: pc.To,
		Action: sourceParcelURL + strconv.FormatInt(pc.ID, 10) + "/end"}
	p.Facts = []Option{{"坐落地址", pc.Name}, {"所在区县", pc.DivisionName()}, {"占用土地面积", money.FormatYuan(pc.Area) + " 平方米"},
		{"土地等级", pc.GradeName()}, {"取得日期", pc.From.String()}}
	return p
}

func (s *Server) hallBuildingEndForm(w http.ResponseWriter, r *http.Request) error {
	b, err := s.buildingOf(r)
	if err != nil {
		return err
	}
	return sourceEndView.ok(s, w, r, buildingEndPage(b))
}

func (s *Server) hallBuildingEnd(w http.ResponseWriter, r *http.Request) error {
	b, err := s.buildingOf(r)
	if err != nil {
		return err
	}
	ended, err := s.Sources.EndBuilding(r.Context(), b.ID, r.PostForm.Get("to_date"))
	if err != nil {
		return s.endFailed(w, r, err, func() (*sourceEndPage, error) {
			b, err := s.buildingOf(r)
			if err != nil {
				return nil, err
			}
			return buildingEndPage(b), nil
		})
	}
	return s.redirect(w, r, sourcesListURL, ended.Name+" 已于 "+ended.To.String()+" 终止，房产税计算到该月末")
}

// endFailed re-renders a confirmation page: with the messages of a bad
// date, or, when someone ended the source meanwhile, as it is now.
func (s *Server) endFailed(w http.ResponseWriter, r *http.Request, err error, reload func() (*sourceEndPage, error)) error {
	p, perr := reload()
	if perr != nil {
		return perr
	}
	if apperr.CodeOf(err) == apperr.Conflict {
		p.Alert = apperr.As(err).Message
		sourceEndView.render(s, w, r, http.StatusConflict, p)
		return nil
	}
	return sourceEndView.formError(s, w, r, err, p)
}

func (s *Server) hallParcelNew(w http.ResponseWriter, r *http.Request) error {
	p, err := s.parcelForm(r, nil)
	if err != nil {
		return err
	}
	return sourceParcelView.ok(s, w, r, p)
}

func (s *Server) hallParcelCreate(w http.ResponseWriter, r *http.Request) error {
	pc, err := s.Sources.AddParcel(r.Context(), parcelInput(r.PostForm))
	if err != nil {
		p, perr := s.parcelForm(r, nil)
		if perr != nil {
			return perr
		}
		return sourceParcelView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, sourcesListURL, "已登记土地税源："+pc.Name)
}

func (s *Server) hallParcelEdit(w http.ResponseWriter, r *http.Request) error {
	pc, err := s.parcelOf(r)
	if err != nil {
		return err
	}
	p, err := s.parcelForm(r, pc)
	if err != nil {
		return err
	}
	return sourceParcelView.ok(s, w, r, p)
}

func (s *Server) hallParcelUpdate(w http.ResponseWriter, r *http.Request) error {
	pc, err := s.parcelOf(r)
	if err != nil {
		return err
	}
	updated, err := s.Sources.UpdateParcel(r.Context(), pc.ID, parcelInput(r.PostForm))
	if err != nil {
		p, perr := s.parcelForm(r, pc)
		if perr != nil {
			return perr
		}
		if apperr.CodeOf(err) == apperr.Conflict {
			p.Alert = apperr.As(err).Message
			sourceParcelView.render(s, w, r, http.StatusConflict, p)
			return nil
		}
		return sourceParcelView.formError(s, w, r, err, p)
	}
	return s.redirect(w, r, sourcesListURL, "已保存土地税源："+updated.Name+"。之后的申报按修改后的信息计算。")
}

func (s *Server) hallParcelEndForm(w http.ResponseWriter, r *http.Request) error {
	pc, err := s.parcelOf(r)
	if err != nil {
		return err
	}
	return sourceEndView.ok(s, w, r, parcelEndPage(pc))
}

func (s *Server) hallParcelEnd(w http.ResponseWriter, r *http.Request) error {
	pc, err := s.parcelOf(r)
	if err != nil {
		return err
	}
	ended, err := s.Sources.EndParcel(r.Context(), pc.ID, r.PostForm.Get("to_date"))
	if err != nil {
		return s.endFailed(w, r, err, func() (*sourceEndPage, error) {
			pc, err := s.parcelOf(r)
			if err != nil {
				return nil, err
			}
			return parcelEndPage(pc), nil
		})
	}
	return s.redirect(w, r, sourcesListURL, ended.Name+" 已于 "+ended.To.String()+" 终止，城镇土地使用税计算到该月末")
}
