// Package kb is the 12366 knowledge base (知识库): questions with their
// answers, tax type, legal references and a period of validity, written by
// agents and editors and published only when a reviewer who is not the
// last author approves (a CHECK and a guarded UPDATE, not a check in Go).
// Published entries are indexed in internal/search as their own kind; the
// public sees only published entries valid today.
package kb

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/search"
)

// SearchKind is the kind of the knowledge base's rows in the search index.
const SearchKind = "kb"

// Limits.
const (
	MaxQuestion = 200
	MaxAnswer   = 4000
	MaxRefs     = 2000
	PageSize    = 20
	ListSize    = 30
)

// States.
const (
	Draft     = "draft"
	Published = "published"
	Archived  = "archived"
)

// TaxTypes are the tax types an entry is filed under.
var TaxTypes = []auth.Label{
	{Code: "vat", Name: "增值税"}, {Code: "cit", Name: "企业所得税"}, {Code: "iit", Name: "个人所得税"},
	{Code: "invoice", Name: "发票"}, {Code: "small", Name: "六税两费"}, {Code: "property", Name: "房产税、城镇土地使用税"},
	{Code: "stamp", Name: "印花税"}, {Code: "si", Name: "社会保险费"}, {Code: "admin", Name: "征管事项"}, {Code: "other", Name: "其他"},
}

// TaxTypeName is the Chinese name of a tax type code.
func TaxTypeName(code string) string { return auth.NameOf(TaxTypes, code) }

// taxTypeCode finds a tax type by code or Chinese name (for imports).
func taxTypeCode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, t := range TaxTypes {
		if s == t.Code || s == t.Name {
			return t.Code, true
		}
	}
	return "", false
}

// Service is the knowledge base.
type Service struct {
	DB    *db.DB
	Index *search.Index
	Now   func() time.Time

	mu        sync.Mutex
	refreshed string // the day Refresh last ran in this process
}

// refresh runs Refresh once a day, on the first search of the day.
func (s *Service) refresh(ctx context.Context) error {
	day := s.today()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refreshed == day {
		return nil
	}
	if err := s.Refresh(ctx, day); err != nil {
		return err
	}
	s.refreshed = day
	return nil
}

// Refresh makes the index hold exactly the published entries valid on day:
// it removes those whose validity has ended and adds those whose validity
// has begun. Idempotent, so several nodes may run it; searches also drop
// invalid entries from their page, so the index may lag a day boundary.
func (s *Service) Refresh(ctx context.Context, day string) (err error) {
	defer db.Wrap(&err, "kb.Refresh(%s)", day)
	ended, err := db.Query(ctx, s.DB, func(sc db.Scanner) (string, error) {
		var ref string
		return ref, sc.Scan(&ref)
	}, `SELECT d.ref FROM search_docs d JOIN kb_entries e ON CAST(e.id AS TEXT) = d.ref
		WHERE d.kind = 'kb' AND (e.state <> 'published' OR e.valid_to < $1 OR e.valid_from > $1)`, day)
	if err != nil {
		return err
	}
	if len(ended) > 0 {
		if err := s.Index.Delete(ctx, s.DB, SearchKind, ended...); err != nil {
			return err
		}
	}
	begun, err := db.Query(ctx, s.DB, scanEntry, `SELECT `+entryCols+entryFrom+`
		WHERE e.state = 'published' AND e.valid_from <= $1 AND (e.valid_to IS NULL OR e.valid_to >= $1)
		AND NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.kind = 'kb' AND d.ref = CAST(e.id AS TEXT))`, day)
	if err != nil {
		return err
	}
	docs := make([]search.Doc, len(begun))
	for i, e := range begun {
		docs[i] = doc(e)
	}
	if len(docs) == 0 {
		return nil
	}
	return s.Index.Put(ctx, s.DB, docs...)
}

var cst = time.FixedZone("CST", 8*3600)

func (s *Service) today() string { return s.Now().In(cst).Format(time.DateOnly) }

// CanWrite reports whether a staff member writes entries.
func CanWrite(a *auth.Actor) bool {
	return a.HasRole(auth.Role12366Agent) || a.HasRole(auth.RoleContentEditor) || CanReview(a)
}

// CanReview reports whether a staff member approves entries: a content
// reviewer or the hall's supervisor (who leads the 12366 agents).
func CanReview(a *auth.Actor) bool {
	return a.HasRole(auth.RoleContentReviewer) || a.HasRole(auth.RoleHallSupervisor)
}

