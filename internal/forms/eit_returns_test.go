package forms_test

import (
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/returns"
	"taxhall/internal/taxpayer"
)

// Q1 then Q2 of the A-class prepayment (国家税务总局公告2021年第3号 填报说明
// 第14行: 本年实际已缴纳所得税额 is what this year's earlier prepayments
// paid; 财政部 税务总局公告2023年第12号 第三条 for the small low-profit
// relief): Q2's line 14 is Q1's line 16, last year's Q4 is not counted, and
// a correction of Q1 changes what a later-opened Q3 carries.
func TestEITPrepaidComesFromEarlierQuarters(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		f := newFiler(t, d, "91350203TESTE0001A", "cit", taxpayer.Quarterly)
		size := func(m map[string]string) map[string]string {
			m["A1"], m["A2"] = "50", "1000"
			return m
		}
		q4 := f.file(t, 2026, 1, 12, "eit", "2025Q4", size(map[string]string{"1": "8000000", "2": "6000000", "3": "2000000"}), false)
		if q4.Values()["16"] != 10_000_000 {
			t.Fatalf("2025Q4 = %v", q4.Values())
		}
		q1 := f.file(t, 2026, 4, 10, "eit", "2026Q1", size(map[string]string{"1": "5000000", "2": "3500000", "3": "1000000"}), false)
		v1 := q1.Values()
		if v1["14"] != 0 || v1["13"] != 20_000_000 || v1["16"] != 5_000_000 || q1.TaxDue != 5_000_000 {
			t.Fatalf("2026Q1 = %v", v1)
		}
		q2 := f.file(t, 2026, 7, 10, "eit", "2026Q2", size(map[string]string{"1": "9000000", "2": "6500000", "3": "1500000"}), false)
		v2 := q2.Values()
		if v2["14"] != v1["16"] || v2["12"] != 37_500_000 || v2["13"] != 30_000_000 || v2["16"] != 2_500_000 {
			t.Fatalf("2026Q2 = %v", v2)
		}
		// Q1 corrected upwards: Q3 carries the corrected Q1 and Q2.
		*f.clock = f.clock.AddDate(0, 0, 5)
		cor, err := f.rs.Submit(f.ctx, "eit", "2026Q1", size(map[string]string{"3": "1200000"}), returns.NewKey(), q1.ID, false)
		if err != nil || cor.Return.Values()["16"] != 6_000_000 {
			t.Fatalf("correction = %v %v", cor, err)
		}
		q3 := f.file(t, 2026, 10, 20, "eit", "2026Q3", size(map[string]string{"3": "1400000"}), false)
		v3 := q3.Values()
		// 1,400,000 × 25% × 20% = 70,000 due; paid 60,000 + 25,000.
		if v3["14"] != 6_000_000+2_500_000 || v3["16"] != 0 {
			t.Errorf("2026Q3 = %v", v3)
		}
	})
}
