package org_test

import (
	"testing"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/org"
)

// TestEmptyOrgFormIsFlaggedEverywhere (issue 7 finding 10): with no parent
// chosen, the empty division code and name are still flagged, each with
// "请填写/请选择"; an empty staff number is asked for.
func TestEmptyOrgFormIsFlaggedEverywhere(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		s, as := setup(t, d)
		xm := as("35020001")
		_, err := s.Create(xm, org.Input{})
		e := apperr.As(err)
		for field, want := range map[string]string{"parent_id": "请选择上级税务机关", "division_code": "请填写行政区划代码", "name": "请填写税务机关名称"} {
			if e.Fields[field] != want {
				t.Errorf("%s: %q, want %q", field, e.Fields[field], want)
			}
		}
		_, err = s.CreateStaff(xm, org.StaffInput{})
		e = apperr.As(err)
		for field, want := range map[string]string{"staff_no": "请填写工号", "name": "请填写姓名", "password": "请填写密码", "roles": "请至少选择一个岗位角色"} {
			if e.Fields[field] != want {
				t.Errorf("%s: %q, want %q", field, e.Fields[field], want)
			}
		}
	})
}