// Ref is one legal reference.
type Ref struct {
	Text string
	URL  string // "/laws/{id}" or "/laws/{id}#aN", or ""
}

var refURL = regexp.MustCompile(`^/laws/[0-9]{1,12}(#a[0-9]{1,5})?$`)

// ParseRefs reads references, one a line: "text" or "text | /laws/12#a5".
func ParseRefs(s string) ([]Ref, error) {
	var out []Ref
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		r := Ref{Text: line}
		if i := strings.LastIndex(line, "|"); i >= 0 {
			r.Text, r.URL = strings.TrimSpace(line[:i]), strings.TrimSpace(line[i+1:])
			if !refURL.MatchString(r.URL) {
				return nil, errors.New("链接须为法规库地址，如 /laws/12#a5")
			}
		}
		if r.Text == "" {
			return nil, errors.New("每条依据须有文字")
		}
		out = append(out, r)
	}
	return out, nil
}

func formatRefs(rs []Ref) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		lines[i] = r.Text
		if r.URL != "" {
			lines[i] += " | " + r.URL
		}
	}
	return strings.Join(lines, "\n")
}

// Entry is one knowledge-base entry.
type Entry struct {
	ID           int64
	Question     string
	Answer       string
	TaxType      string
	Refs         []Ref
	ValidFrom    string // YYYY-MM-DD
	ValidTo      string // "" for open-ended
	State        string
	AuthorID     int64
	AuthorName   string
	ReviewedBy   int64
	ReviewerName string
	ReviewedAt   time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// TaxTypeName, StateName and RefsText are shown on pages.
func (e *Entry) TaxTypeName() string { return TaxTypeName(e.TaxType) }
func (e *Entry) StateName() string {
	return map[string]string{Draft: "待审核", Published: "已发布", Archived: "已归档"}[e.State]
}
func (e *Entry) RefsText() string { return formatRefs(e.Refs) }

// ValidOn reports whether the entry is in force on day (YYYY-MM-DD).
func (e *Entry) ValidOn(day string) bool {
	return e.ValidFrom <= day && (e.ValidTo == "" || e.ValidTo >= day)
}

// Input is what a writer enters.
type Input struct {
	Question, Answer, TaxType, Refs string
	ValidFrom, ValidTo              string
}

func (in *Input) check() (refs []Ref, err error) {
	f := apperr.Fields{}
	in.Question, in.Answer = strings.TrimSpace(in.Question), strings.TrimSpace(in.Answer)
	if in.Question == "" {
		f.Add("question", "请填写问题")
	} else {
		f.Text("question", in.Question, MaxQuestion)
	}
	if in.Answer == "" {
		f.Add("answer", "请填写答复")
	} else {
		f.Text("answer", in.Answer, MaxAnswer)
	}
	if code, ok := taxTypeCode(in.TaxType); ok {
		in.TaxType = code
	} else {
		f.Add("tax_type", "请选择税种")
	}
	if f.Text("refs", in.Refs, MaxRefs) {
		var e error
		refs, e = ParseRefs(in.Refs)
		f.Check("refs", e)
	}
	in.ValidFrom, in.ValidTo = strings.TrimSpace(in.ValidFrom), strings.TrimSpace(in.ValidTo)
	if _, e := time.Parse(time.DateOnly, in.ValidFrom); e != nil {
		f.Add("valid_from", "请填写生效日期，如 2026-01-01")
	}
	if in.ValidTo != "" {
		if _, e := time.Parse(time.DateOnly, in.ValidTo); e != nil {
			f.Add("valid_to", "失效日期格式应如 2027-12-31，长期有效请留空")
		} else if in.ValidTo < in.ValidFrom {
			f.Add("valid_to", "失效日期不能早于生效日期")
		}
	}
	return refs, f.Err()
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Create adds a draft entry written by the actor.
func (s *Service) Create(ctx context.Context, in Input) (*Entry, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanWrite(a) {
		return nil, apperr.New(apperr.Forbidden, "您的岗位不能编写知识库条目")
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var e error
		id, e = s.create(ctx, tx, a, in)
		return e
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, id)
}

func (s *Service) create(ctx context.Context, q db.Querier, a *auth.Actor, in Input) (int64, error) {
	refs, err := in.check()
	if err != nil {
		return 0, err
	}
	now := db.TS(s.Now())
	var id int64
	err = q.QueryRowContext(ctx, `
		INSERT INTO kb_entries (question, answer, tax_type, refs, valid_from, valid_to, state, author_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $8) RETURNING id`,
		in.Question, in.Answer, in.TaxType, formatRefs(refs), in.ValidFrom, nullStr(in.ValidTo), a.UserID, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, nil
}

// Update changes an entry. The writer becomes its author and the entry
// goes back to review (and out of the public index) until approved again.
func (s *Service) Update(ctx context.Context, id int64, in Input) error {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return err
	}
	if !CanWrite(a) {
		return apperr.New(apperr.Forbidden, "您的岗位不能编写知识库条目")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.update(ctx, tx, a, id, in) })
}

func (s *Service) update(ctx context.Context, tx db.Querier, a *auth.Actor, id int64, in Input) error {
	refs, err := in.check()
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE kb_entries SET question = $1, answer = $2, tax_type = $3, refs = $4, valid_from = $5, valid_to = $6,
			state = 'draft', author_id = $7, reviewed_by = NULL, reviewed_at = NULL, updated_at = $8
		WHERE id = $9`,
		in.Question, in.Answer, in.TaxType, formatRefs(refs), in.ValidFrom, nullStr(in.ValidTo), a.UserID, db.TS(s.Now()), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.New(apperr.NotFound, "条目不存在")
	}
	return s.Index.Delete(ctx, tx, SearchKind, strconv.FormatInt(id, 10))
}

// Approve publishes a draft. The reviewer must not be its author: the
// UPDATE's condition says so, and the table's CHECK as well.
func (s *Service) Approve(ctx context.Context, id int64) error {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return err
	}
	if !CanReview(a) {
		return apperr.New(apperr.Forbidden, "只有内容审核人员或办税服务厅主管可以审核知识库条目")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var e Entry
		var validTo sql.NullString
		err := tx.QueryRowContext(ctx, `
			UPDATE kb_entries SET state = 'published', reviewed_by = $1, reviewed_at = $2, updated_at = $2
			WHERE id = $3 AND state = 'draft' AND author_id <> $1
			RETURNING id, question, answer, tax_type, refs, valid_from, valid_to`,
			a.UserID, db.TS(s.Now()), id).Scan(&e.ID, &e.Question, &e.Answer, &e.TaxType, &refsScan{&e.Refs}, &e.ValidFrom, &validTo)
		if errors.Is(err, sql.ErrNoRows) {
			var state string
			var author int64
			err := tx.QueryRowContext(ctx, `SELECT state, author_id FROM kb_entries WHERE id = $1`, id).Scan(&state, &author)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return apperr.New(apperr.NotFound, "条目不存在")
			case err != nil:
				return err
			case state != Draft:
				return apperr.New(apperr.Conflict, "该条目不在待审核状态")
			default:
				return apperr.New(apperr.Forbidden, "不能审核自己编写或修改的条目，请由其他审核人员审核")
			}
		}
		if err != nil {
			return err
		}
		e.ValidTo = validTo.String
		if !e.ValidOn(s.today()) {
			return nil // indexed by Refresh on its first day
		}
		return s.Index.Put(ctx, tx, doc(&e))
	})
}

// Archive withdraws an entry from the public.
func (s *Service) Archive(ctx context.Context, id int64) error {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return err
	}
	if !CanWrite(a) {
		return apperr.New(apperr.Forbidden, "您的岗位不能管理知识库条目")
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE kb_entries SET state = 'archived', updated_at = $1 WHERE id = $2 AND state <> 'archived'`, db.TS(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(apperr.Conflict, "条目不存在或已归档")
		}
		return s.Index.Delete(ctx, tx, SearchKind, strconv.FormatInt(id, 10))
	})
}

