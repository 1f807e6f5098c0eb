package consult

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/search"
	"taxhall/internal/ticket"
)

// Mine lists the taxpayer user's questions, newest first.
func (s *Service) Mine(ctx context.Context) ([]*Question, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, scanQ, `SELECT `+qCols+qFrom+` WHERE q.user_id = $1 ORDER BY q.id DESC LIMIT 50`, a.UserID)
}

// MyQuestion returns one of the user's questions.
func (s *Service) MyQuestion(ctx context.Context, id int64) (*Question, error) {
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `q.id = $1 AND q.user_id = $2`, id, a.UserID)
}

// Track returns a question by number and code (throttled), for askers
// without an account.
func (s *Service) Track(ctx context.Context, number, code string) (*Question, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	if number == "" || strings.TrimSpace(code) == "" {
		return nil, apperr.InvalidField("_", "请填写咨询编号和查询码")
	}
	if err := ticket.Admit(ctx, s.DB, "question", number, s.Now()); err != nil {
		return nil, err
	}
	var stored string
	err := s.DB.QueryRowContext(ctx, `SELECT code_hash FROM questions WHERE tracking_no = $1`, number).Scan(&stored)
	if err == sql.ErrNoRows || err == nil && !ticket.Matches(stored, number, code) {
		return nil, apperr.New(apperr.NotFound, "未找到该咨询，请核对编号和查询码")
	}
	if err != nil {
		return nil, err
	}
	return s.load(ctx, `q.tracking_no = $1`, number)
}

// Rate records the asker's rating (1–5) of an answered question, once:
// the UPDATE is guarded by rating IS NULL.
func (s *Service) Rate(ctx context.Context, q *Question, rating int, comment string) error {
	if rating < 1 || rating > 5 {
		return apperr.InvalidField("rating", "请选择1到5分")
	}
	comment = strings.TrimSpace(comment)
	if !(&apperr.Fields{}).Text("comment", comment, 500) {
		return apperr.InvalidField("comment", "评价内容过长")
	}
	res, err := s.DB.ExecContext(ctx, `UPDATE questions SET rating = $1, rating_comment = $2 WHERE id = $3 AND state = 'answered' AND rating IS NULL`,
		rating, comment, q.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.Conflict, "该咨询尚未答复或已评价")
	}
	return nil
}

// FollowUp adds the asker's follow-up question to the thread and puts the
// question back in its bureau's queue.
func (s *Service) FollowUp(ctx context.Context, q *Question, body string) error {
	body = strings.TrimSpace(body)
	if len([]rune(body)) < 2 {
		return apperr.InvalidField("followup", "请填写追问内容")
	}
	if !(&apperr.Fields{}).Text("followup", body, MaxBody) {
		return apperr.InvalidField("followup", "追问内容过长")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO question_entries (question_id, author, body, created_at) VALUES ($1, 'asker', $2, $3)`, q.ID, body, db.TS(s.Now())); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE questions SET state = 'open', claimed_by = NULL, claimed_at = NULL, answered_at = NULL WHERE id = $1 AND state = 'answered'`, q.ID)
		return err
	})
}

// QA is a published question and answer.
type QA struct {
	ID                        int64
	TaxType, Question, Answer string
	State                     string
	PublishedOn               string
}

// TaxTypeName is the Chinese name of the Q&A's tax type.
func (x QA) TaxTypeName() string { return auth.NameOf(TaxTypes, x.TaxType) }

// Propose puts an anonymised Q&A of an answered question up for review.
func (s *Service) Propose(ctx context.Context, id int64, question, answer string) error {
	a, err := requireAgent(ctx)
	if err != nil {
		return err
	}
	q, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if q.State != "answered" {
		return apperr.New(apperr.Conflict, "只有已答复的咨询可以推荐公开")
	}
	question, answer = strings.TrimSpace(question), strings.TrimSpace(answer)
	f := apperr.Fields{}
	if question == "" {
		f.Add("qa_question", "请填写隐去个人信息后的问题")
	}
	if answer == "" {
		f.Add("qa_answer", "请填写答复")
	}
	if err := f.Err(); err != nil {
		return err
	}
	_, err = s.DB.ExecContext(ctx, `INSERT INTO public_qa (question_id, tax_type, question, answer, proposed_by, state, created_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6) ON CONFLICT (question_id) DO NOTHING`, id, q.TaxType, question, answer, a.UserID, db.TS(s.Now()))
	return err
}

