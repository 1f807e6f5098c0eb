// Package returns files the tax returns that a taxpayer's identifications
// (税种认定) create: the periods due with their deadlines, drafts kept on
// the server, exactly-once submission into an immutable canonical document
// with its SHA-256, corrections as linked versions, late marking and the
// liabilities the payment issue settles. The forms themselves are
// definitions in package forms; this package stores and scopes them.
package returns

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
	"taxhall/internal/forms"
	"taxhall/internal/rules"
	"taxhall/internal/taxpayer"
)

// DeadlineSource gives the filing deadlines in force (the calendar with the
// administrators' entries).
type DeadlineSource interface {
	Deadlines(ctx context.Context) (*calendar.Deadlines, error)
}

// StaticDeadlines is a DeadlineSource over a fixed calendar.
type StaticDeadlines struct{ D *calendar.Deadlines }

func (s StaticDeadlines) Deadlines(context.Context) (*calendar.Deadlines, error) { return s.D, nil }

// DefaultDeadlines computes deadlines from the State Council holidays alone.
func DefaultDeadlines() StaticDeadlines {
	d, err := calendar.NewDeadlines(calendar.Default(), nil)
	if err != nil {
		panic(err)
	}
	return StaticDeadlines{d}
}

// Service files and shows returns.
type Service struct {
	DB        *db.DB
	Now       func() time.Time
	Taxpayers *taxpayer.Service
	Calendar  DeadlineSource

	acceptsOnce sync.Once
	acceptsG    *group[*acceptRow, acceptResult] // originals accepted together on PostgreSQL (submit_group.go)
}

func (s *Service) accepts() *group[*acceptRow, acceptResult] {
	s.acceptsOnce.Do(func() {
		s.acceptsG = &group[*acceptRow, acceptResult]{maxSize: maxGroup, maxLeaders: maxLeaders,
			distinct: func(a *acceptRow) int64 { return a.taxpayerID },
			run:      func(ctx context.Context, rows []*acceptRow) []acceptResult { return acceptGroup(ctx, s.DB, rows) }}
	})
	return s.acceptsG
}

func (s *Service) today() calendar.Date { return calendar.FromTime(s.Now().In(china)) }

// china is the time zone that decides which day a return was filed on.
var china = time.FixedZone("CST", 8*3600)

var (
	errNotFound     = apperr.New(apperr.NotFound, "没有找到这份申报")
	errNoRole       = apperr.New(apperr.Forbidden, "您的办税身份不能办理申报，请联系单位管理员")
	errNoCorrection = apperr.New(apperr.Forbidden, "更正申报须由法定代表人或财务负责人办理")
)

// Period keys: "2026Q3" for a quarter, "2026-09" for a month, "2026" for a
// calendar year (property and land use tax filed by the year).
//
// A year is told apart here, not by rules.Period.Months: that is the guard
// with which the VAT, EIT and surcharge rules refuse anything but a month or
// a quarter, and a year must stay refused there.

// isYear reports whether p is a whole calendar year.
func isYear(p rules.Period) bool { return p == rules.Year(p.Start.Y) }

// PeriodKey is the key of a period in URLs and the API.
func PeriodKey(p rules.Period) string {
	if isYear(p) {
		return fmt.Sprintf("%04d", p.Start.Y)
	}
	if n, _ := p.Months(); n == 3 {
		return fmt.Sprintf("%dQ%d", p.Start.Y, (int(p.Start.M)+2)/3)
	}
	return fmt.Sprintf("%04d-%02d", p.Start.Y, int(p.Start.M))
}

// PeriodName is the Chinese name: "2026年第3季度", "2026年9月", "2026年度".
func PeriodName(p rules.Period) string {
	if isYear(p) {
		return fmt.Sprintf("%d年度", p.Start.Y)
	}
	if n, _ := p.Months(); n == 3 {
		return fmt.Sprintf("%d年第%d季度", p.Start.Y, (int(p.Start.M)+2)/3)
	}
	return fmt.Sprintf("%d年%d月", p.Start.Y, int(p.Start.M))
}

