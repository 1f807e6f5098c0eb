// Package org is the tree of tax authorities (province → city → district
// bureau) and the staff who work in them. A staff member sees and manages
// only their own org and the orgs below it.
package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/divisions"
)

// Levels of the tree, top down.
const (
	Province = "province"
	City     = "city"
	District = "district"
)

// LevelName is the Chinese name of a level.
func LevelName(level string) string {
	switch level {
	case Province:
		return "省级税务局"
	case City:
		return "市级税务局"
	case District:
		return "区县税务局"
	}
	return level
}

// Org is one tax authority.
type Org struct {
	ID           int64  `json:"id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	Level        string `json:"level"`
	ParentID     int64  `json:"parent_id,omitempty"`
	DivisionCode string `json:"division_code"`
	Path         string `json:"-"`
	Address      string `json:"address"`
	Phone        string `json:"phone"`
	Active       bool   `json:"active"`
	Depth        int    `json:"depth"`
}

// Service manages orgs and staff.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

const orgCols = `id, code, name, level, COALESCE(parent_id, 0), division_code, path, address, phone, active`

func scanOrg(sc db.Scanner) (*Org, error) {
	var o Org
	var active int
	if err := sc.Scan(&o.ID, &o.Code, &o.Name, &o.Level, &o.ParentID, &o.DivisionCode, &o.Path, &o.Address, &o.Phone, &active); err != nil {
		return nil, err
	}
	o.Active = active == 1
	o.Depth = strings.Count(o.Path, "/") - 2
	return &o, nil
}

// List returns the orgs the staff actor may see, in tree order.
func (s *Service) List(ctx context.Context) (_ []*Org, err error) {
	defer db.Wrap(&err, "org.List")
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	cond, scope := a.SubtreeSQL("path", 1)
	out, err := db.Query(ctx, s.DB, scanOrg, `SELECT `+orgCols+` FROM orgs WHERE `+cond+` ORDER BY path`, scope)
	if err != nil {
		return nil, err
	}
	// Paths sort as text ("/1/10/" before "/1/2/"); order siblings by code
	// instead, which follows the division codes.
	sortTree(out)
	return out, nil
}

// Get returns one org the staff actor may see.
func (s *Service) Get(ctx context.Context, id int64) (_ *Org, err error) {
	defer db.Wrap(&err, "org.Get(%d)", id)
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	o, err := getOrg(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if !a.Covers(o.Path) {
		return nil, apperr.New(apperr.NotFound, "税务机关不存在")
	}
	return o, nil
}

func getOrg(ctx context.Context, q db.Querier, id int64) (*Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "税务机关不存在")
	}
	return o, err
}

// Input is what an administrator types to create or change an org.
type Input struct {
	ParentID     int64
	DivisionCode string
	Name         string
	Address      string
	Phone        string
	Active       bool
}

// Create adds an org under a parent in the administrator's subtree. The
// level follows the parent, the division must lie inside the parent's, and
// the 11-digit authority code is derived from the division.
func (s *Service) Create(ctx context.Context, in Input) (_ *Org, err error) {
	now := s.Now()
	defer db.Wrap(&err, "org.Create(parent %d, %q)", in.ParentID, in.DivisionCode)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	in.Name, in.Address, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.Phone)
	checkText(f, in)
	in.DivisionCode = strings.TrimSpace(in.DivisionCode)
	if !f.Text("division_code", in.DivisionCode, 12) {
		return nil, f.Err()
	}
	if in.DivisionCode == "" {
		f.Add("division_code", "请填写行政区划代码")
	}
	parent, err := getOrg(ctx, s.DB, in.ParentID)
	if err != nil || !a.Covers(parent.Path) {
		if in.ParentID == 0 {
			f.Add("parent_id", "请选择上级税务机关")
		}
		f.Add("parent_id", "请选择您管辖范围内的上级税务机关")
		return nil, f.Err()
	}
	level := map[string]string{Province: City, City: District}[parent.Level]
	if level == "" {
		f.Add("parent_id", "区县税务局下不能再设下级税务机关")
	}
	want := map[string]int{City: 4, District: 6}[level]
	if d, ok := divisions.Lookup(in.DivisionCode); in.DivisionCode != "" && want > 0 && (!ok || len(d.Code) != want || !strings.HasPrefix(d.Code, parent.DivisionCode)) {
		f.Add("division_code", "行政区划代码应为"+parent.Name+"辖区内的"+map[int]string{4: "市级4位", 6: "区县级6位"}[want]+"代码")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var o *Org
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		o, err = insertOrg(ctx, tx, now, level, parent, in)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, audit.OrgCreate, "org", o.ID, o.Name)
	})
	if db.IsUniqueViolation(err) {
		return nil, apperr.InvalidField("division_code", "该行政区划已设有税务机关")
	}
	return o, err
}

// checkText checks the text an administrator types for an org (already
// trimmed): a name is required; every value must be storable text of its
// length.
func checkText(f apperr.Fields, in Input) {
	if in.Name == "" {
		f.Add("name", "请填写税务机关名称")
	}
	f.Text("name", in.Name, 100)
	f.Text("address", in.Address, 200)
	f.Text("phone", in.Phone, 30)
}

// Code derives the 11-digit tax authority code from a division code:
// "1" + the division padded to 6 digits + "0000", as in 13502030000 for
// the Siming district bureau of Xiamen.
func Code(division string) string {
	return "1" + division + strings.Repeat("0", 6-len(division)) + "0000"
}

func insertOrg(ctx context.Context, q db.Querier, now time.Time, level string, parent *Org, in Input) (*Org, error) {
	var parentID any
	parentPath := "/"
	if parent != nil {
		parentID, parentPath = parent.ID, parent.Path
	}
	var id int64
	err := q.QueryRowContext(ctx, `INSERT INTO orgs (code, name, level, parent_id, division_code, address, phone, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) RETURNING id`,
		Code(in.DivisionCode), in.Name, level, parentID, in.DivisionCode, in.Address, in.Phone, db.TS(now)).Scan(&id)
	if err != nil {
		return nil, err
	}
	path := parentPath + strconv.FormatInt(id, 10) + "/"
	if _, err := q.ExecContext(ctx, `UPDATE orgs SET path = $1 WHERE id = $2`, path, id); err != nil {
		return nil, err
	}
	return getOrg(ctx, q, id)
}

// CreateRoot creates the provincial bureau at the top of the tree. It is for
// installation and seeding, not for users.
func CreateRoot(ctx context.Context, q db.Querier, now time.Time, provinceCode, name string) (*Org, error) {
	if d, ok := divisions.Lookup(provinceCode); !ok || len(d.Code) != 2 {
		return nil, fmt.Errorf("unknown province code %q", provinceCode)
	}
	return insertOrg(ctx, q, now, Province, nil, Input{DivisionCode: provinceCode, Name: name})
}

// CreateChild creates an org without an actor, for seeding.
func CreateChild(ctx context.Context, q db.Querier, now time.Time, parent *Org, division, name, address, phone string) (*Org, error) {
	level := map[string]string{Province: City, City: District}[parent.Level]
	return insertOrg(ctx, q, now, level, parent, Input{DivisionCode: division, Name: name, Address: address, Phone: phone})
}

// Patch changes an org; nil fields keep their value.
type Patch struct {
	Name, Address, Phone *string
	Active               *bool
}

// Update changes an org's name, address, phone and whether it is active:
// the full form, as a patch of every field.
func (s *Service) Update(ctx context.Context, id int64, in Input) (*Org, error) {
	return s.Patch(ctx, id, Patch{Name: &in.Name, Address: &in.Address, Phone: &in.Phone, Active: &in.Active})
}

// Patch reads the org, applies the fields given, validates the result and
// writes it, in one transaction: two administrators changing different
// fields at once both keep their change. An administrator cannot
// deactivate their own org.
func (s *Service) Patch(ctx context.Context, id int64, p Patch) (_ *Org, err error) {
	now := s.Now()
	defer db.Wrap(&err, "org.Patch(%d)", id)
	a, err := auth.RequireStaff(ctx, auth.RoleAdmin)
	if err != nil {
		return nil, err
	}
	var o *Org
	err = s.DB.TxWith(ctx, db.Serializable, func(tx *sql.Tx) error {
		old, err := getOrg(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Covers(old.Path) {
			return apperr.New(apperr.NotFound, "税务机关不存在")
		}
		in := Input{Name: old.Name, Address: old.Address, Phone: old.Phone, Active: old.Active}
		setIf(&in.Name, p.Name)
		setIf(&in.Address, p.Address)
		setIf(&in.Phone, p.Phone)
		setIf(&in.Active, p.Active)
		in.Name, in.Address, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Address), strings.TrimSpace(in.Phone)
		f := apperr.Fields{}
		checkText(f, in)
		if !in.Active && old.ID == a.OrgID {
			f.Add("active", "不能停用您本人所在的税务机关")
		}
		if err := f.Err(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET name = $1, address = $2, phone = $3, active = $4 WHERE id = $5`,
			in.Name, in.Address, in.Phone, boolInt(in.Active), id); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, auth.Who(ctx), now, audit.OrgUpdate, "org", id, in.Name); err != nil {
			return err
		}
		o, err = getOrg(ctx, tx, id)
		return err
	})
	return o, err
}

