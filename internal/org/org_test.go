package org_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/org"
)

var hash = sync.OnceValue(func() string { return auth.HashPassword(demo.Password) })

func setup(t *testing.T, d *db.DB) (*org.Service, func(string) context.Context) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, err := demo.Seed(context.Background(), d, demo.Options{Now: now, PasswordHash: hash()}); err != nil {
		t.Fatal(err)
	}
	a := auth.NewService(d, func() time.Time { return now })
	as := func(no string) context.Context {
		s, err := a.LoginStaff(context.Background(), no, demo.Password, auth.API, "")
		if err != nil {
			t.Fatal(err)
		}
		return auth.WithActor(context.Background(), s.Actor)
	}
	return &org.Service{DB: d, Now: func() time.Time { return now }}, as
}

func TestOrgTreeAdministration(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		prov, xm, clerk := as("35000001"), as("35020001"), as("35020301")
		all, err := s.List(prov)
		if err != nil {
			t.Fatal(err)
		}
		if all[0].Level != org.Province || len(all) < 20 {
			t.Fatalf("province list: %d", len(all))
		}
		mine, _ := s.List(xm)
		for _, o := range mine {
			if !strings.HasPrefix(o.DivisionCode, "3502") {
				t.Errorf("Xiamen admin sees %s", o.Name)
			}
		}
		// The province adds the Quanzhou city bureau and a district under it.
		qz, err := s.Create(prov, org.Input{ParentID: all[0].ID, DivisionCode: "3505", Name: "国家税务总局泉州市税务局"})
		if err != nil {
			t.Fatal(err)
		}
		if qz.Code != "13505000000" || qz.Level != org.City {
			t.Errorf("quanzhou %+v", qz)
		}
		if _, err := s.Create(prov, org.Input{ParentID: qz.ID, DivisionCode: "350502", Name: "国家税务总局泉州市鲤城区税务局"}); err != nil {
			t.Fatal(err)
		}
		// A district outside the parent's division, or a bad code, is refused on its field.
		_, err = s.Create(prov, org.Input{ParentID: qz.ID, DivisionCode: "350203", Name: "错误"})
		if e := apperr.As(err); e == nil || e.Fields["division_code"] == "" {
			t.Errorf("district outside parent: %v", err)
		}
		// Xiamen's admin cannot add under Quanzhou; a clerk cannot add at all.
		if _, err := s.Create(xm, org.Input{ParentID: qz.ID, DivisionCode: "350503", Name: "丰泽"}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("xiamen under quanzhou: %v", err)
		}
		if _, err := s.Create(clerk, org.Input{ParentID: qz.ID, DivisionCode: "350503", Name: "丰泽"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("clerk created org: %v", err)
		}
		if _, err := s.Get(xm, qz.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("xiamen reads quanzhou: %v", err)
		}
	})
}

func TestStaffAdministration(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		xm := as("35020001")
		orgs, _ := s.List(xm)
		var siming *org.Org
		for _, o := range orgs {
			if o.DivisionCode == "350203" {
				siming = o
			}
		}
		st, err := s.CreateStaff(xm, org.StaffInput{OrgID: siming.ID, StaffNo: "35020309", Name: "新同事", Roles: []string{auth.RoleWindowClerk, auth.RoleReviewer}, Active: true, Password: "New#Colleague9"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateStaff(xm, org.StaffInput{OrgID: siming.ID, StaffNo: "35020309", Name: "重复", Roles: []string{auth.RoleReviewer}, Password: "New#Colleague9"}); apperr.As(err) == nil || apperr.As(err).Fields["staff_no"] == "" {
			t.Errorf("duplicate staff no: %v", err)
		}
		if _, err := s.CreateStaff(xm, org.StaffInput{OrgID: siming.ID, StaffNo: "35020310", Name: "角色", Roles: []string{"god"}, Password: "New#Colleague9"}); apperr.As(err) == nil || apperr.As(err).Fields["roles"] == "" {
			t.Errorf("unknown role: %v", err)
		}
		list, _ := s.ListStaff(xm, org.StaffFilter{Query: "新同事"})
		if len(list) != 1 || list[0].ID != st.ID {
			t.Errorf("search staff: %v", list)
		}
		// Fuzhou's admin cannot see or change Xiamen staff.
		fz := as("35010001")
		if _, err := s.GetStaff(fz, st.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("fuzhou reads xiamen staff: %v", err)
		}
		if err := s.ResetStaffPassword(fz, st.ID, "Evil#Password1"); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("fuzhou resets xiamen password: %v", err)
		}
		// An admin cannot disable themselves or drop their own admin role.
		me := auth.ActorFrom(xm)
		self, _ := s.GetStaff(xm, me.UserID)
		if _, err := s.UpdateStaff(xm, me.UserID, org.StaffInput{OrgID: self.OrgID, Name: self.Name, Roles: []string{auth.RoleReviewer}, Active: true}); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("self demotion: %v", err)
		}
		// Disabling a member stops their login.
		if _, err := s.UpdateStaff(xm, st.ID, org.StaffInput{OrgID: siming.ID, Name: "新同事", Roles: []string{auth.RoleWindowClerk}, Active: false}); err != nil {
			t.Fatal(err)
		}
		a := auth.NewService(d, time.Now)
		if _, err := a.LoginStaff(context.Background(), "35020309", "New#Colleague9", auth.Web, ""); err == nil {
			t.Error("disabled staff logged in")
		}
	})
}
