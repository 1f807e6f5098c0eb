package org_test

import (
	"context"
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/org"
)

func orgByDivision(t *testing.T, s *org.Service, ctx context.Context, division string) *org.Org {
	t.Helper()
	list, err := s.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		if o.DivisionCode == division {
			return o
		}
	}
	t.Fatalf("no org %s", division)
	return nil
}

// TestAdminsAreManagedFromAbove (security finding 4): no administrator
// resets their own password through the reset (it needs the current one);
// another administrator's account is changed, disabled or reset only from
// a strictly higher bureau.
func TestAdminsAreManagedFromAbove(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		prov, xm := as("35000001"), as("35020001")
		me := auth.ActorFrom(xm)
		err := s.ResetStaffPassword(xm, me.UserID, "Taken#Over2026")
		if e := apperr.As(err); e.Code != apperr.Forbidden || e.Message != org.OwnPasswordMessage {
			t.Errorf("own password through reset: %v", err)
		}
		// A second administrator of the Xiamen city bureau: a peer.
		city := orgByDivision(t, s, xm, "3502")
		peer, err := s.CreateStaff(prov, org.StaffInput{OrgID: city.ID, StaffNo: "35020099", Name: "同级管理员", Roles: []string{auth.RoleAdmin}, Active: true, Password: "Peer#Keeper2026"})
		if err != nil {
			t.Fatal(err)
		}
		off := false
		name := "改名"
		for what, err := range map[string]error{
			"reset":   s.ResetStaffPassword(xm, peer.ID, "Taken#Over2026"),
			"disable": second(s.PatchStaff(xm, peer.ID, org.StaffPatch{Active: &off})),
			"rename":  second(s.PatchStaff(xm, peer.ID, org.StaffPatch{Name: &name})),
		} {
			if apperr.CodeOf(err) != apperr.Forbidden {
				t.Errorf("peer %s: %v", what, err)
			}
		}
		// The province is higher: it may.
		if err := s.ResetStaffPassword(prov, peer.ID, "Fresh#Keeper2026"); err != nil {
			t.Errorf("province resets city admin: %v", err)
		}
		// A district administrator is below the city: the city may.
		siming := orgByDivision(t, s, xm, "350203")
		dist, err := s.CreateStaff(xm, org.StaffInput{OrgID: siming.ID, StaffNo: "35020399", Name: "区局管理员", Roles: []string{auth.RoleAdmin}, Active: true, Password: "Dist#Keeper2026"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PatchStaff(xm, dist.ID, org.StaffPatch{Active: &off}); err != nil {
			t.Errorf("city disables district admin: %v", err)
		}
		// Ordinary staff of one's own bureau: any administrator.
		if err := s.ResetStaffPassword(xm, staffID(t, s, xm, "35020002"), "Fresh#Super2026"); err != nil {
			t.Errorf("reset a supervisor: %v", err)
		}
	})
}

func staffID(t *testing.T, s *org.Service, ctx context.Context, no string) int64 {
	t.Helper()
	list, err := s.ListStaff(ctx, org.StaffFilter{Query: no})
	if err != nil || len(list) != 1 {
		t.Fatalf("staff %s: %v %v", no, list, err)
	}
	return list[0].ID
}

func second[T any](_ T, err error) error { return err }

// TestPatchesKeepOmittedFields: a patch changes what it names, in one
// transaction, and validates the result.
func TestPatchesKeepOmittedFields(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		xm := as("35020001")
		siming := orgByDivision(t, s, xm, "350203")
		addr := "厦门市思明区湖滨南路1号"
		o, err := s.Patch(xm, siming.ID, org.Patch{Address: &addr})
		if err != nil || o.Address != addr || o.Name != siming.Name || !o.Active {
			t.Errorf("org patch: %+v %v", o, err)
		}
		empty := ""
		if _, err := s.Patch(xm, siming.ID, org.Patch{Name: &empty}); apperr.As(err).Fields["name"] == "" {
			t.Errorf("empty name: %v", err)
		}
		id := staffID(t, s, xm, "35020301")
		phone := "0592-7654321"
		st, err := s.PatchStaff(xm, id, org.StaffPatch{Phone: &phone})
		if err != nil || st.Phone != phone || st.StaffNo != "35020301" || len(st.Roles) != 1 || !st.Active {
			t.Errorf("staff patch: %+v %v", st, err)
		}
		none := []string{}
		if _, err := s.PatchStaff(xm, id, org.StaffPatch{Roles: &none}); apperr.As(err).Fields["roles"] == "" {
			t.Errorf("no roles: %v", err)
		}
	})
}

// TestOrgAndStaffBadBytes: NUL and invalid UTF-8 are field errors.
func TestOrgAndStaffBadBytes(t *testing.T) {
	t.Parallel()
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		xm := as("35020001")
		siming := orgByDivision(t, s, xm, "350203")
		city := orgByDivision(t, s, xm, "3502")
		id := staffID(t, s, xm, "35020301")
		for _, bad := range []string{"a\x00b", "\xff\xfe"} {
			for what, err := range map[string]error{
				"create org":   second(s.Create(xm, org.Input{ParentID: city.ID, DivisionCode: bad, Name: bad})),
				"create org 2": second(s.Create(xm, org.Input{ParentID: city.ID, DivisionCode: "350299", Name: bad, Address: bad})),
				"patch org":    second(s.Patch(xm, siming.ID, org.Patch{Address: &bad})),
				"create staff": second(s.CreateStaff(xm, org.StaffInput{OrgID: siming.ID, StaffNo: bad, Name: bad, Phone: bad, Roles: []string{bad}, Password: "New#Colleague9"})),
				"patch staff":  second(s.PatchStaff(xm, id, org.StaffPatch{Name: &bad})),
				"list staff":   second(s.ListStaff(xm, org.StaffFilter{Query: bad})),
			} {
				if apperr.CodeOf(err) != apperr.Invalid {
					t.Errorf("%s with %q: %v", what, bad, err)
				}
			}
		}
	})
}
