package taxpayer

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// TaxType is a tax or fee a taxpayer can be identified for, with the filing
// periods allowed for it and whether natural persons can have it.
type TaxType struct {
	Code        string
	Name        string
	Periods     []string
	Enterprises bool
	Individuals bool
}

// Filing periods.
const (
	Monthly   = "month"
	Quarterly = "quarter"
	Annual    = "year"
)

// Periods names the filing periods.
var Periods = []auth.Label{{Code: Monthly, Name: "按月"}, {Code: Quarterly, Name: "按季"}, {Code: Annual, Name: "按年"}}

// TaxTypes lists what tax-type identification may record. Periods follow
// the usual practice: VAT small-scale monthly or quarterly (增值税暂行条例
// 实施细则 art. 39), CIT prepaid monthly or quarterly, IIT withholding and
// social insurance monthly, property and land use tax by the province's
// choice of month, quarter or year.
var TaxTypes = []TaxType{
	{"vat_small", "增值税（小规模纳税人）", []string{Monthly, Quarterly}, true, true},
	{"vat_general", "增值税（一般纳税人）", []string{Monthly, Quarterly}, true, false},
	{"consumption", "消费税", []string{Monthly, Quarterly}, true, false},
	{"cit", "企业所得税", []string{Monthly, Quarterly}, true, false},
	{"iit_withholding", "个人所得税（代扣代缴）", []string{Monthly}, true, false},
	{"property", "房产税", []string{Monthly, Quarterly, Annual}, true, true},
	{"land_use", "城镇土地使用税", []string{Monthly, Quarterly, Annual}, true, true},
	{"surcharges", "附加税费（城建税、教育费附加、地方教育附加）", []string{Monthly, Quarterly}, true, true},
	{"social_insurance", "社会保险费", []string{Monthly}, true, true},
}

// LookupTaxType finds a tax type by code.
func LookupTaxType(code string) (TaxType, bool) {
	for _, t := range TaxTypes {
		if t.Code == code {
			return t, true
		}
	}
	return TaxType{}, false
}

// exclusive groups tax types that cannot be in force at the same time.
var exclusive = map[string]string{"vat_small": "vat", "vat_general": "vat"}

// TaxGroup is the group of a tax type: types of one group exclude each
// other. It is stored with each identification, and a partial unique index
// (migration 0002) allows one open identification per taxpayer and group.
func TaxGroup(taxType string) string {
	if g := exclusive[taxType]; g != "" {
		return g
	}
	return taxType
}

// InsertIdentification writes an identification in force from start;
// seeding uses it directly, the service after its checks. A second open
// identification of the same group is a unique violation.
func InsertIdentification(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, taxType, period, start string, staffID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO tax_identifications (taxpayer_id, tax_type, tax_group, period, start_date, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, taxpayerID, taxType, TaxGroup(taxType), period, start, staffID, db.TS(now)).Scan(&id)
	return id, err
}

// Identification says that a taxpayer files a tax with a period from a date.
type Identification struct {
	ID        int64     `json:"id"`
	TaxType   string    `json:"tax_type"`
	Period    string    `json:"period"`
	StartDate string    `json:"start_date"`
	EndDate   string    `json:"end_date,omitempty"` // "" while in force
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// TaxTypeName is the Chinese name of the tax type.
func (i *Identification) TaxTypeName() string {
	t, _ := LookupTaxType(i.TaxType)
	return t.Name
}

// PeriodName is the Chinese name of the period.
func (i *Identification) PeriodName() string { return auth.NameOf(Periods, i.Period) }

// Identifications lists a taxpayer's identifications, for staff who may see
// the taxpayer or for the taxpayer's own users.
func (s *Service) Identifications(ctx context.Context, taxpayerID int64) ([]*Identification, error) {
	_, list, err := s.Record(ctx, taxpayerID)
	return list, err
}

// Record returns a taxpayer with its identifications, checking access once.
func (s *Service) Record(ctx context.Context, taxpayerID int64) (_ *Taxpayer, _ []*Identification, err error) {
	defer db.Wrap(&err, "taxpayer.Record(%d)", taxpayerID)
	t, err := s.Get(ctx, taxpayerID)
	if err != nil {
		return nil, nil, err
	}
	list, err := listIdentifications(ctx, s.DB, taxpayerID)
	return t, list, err
}

// MyRecord is Record for the taxpayer the current taxpayer user acts for.
func (s *Service) MyRecord(ctx context.Context) (*Taxpayer, []*Identification, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, nil, err
	}
	return s.Record(ctx, a.TaxpayerID)
}