// ParsePeriod reads a period key.
func ParsePeriod(s string) (rules.Period, string, error) {
	bad := apperr.InvalidField("period", "所属期格式应为 2026Q3（季度）、2026-09（月份）或 2026（年度）")
	if len(s) == 4 {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			return rules.Period{}, "", bad
		}
		return rules.Year(y), taxpayer.Annual, nil
	}
	if len(s) == 6 && s[4] == 'Q' {
		y, err1 := strconv.Atoi(s[:4])
		q, err2 := strconv.Atoi(s[5:])
		if err1 != nil || err2 != nil || q < 1 || q > 4 || y < 2000 || y > 2100 {
			return rules.Period{}, "", bad
		}
		return rules.Quarter(y, q), taxpayer.Quarterly, nil
	}
	if len(s) == 7 && s[4] == '-' {
		y, err1 := strconv.Atoi(s[:4])
		m, err2 := strconv.Atoi(s[5:])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 2000 || y > 2100 {
			return rules.Period{}, "", bad
		}
		return rules.Month(y, time.Month(m)), taxpayer.Monthly, nil
	}
	return rules.Period{}, "", bad
}

// Facts derives what the forms need to know from the register alone; the
// identifications (small-scale VAT) and the EIT prepayment (small
// low-profit) are added where the period is known (open).
func Facts(t *taxpayer.Taxpayer) forms.Facts {
	f := forms.Facts{
		Individual:         t.Kind == taxpayer.Individual || t.IsBusiness(),
		IndividualBusiness: t.IsBusiness(),
		Location:           Location(t.DivisionCode),
	}
	return f
}

// Location places a district for the city maintenance and construction
// tax (城市维护建设税法 第四条): a city district (区) is 市区; a county or a
// county-level city is 县城、镇. A taxpayer outside them is rare in the
// register and is not told apart here: the rate of its bureau's seat applies.
func Location(division string) rules.Location {
	d, ok := divisions.Lookup(division)
	if !ok {
		return rules.InCity
	}
	if strings.HasSuffix(d.Name, "区") {
		return rules.InCity
	}
	return rules.InCountyTown
}

// Role rules (我的办税区): a tax clerk may prepare and submit; the finance
// officer and the legal representative may also correct; an agent only the
// taxes the enterprise delegated (taxpayer users' delegated taxes); a
// natural person files their own.
func canFile(a *auth.Actor, taxType string) bool {
	switch a.Role {
	case auth.TPLegalRep, auth.TPFinance, auth.TPClerk:
		return true
	case auth.TPAgent:
		return false
	}
	return a.TaxpayerKind == taxpayer.Individual
}

func canCorrect(a *auth.Actor) bool {
	return a.Role == auth.TPLegalRep || a.Role == auth.TPFinance || a.TaxpayerKind == taxpayer.Individual
}

// CanFile reports whether the actor may prepare and submit taxType.
func CanFile(a *auth.Actor, taxType string) bool {
	return a != nil && a.Kind == auth.Taxpayer && canFile(a, taxType)
}

// CanCorrect reports whether the actor may file corrections.
func CanCorrect(a *auth.Actor) bool { return a != nil && a.Kind == auth.Taxpayer && canCorrect(a) }

// newAckNo makes an acknowledgement number: the date and 10 random digits.
func newAckNo(now time.Time) string {
	n, err := rand.Int(rand.Reader, big.NewInt(1e10))
	if err != nil {
		panic(err)
	}
	return now.In(china).Format("20060102") + fmt.Sprintf("%010d", n.Int64())
}

// CheckKey checks an idempotency key: 8–64 letters, digits, '-' or '_'.
func CheckKey(k string) error {
	if len(k) < 8 || len(k) > 64 {
		return apperr.InvalidField("idempotency_key", "幂等键应为8至64位字母、数字、“-”或“_”")
	}
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return apperr.InvalidField("idempotency_key", "幂等键应为8至64位字母、数字、“-”或“_”")
		}
	}
	return nil
}

// NewKey makes a random idempotency key (for a draft's web form).
func NewKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return fmt.Sprintf("%x", b)
}
