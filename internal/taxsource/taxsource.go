// Package taxsource is the tax source registry (税源信息): the buildings
// (房产) and land parcels (土地) a taxpayer registers once, from which each
// period's property tax and urban land use tax are computed on
// 财产和行为税纳税申报表 (forms.PropertyBehaviour and PropertyBehaviourLand,
// whose loaders are registered here). Every method is scoped to the taxpayer
// of the user in ctx: another taxpayer's source is "not found".
package taxsource

import (
	"strings"
	"time"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/money"
	"taxhall/internal/rules"
)

// Service registers and lists the current taxpayer's tax sources.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// Audit actions (object types "tax_building" and "tax_parcel").
const (
	BuildingCreate audit.Action = "tax_building.create"
	BuildingUpdate audit.Action = "tax_building.update"
	BuildingEnd    audit.Action = "tax_building.end"
	ParcelCreate   audit.Action = "tax_parcel.create"
	ParcelUpdate   audit.Action = "tax_parcel.update"
	ParcelEnd      audit.Action = "tax_parcel.end"
)

// PageSize is a list page's length; MaxPageSize bounds what the API asks.
const (
	PageSize    = 50
	MaxPageSize = 200
	MaxName     = 100 // characters of a location
)

// Usages of a building (房产用途).
var Usages = []struct{ Code, Name string }{
	{"office", "办公"}, {"production", "生产经营"}, {"commercial", "商业"},
	{"warehouse", "仓储"}, {"housing", "住房"}, {"other", "其他"},
}

// UsageName names a usage code.
func UsageName(code string) string {
	for _, u := range Usages {
		if u.Code == code {
			return u.Name
		}
	}
	return code
}

// provinceRegion maps a province (first two digits of a division code) to
// its key in rules.PropertyDeduction.
var provinceRegion = map[string]string{"35": "fujian", "11": "beijing"}

// cityGrades maps a city (first four digits) to its key in rules.LandGrades.
var cityGrades = map[string]string{"3502": "xiamen"}

// PropertyRegion is the province key of the property tax deduction for a
// district, "" when the province's deduction is not entered.
func PropertyRegion(division string) string {
	if len(division) < 2 {
		return ""
	}
	return provinceRegion[division[:2]]
}

// LandCity is the key of the land grades of a district's city, "" when the
// city's grades are not entered.
func LandCity(division string) string {
	if len(division) < 4 {
		return ""
	}
	return cityGrades[division[:4]]
}

// Grade is a land grade a parcel may be registered with.
type Grade struct {
	City, CityName string
	rules.LandGrade
}

// Grades lists the land grades in force on day, city by city.
func Grades(day calendar.Date) []Grade {
	var out []Grade
	for _, reg := range rules.LandRegions {
		e, err := rules.LandGrades[reg.Code].At(day)
		if err != nil {
			continue
		}
		for _, g := range e.V {
			out = append(out, Grade{City: reg.Code, CityName: reg.Name, LandGrade: g})
		}
	}
	return out
}

// gradeName names a grade of a city's table, in whichever entry of its
// history has it (the computation picks the entry of each period).
func gradeName(city, code string) (string, bool) {
	for _, e := range rules.LandGrades[city].Entries {
		for _, g := range e.V {
			if g.Code == code {
				return g.Name, true
			}
		}
	}
	return "", false
}

