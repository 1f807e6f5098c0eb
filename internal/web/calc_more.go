package web

import (
	"net/http"
	"net/url"
	"strconv"

	"taxhall/internal/calc"
	"taxhall/internal/rules"
)

// More public calculators (帮我算税), in the pattern of calc.go: GET forms,
// the result on the same page, bookmarkable, no login, no JavaScript.

var (
	calcLabourView  = newView[calcLabourPage]("calc_labour.html")
	calcLateFeeView = newView[calcLateFeePage]("calc_late_fee.html")
	calcVATGenView  = newView[calcVATGeneralPage]("calc_vat_general.html")
	calcEITView     = newView[calcEITPage]("calc_eit.html")
	calcPropView    = newView[calcPropertyPage]("calc_property.html")
	calcLandView    = newView[calcLandPage]("calc_land.html")
	calcStampView   = newView[calcStampPage]("calc_stamp.html")
)

type calcLabourPage struct {
	basePage
	Result *calc.LabourResult
}

type calcLateFeePage struct {
	basePage
	Result *calc.LateFeeResult
}

type calcVATGeneralPage struct {
	basePage
	Years     []Option
	Periods   []Group
	Locations []Option
	Result    *calc.VATGeneralResult
}

type calcEITPage struct {
	basePage
	Years   []Option
	Periods []Group
	Result  *calc.EITResult
}

type calcPropertyPage struct {
	basePage
	Years, Regions, Statuses []Option
	Periods                  []Group
	Result                   *calc.PropertyResult
}

type calcLandPage struct {
	basePage
	Years, Statuses []Option
	Periods         []Group
	Grades          []Group
	Result          *calc.LandResult
}

type calcStampPage struct {
	basePage
	Years, Statuses []Option
	Periods         []Group
	Items           []rules.StampItem
	Result          *calc.StampResult
}

func quarterOptions() []Option {
	var out []Option
	for q := 1; q <= 4; q++ {
		out = append(out, Option{"q" + strconv.Itoa(q), "第" + "一二三四"[3*(q-1):3*q] + "季度"})
	}
	return out
}

func monthOptions() []Option {
	var out []Option
	for m := 1; m <= 12; m++ {
		out = append(out, Option{"m" + strconv.Itoa(m), strconv.Itoa(m) + "月"})
	}
	return out
}

// spanGroups are the periods of the taxes levied by the year.
func spanGroups() []Group {
	return []Group{
		{"按年", []Option{{"y", "全年"}}},
		{"按半年", []Option{{"h1", "上半年"}, {"h2", "下半年"}}},
		{"按季", quarterOptions()},
		{"按月", monthOptions()},
	}
}

func statusOptions() []Option {
	var out []Option
	for _, s := range calc.Statuses {
		out = append(out, Option{s.Code, s.Name})
	}
	return out
}

func choiceOptions(cs []calc.Choice) []Option {
	out := make([]Option, 0, len(cs))
	for _, c := range cs {
		out = append(out, Option{c.Code, c.Name})
	}
	return out
}

func thisQuarter() string { return "q" + strconv.Itoa((int(nowCST().Month())+2)/3) }

func thisYear() string { return strconv.Itoa(nowCST().Year()) }

func today() string { return nowCST().Format("2006-01-02") }

func (s *Server) calcLabour(w http.ResponseWriter, r *http.Request) error {
	p := &calcLabourPage{basePage: basePage{Title: "劳务报酬个人所得税计算器"}}
	form, submitted := calcForm(r, url.Values{"paid": {today()}})
	p.Form = form
	if !submitted {
		return calcLabourView.ok(s, w, r, p)
	}
	res, err := calc.Labour(calc.LabourInput{Paid: form.Get("paid"), Income: form.Get("income")})
	if err != nil {
		return calcError(s, w, r, calcLabourView, p, err)
	}
	p.Result = &res
	return calcLabourView.ok(s, w, r, p)
}

func (s *Server) calcLateFee(w http.ResponseWriter, r *http.Request) error {
	p := &calcLateFeePage{basePage: basePage{Title: "税款滞纳金计算器"}}
	form, submitted := calcForm(r, url.Values{"paid": {today()}})
	p.Form = form
	if !submitted {
		return calcLateFeeView.ok(s, w, r, p)
	}
	res, err := calc.LateFee(calc.LateFeeInput{Unpaid: form.Get("unpaid"), Deadline: form.Get("deadline"), Paid: form.Get("paid")})
	if err != nil {
		return calcError(s, w, r, calcLateFeeView, p, err)
	}
	p.Result = &res
	return calcLateFeeView.ok(s, w, r, p)
}

func (s *Server) calcVATGeneral(w http.ResponseWriter, r *http.Request) error {
	p := &calcVATGeneralPage{basePage: basePage{Title: "一般纳税人增值税及附加税费计算器"}, Years: yearOptions(),
		Periods: []Group{{"按月申报", monthOptions()}, {"按季申报", quarterOptions()}}}
	for _, l := range calc.Locations {
		p.Locations = append(p.Locations, Option{l.Code, l.Name})
	}
	form, submitted := calcForm(r, url.Values{"year": {thisYear()}, "period": {"m" + strconv.Itoa(int(nowCST().Month()))}, "location": {"city"}})
	p.Form = form
	if !submitted {
		return calcVATGenView.ok(s, w, r, p)
	}
	g := func(k string) string { return form.Get(k) }
	res, err := calc.VATGeneral(calc.VATGeneralInput{Year: g("year"), Period: g("period"),
		Sales13: g("sales13"), Sales9: g("sales9"), Sales6: g("sales6"), Sales0: g("sales0"), Exempt: g("exempt"),
		Simplified3: g("simplified3"), Simplified5: g("simplified5"),
		InputTax: g("input_tax"), Carried: g("carried"), Transferred: g("transferred"),
		Reductions: g("reductions"), Prepaid: g("prepaid"), Location: g("location")})
	if err != nil {
		return calcError(s, w, r, calcVATGenView, p, err)
	}
	p.Result = &res
	return calcVATGenView.ok(s, w, r, p)
}

