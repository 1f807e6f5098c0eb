// Package ixtest builds a small hall for the tests of the interaction
// capabilities (appointments, complaints, consultation, surveys): a
// province, two cities with a district each, staff of the roles they need,
// and taxpayers with users, written with plain SQL so the tests stay fast.
package ixtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// World is the seeded hall.
type World struct {
	D *db.DB
	// Orgs: province 35, cities 3502 (Xiamen) and 3501 (Fuzhou), districts
	// 350203 (Siming) under Xiamen and 350102 (Gulou) under Fuzhou.
	Province, Xiamen, Fuzhou, Siming, Gulou *Org
	// Taxpayers of Siming (A) and Gulou (B), each with users.
	TaxpayerA, TaxpayerB int64
}

// Org is an org with its path.
type Org struct {
	ID   int64
	Name string
	Path string
}

// New seeds a world in d.
func New(t testing.TB, d *db.DB) *World {
	t.Helper()
	w := &World{D: d}
	w.Province = w.org(t, nil, "35", "国家税务总局福建省税务局", "province")
	w.Xiamen = w.org(t, w.Province, "3502", "国家税务总局厦门市税务局", "city")
	w.Fuzhou = w.org(t, w.Province, "3501", "国家税务总局福州市税务局", "city")
	w.Siming = w.org(t, w.Xiamen, "350203", "国家税务总局厦门市思明区税务局", "district")
	w.Gulou = w.org(t, w.Fuzhou, "350102", "国家税务总局福州市鼓楼区税务局", "district")
	w.TaxpayerA = w.taxpayer(t, w.Siming, "91350203MA00000001", "厦门甲科技有限公司")
	w.TaxpayerB = w.taxpayer(t, w.Gulou, "91350102MA00000002", "福州乙贸易有限公司")
	return w
}

var now = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func (w *World) one(t testing.TB, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := w.D.QueryRowContext(context.Background(), q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

func (w *World) org(t testing.TB, parent *Org, code, name, level string) *Org {
	var pid any
	if parent != nil {
		pid = parent.ID
	}
	id := w.one(t, `INSERT INTO orgs (code, name, level, parent_id, division_code, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		"1"+code+"000", name, level, pid, code, db.TS(now))
	path := fmt.Sprintf("/%d/", id)
	if parent != nil {
		path = parent.Path + fmt.Sprintf("%d/", id)
	}
	if _, err := w.D.ExecContext(context.Background(), `UPDATE orgs SET path = $1 WHERE id = $2`, path, id); err != nil {
		t.Fatal(err)
	}
	return &Org{ID: id, Name: name, Path: path}
}

func (w *World) taxpayer(t testing.TB, o *Org, code, name string) int64 {
	return w.one(t, `INSERT INTO taxpayers (kind, code, name, bureau_id, registered_at, updated_at) VALUES ('enterprise', $1, $2, $3, $4, $4) RETURNING id`,
		code, name, o.ID, db.TS(now))
}

// User adds a user to a taxpayer and returns its actor.
func (w *World) User(t testing.TB, taxpayerID int64, username string) *auth.Actor {
	t.Helper()
	id := w.one(t, `INSERT INTO taxpayer_users (taxpayer_id, username, name, role, password_hash, created_at, updated_at)
		VALUES ($1, $2, $3, 'tax_clerk', 'x', $4, $4) RETURNING id`, taxpayerID, username, "用户"+username, db.TS(now))
	return &auth.Actor{Kind: auth.Taxpayer, UserID: id, Name: "用户" + username, TaxpayerID: taxpayerID, TaxpayerKind: "enterprise", Role: "tax_clerk"}
}

// Staff adds a staff member of an org with roles and returns its actor.
func (w *World) Staff(t testing.TB, o *Org, no string, roles ...string) *auth.Actor {
	t.Helper()
	rs := ""
	for i, r := range roles {
		if i > 0 {
			rs += ","
		}
		rs += r
	}
	id := w.one(t, `INSERT INTO staff (org_id, staff_no, name, password_hash, roles, created_at, updated_at) VALUES ($1, $2, $3, 'x', $4, $5, $5) RETURNING id`,
		o.ID, no, "职员"+no, rs, db.TS(now))
	return &auth.Actor{Kind: auth.Staff, UserID: id, Name: "职员" + no, StaffNo: no, OrgID: o.ID, OrgName: o.Name, OrgPath: o.Path, Roles: roles}
}

// As returns ctx carrying a.
func As(a *auth.Actor) context.Context { return auth.WithActor(context.Background(), a) }
