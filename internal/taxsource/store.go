package taxsource

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/money"
	"taxhall/internal/taxpayer"
)

var (
	errNoBuilding = apperr.New(apperr.NotFound, "没有找到这处房产税源")
	errNoParcel   = apperr.New(apperr.NotFound, "没有找到这块土地税源")
)

const buildingCols = `id, name, division_code, original_value_fen, area_centi, usage, rented, annual_rent_fen, residential, from_date, to_date, created_at, updated_at`

func scanBuilding(sc db.Scanner) (*Building, error) {
	var b Building
	var rented, residential int
	var from, created, updated string
	var to sql.NullString
	if err := sc.Scan(&b.ID, &b.Name, &b.Division, &b.OriginalValue, &b.Area, &b.Usage, &rented, &b.AnnualRent, &residential,
		&from, &to, &created, &updated); err != nil {
		return nil, err
	}
	b.Rented, b.Residential = rented == 1, residential == 1
	var err error
	if b.From, b.To, err = dates(from, to); err != nil {
		return nil, err
	}
	b.CreatedAt, b.UpdatedAt = db.ParseTS(created), db.ParseTS(updated)
	return &b, nil
}

const parcelCols = `id, name, division_code, area_centi, city, grade, from_date, to_date, created_at, updated_at`

func scanParcel(sc db.Scanner) (*Parcel, error) {
	var p Parcel
	var from, created, updated string
	var to sql.NullString
	if err := sc.Scan(&p.ID, &p.Name, &p.Division, &p.Area, &p.City, &p.Grade, &from, &to, &created, &updated); err != nil {
		return nil, err
	}
	var err error
	if p.From, p.To, err = dates(from, to); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = db.ParseTS(created), db.ParseTS(updated)
	return &p, nil
}

func dates(from string, to sql.NullString) (f, t calendar.Date, err error) {
	if f, err = calendar.ParseDate(from); err != nil {
		return
	}
	if to.Valid {
		t, err = calendar.ParseDate(to.String)
	}
	return
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) today() calendar.Date { return calendar.FromTime(s.Now().In(china)) }

// china is the time zone that decides which day it is for a taxpayer.
var china = time.FixedZone("CST", 8*3600)

// Page is one page of a list, by id; Next is the cursor of the next page
// (the last id shown), 0 on the last page.
type Page[T any] struct {
	Items []*T
	Next  int64
}

func page[T any](items []*T, limit int, id func(*T) int64) *Page[T] {
	p := &Page[T]{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.Next = id(p.Items[limit-1])
	}
	return p
}

func bound(limit int) int {
	if limit <= 0 || limit > MaxPageSize {
		return PageSize
	}
	return limit
}

// source is what the store needs of one kind of tax source (buildings,
// land parcels): its table and columns, how a row is read and written, and
// what the audit log and the messages call it. The lists, reads and the
// three changes (add, correct, end) are written once below for both.
type source[T any] struct {
	table, object string // SQL table; audit object kind
	cols          string
	scan          func(db.Scanner) (*T, error)
	notFound, dup error
	create        audit.Action
	update        audit.Action
	end           audit.Action
	id            func(*T) int64
	name, detail  func(*T) string
	span          func(*T) (from, to calendar.Date)
	insert        func(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, v *T) (int64, error)
	// updateSQL rewrites a held row: its arguments are updateArgs followed
	// by updated_at, the id and the taxpayer id.
	updateSQL  string
	updateArgs func(*T) []any
}