// RecordReads queues the reads of MyRecord into b, for a caller that has
// more reads to make at the same time: after b runs, Record answers as
// MyRecord would (NotFound when the taxpayer is gone).
func (s *Service) RecordReads(ctx context.Context, b *db.Batch) (*RecordRead, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	r := &RecordRead{}
	b.Query(func(sc db.Scanner) (err error) {
		r.t, err = scanTaxpayer(sc)
		return err
	}, `SELECT `+taxpayerCols+taxpayerFrom+` WHERE t.id = $1`, a.TaxpayerID)
	b.Query(func(sc db.Scanner) error {
		i, err := scanIdentification(sc)
		r.idents = append(r.idents, i)
		return err
	}, identificationsQuery, a.TaxpayerID)
	return r, nil
}

// RecordRead is what RecordReads fills in when its batch runs.
type RecordRead struct {
	t      *Taxpayer
	idents []*Identification
}

// Record is the taxpayer and its identifications, as MyRecord returns them.
func (r *RecordRead) Record() (*Taxpayer, []*Identification, error) {
	if r.t == nil {
		return nil, nil, errNotFound
	}
	return r.t, r.idents, nil
}

const identificationsQuery = `SELECT i.id, i.tax_type, i.period, i.start_date, i.end_date, s.name, i.created_at
		FROM tax_identifications i JOIN staff s ON s.id = i.created_by WHERE i.taxpayer_id = $1 ORDER BY i.start_date, i.id`

func listIdentifications(ctx context.Context, q db.Querier, taxpayerID int64) ([]*Identification, error) {
	return db.Query(ctx, q, scanIdentification, identificationsQuery, taxpayerID)
}

func scanIdentification(sc db.Scanner) (*Identification, error) {
	var i Identification
	var created string
	if err := sc.Scan(&i.ID, &i.TaxType, &i.Period, &i.StartDate, &i.EndDate, &i.CreatedBy, &created); err != nil {
		return nil, err
	}
	i.CreatedAt = db.ParseTS(created)
	return &i, nil
}

// IdentifyInput is one line of tax-type identification.
type IdentifyInput struct {
	TaxType   string
	Period    string
	StartDate string
}

// Identify records that the taxpayer files TaxType by Period from
// StartDate. The clerk's bureau must be competent for the taxpayer. A tax
// already in force on or after that date must be ended first; VAT
// small-scale and general cannot overlap. The status does not change: a new
// taxpayer stays 新办待认定 until a clerk marks its identification complete
// (CompleteIdentification), since it usually needs several.
//
// The check and the insert run in one serializable transaction, and the
// database holds the rule too (one open identification per taxpayer and
// tax group): two clerks identifying the same tax at once get one
// identification and one field error, on PostgreSQL as on SQLite.
func (s *Service) Identify(ctx context.Context, taxpayerID int64, in IdentifyInput) (_ *Identification, err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.Identify(%d, %q)", taxpayerID, in.TaxType)
	a, err := auth.RequireStaff(ctx, identifyRoles...)
	if err != nil {
		return nil, err
	}
	t, err := s.Get(ctx, taxpayerID)
	if err != nil {
		return nil, err
	}
	in, f := checkIdentify(t, in, now)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var ident *Identification
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		existing, err := listIdentifications(ctx, tx, taxpayerID)
		if err != nil {
			return err
		}
		if e := openOverlap(existing, in); e != nil {
			return errIdentified(e.TaxTypeName(), e.StartDate)
		}
		ident, err = insertChecked(ctx, tx, now, a, taxpayerID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ident, nil
}

// checkIdentify checks one line of identification for a taxpayer, without
// the database: the tax type fits the taxpayer's kind, the period the tax
// type, and the start date lies between registration and a year ahead. It
// returns the line with its date normalised and the problems by field
// (tax_type, period, start_date).
func checkIdentify(t *Taxpayer, in IdentifyInput, now time.Time) (IdentifyInput, apperr.Fields) {
	f := apperr.Fields{}
	tt, ok := LookupTaxType(in.TaxType)
	switch {
	case !ok:
		f.Add("tax_type", "请选择税（费）种")
	case t.Kind == Individual && !tt.Individuals, t.Kind == Enterprise && !tt.Enterprises:
		f.Add("tax_type", t.KindName()+"不适用"+tt.Name)
	}
	if ok && !slices.Contains(tt.Periods, in.Period) {
		var names []string
		for _, p := range tt.Periods {
			names = append(names, auth.NameOf(Periods, p))
		}
		f.Add("period", tt.Name+"的申报期限只能是"+strings.Join(names, "或"))
	}
	start, perr := time.Parse(db.DateLayout, strings.TrimSpace(in.StartDate))
	regDay := t.RegisteredAt.In(now.Location()).Format(db.DateLayout)
	switch {
	case perr != nil:
		f.Add("start_date", "请填写有效期起（格式 2026-01-01）")
	case start.Format(db.DateLayout) < regDay:
		f.Add("start_date", "有效期起不能早于登记日期 "+regDay)
	case start.After(now.AddDate(1, 0, 0)):
		f.Add("start_date", "有效期起不能晚于一年以后")
	default:
		in.StartDate = start.Format(db.DateLayout)
	}
	return in, f
}

// openOverlap returns the identification of the same group as in that is
// in force on or after in's start date, or nil.
func openOverlap(existing []*Identification, in IdentifyInput) *Identification {
	for _, e := range existing {
		if TaxGroup(e.TaxType) == TaxGroup(in.TaxType) && (e.EndDate == "" || e.EndDate >= in.StartDate) {
			return e
		}
	}
	return nil
}

// insertChecked writes a checked line inside tx and records it in the
// audit log. A unique violation means another clerk's identification of
// the group committed between our read and our insert (on PostgreSQL at
// READ COMMITTED, or reported so at SERIALIZABLE): the same answer as the
// overlap check.
func insertChecked(ctx context.Context, tx *sql.Tx, now time.Time, a *auth.Actor, taxpayerID int64, in IdentifyInput) (*Identification, error) {
	tt, _ := LookupTaxType(in.TaxType)
	id, err := InsertIdentification(ctx, tx, now, taxpayerID, in.TaxType, in.Period, in.StartDate, a.UserID)
	if db.IsUniqueViolation(err) {
		return nil, errIdentified(tt.Name, "")
	}
	if err != nil {
		return nil, err
	}
	if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxIdentificationCreate, "taxpayer", taxpayerID,
		tt.Name+" "+auth.NameOf(Periods, in.Period)+" 自 "+in.StartDate); err != nil {
		return nil, err
	}
	return &Identification{ID: id, TaxType: in.TaxType, Period: in.Period, StartDate: in.StartDate, CreatedBy: a.Name, CreatedAt: now}, nil
}

