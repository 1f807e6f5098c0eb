package survey

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"taxhall/internal/apperr"
	"taxhall/internal/db"
)

// List returns the surveys of the staff member's bureau subtree, newest
// first, with their response counts.
func (s *Service) List(ctx context.Context) (_ []*Survey, err error) {
	defer db.Wrap(&err, "survey.List")
	a, err := requireManager(ctx)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, func(sc db.Scanner) (*Survey, error) {
		var x Survey
		var created string
		err := sc.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.OrgPath, &x.Title, &x.Intro, &x.Audience, &x.TaxpayerKind, &x.State, &created, &x.Responses)
		x.CreatedAt = db.ParseTS(created)
		return &x, err
	}, `SELECT `+cols+`, (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id)
		FROM surveys s JOIN orgs o ON o.id = s.org_id WHERE `+cond+` ORDER BY s.id DESC LIMIT 100`, arg)
}

// Get returns a survey of the staff member's subtree with its items.
func (s *Service) Get(ctx context.Context, id int64) (_ *Survey, err error) {
	defer db.Wrap(&err, "survey.Get(%d)", id)
	a, err := requireManager(ctx)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 2)
	x, err := scanSurvey(s.DB.QueryRowContext(ctx, `SELECT `+cols+` FROM surveys s JOIN orgs o ON o.id = s.org_id WHERE s.id = $1 AND `+cond, id, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "调查不存在")
	}
	if err != nil {
		return nil, err
	}
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1`, id).Scan(&x.Responses); err != nil {
		return nil, err
	}
	return x, s.items(ctx, x)
}

// Close ends a survey of the staff member's subtree, once.
func (s *Service) Close(ctx context.Context, id int64) error {
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE surveys SET state = 'closed', closed_at = $1 WHERE id = $2 AND state = 'open'`, db.TS(s.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "该调查已结束")
	}
	return nil
}

// Bar is one choice's count in the results.
type Bar struct {
	Label   string
	Count   int
	Percent int // of the respondents who answered the item, rounded down
}

// ItemResult is an item's results: bars for a choice or scale item, the
// latest texts for a free-text item.
type ItemResult struct {
	Item
	Answered int
	Bars     []Bar
	Average  string // a scale's mean, "4.2"
	Texts    []string
}

// Results counts the answers of a survey of the staff member's subtree.
func (s *Service) Results(ctx context.Context, id int64) (_ *Survey, _ []ItemResult, err error) {
	defer db.Wrap(&err, "survey.Results(%d)", id)
	x, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	var out []ItemResult
	for _, it := range x.Items {
		r := ItemResult{Item: it}
		if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(DISTINCT response_id) FROM survey_answers WHERE item_id = $1`, it.ID).Scan(&r.Answered); err != nil {
			return nil, nil, err
		}
		if it.Kind == Text {
			r.Texts, err = db.Query(ctx, s.DB, func(sc db.Scanner) (string, error) {
				var t string
				return t, sc.Scan(&t)
			}, `SELECT text FROM survey_answers WHERE item_id = $1 AND choice IS NULL ORDER BY id DESC LIMIT 50`, it.ID)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, r)
			continue
		}
		counts := map[int]int{}
		rows, err := db.Query(ctx, s.DB, func(sc db.Scanner) ([2]int, error) {
			var c [2]int
			return c, sc.Scan(&c[0], &c[1])
		}, `SELECT choice, COUNT(*) FROM survey_answers WHERE item_id = $1 AND choice IS NOT NULL GROUP BY choice`, it.ID)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range rows {
			counts[c[0]] = c[1]
		}
		sum, n := 0, 0
		for i, label := range it.Choices() {
			v := it.ChoiceValue(i)
			b := Bar{Label: label, Count: counts[v]}
			if r.Answered > 0 {
				b.Percent = b.Count * 100 / r.Answered
			}
			sum += v * b.Count
			n += b.Count
			r.Bars = append(r.Bars, b)
		}
		if it.Kind == Scale && n > 0 {
			tenths := (sum*10 + n/2) / n
			r.Average = strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
		}
		out = append(out, r)
	}
	return x, out, nil
}
