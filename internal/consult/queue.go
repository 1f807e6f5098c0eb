package consult

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

func requireAgent(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanAnswer(a) {
		return nil, apperr.New(apperr.Forbidden, "只有12366坐席可以处理咨询")
	}
	return a, nil
}

// Page is a page of the queue; Next is the cursor of the following page.
type Page struct {
	Items []*Question
	Next  int64
}

// Queue lists the agent's bureau's questions in a state (open: waiting,
// oldest first; claimed: those the agent holds), keyset by id on the
// index questions_queue (org_id, state, id).
func (s *Service) Queue(ctx context.Context, state string, after int64) (_ *Page, err error) {
	defer db.Wrap(&err, "consult.Queue")
	a, err := requireAgent(ctx)
	if err != nil {
		return nil, err
	}
	if state != "claimed" && state != "answered" {
		state = "open"
	}
	var items []*Question
	if state == "claimed" {
		items, err = db.Query(ctx, s.DB, scanQ, `SELECT `+qCols+qFrom+` WHERE q.claimed_by = $1 AND q.state = 'claimed' AND q.id > $2 ORDER BY q.id LIMIT $3`,
			a.UserID, after, PageSize+1)
	} else {
		items, err = db.Query(ctx, s.DB, scanQ, `SELECT `+qCols+qFrom+` WHERE q.org_id = $1 AND q.state = $2 AND q.id > $3 ORDER BY q.id LIMIT $4`,
			a.OrgID, state, after, PageSize+1)
	}
	if err != nil {
		return nil, err
	}
	p := &Page{Items: items}
	if len(items) > PageSize {
		p.Items = items[:PageSize]
		p.Next = p.Items[PageSize-1].ID
	}
	return p, nil
}

// Get returns a question of the agent's bureau (or one they hold).
func (s *Service) Get(ctx context.Context, id int64) (*Question, error) {
	a, err := requireAgent(ctx)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `q.id = $1 AND (q.org_id = $2 OR q.claimed_by = $3)`, id, a.OrgID, a.UserID)
}

// Claim takes an open question of the agent's bureau: one UPDATE guarded by
// state = 'open', so of twenty agents trying at once exactly one gets it.
func (s *Service) Claim(ctx context.Context, id int64) (err error) {
	defer db.Wrap(&err, "consult.Claim(%d)", id)
	a, err := requireAgent(ctx)
	if err != nil {
		return err
	}
	var got int64
	err = s.DB.QueryRowContext(ctx, `UPDATE questions SET state = 'claimed', claimed_by = $1, claimed_at = $2
		WHERE id = $3 AND org_id = $4 AND state = 'open' RETURNING id`, a.UserID, db.TS(s.Now()), id, a.OrgID).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		if _, gerr := s.Get(ctx, id); gerr != nil {
			return gerr
		}
		return apperr.New(apperr.Conflict, "该咨询已由其他坐席受理")
	}
	return err
}

// held returns a question the agent holds (claimed by them).
func (s *Service) held(ctx context.Context, id int64) (*auth.Actor, *Question, error) {
	a, err := requireAgent(ctx)
	if err != nil {
		return nil, nil, err
	}
	q, err := s.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if q.State != "claimed" || q.ClaimedBy != a.UserID {
		return nil, nil, apperr.New(apperr.Conflict, "请先受理该咨询")
	}
	return a, q, nil
}

// Answer answers a question the agent holds and tells the asker.
func (s *Service) Answer(ctx context.Context, id int64, body string) (err error) {
	defer db.Wrap(&err, "consult.Answer(%d)", id)
	a, q, err := s.held(ctx, id)
	if err != nil {
		return err
	}
	body = strings.TrimSpace(body)
	if body == "" {
		return apperr.InvalidField("answer", "请填写答复内容")
	}
	if !(&apperr.Fields{}).Text("answer", body, MaxBody*2) {
		return apperr.InvalidField("answer", "答复内容过长")
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var got int64
		err := tx.QueryRowContext(ctx, `UPDATE questions SET state = 'answered', answered_at = $1 WHERE id = $2 AND state = 'claimed' AND claimed_by = $3 RETURNING id`,
			db.TS(now), id, a.UserID).Scan(&got)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "该咨询已不在您名下")
		}
		if err != nil {
			return err
		}
		var entry int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO question_entries (question_id, author, staff_id, body, created_at) VALUES ($1, 'agent', $2, $3, $4) RETURNING id`,
			id, a.UserID, body, db.TS(now)).Scan(&entry); err != nil {
			return err
		}
		return s.notifyAsker(ctx, tx, q, entry)
	})
}

// Transfer hands a question the agent holds to another bureau's queue.
func (s *Service) Transfer(ctx context.Context, id, orgID int64, note string) (err error) {
	defer db.Wrap(&err, "consult.Transfer(%d)", id)
	a, q, err := s.held(ctx, id)
	if err != nil {
		return err
	}
	var name string
	if err := s.DB.QueryRowContext(ctx, `SELECT name FROM orgs WHERE id = $1 AND active = 1`, orgID).Scan(&name); err != nil || orgID == q.OrgID {
		return apperr.InvalidField("org_id", "请选择转交的其他税务机关")
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE questions SET org_id = $1, state = 'open', claimed_by = NULL, claimed_at = NULL WHERE id = $2 AND state = 'claimed' AND claimed_by = $3`,
			orgID, id, a.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "该咨询已不在您名下")
		}
		text := "转交至" + name
		if note = strings.TrimSpace(note); note != "" {
			text += "：" + note
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO question_entries (question_id, author, staff_id, body, created_at) VALUES ($1, 'system', $2, $3, $4)`, id, a.UserID, text, db.TS(now))
		return err
	})
}