func (s *Server) calcEIT(w http.ResponseWriter, r *http.Request) error {
	p := &calcEITPage{basePage: basePage{Title: "企业所得税预缴计算器（含小型微利企业判断）"}, Years: yearOptions(),
		Periods: []Group{{"按季预缴", quarterOptions()}, {"按月预缴", monthOptions()}}}
	form, submitted := calcForm(r, url.Values{"year": {thisYear()}, "period": {thisQuarter()}})
	p.Form = form
	if !submitted {
		return calcEITView.ok(s, w, r, p)
	}
	g := func(k string) string { return form.Get(k) }
	res, err := calc.EIT(calc.EITInput{Year: g("year"), Period: g("period"), Revenue: g("revenue"), Cost: g("cost"),
		Profit: g("profit"), TaxFree: g("tax_free"), LossOffset: g("loss_offset"), Prepaid: g("prepaid"),
		Employees: g("employees"), Assets: g("assets"), Restricted: g("restricted") == "1"})
	if err != nil {
		return calcError(s, w, r, calcEITView, p, err)
	}
	p.Result = &res
	return calcEITView.ok(s, w, r, p)
}

func (s *Server) calcProperty(w http.ResponseWriter, r *http.Request) error {
	p := &calcPropertyPage{basePage: basePage{Title: "房产税计算器"}, Years: yearOptions(), Periods: spanGroups(), Statuses: statusOptions()}
	for _, rg := range rules.PropertyRegions {
		p.Regions = append(p.Regions, Option{rg.Code, rg.Name})
	}
	p.Regions = append(p.Regions, Option{"other", "其他省份（自行填写减除比例）"})
	form, submitted := calcForm(r, url.Values{"year": {thisYear()}, "period": {"y"}, "region": {"fujian"}, "status": {"none"}})
	p.Form = form
	if !submitted {
		return calcPropView.ok(s, w, r, p)
	}
	g := func(k string) string { return form.Get(k) }
	res, err := calc.Property(calc.PropertyInput{Year: g("year"), Period: g("period"), Original: g("original"), Region: g("region"),
		Deduction: g("deduction"), Rent: g("rent"), ResidentialRent: g("residential") == "1", Status: g("status")})
	if err != nil {
		return calcError(s, w, r, calcPropView, p, err)
	}
	p.Result = &res
	return calcPropView.ok(s, w, r, p)
}

func (s *Server) calcLand(w http.ResponseWriter, r *http.Request) error {
	p := &calcLandPage{basePage: basePage{Title: "城镇土地使用税计算器"}, Years: yearOptions(), Periods: spanGroups(), Statuses: statusOptions()}
	form, submitted := calcForm(r, url.Values{"year": {thisYear()}, "period": {"y"}, "status": {"none"}})
	p.Form = form
	y, err := strconv.Atoi(form.Get("year"))
	if err != nil || y < calc.FirstYear || y > calc.LastYear {
		y = nowCST().Year()
	}
	p.Grades = []Group{{"已收录城市的土地等级", choiceOptions(calc.LandGrades(y))}, {"其他地区", []Option{{"other", "其他地区（自行填写每平方米年税额）"}}}}
	if !submitted {
		return calcLandView.ok(s, w, r, p)
	}
	g := func(k string) string { return form.Get(k) }
	res, err := calc.Land(calc.LandInput{Year: g("year"), Period: g("period"), Area: g("area"), Grade: g("grade"), PerM2: g("per_m2"), Status: g("status")})
	if err != nil {
		return calcError(s, w, r, calcLandView, p, err)
	}
	p.Result = &res
	return calcLandView.ok(s, w, r, p)
}

func (s *Server) calcStamp(w http.ResponseWriter, r *http.Request) error {
	p := &calcStampPage{basePage: basePage{Title: "印花税计算器"}, Years: yearOptions(), Statuses: statusOptions(), Items: calc.StampItems(),
		Periods: []Group{{"按季", quarterOptions()}, {"按年", []Option{{"y", "全年"}}}}}
	form, submitted := calcForm(r, url.Values{"year": {thisYear()}, "period": {thisQuarter()}, "status": {"none"}})
	p.Form = form
	if !submitted {
		return calcStampView.ok(s, w, r, p)
	}
	bases := map[string]string{}
	for _, it := range p.Items {
		bases[it.Code] = form.Get("b_" + it.Code)
	}
	res, err := calc.Stamp(calc.StampInput{Year: form.Get("year"), Period: form.Get("period"), Bases: bases, Status: form.Get("status")})
	if err != nil {
		return calcError(s, w, r, calcStampView, p, err)
	}
	p.Result = &res
	return calcStampView.ok(s, w, r, p)
}