// requireReviewer returns the content reviewer in ctx.
func requireReviewer(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanReview(a) {
		return nil, apperr.New(apperr.Forbidden, "只有内容审核人员可以审核公开问答")
	}
	return a, nil
}

// Pending lists Q&A awaiting review from the queues of the reviewer's
// bureau subtree, oldest first.
func (s *Service) Pending(ctx context.Context) ([]QA, error) {
	a, err := requireReviewer(ctx)
	if err != nil {
		return nil, err
	}
	cond, arg := a.SubtreeSQL("o.path", 1)
	return db.Query(ctx, s.DB, scanQA, `SELECT x.id, x.tax_type, x.question, x.answer, x.state, '' FROM public_qa x
		JOIN questions q ON q.id = x.question_id JOIN orgs o ON o.id = q.org_id
		WHERE x.state = 'pending' AND `+cond+` ORDER BY x.id LIMIT 100`, arg)
}

// Review publishes or returns (rejects) a pending Q&A of the reviewer's
// bureau subtree, once.
func (s *Service) Review(ctx context.Context, id int64, publish bool) error {
	a, err := requireReviewer(ctx)
	if err != nil {
		return err
	}
	state := "rejected"
	if publish {
		state = "published"
	}
	cond, arg := a.SubtreeSQL("o.path", 5)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var x QA
		err := tx.QueryRowContext(ctx, `UPDATE public_qa SET state = $1, reviewed_by = $2, reviewed_at = $3 WHERE id = $4 AND state = 'pending'
			AND question_id IN (SELECT q.id FROM questions q JOIN orgs o ON o.id = q.org_id WHERE `+cond+`)
			RETURNING id, tax_type, question, answer`, state, a.UserID, db.TS(s.Now()), id, arg).Scan(&x.ID, &x.TaxType, &x.Question, &x.Answer)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "该问答不存在或已审核")
		}
		if err != nil || !publish || s.Index == nil {
			return err
		}
		return s.Index.Put(ctx, tx, QADoc(x))
	})
}

// QASearchKind is the kind of the published Q&A in the search index (the
// knowledge base's "search before you ask" finds them).
const QASearchKind = "qa"

// QADoc is the search row of a published Q&A.
func QADoc(x QA) search.Doc {
	return search.Doc{Kind: QASearchKind, Ref: strconv.FormatInt(x.ID, 10), Title: x.Question, Body: x.Answer,
		URL: "/consult#qa-" + strconv.FormatInt(x.ID, 10), Facets: map[string]string{"tax": x.TaxType}}
}

// PublishedPage lists the public Q&A of a tax type ("" for all), newest
// first, keyset-paged by id (before 0: the first page); next is the id to
// continue before, 0 at the end.
func (s *Service) PublishedPage(ctx context.Context, taxType string, before int64, limit int) (_ []QA, next int64, err error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	items, err := db.Query(ctx, s.DB, scanQA, `SELECT id, tax_type, question, answer, state, COALESCE(reviewed_at, '') FROM public_qa
		WHERE state = 'published' AND ($1 = '' OR tax_type = $1) AND id < $2 ORDER BY id DESC LIMIT $3`, taxType, before, limit+1)
	if err != nil {
		return nil, 0, err
	}
	if len(items) > limit {
		items = items[:limit]
		next = items[limit-1].ID
	}
	return items, next, nil
}

// Published lists the public Q&A, newest first.
func (s *Service) Published(ctx context.Context, limit int) ([]QA, error) {
	return db.Query(ctx, s.DB, scanQA, `SELECT id, tax_type, question, answer, state, COALESCE(reviewed_at, '') FROM public_qa WHERE state = 'published' ORDER BY id DESC LIMIT $1`, limit)
}

func scanQA(sc db.Scanner) (QA, error) {
	var x QA
	var at string
	err := sc.Scan(&x.ID, &x.TaxType, &x.Question, &x.Answer, &x.State, &at)
	if t := db.ParseTS(at); !t.IsZero() {
		x.PublishedOn = t.In(cst).Format("2006-01-02")
	}
	return x, err
}
