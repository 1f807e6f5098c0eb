package publists_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/demo"
	"taxhall/internal/publists"
)

var now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// clerk returns a window clerk of the bureau with the division code.
func clerk(t *testing.T, d *db.DB, division string) *auth.Actor {
	a := &auth.Actor{Kind: auth.Staff, Roles: []string{auth.RoleWindowClerk}}
	err := d.QueryRowContext(context.Background(), `SELECT s.id, o.id, o.path FROM staff s JOIN orgs o ON o.id = s.org_id
		WHERE o.division_code = $1 AND s.roles LIKE '%window_clerk%' ORDER BY s.id LIMIT 1`, division).Scan(&a.UserID, &a.OrgID, &a.OrgPath)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func code(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}

func TestIrregularAndQuotas(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, d, demo.Options{Enterprises: 12, Individuals: 2, Now: now, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		s := &publists.Service{DB: d, Now: func() time.Time { return now }}
		var tp, biz int64
		var division string
		var bureau int64
		if err := d.QueryRowContext(ctx, `SELECT t.id, t.bureau_id, o.division_code FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id
			WHERE t.status = 'active' AND t.kind = 'enterprise' AND (SELECT count(*) FROM taxpayers u WHERE u.bureau_id = t.bureau_id AND u.kind = 'enterprise') > 1
			ORDER BY t.id LIMIT 1`).Scan(&tp, &bureau, &division); err != nil {
			t.Fatal(err)
		}
		// The demo has no individual business: make another enterprise of the
		// bureau one.
		if err := d.QueryRowContext(ctx, `UPDATE taxpayers SET sub_kind = 'individual_business', status = 'active'
			WHERE id = (SELECT max(id) FROM taxpayers WHERE bureau_id = $1 AND kind = 'enterprise' AND id <> $2) RETURNING id`, bureau, tp).Scan(&biz); err != nil {
			t.Fatal(err)
		}
		c := clerk(t, d, division)
		otherDivision := "350203" // a district of another city
		if strings.HasPrefix(division, "3502") {
			otherDivision = "350102"
		}
		other := clerk(t, d, otherDivision)
		t.Run("set and lift 非正常户", func(t *testing.T) {
			if err := s.SetIrregular(ctx, c, tp, true, ""); code(err) != apperr.Invalid {
				t.Errorf("no reason: %v", err)
			}
			if err := s.SetIrregular(ctx, other, tp, true, "逾期未申报且无法联系"); code(err) != apperr.NotFound {
				t.Errorf("another bureau's clerk: %v", err)
			}
			// Two clerks at once: one sets it, the other is told it is done.
			s2 := &publists.Service{DB: dbtest.SecondPool(t, d), Now: s.Now}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, svc := range []*publists.Service{s, s2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					errs[i] = svc.SetIrregular(ctx, c, tp, true, "逾期未申报且无法联系")
				}()
			}
			close(start)
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) || (code(errs[0]) != apperr.Conflict && code(errs[1]) != apperr.Conflict) {
				t.Fatalf("two sets: %v", errs)
			}
			rows, _, err := s.Page(ctx, publists.Irregular, publists.Filter{}, publists.Cursor{})
			if err != nil || len(rows) != 1 || rows[0].ID != tp || rows[0].Reason != "逾期未申报且无法联系" || rows[0].Since != "2026-12-01" {
				t.Fatalf("list %+v %v", rows, err)
			}
			if len([]rune(rows[0].Operator)) > 1 && !strings.Contains(rows[0].Operator, "*") {
				t.Errorf("operator not masked: %s", rows[0].Operator)
			}
			if rows, _, _ := s.Page(ctx, publists.Irregular, publists.Filter{District: otherDivision[:4]}, publists.Cursor{}); len(rows) != 0 {
				t.Errorf("Fuzhou filter: %+v", rows)
			}
			if rows, _, _ := s.Page(ctx, publists.Irregular, publists.Filter{Year: 2025}, publists.Cursor{}); len(rows) != 0 {
				t.Errorf("2025 filter: %+v", rows)
			}
			if err := s.SetIrregular(ctx, c, tp, false, "已补办申报并缴纳罚款"); err != nil {
				t.Fatal(err)
			}
			if rows, _, _ := s.Page(ctx, publists.Irregular, publists.Filter{}, publists.Cursor{}); len(rows) != 0 {
				t.Errorf("after lifting: %+v", rows)
			}
			if err := s.SetIrregular(ctx, c, tp, false, "再次解除"); code(err) != apperr.Conflict {
				t.Errorf("lift twice: %v", err)
			}
		})
		t.Run("quotas", func(t *testing.T) {
			in := publists.QuotaInput{From: "2026-01", To: "2026-12", Sales: "80000", Tax: "0"}
			if err := s.SetQuota(ctx, c, tp, in); code(err) != apperr.Conflict {
				t.Errorf("quota of an enterprise: %v", err)
			}
			if err := s.SetQuota(ctx, c, biz, publists.QuotaInput{From: "2026-13", To: "2026-01", Sales: "x", Tax: ""}); code(err) != apperr.Invalid {
				t.Errorf("bad input: %v", err)
			}
			// Two overlapping quotas at once: one is set.
			s2 := &publists.Service{DB: dbtest.SecondPool(t, d), Now: s.Now}
			errs := make([]error, 2)
			var wg sync.WaitGroup
			start := make(chan struct{})
			ins := []publists.QuotaInput{in, {From: "2026-06", To: "2027-05", Sales: "90000", Tax: "0"}}
			for i, svc := range []*publists.Service{s, s2} {
				wg.Add(1)
				go func() { defer wg.Done(); <-start; errs[i] = svc.SetQuota(ctx, c, biz, ins[i]) }()
			}
			close(start)
			wg.Wait()
			if (errs[0] == nil) == (errs[1] == nil) {
				t.Fatalf("overlapping quotas: %v", errs)
			}
			if err := s.SetQuota(ctx, c, biz, publists.QuotaInput{From: "2027-06", To: "2027-12", Sales: "85000.50", Tax: "120"}); err != nil {
				t.Fatal(err)
			}
			rows, _, err := s.Page(ctx, publists.Quotas, publists.Filter{}, publists.Cursor{})
			if err != nil || len(rows) != 2 || rows[0].Period != "2027-06 至 2027-12" || rows[0].SalesFen != 8500050 || rows[0].TaxFen != 12000 {
				t.Fatalf("quota list %+v %v", rows, err)
			}
			if rows, _, _ := s.Page(ctx, publists.Quotas, publists.Filter{Year: 2027}, publists.Cursor{}); len(rows) != 1 {
				t.Errorf("2027 quotas %+v", rows)
			}
			// Keyset paging walks every row once.
			p1, next, _ := s.Page(ctx, publists.Quotas, publists.Filter{}, publists.Cursor{})
			if next.ID != 0 || len(p1) != 2 {
				t.Errorf("one page expected: %d %v", len(p1), next)
			}
			// Exports read back.
			var buf bytes.Buffer
			if err := publists.WriteCSV(&buf, publists.Quotas, rows); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
			if err != nil || len(recs) != 3 || recs[0][0] != "纳税人名称" || recs[1][5] != "85,000.50" && recs[1][5] != "85000.50" {
				t.Errorf("csv %v %v", recs, err)
			}
			buf.Reset()
			if err := publists.WriteXLSX(&buf, publists.Quotas, rows); err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(&buf)
			if err != nil {
				t.Fatal(err)
			}
			xr, err := x.GetRows("定期定额户定额公示")
			if err != nil || len(xr) != 3 || xr[1][0] != rows[0].Name {
				t.Errorf("xlsx %v %v", xr, err)
			}
		})
	})
}

func TestCSVDefusesFormulas(t *testing.T) {
	var buf bytes.Buffer
	if err := publists.WriteCSV(&buf, publists.Irregular, []publists.Row{{Name: "=HYPERLINK(\"http://evil\")", Reason: "+1"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"'=HYPERLINK(""http://evil"")"`) || !strings.Contains(buf.String(), "'+1") {
		t.Errorf("csv: %s", buf.String())
	}
}
