package demo

import (
	"context"
	"database/sql"
	"time"

	"taxhall/internal/db"
)

// demoTopics are the province site's special topics: a title, a code, a
// summary, and the words the titles of its articles contain (the newest
// published article of each title joins, in the order found).
var demoTopics = []struct {
	code, title, summary string
	words                []string
}{
	{"vat-law-2026", "2026年增值税法实施", "《中华人民共和国增值税法》自2026年1月1日起施行。本专题汇集增值税法及其实施条例的解读、小规模纳税人政策和申报表的变化。",
		[]string{"增值税"}},
	{"iit-annual", "个人所得税综合所得年度汇算", "居民个人取得综合所得，在次年3月1日至6月30日办理年度汇算（《中华人民共和国个人所得税法》第十一条）。本专题汇集汇算公告、专项附加扣除政策、图解和答疑。",
		[]string{"个人所得税"}},
}

// SeedTopics writes the demo special topics into a database whose sites
// have articles and no topics yet; it does nothing otherwise.
func SeedTopics(ctx context.Context, d *db.DB, now time.Time) (seeded bool, err error) {
	defer db.Wrap(&err, "demo.SeedTopics")
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count(*) FROM cms_topics`).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	var site int64
	err = d.QueryRowContext(ctx, `SELECT o.id FROM orgs o WHERE o.level = 'province' AND EXISTS (SELECT 1 FROM cms_columns c WHERE c.site_org_id = o.id) ORDER BY o.id LIMIT 1`).Scan(&site)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		for i, t := range demoTopics {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO cms_topics (site_org_id, code, title, summary, sort, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, site, t.code, t.title, t.summary, i, db.TS(now)).Scan(&id); err != nil {
				return err
			}
			sort := 0
			for _, w := range t.words {
				arts, err := db.Query(ctx, tx, func(r db.Scanner) (int64, error) {
					var id int64
					return id, r.Scan(&id)
				}, `SELECT max(id) FROM cms_articles WHERE site_org_id = $1 AND state = 'published' AND title LIKE $2 GROUP BY title ORDER BY max(published_at) DESC LIMIT 8`, site, "%"+w+"%")
				if err != nil {
					return err
				}
				for _, a := range arts {
					sort += 10
					if _, err := tx.ExecContext(ctx, `INSERT INTO cms_topic_articles (topic_id, article_id, sort, added_at) VALUES ($1, $2, $3, $4)
						ON CONFLICT (topic_id, article_id) DO NOTHING`, id, a, sort, db.TS(now)); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	return err == nil, err
}
