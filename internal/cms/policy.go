package cms

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"taxhall/internal/db"
	"taxhall/internal/jobs"
	"taxhall/internal/messages"
	"taxhall/internal/notify"
	"taxhall/internal/taxpayer"
)

// Policy notices (政策推送): when an article of a policy column that names
// tax types (TaxTags) is published — at once or at its scheduled time —
// every taxpayer with an open identification of one of them gets an in-site
// message and, on the channels its users chose for the category
// notify.Policy, an e-mail or a text (notify.Fanout).
//
// A province has millions of taxpayers, so publishing only enqueues the
// first page job (KindPolicy, in the publishing transaction). Each page
// reads PolicyPageSize identifications of one tax type after a cursor (the
// index tax_identifications_type: tax_type, taxpayer_id), sends, and
// enqueues the next page — all in one transaction. Every message has the
// key "policy:<article>", so a taxpayer identified for two of the tags, a
// page that runs again after its node died, or a second node, sends
// nothing twice; the jobs' keys make each page one job.

// KindPolicy is the job kind of a page of policy notices.
const KindPolicy = "cms.policy"

// PolicyPageSize is how many identifications a page job reads.
var PolicyPageSize = 500

// taxTypeName is the Chinese name of a tax type code.
func taxTypeName(code string) string {
	if t, ok := taxpayer.LookupTaxType(code); ok {
		return t.Name
	}
	return code
}

// checkTags says what is wrong with an article's tax tags, "" if nothing.
func checkTags(tags []string) string {
	seen := map[string]bool{}
	for _, t := range tags {
		if _, ok := taxpayer.LookupTaxType(t); !ok {
			return "请从列表中选择税种"
		}
		if seen[t] {
			return "税种重复"
		}
		seen[t] = true
	}
	return ""
}

func splitTags(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// TagNames are the article's tax types in Chinese.
func (a Article) TagNames() []string {
	out := make([]string, len(a.TaxTags))
	for i, t := range a.TaxTags {
		out[i] = taxTypeName(t)
	}
	return out
}

// Tagged reports whether the article names the tax type (forms).
func (a Article) Tagged(code string) bool { return slices.Contains(a.TaxTags, code) }

type policyPayload struct {
	Article int64 `json:"article"`
	Type    int   `json:"type"`  // index into the article's tags
	After   int64 `json:"after"` // taxpayer id cursor
}

func policyKey(p policyPayload) string { return fmt.Sprintf("%d:%d:%d", p.Article, p.Type, p.After) }

// enqueuePolicy starts the notices of a just-published article, inside the
// publishing transaction, when it is a tagged article of a policy column.
func enqueuePolicy(ctx context.Context, tx *sql.Tx, art Article) error {
	if len(art.TaxTags) == 0 {
		return nil
	}
	var policy int
	if err := tx.QueryRowContext(ctx, `SELECT policy FROM cms_columns WHERE id = $1`, art.ColumnID).Scan(&policy); err != nil || policy == 0 {
		return err
	}
	p := policyPayload{Article: art.ID}
	_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindPolicy, Key: policyKey(p), Payload: p})
	return err
}

// RegisterJobs adds the handler of the policy notice pages to r.
func (s *Service) RegisterJobs(r *jobs.Runner) {
	r.Handle(KindPolicy, func(ctx context.Context, j *jobs.Claimed) error {
		var p policyPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		return s.DB.Tx(ctx, func(tx *sql.Tx) error {
			next, _, err := s.policyPage(ctx, tx, p)
			if err != nil || next == nil {
				return err
			}
			_, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: KindPolicy, Key: policyKey(*next), Payload: *next})
			return err
		})
	})
}

// RunPolicy sends all of an article's notices synchronously, page after
// page (tests, a catch-up); it returns how many messages it created.
func (s *Service) RunPolicy(ctx context.Context, article int64) (total int, err error) {
	p := &policyPayload{Article: article}
	for p != nil {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			next, n, err := s.policyPage(ctx, tx, *p)
			total += n
			p = next
			return err
		})
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// policyPage sends one page of an article's notices and returns the next
// page (nil after the last) and how many messages were new.
func (s *Service) policyPage(ctx context.Context, tx *sql.Tx, p policyPayload) (next *policyPayload, created int, err error) {
	defer db.Wrap(&err, "cms.policyPage(%d, %d, %d)", p.Article, p.Type, p.After)
	art, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleCols+articleFrom+` WHERE a.id = $1`, p.Article))
	if errors.Is(err, sql.ErrNoRows) || err == nil && (art.State != Published || p.Type >= len(art.TaxTags)) {
		return nil, 0, nil // archived since, or nothing (more) to send
	}
	if err != nil {
		return nil, 0, err
	}
	var site string
	var policy int
	if err := tx.QueryRowContext(ctx, `SELECT o.name, c.policy FROM orgs o JOIN cms_columns c ON c.id = $2 WHERE o.id = $1`, art.SiteOrgID, art.ColumnID).Scan(&site, &policy); err != nil {
		return nil, 0, err
	}
	if policy == 0 {
		return nil, 0, nil // not a policy column's article
	}
	tag := art.TaxTags[p.Type]
	size := PolicyPageSize
	ids, err := db.Query(ctx, tx, func(r db.Scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	}, `SELECT DISTINCT taxpayer_id FROM tax_identifications WHERE tax_type = $1 AND end_date = '' AND taxpayer_id > $2
		ORDER BY taxpayer_id LIMIT $3`, tag, p.After, size)
	if err != nil {
		return nil, 0, err
	}
	subject := "政策推送：" + art.Title
	if utf8.RuneCountInString(subject) > messages.MaxSubject {
		subject = string([]rune(subject)[:messages.MaxSubject-1]) + "…"
	}
	body := site + "发布了与您的" + strings.Join(art.TagNames(), "、") + "有关的政策信息《" + art.Title + "》。"
	if art.Summary != "" {
		body += "\n" + art.Summary
	}
	key := "policy:" + strconv.FormatInt(art.ID, 10)
	now := s.Now()
	for _, id := range ids {
		_, made, err := messages.Send(ctx, tx, now, messages.Message{TaxpayerID: id, Kind: messages.KindNotice,
			Subject: subject, Body: body, Link: ArticleURL(art.ID), DedupeKey: key})
		if err != nil {
			return nil, created, err
		}
		if !made {
			continue
		}
		created++
		if _, err := notify.Fanout(ctx, tx, notify.Event{Category: notify.Policy, TaxpayerID: id, Subject: subject, Body: body, Link: ArticleURL(art.ID), Key: key}); err != nil {
			return nil, created, err
		}
	}
	switch {
	case len(ids) == size:
		return &policyPayload{Article: p.Article, Type: p.Type, After: ids[len(ids)-1]}, created, nil
	case p.Type+1 < len(art.TaxTags):
		return &policyPayload{Article: p.Article, Type: p.Type + 1}, created, nil
	}
	return nil, created, nil
}