// doc is the search row of a published entry.
func doc(e *Entry) search.Doc {
	body := e.Answer + "\n" + e.TaxTypeName()
	for _, r := range e.Refs {
		body += "\n" + r.Text
	}
	id := strconv.FormatInt(e.ID, 10)
	return search.Doc{Kind: SearchKind, Ref: id, Title: e.Question, Body: body, URL: "/kb/" + id,
		Facets: map[string]string{"tax": e.TaxType}}
}

// refsScan scans the refs column.
type refsScan struct{ rs *[]Ref }

func (r *refsScan) Scan(v any) error {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case []byte:
		s = string(x)
	}
	refs, err := ParseRefs(s)
	if err != nil { // stored text is checked on the way in; keep it readable
		refs = []Ref{{Text: s}}
	}
	*r.rs = refs
	return nil
}

const entryCols = `e.id, e.question, e.answer, e.tax_type, e.refs, e.valid_from, e.valid_to, e.state, e.author_id, a.name,
	e.reviewed_by, r.name, e.reviewed_at, e.created_at, e.updated_at`

const entryFrom = ` FROM kb_entries e JOIN staff a ON a.id = e.author_id LEFT JOIN staff r ON r.id = e.reviewed_by `

func scanEntry(sc db.Scanner) (*Entry, error) {
	var e Entry
	var validTo, reviewerName, reviewedAt sql.NullString
	var reviewedBy sql.NullInt64
	var created, updated string
	err := sc.Scan(&e.ID, &e.Question, &e.Answer, &e.TaxType, &refsScan{&e.Refs}, &e.ValidFrom, &validTo, &e.State, &e.AuthorID, &e.AuthorName,
		&reviewedBy, &reviewerName, &reviewedAt, &created, &updated)
	e.ValidTo, e.ReviewedBy, e.ReviewerName = validTo.String, reviewedBy.Int64, reviewerName.String
	if reviewedAt.Valid {
		e.ReviewedAt = db.ParseTS(reviewedAt.String)
	}
	e.CreatedAt, e.UpdatedAt = db.ParseTS(created), db.ParseTS(updated)
	return &e, err
}

