package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"taxhall/internal/calc"
	"taxhall/internal/calendar"
)

// The public calculators (帮我算税): GET forms whose results appear on the
// same page, so a result can be bookmarked and no JavaScript is needed. The
// handlers only parse, call internal/calc and render.

var (
	calculatorsView = newView[calculatorsPage]("calculators.html")
	calcVATView     = newView[calcVATPage]("calc_vat_small.html")
	calcIITView     = newView[calcIITPage]("calc_iit_wages.html")
)

type calculatorsPage struct {
	basePage
	Calculators []Service
}

type calcVATPage struct {
	basePage
	Years     []Option
	Periods   []Group
	Locations []Option
	Result    *calc.VATSmallResult
}

type calcIITPage struct {
	basePage
	Years, Months  []Option
	AdditionalHint string
	Result         *calc.IITWagesResult
}

// calculators are the catalogue entries of the calculators, in order.
func calculators() []Service {
	var out []Service
	for _, c := range catalogue {
		if c.Area == "帮我算税" {
			out = append(out, c)
		}
	}
	return out
}

func (s *Server) calculatorsIndex(w http.ResponseWriter, r *http.Request) error {
	return calculatorsView.ok(s, w, r, &calculatorsPage{basePage: basePage{Title: "帮我算税"}, Calculators: calculators()})
}

func yearOptions() []Option {
	var out []Option
	for y := calc.LastYear; y >= calc.FirstYear; y-- {
		out = append(out, Option{strconv.Itoa(y), strconv.Itoa(y) + "年"})
	}
	return out
}

// today's year and month in China, the defaults of an empty form.
func nowCST() time.Time { return time.Now().In(cst) }

// calcForm returns the query typed, or the defaults when the form has not
// been submitted (no query at all); submitted reports which.
func calcForm(r *http.Request, defaults url.Values) (url.Values, bool) {
	q := r.URL.Query()
	if len(q) == 0 {
		return defaults, false
	}
	return q, true
}

func (s *Server) calcVATSmall(w http.ResponseWriter, r *http.Request) error {
	now := nowCST()
	p := &calcVATPage{basePage: basePage{Title: "小规模纳税人增值税及附加税费计算器"}, Years: yearOptions()}
	var quarters, months []Option
	for q := 1; q <= 4; q++ {
		quarters = append(quarters, Option{"q" + strconv.Itoa(q), "第" + "一二三四"[3*(q-1):3*q] + "季度"})
	}
	for m := 1; m <= 12; m++ {
		months = append(months, Option{"m" + strconv.Itoa(m), strconv.Itoa(m) + "月"})
	}
	p.Periods = []Group{{"按季申报", quarters}, {"按月申报", months}}
	for _, l := range calc.Locations {
		p.Locations = append(p.Locations, Option{l.Code, l.Name})
	}
	form, submitted := calcForm(r, url.Values{
		"year": {strconv.Itoa(now.Year())}, "period": {"q" + strconv.Itoa((int(now.Month())+2)/3)},
		"location": {"city"}, "relief": {"1"}})
	p.Form = form
	if !submitted {
		return calcVATView.ok(s, w, r, p)
	}
	res, err := calc.VATSmall(calc.VATSmallInput{
		Year: form.Get("year"), Period: form.Get("period"), Sales3: form.Get("sales3"), Sales5: form.Get("sales5"),
		Location: form.Get("location"), Individual: form.Get("individual") == "1", SixTaxesTwoFees: form.Get("relief") == "1"})
	if err != nil {
		return calcError(s, w, r, calcVATView, p, err)
	}
	p.Result = &res
	return calcVATView.ok(s, w, r, p)
}

func (s *Server) calcIITWages(w http.ResponseWriter, r *http.Request) error {
	now := nowCST()
	p := &calcIITPage{basePage: basePage{Title: "工资薪金个人所得税计算器（累计预扣法）"}, Years: yearOptions()}
	for m := 1; m <= 12; m++ {
		p.Months = append(p.Months, Option{strconv.Itoa(m), strconv.Itoa(m) + "月"})
	}
	form, submitted := calcForm(r, url.Values{
		"year": {strconv.Itoa(now.Year())}, "month": {strconv.Itoa(int(now.Month()))}, "months_employed": {strconv.Itoa(int(now.Month()))}})
	p.Form = form
	y, _ := strconv.Atoi(form.Get("year"))
	m, _ := strconv.Atoi(form.Get("month"))
	if y < calc.FirstYear || y > calc.LastYear || m < 1 || m > 12 {
		y, m = now.Year(), int(now.Month())
	}
	p.AdditionalHint = calc.AdditionalHint(calendarMonth(y, m))
	if !submitted {
		return calcIITView.ok(s, w, r, p)
	}
	res, err := calc.IITWages(calc.IITWagesInput{
		Year: form.Get("year"), Month: form.Get("month"), MonthsEmployed: form.Get("months_employed"),
		Income: form.Get("income"), Special: form.Get("special"), Additional: form.Get("additional"), Withheld: form.Get("withheld")})
	if err != nil {
		return calcError(s, w, r, calcIITView, p, err)
	}
	p.Result = &res
	return calcIITView.ok(s, w, r, p)
}

// calcError shows a calculator's field errors (422) with the values typed;
// any other error goes to the error page.
func calcError[P any, PP interface {
	*P
	page
}](s *Server, w http.ResponseWriter, r *http.Request, v view[P, PP], p PP, err error) error {
	fields, ok := invalid(err)
	if !ok {
		return err
	}
	p.base().Errors = fields
	v.render(s, w, r, http.StatusUnprocessableEntity, p)
	return nil
}

func calendarMonth(y, m int) calendar.YearMonth { return calendar.YearMonth{Y: y, M: time.Month(m)} }