var buildings = &source[Building]{
	table: "tax_buildings", object: "tax_building", cols: buildingCols, scan: scanBuilding,
	notFound: errNoBuilding, dup: errDuplicateBuilding,
	create: BuildingCreate, update: BuildingUpdate, end: BuildingEnd,
	id:     func(b *Building) int64 { return b.ID },
	name:   func(b *Building) string { return b.Name },
	detail: func(b *Building) string { return fmt.Sprintf("%s 原值%s", b.Name, money.FormatYuan(b.OriginalValue)) },
	span:   func(b *Building) (calendar.Date, calendar.Date) { return b.From, b.To },
	insert: InsertBuilding,
	updateSQL: `UPDATE tax_buildings SET name = $1, division_code = $2, original_value_fen = $3, area_centi = $4, usage = $5,
		rented = $6, annual_rent_fen = $7, residential = $8, from_date = $9, updated_at = $10
		WHERE id = $11 AND taxpayer_id = $12 AND to_date IS NULL`,
	updateArgs: func(b *Building) []any {
		return []any{b.Name, b.Division, b.OriginalValue, b.Area, b.Usage, b2i(b.Rented), b.AnnualRent, b2i(b.Residential), b.From.String()}
	},
}

var parcels = &source[Parcel]{
	table: "tax_parcels", object: "tax_parcel", cols: parcelCols, scan: scanParcel,
	notFound: errNoParcel, dup: errDuplicateParcel,
	create: ParcelCreate, update: ParcelUpdate, end: ParcelEnd,
	id:     func(p *Parcel) int64 { return p.ID },
	name:   func(p *Parcel) string { return p.Name },
	detail: func(p *Parcel) string { return p.Name },
	span:   func(p *Parcel) (calendar.Date, calendar.Date) { return p.From, p.To },
	insert: InsertParcel,
	updateSQL: `UPDATE tax_parcels SET name = $1, division_code = $2, area_centi = $3, city = $4, grade = $5, from_date = $6, updated_at = $7
		WHERE id = $8 AND taxpayer_id = $9 AND to_date IS NULL`,
	updateArgs: func(p *Parcel) []any {
		return []any{p.Name, p.Division, p.Area, p.City, p.Grade, p.From.String()}
	},
}

// list gives the current taxpayer's sources after the cursor (0: from the
// first), held and ended, in the order registered (indexes
// tax_buildings_taxpayer, tax_parcels_taxpayer).
func list[T any](ctx context.Context, s *Service, k *source[T], after int64, limit int) (*Page[T], error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	limit = bound(limit)
	// #nosec G202 -- table and columns are constants of this package.
	items, err := db.Query(ctx, s.DB, k.scan, `SELECT `+k.cols+` FROM `+k.table+`
		WHERE taxpayer_id = $1 AND id > $2 ORDER BY id LIMIT $3`, a.TaxpayerID, max(after, 0), limit+1)
	if err != nil {
		return nil, err
	}
	return page(items, limit, k.id), nil
}

func get[T any](ctx context.Context, q db.Querier, k *source[T], taxpayerID, id int64) (*T, error) {
	// #nosec G202 -- table and columns are constants of this package.
	v, err := k.scan(q.QueryRowContext(ctx, `SELECT `+k.cols+` FROM `+k.table+` WHERE id = $1 AND taxpayer_id = $2`, id, taxpayerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, k.notFound
	}
	return v, err
}

func one[T any](ctx context.Context, s *Service, k *source[T], id int64) (*T, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return get(ctx, s.DB, k, a.TaxpayerID, id)
}

// add registers a source. The same location cannot be held twice (a
// unique index), so a repeated form cannot double the tax.
func add[T any](ctx context.Context, s *Service, k *source[T], check func(*auth.Actor) (*T, error)) (*T, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	v, err := check(a)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out *T
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := k.insert(ctx, tx, now, a.TaxpayerID, v)
		if db.IsUniqueViolation(err) {
			return k.dup
		}
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, k.create, k.object, id, k.detail(v)); err != nil {
			return err
		}
		out, err = get(ctx, tx, k, a.TaxpayerID, id)
		return err
	})
	return out, err
}