// Get returns any entry, for staff.
func (s *Service) Get(ctx context.Context, id int64) (*Entry, error) {
	if _, err := auth.RequireStaff(ctx); err != nil {
		return nil, err
	}
	e, err := scanEntry(s.DB.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+`WHERE e.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "条目不存在")
	}
	return e, err
}

// Public returns a published entry valid today, for anyone.
func (s *Service) Public(ctx context.Context, id int64) (*Entry, error) {
	today := s.today()
	e, err := scanEntry(s.DB.QueryRowContext(ctx, `SELECT `+entryCols+entryFrom+`
		WHERE e.id = $1 AND e.state = 'published' AND e.valid_from <= $2 AND (e.valid_to IS NULL OR e.valid_to >= $2)`, id, today))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "条目不存在或已失效")
	}
	return e, err
}

// ListPage is a page of the staff list.
type ListPage struct {
	Items []*Entry
	Next  int64 // the after= of the next page, 0 at the end
}

// List returns entries of a state for staff, newest first, keyset by id.
func (s *Service) List(ctx context.Context, state string, after int64) (ListPage, error) {
	if _, err := auth.RequireStaff(ctx); err != nil {
		return ListPage{}, err
	}
	if state != Published && state != Archived {
		state = Draft
	}
	if after <= 0 {
		after = 1<<62 - 1
	}
	items, err := db.Query(ctx, s.DB, scanEntry, `SELECT `+entryCols+entryFrom+`
		WHERE e.state = $1 AND e.id < $2 ORDER BY e.id DESC LIMIT $3`, state, after, ListSize+1)
	if err != nil {
		return ListPage{}, err
	}
	var p ListPage
	if len(items) > ListSize {
		items = items[:ListSize]
		p.Next = items[ListSize-1].ID
	}
	p.Items = items
	return p, nil
}

// Hit is one search result.
type Hit struct {
	search.Hit
	Entry *Entry
}

// Results are a page of search hits.
type Results struct {
	Hits    []Hit
	More    bool
	Relaxed bool // no entry had every word; these have some
	Terms   []string
}

// Search finds published entries valid today, best first. taxType ""
// means all. page counts from 0. The index holds only published entries;
// those outside their period of validity are dropped from the page (so a
// page may hold fewer than PageSize).
func (s *Service) Search(ctx context.Context, q, taxType string, page, size int) (Results, error) {
	var out Results
	if msg := checkQuery(q); msg != "" {
		return out, apperr.InvalidField("q", msg)
	}
	if size <= 0 || size > PageSize {
		size = PageSize
	}
	sq := search.Query{Text: q, Kinds: []string{SearchKind}, Limit: size, Offset: max(page, 0) * size}
	if taxType != "" {
		if _, ok := taxTypeCode(taxType); !ok {
			return out, apperr.InvalidField("tax_type", "没有这个税种")
		}
		sq.Facets = map[string]string{"tax": taxType}
	}
	if err := s.refresh(ctx); err != nil {
		return out, err
	}
	r, err := s.Index.Search(ctx, sq)
	if err != nil {
		return out, err
	}
	out.More, out.Relaxed, out.Terms = r.More, r.Relaxed, r.Terms
	if len(r.Hits) == 0 {
		return out, nil
	}
	ids := make([]any, 0, len(r.Hits)+1)
	ph := make([]string, len(r.Hits))
	ids = append(ids, s.today())
	for i, h := range r.Hits {
		id, _ := strconv.ParseInt(h.Ref, 10, 64)
		ids = append(ids, id)
		ph[i] = "$" + strconv.Itoa(i+2)
	}
	// #nosec G202 -- ph holds only numbered placeholders
	entries, err := db.Query(ctx, s.DB, scanEntry, `SELECT `+entryCols+entryFrom+`
		WHERE e.state = 'published' AND e.valid_from <= $1 AND (e.valid_to IS NULL OR e.valid_to >= $1)
		AND e.id IN (`+strings.Join(ph, ", ")+`)`, ids...)
	if err != nil {
		return out, err
	}
	byID := map[string]*Entry{}
	for _, e := range entries {
		byID[strconv.FormatInt(e.ID, 10)] = e
	}
	for _, h := range r.Hits {
		if e := byID[h.Ref]; e != nil {
			out.Hits = append(out.Hits, Hit{Hit: h, Entry: e})
		}
	}
	return out, nil
}

func checkQuery(q string) string {
	f := apperr.Fields{}
	f.Text("q", q, 200)
	return f["q"]
}

// stopwords are the words of a question that say nothing of its subject.
var stopwords = strings.NewReplacer("请问", " ", "多少", " ", "怎么", " ", "怎样", " ", "如何", " ", "是否", " ", "可以", " ", "能否", " ",
	"哪些", " ", "什么", " ", "需要", " ", "我们", " ", "我司", " ", "公司", " ", "的", " ", "吗", " ", "呢", " ", "了", " ", "我", " ", "是", " ", "有", " ", "要", " ")

// Keywords turns a question as typed ("小规模纳税人季度免税标准是多少？")
// into words the index can look for: the question words dropped, and a
// long run of characters cut into pairs, so that an entry that shares
// some of them is found (the search relaxes to any word when no entry has
// all).
func Keywords(text string) string {
	var words []string
	for _, w := range strings.FieldsFunc(stopwords.Replace(text), func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || strings.ContainsRune("，。？！、；：,.?!;:（）()“”\"'《》", r)
	}) {
		rs := []rune(w)
		switch {
		case len(rs) == 1 && rs[0] > 0x2000: // one Chinese character finds too much
		case len(rs) <= 3:
			words = append(words, w)
		default:
			for i := 0; i < len(rs); i += 2 {
				j := min(i+2, len(rs))
				words = append(words, string(rs[j-2:j])) // an odd tail overlaps the pair before
			}
		}
	}
	return strings.Join(words, " ")
}

// Suggestions are what "search before you ask" shows for a question.
type Suggestions struct {
	Entries []Hit
	QA      []search.Hit // published public Q&A (consult.QASearchKind)
}

// qaKind is consult.QASearchKind (kb does not import consult).
const qaKind = "qa"

// Suggest finds entries and published Q&A for text a person typed: the
// entries that have every word, or failing that some of them, best first.
func (s *Service) Suggest(ctx context.Context, text, taxType string, n int) (Suggestions, error) {
	var out Suggestions
	text = strings.TrimSpace(text)
	if text == "" {
		return out, nil
	}
	if _, ok := taxTypeCode(taxType); !ok {
		taxType = ""
	}
	if checkQuery(text) != "" {
		return out, nil // not text to search for: nothing to suggest
	}
	text = Keywords(text)
	r, err := s.Search(ctx, text, taxType, 0, n)
	if err != nil {
		return out, err
	}
	out.Entries = r.Hits
	qa, err := s.Index.Search(ctx, search.Query{Text: text, Kinds: []string{qaKind}, Limit: n})
	if err != nil {
		return out, err
	}
	out.QA = qa.Hits
	return out, nil
}