// setIf sets *dst to *p when p is not nil: a patch field that was sent.
func setIf[T any](dst *T, p *T) {
	if p != nil {
		*dst = *p
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CompetentBureau finds the active org responsible for an address in the
// given 6-digit division: the district bureau, else the city bureau, else
// the provincial bureau; nil when the hall serves no bureau there.
func CompetentBureau(ctx context.Context, q db.Querier, division6 string) (*Org, error) {
	for _, code := range []string{division6, divisions.CityOf(division6), divisions.ProvinceOf(division6)} {
		o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgCols+` FROM orgs WHERE division_code = $1 AND active = 1`, code))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		return o, err
	}
	return nil, nil
}

// ServedProvinces lists the province codes that have an active bureau: the
// hall accepts registrations for addresses there.
func ServedProvinces(ctx context.Context, q db.Querier) ([]string, error) {
	return db.Query(ctx, q, func(sc db.Scanner) (c string, err error) { return c, sc.Scan(&c) },
		`SELECT division_code FROM orgs WHERE level = 'province' AND active = 1 ORDER BY division_code`)
}

// RootName returns the name of the first provincial bureau, for page titles.
func RootName(ctx context.Context, q db.Querier) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}

// LevelName is the Chinese name of the org's level.
func (o *Org) LevelName() string { return LevelName(o.Level) }