// errIdentified is the field error for a tax already identified.
func errIdentified(taxName, since string) error {
	return apperr.InvalidField("tax_type", identifiedMessage(taxName, since))
}

// identifiedMessage says that a tax is identified already (since a date,
// when known) and what to do.
func identifiedMessage(taxName, since string) string {
	if since != "" {
		since = "（自 " + since + " 起）"
	}
	return "该纳税人已有" + taxName + "认定" + since + "，请先终止原认定再重新认定"
}

// IdentificationOf returns one identification of a taxpayer with the
// taxpayer, for a clerk who may end it (the confirmation page shows both).
// An identification of another taxpayer is NotFound, like a taxpayer
// outside the clerk's bureau.
func (s *Service) IdentificationOf(ctx context.Context, taxpayerID, id int64) (_ *Taxpayer, _ *Identification, err error) {
	defer db.Wrap(&err, "taxpayer.IdentificationOf(%d, %d)", taxpayerID, id)
	if _, err := auth.RequireStaff(ctx, identifyRoles...); err != nil {
		return nil, nil, err
	}
	t, list, err := s.Record(ctx, taxpayerID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(list, func(i *Identification) bool { return i.ID == id })
	if i < 0 {
		return nil, nil, errNoIdentification
	}
	return t, list[i], nil
}

var errNoIdentification = apperr.New(apperr.NotFound, "税种认定不存在")

// EndIdentification ends an identification in force on endDate (inclusive),
// for example when a small-scale taxpayer becomes a general taxpayer.
func (s *Service) EndIdentification(ctx context.Context, taxpayerID, id int64, endDate string) (err error) {
	now := s.Now()
	defer db.Wrap(&err, "taxpayer.EndIdentification(%d, %d)", taxpayerID, id)
	a, err := auth.RequireStaff(ctx, identifyRoles...)
	if err != nil {
		return err
	}
	if _, err := s.Get(ctx, taxpayerID); err != nil {
		return err
	}
	end, err := time.Parse(db.DateLayout, strings.TrimSpace(endDate))
	if err != nil {
		return apperr.InvalidField("end_date", "请填写有效期止（格式 2026-12-31）")
	}
	endDate = end.Format(db.DateLayout)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		list, err := listIdentifications(ctx, tx, taxpayerID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(list, func(i *Identification) bool { return i.ID == id })
		if i < 0 {
			return errNoIdentification
		}
		e := list[i]
		if e.EndDate != "" {
			return apperr.InvalidField("end_date", "该认定已于 "+e.EndDate+" 终止")
		}
		if endDate < e.StartDate {
			return apperr.InvalidField("end_date", "有效期止不能早于有效期起 "+e.StartDate)
		}
		// Only an open identification is ended: a conditional update, so
		// two clerks ending it at once cannot both succeed.
		res, err := tx.ExecContext(ctx, `UPDATE tax_identifications SET end_date = $1, ended_by = $2, ended_at = $3
			WHERE id = $4 AND taxpayer_id = $5 AND end_date = ''`, endDate, a.UserID, db.TS(now), id, taxpayerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return err
			}
			return apperr.InvalidField("end_date", "该认定已被终止，请刷新后查看")
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.TaxIdentificationEnd, "taxpayer", taxpayerID, e.TaxTypeName()+" 止于 "+endDate)
	})
}