// Building is a registered building.
type Building struct {
	ID            int64
	Name          string // 坐落地址（名称）
	Division      string
	OriginalValue int64 // fen
	Area          int64 // hundredths of a m²
	Usage         string
	Rented        bool
	AnnualRent    int64 // fen a year, tax excluded
	Residential   bool  // housing let for living (4%), or a natural person's own home
	From, To      calendar.Date
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Held reports whether the building is still held (no end date).
func (b *Building) Held() bool        { return b.To.IsZero() }
func (b *Building) UsageName() string { return UsageName(b.Usage) }

// DivisionName is the district's full name.
func (b *Building) DivisionName() string { return divisions.FullName(b.Division) }

// Parcel is a registered land parcel.
type Parcel struct {
	ID        int64
	Name      string
	Division  string
	Area      int64
	City      string
	Grade     string
	From, To  calendar.Date
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (p *Parcel) Held() bool           { return p.To.IsZero() }
func (p *Parcel) DivisionName() string { return divisions.FullName(p.Division) }

// GradeName names the parcel's grade ("二级土地").
func (p *Parcel) GradeName() string {
	n, _ := gradeName(p.City, p.Grade)
	return n
}

// BuildingInput is what a user types for a building.
type BuildingInput struct {
	Name, Division, OriginalValue, Area, Usage string
	Rented                                     bool
	AnnualRent                                 string
	// LetForLiving: a unit's housing let to an individual for living (4%);
	// a natural person's housing is residential anyway.
	LetForLiving bool
	From         string
}

// ParcelInput is what a user types for a land parcel.
type ParcelInput struct {
	Name, Division, Area, Grade, From string
}

func trimSpace(s string) string { return strings.TrimSpace(s) }

func checkName(f apperr.Fields, s, label string) string {
	s = trimSpace(s)
	if !f.Text("name", s, MaxName) {
		return s
	}
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		f.Add("name", "请填写"+label)
	case n < 4:
		f.Add("name", label+"至少 4 个字，写明街道和门牌号")
	}
	return s
}

func checkDivision(f apperr.Fields, s string) string {
	s = trimSpace(s)
	if !f.Text("division", s, 12) {
		return s
	}
	if s == "" {
		f.Add("division", "请选择所在区县")
		return s
	}
	if _, ok := divisions.Area(s); !ok || len(s) != 6 {
		f.Add("division", "请从列表中选择所在区县")
	}
	return s
}

// checkAmount reads a positive amount in yuan.
func checkAmount(f apperr.Fields, field, label, s string) int64 {
	s = trimSpace(s)
	if !f.Text(field, s, 32) {
		return 0
	}
	if s == "" {
		f.Add(field, "请填写"+label)
		return 0
	}
	fen, err := money.ParseYuan(s)
	if err != nil {
		f.Add(field, label+"："+err.Error())
		return 0
	}
	if fen <= 0 {
		f.Add(field, label+"应大于 0")
	}
	return fen
}

// checkArea reads an area in square metres, at most two decimals.
func checkArea(f apperr.Fields, label, s string) int64 {
	s = strings.TrimSuffix(trimSpace(s), "平方米")
	if !f.Text("area", s, 32) {
		return 0
	}
	if s == "" {
		f.Add("area", "请填写"+label)
		return 0
	}
	n, err := money.ParseYuan(s)
	if err != nil {
		f.Add("area", label+"格式不正确，请填写平方米数，最多两位小数")
		return 0
	}
	if n <= 0 {
		f.Add("area", label+"应大于 0")
	}
	return n
}

func checkDate(f apperr.Fields, field, label, s string, today calendar.Date) calendar.Date {
	s = trimSpace(s)
	if !f.Text(field, s, 20) {
		return calendar.Date{}
	}
	if s == "" {
		f.Add(field, "请填写"+label)
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil || !d.Valid() {
		f.Add(field, label+"格式应为 2026-01-31")
		return calendar.Date{}
	}
	if d.After(today) {
		f.Add(field, label+"不能晚于今天")
	}
	if d.Before(calendar.MakeDate(1949, 10, 1)) {
		f.Add(field, label+"不能早于 1949-10-01")
	}
	return d
}

// building checks a building's input; natural says whether the taxpayer
// is a natural person.
func (in BuildingInput) check(natural bool, today calendar.Date) (*Building, error) {
	f := apperr.Fields{}
	b := &Building{}
	b.Name = checkName(f, in.Name, "房产坐落地址")
	b.Division = checkDivision(f, in.Division)
	b.OriginalValue = checkAmount(f, "original_value", "房产原值", in.OriginalValue)
	b.Area = checkArea(f, "建筑面积", in.Area)
	b.Usage = trimSpace(in.Usage)
	if f.Text("usage", b.Usage, 20) {
		if b.Usage == "" {
			f.Add("usage", "请选择房产用途")
		} else if UsageName(b.Usage) == b.Usage {
			f.Add("usage", "请从列表中选择房产用途")
		}
	}
	b.Rented = in.Rented
	if b.Rented {
		b.AnnualRent = checkAmount(f, "annual_rent", "年租金收入", in.AnnualRent)
	} else if trimSpace(in.AnnualRent) != "" && trimSpace(in.AnnualRent) != "0" {
		f.Add("annual_rent", "未出租的房产不填年租金；如已出租，请勾选“出租”")
	}
	housing := b.Usage == "housing"
	if in.LetForLiving && !(housing && b.Rented) {
		f.Add("let_for_living", "只有出租的住房才能按出租住房（4%）计征，请先选择用途“住房”并勾选“出租”")
	}
	b.Residential = housing && (natural || (b.Rented && in.LetForLiving))
	if f["division"] == "" && !b.Rented && !b.Residential && PropertyRegion(b.Division) == "" {
		f.Add("division", "该地区的房产税减除比例尚未录入，暂不能登记从价计征的房产，请联系主管税务机关")
	}
	b.From = checkDate(f, "from_date", "取得日期", in.From, today)
	return b, f.Err()
}

func (in ParcelInput) check(today calendar.Date) (*Parcel, error) {
	f := apperr.Fields{}
	p := &Parcel{}
	p.Name = checkName(f, in.Name, "土地坐落地址")
	p.Division = checkDivision(f, in.Division)
	p.Area = checkArea(f, "占用土地面积", in.Area)
	p.From = checkDate(f, "from_date", "取得日期", in.From, today)
	p.Grade = trimSpace(in.Grade)
	if f["division"] == "" {
		p.City = LandCity(p.Division)
		if p.City == "" {
			f.Add("division", "该区县所在城市的土地等级税额尚未录入，暂不能登记土地税源，请联系主管税务机关")
		}
	}
	if f.Text("grade", p.Grade, 10) {
		if p.Grade == "" {
			f.Add("grade", "请选择土地等级")
		} else if _, ok := gradeName(p.City, p.Grade); p.City != "" && !ok {
			f.Add("grade", "请从列表中选择土地等级")
		}
	}
	return p, f.Err()
}