// change corrects a source that is still held. Returns already accepted
// keep their figures; the next return (or a correction) uses the corrected
// source.
func change[T any](ctx context.Context, s *Service, k *source[T], id int64, check func(*auth.Actor) (*T, error)) (*T, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out *T
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := get(ctx, tx, k, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		if _, to := k.span(old); !to.IsZero() {
			return apperr.New(apperr.Conflict, fmt.Sprintf("%s已于 %s 终止，不能再修改", k.name(old), to))
		}
		v, err := check(a)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, k.updateSQL, append(k.updateArgs(v), db.TS(now), id, a.TaxpayerID)...)
		if db.IsUniqueViolation(err) {
			return k.dup
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return apperr.New(apperr.Conflict, k.name(old)+"刚刚已被终止，不能再修改")
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, k.update, k.object, id, k.detail(v)); err != nil {
			return err
		}
		out, err = get(ctx, tx, k, a.TaxpayerID, id)
		return err
	})
	return out, err
}

// end records that the source stopped being held on the date (sold,
// demolished, transferred): taxed to the end of that month. It is done
// once: the WHERE makes the transition happen once, whoever else tries, and
// ending an ended source is a conflict.
func end[T any](ctx context.Context, s *Service, k *source[T], id int64, toDate string) (*T, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out *T
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := get(ctx, tx, k, a.TaxpayerID, id)
		if err != nil {
			return err
		}
		name := k.name(old)
		from, ended := k.span(old)
		if !ended.IsZero() {
			return apperr.New(apperr.Conflict, fmt.Sprintf("%s已于 %s 终止", name, ended))
		}
		f := apperr.Fields{}
		to := checkDate(f, "to_date", "终止日期", toDate, s.today())
		if !to.IsZero() && to.Before(from) {
			f.Add("to_date", "终止日期不能早于取得日期（"+from.String()+"）")
		}
		if err := f.Err(); err != nil {
			return err
		}
		// #nosec G202 -- table is a constant of this package.
		res, err := tx.ExecContext(ctx, `UPDATE `+k.table+` SET to_date = $1, updated_at = $2 WHERE id = $3 AND taxpayer_id = $4 AND to_date IS NULL`,
			to.String(), db.TS(now), id, a.TaxpayerID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return apperr.New(apperr.Conflict, name+"已经终止")
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, k.end, k.object, id, to.String()); err != nil {
			return err
		}
		out, err = get(ctx, tx, k, a.TaxpayerID, id)
		return err
	})
	return out, err
}

func natural(a *auth.Actor) bool { return a.TaxpayerKind == taxpayer.Individual }

var errDuplicateBuilding = apperr.InvalidField("name", "该坐落地址的房产已登记且尚未终止，请修改原登记，不要重复登记")
var errDuplicateParcel = apperr.InvalidField("name", "该坐落地址的土地已登记且尚未终止，请修改原登记，不要重复登记")

