package demo

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"taxhall/internal/db"
)

// demoShops are individual businesses under 定期定额 collection, with their
// monthly quota in yuan; the demo register has none of its own.
var demoShops = []struct {
	name, operator string
	sales          int64
}{
	{"鹭岛便利店", "陈美玲", 60000}, {"海沧小吃店", "林志强", 45000}, {"同安五金店", "黄国华", 80000},
	{"思明理发店", "吴秀英", 30000}, {"湖里水果店", "郑建国", 70000}, {"集美文具店", "蔡丽娟", 25000},
	{"鼓楼早餐店", "王德明", 40000}, {"台江干洗店", "李春梅", 35000},
}

// SeedLists gives the public lists something to show in a demo database
// without any: individual businesses with fixed quotas, and a few
// taxpayers marked 非正常户, deregistered or suspended, each with the
// reason a clerk gave. It does nothing when quotas exist already.
func SeedLists(ctx context.Context, d *db.DB, now time.Time) (bool, error) {
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM business_quotas`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	type bureau struct {
		id, clerk int64
		division  string
	}
	bureaus, err := db.Query(ctx, d, func(r db.Scanner) (bureau, error) {
		var b bureau
		return b, r.Scan(&b.id, &b.division, &b.clerk)
	}, `SELECT o.id, o.division_code, min(s.id) FROM orgs o JOIN staff s ON s.org_id = o.id AND s.roles LIKE '%window_clerk%'
		WHERE o.level = 'district' GROUP BY o.id, o.division_code ORDER BY o.id`)
	if err != nil || len(bureaus) == 0 {
		return false, err
	}
	ts := db.TS(now)
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		var shops []int64
		for i, sh := range demoShops {
			b := bureaus[i%len(bureaus)]
			code := fmt.Sprintf("92%sMA%08d", b.division[:6], 3000000+i)
			code = code[:18]
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO taxpayers (kind, sub_kind, code, name, legal_rep_name, legal_rep_id, division_code, address, industry_code, bureau_id, status, registered_at, updated_at)
				VALUES ('enterprise', 'individual_business', $1, $2, $3, '', $4, '', '52', $5, 'active', $6, $6) RETURNING id`,
				code, map[string]string{"3501": "福州市", "3502": "厦门市"}[b.division[:4]]+sh.name, sh.operator, b.division, b.id, db.TS(now.AddDate(-1, 0, -i*7))).Scan(&id)
			if err != nil {
				return err
			}
			shops = append(shops, id)
			year := now.Year()
			for k, from := range []string{fmt.Sprintf("%d-01", year-1), fmt.Sprintf("%d-01", year)} {
				to := from[:4] + "-12"
				sales := (sh.sales + int64(k)*5000) * 100
				if _, err := tx.ExecContext(ctx, `INSERT INTO business_quotas (taxpayer_id, month_from, month_to, sales_fen, tax_fen, staff_id, created_at) VALUES ($1, $2, $3, $4, 0, $5, $6)`,
					id, from, to, sales, b.clerk, ts); err != nil {
					return err
				}
			}
		}
		// Status changes with reasons: three 非正常户, one deregistered
		// enterprise, one suspended shop.
		marks := []struct{ to, reason string }{
			{"irregular", "逾期未申报，经责令限期改正后逾期仍未改正，且经实地核查查无下落"},
			{"irregular", "连续三个月未申报，电话和登记地址均无法联系"},
			{"irregular", "逾期未申报，经责令限期改正后逾期仍未改正"},
			{"deregistered", "经营期满解散，已结清税款并缴销发票，准予清税注销"},
		}
		ids, err := db.Query(ctx, tx, func(r db.Scanner) ([2]int64, error) {
			var v [2]int64
			return v, r.Scan(&v[0], &v[1])
		}, `SELECT t.id, (SELECT min(s.id) FROM staff s WHERE s.org_id = t.bureau_id) FROM taxpayers t WHERE t.kind = 'enterprise' AND t.sub_kind = '' AND t.status = 'active' ORDER BY t.id DESC LIMIT 4`)
		if err != nil {
			return err
		}
		for i, m := range marks {
			if i >= len(ids) {
				break
			}
			at := db.TS(now.AddDate(0, -2*i-1, 0))
			if _, err := tx.ExecContext(ctx, `UPDATE taxpayers SET status = $1, updated_at = $2 WHERE id = $3`, m.to, at, ids[i][0]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO taxpayer_status_changes (taxpayer_id, from_status, to_status, reason, staff_id, at) VALUES ($1, 'active', $2, $3, $4, $5)`,
				ids[i][0], m.to, m.reason, ids[i][1], at); err != nil {
				return err
			}
		}
		if len(shops) > 0 {
			at := db.TS(now.AddDate(0, 0, -20))
			if _, err := tx.ExecContext(ctx, `UPDATE taxpayers SET status = 'suspended', updated_at = $1 WHERE id = $2`, at, shops[len(shops)-1]); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO taxpayer_status_changes (taxpayer_id, from_status, to_status, reason, staff_id, at) VALUES ($1, 'active', 'suspended', '业主申请停业装修，停业期三个月', NULL, $2)`,
				shops[len(shops)-1], at); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}
