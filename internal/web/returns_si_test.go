package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"taxhall/internal/db"
	"taxhall/internal/db/dbtest"
	"taxhall/internal/sif"
)

// The social insurance return through the hall: the month's roster with a
// wage input each, a wrong wage refused with its message on that input and
// the draft kept, then fixed and filed with the summary derived from the
// lines.
func TestSIFileInHall(t *testing.T) {
	dbtest.ForEach(t, func(t *testing.T, d *db.DB) {
		ts := site(t, d)
		b, own := enterpriseAdmin(t, ts, d)
		ctx := context.Background()
		who := validRosterIDs(3)
		var idOf []string
		for i, name := range []string{"陈甲", "林乙", "王丙"} {
			var id int64
			if err := d.QueryRowContext(ctx, `INSERT INTO employees (taxpayer_id, resident_id, name, hired_on, created_at)
				VALUES ($1, $2, $3, '2026-01-01', '2026-01-01T00:00:00Z') RETURNING id`, own, who[i], name).Scan(&id); err != nil {
				t.Fatal(err)
			}
			idOf = append(idOf, strconv.FormatInt(id, 10))
		}
		const form = "/hall/returns/file?form=si&period=2026-06"
		s, body := b.get(form)
		b.expect(s, body, 200, "社会保险费申报表", "陈甲", "林乙", "王丙", `name="wage.`+idOf[0]+`"`, `name="injury_rate"`, "保存草稿")

		post := url.Values{"token": {between(body, `name="token" value="`, `"`)}, "action": {"submit"}, "injury_rate": {"0.2"},
			"wage." + idOf[0]: {"3000"}, "wage." + idOf[1]: {"三万"}, "wage." + idOf[2]: {"8000.55"}}
		s, body = b.post(form, post)
		b.expect(s, body, 422, "林乙的缴费工资：金额格式不正确", `id="f-wage.`+idOf[1]+`-error"`, `value="三万"`, `value="8000.55"`)
		// The draft kept what was typed.
		s, body = b.get(form)
		b.expect(s, body, 200, `value="三万"`, "林乙的缴费工资：金额格式不正确", "草稿由")

		post.Set("wage."+idOf[1], "30000")
		s, body = b.post(form, post)
		b.expect(s, body, 200, "申报成功", "12,320.18", "8,645.13", "3,675.05", "职工缴费明细", "共 3 人", "陈甲", "林乙", "王丙")
		var doc string
		if err := d.QueryRowContext(ctx, `SELECT doc FROM returns WHERE taxpayer_id = $1 AND form = $2 AND is_current = 1`, own, sif.FormCode).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(doc, `"7":"12320.18"`) || !strings.Contains(doc, "employee_id") {
			t.Errorf("canonical document: %s", doc)
		}
	})
}