// InsertBuilding writes a checked building (seeding uses it directly).
func InsertBuilding(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, b *Building) (int64, error) {
	var id int64
	ts := db.TS(now)
	err := q.QueryRowContext(ctx, `INSERT INTO tax_buildings (taxpayer_id, name, division_code, original_value_fen, area_centi, usage, rented,
		annual_rent_fen, residential, from_date, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		taxpayerID, b.Name, b.Division, b.OriginalValue, b.Area, b.Usage, b2i(b.Rented), b.AnnualRent, b2i(b.Residential), b.From.String(), ts).Scan(&id)
	return id, err
}

// InsertParcel writes a checked parcel (seeding uses it directly).
func InsertParcel(ctx context.Context, q db.Querier, now time.Time, taxpayerID int64, p *Parcel) (int64, error) {
	var id int64
	ts := db.TS(now)
	err := q.QueryRowContext(ctx, `INSERT INTO tax_parcels (taxpayer_id, name, division_code, area_centi, city, grade, from_date, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
		taxpayerID, p.Name, p.Division, p.Area, p.City, p.Grade, p.From.String(), ts).Scan(&id)
	return id, err
}

// Buildings lists the current taxpayer's buildings after the cursor.
func (s *Service) Buildings(ctx context.Context, after int64, limit int) (_ *Page[Building], err error) {
	defer db.Wrap(&err, "taxsource.Buildings")
	return list(ctx, s, buildings, after, limit)
}

// Parcels lists the current taxpayer's land parcels after the cursor.
func (s *Service) Parcels(ctx context.Context, after int64, limit int) (_ *Page[Parcel], err error) {
	defer db.Wrap(&err, "taxsource.Parcels")
	return list(ctx, s, parcels, after, limit)
}

// Building returns one building of the current taxpayer.
func (s *Service) Building(ctx context.Context, id int64) (_ *Building, err error) {
	defer db.Wrap(&err, "taxsource.Building(%d)", id)
	return one(ctx, s, buildings, id)
}

// Parcel returns one land parcel of the current taxpayer.
func (s *Service) Parcel(ctx context.Context, id int64) (_ *Parcel, err error) {
	defer db.Wrap(&err, "taxsource.Parcel(%d)", id)
	return one(ctx, s, parcels, id)
}

// AddBuilding registers a building.
func (s *Service) AddBuilding(ctx context.Context, in BuildingInput) (_ *Building, err error) {
	defer db.Wrap(&err, "taxsource.AddBuilding")
	return add(ctx, s, buildings, func(a *auth.Actor) (*Building, error) { return in.check(natural(a), s.today()) })
}

// AddParcel registers a land parcel.
func (s *Service) AddParcel(ctx context.Context, in ParcelInput) (_ *Parcel, err error) {
	defer db.Wrap(&err, "taxsource.AddParcel")
	return add(ctx, s, parcels, func(*auth.Actor) (*Parcel, error) { return in.check(s.today()) })
}

// UpdateBuilding corrects a building that is still held.
func (s *Service) UpdateBuilding(ctx context.Context, id int64, in BuildingInput) (_ *Building, err error) {
	defer db.Wrap(&err, "taxsource.UpdateBuilding(%d)", id)
	return change(ctx, s, buildings, id, func(a *auth.Actor) (*Building, error) { return in.check(natural(a), s.today()) })
}

// UpdateParcel corrects a parcel that is still held.
func (s *Service) UpdateParcel(ctx context.Context, id int64, in ParcelInput) (_ *Parcel, err error) {
	defer db.Wrap(&err, "taxsource.UpdateParcel(%d)", id)
	return change(ctx, s, parcels, id, func(*auth.Actor) (*Parcel, error) { return in.check(s.today()) })
}

// EndBuilding records that the building stopped being held on the date.
func (s *Service) EndBuilding(ctx context.Context, id int64, toDate string) (_ *Building, err error) {
	defer db.Wrap(&err, "taxsource.EndBuilding(%d)", id)
	return end(ctx, s, buildings, id, toDate)
}

// EndParcel records that the parcel stopped being held on the date.
func (s *Service) EndParcel(ctx context.Context, id int64, toDate string) (_ *Parcel, err error) {
	defer db.Wrap(&err, "taxsource.EndParcel(%d)", id)
	return end(ctx, s, parcels, id, toDate)
}

// NeedsSources reports whether the current taxpayer has an open property
// or land use identification: only such a taxpayer is offered 税源信息 in
// the menu (the pages stay reachable to any taxpayer).
func (s *Service) NeedsSources(ctx context.Context) (bool, error) {
	a := auth.ActorFrom(ctx)
	if a == nil || a.Kind != auth.Taxpayer {
		return false, nil
	}
	var one int
	err := s.DB.QueryRowContext(ctx, `SELECT 1 FROM tax_identifications
		WHERE taxpayer_id = $1 AND tax_type IN ('property', 'land_use') AND end_date = '' LIMIT 1`, a.TaxpayerID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
