// Package certs is the register of certificates the hall issues: the tax
// certificate (税收完税证明) over paid items and the individual's record of
// income tax (个人所得税纳税记录). Each has a readable number, a random
// verification code and the lines it certifies; the PDF is rendered again
// from the stored record at every download (the same bytes every time),
// and anyone can check a certificate on the public verification page
// (Verify), which shows only what the certificate itself shows on its face
// and is rate-limited against enumeration.
//
// Where the lines come from is not this package's business: a Source
// (payment.PaidLines once the payment capability is wired) gives the paid
// lines of a tax certificate; the individual's record comes from package
// iitrecords. Issue takes the lines.
package certs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/calendar"
	"taxhall/internal/db"
	"taxhall/internal/pdfdoc"
)

// Kinds of certificate.
const (
	KindTaxPaid   = "tax_paid"   // 税收完税证明
	KindIITRecord = "iit_record" // 个人所得税纳税记录
	// Issued when staff approve an application (package workflow): a
	// statement without lines, its facts in Scope.
	KindNoArrears = "no_arrears" // 无欠税证明
	KindResidency = "residency"  // 中国税收居民身份证明
)

// Titles are the documents' titles.
var Titles = map[string]string{
	KindTaxPaid:   "中华人民共和国税收完税证明",
	KindIITRecord: "个人所得税纳税记录",
	KindNoArrears: "无欠税证明",
	KindResidency: "中国税收居民身份证明",
}

// Statement reports whether a kind certifies a statement rather than
// lines of tax.
func Statement(kind string) bool { return kind == KindNoArrears || kind == KindResidency }

// Line is one line a certificate certifies, in fen. The paid-items source
// fills VoucherNo (原凭证号: the payment's voucher or the return's
// acknowledgement), the tax and item, the period, the payment date and
// the amount; a record of income tax also names the withholding agent.
type Line struct {
	VoucherNo   string `json:"voucher_no"`
	TaxCode     string `json:"tax_code"` // e.g. "vat", "iit"
	TaxName     string `json:"tax_name"` // 增值税
	Item        string `json:"item"`     // 品目名称
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	PaidOn      string `json:"paid_on"` // 入（退）库日期, YYYY-MM-DD
	AmountFen   int64  `json:"amount"`
	IncomeFen   int64  `json:"income,omitempty"`     // 收入额 (a record of income tax: the month's wages)
	Agent       string `json:"agent,omitempty"`      // 扣缴义务人名称
	AgentCode   string `json:"agent_code,omitempty"` // 扣缴义务人识别号
}

// Selection says which paid items a tax certificate covers: the items by
// id, or (with no ids) everything paid from From to To inclusive.
type Selection struct {
	ItemIDs  []int64
	From, To calendar.Date
}

// Source gives the current taxpayer's paid lines of a selection. The
// payment capability implements it (payment.PaidLines); it must scope to
// the taxpayer in ctx and return only items actually paid.
type Source interface {
	PaidLines(ctx context.Context, sel Selection) ([]Line, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context, sel Selection) ([]Line, error)

func (f SourceFunc) PaidLines(ctx context.Context, sel Selection) ([]Line, error) { return f(ctx, sel) }

// Certificate is one issued certificate.
type Certificate struct {
	ID           int64
	No           string
	Code         string // the verification code, as stored (12 characters)
	Kind         string
	TaxpayerID   int64
	TaxpayerCode string
	TaxpayerName string
	TaxpayerKind string
	BureauID     int64
	BureauName   string
	Scope        string // what it covers, in words: "2025年度", "2026-10-01 至 2026-12-31"
	Lines        []Line
	Total        int64
	IssuedBy     int64
	IssuedAt     time.Time
	// Replayed: Issue found the certificate of an earlier request with the
	// same key instead of issuing one (not stored).
	Replayed bool
}

// Title is the document's title.
func (c *Certificate) Title() string { return Titles[c.Kind] }

// CodeDisplay groups the verification code by four: "7KQM-4XH2-P9RA".
func (c *Certificate) CodeDisplay() string { return groupCode(c.Code) }

// IssuedOn is the issue date in China.
func (c *Certificate) IssuedOn() string { return c.IssuedAt.In(china).Format(db.DateLayout) }

// Service issues, lists, renders and verifies certificates.
type Service struct {
	DB  *db.DB
	Now func() time.Time
	// Renderer renders the PDFs; nil: one that finds the font itself.
	Renderer *pdfdoc.Renderer
	// BaseURL is the hall's public address ("https://etax.example.cn"),
	// for the QR code's verification URL.
	BaseURL string
	// Paid is the source of paid lines for tax certificates; nil until the
	// payment capability is wired, and then IssuePaid says nothing is paid.
	Paid Source
}

var china = time.FixedZone("CST", 8*3600)

var (
	errNotFound = apperr.New(apperr.NotFound, "没有找到这份证明")
	errNoLines  = apperr.New(apperr.Invalid, "没有可以开具证明的记录")
)

// MaxLines bounds one certificate (a year of monthly withholding by a
// few employers fits many times over).
const MaxLines = 500

// Issue registers a certificate of kind over lines for the taxpayer in
// ctx and returns it. key is the idempotency key of the request (the
// form's token): the same key returns the certificate issued first.
func (s *Service) Issue(ctx context.Context, kind, scope string, lines []Line, key string) (_ *Certificate, err error) {
	defer db.Wrap(&err, "certs.Issue(%s)", kind)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	if _, ok := Titles[kind]; !ok {
		return nil, fmt.Errorf("certs: unknown kind %q", kind)
	}
	if key == "" || len(key) > 100 {
		return nil, apperr.New(apperr.Invalid, "请求已过期，请刷新页面后重试")
	}
	if len(lines) == 0 {
		return nil, errNoLines
	}
	if len(lines) > MaxLines {
		return nil, apperr.New(apperr.Invalid, fmt.Sprintf("一份证明最多包含 %d 条记录，请缩小范围分别开具", MaxLines))
	}
	now := s.Now()
	return s.issue(ctx, s.DB, now, Request{TaxpayerID: a.TaxpayerID, IssuedBy: a.UserID, Kind: kind, Scope: scope, Lines: lines, Key: key})
}

// Request is a certificate to issue for a taxpayer: by the taxpayer's
// user (Issue) or on a staff member's approval (IssueTx).
type Request struct {
	TaxpayerID int64
	IssuedBy   int64 // the taxpayer user, or the approving staff member
	Kind       string
	Scope      string
	Lines      []Line
	Key        string
}

// IssueTx registers a certificate in the caller's transaction: an
// approval (package workflow) issues the certificate with its decision,
// so both or neither happen. The caller has checked who may; the same key
// of the taxpayer returns the certificate issued first.
func IssueTx(ctx context.Context, tx *sql.Tx, now time.Time, in Request) (*Certificate, error) {
	if _, ok := Titles[in.Kind]; !ok {
		return nil, fmt.Errorf("certs: unknown kind %q", in.Kind)
	}
	if old, err := byKey(ctx, tx, in.TaxpayerID, in.Key); err != nil || old != nil {
		return old, err
	}
	c, err := insert(ctx, tx, now, in)
	if errors.Is(err, errRaced) {
		return nil, apperr.New(apperr.Conflict, "证明正在开具，请稍后刷新")
	}
	return c, err
}

func (s *Service) issue(ctx context.Context, d *db.DB, now time.Time, in Request) (*Certificate, error) {
	var c *Certificate
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		old, err := byKey(ctx, tx, in.TaxpayerID, in.Key)
		if err != nil || old != nil {
			if old != nil {
				old.Replayed = true
			}
			c = old
			return err
		}
		c, err = insert(ctx, tx, now, in)
		return err
	})
	if errors.Is(err, errRaced) {
		if old, err := byKey(ctx, s.DB, in.TaxpayerID, in.Key); err != nil || old != nil {
			if old != nil {
				old.Replayed = true
			}
			return old, err
		}
		return nil, errors.New("certs: idempotency key conflict without a row")
	}
	return c, err
}

// insert writes a new certificate with the next number of the taxpayer's
// bureau; errRaced when the key committed meanwhile (another node): its
// transaction rolls back, the counter step with it.
func insert(ctx context.Context, tx *sql.Tx, now time.Time, in Request) (*Certificate, error) {
	var total int64
	for _, l := range in.Lines {
		total += l.AmountFen
	}
	lines := in.Lines
	if lines == nil {
		lines = []Line{}
	}
	body, err := json.Marshal(lines)
	if err != nil {
		return nil, err
	}
	c := &Certificate{Kind: in.Kind, TaxpayerID: in.TaxpayerID, Scope: in.Scope, Lines: lines, Total: total, IssuedBy: in.IssuedBy,
		IssuedAt: db.ParseTS(db.TS(now))}
	var division string
	if err := tx.QueryRowContext(ctx, `SELECT t.code, t.name, t.kind, o.id, o.name, o.division_code
		FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE t.id = $1`, in.TaxpayerID).
		Scan(&c.TaxpayerCode, &c.TaxpayerName, &c.TaxpayerKind, &c.BureauID, &c.BureauName, &division); err != nil {
		return nil, err
	}
	year := now.In(china).Year()
	var n int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO certificate_counters (bureau_id, year, n) VALUES ($1, $2, 1)
		ON CONFLICT (bureau_id, year) DO UPDATE SET n = certificate_counters.n + 1 RETURNING n`, c.BureauID, year).Scan(&n); err != nil {
		return nil, err
	}
	c.No = fmt.Sprintf("%s%04d%08d", padDivision(division), year, n)
	if c.Code, err = newCode(); err != nil {
		return nil, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO certificates (cert_no, verify_code, kind, taxpayer_id, taxpayer_code, taxpayer_name, taxpayer_kind,
		bureau_id, bureau_name, scope, lines, total, idem_key, issued_by, issued_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
		ON CONFLICT (taxpayer_id, idem_key) DO NOTHING RETURNING id`,
		c.No, c.Code, in.Kind, in.TaxpayerID, c.TaxpayerCode, c.TaxpayerName, c.TaxpayerKind, c.BureauID, c.BureauName, in.Scope,
		string(body), total, in.Key, in.IssuedBy, db.TS(now)).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errRaced
	}
	return c, err
}

var errRaced = errors.New("certs: raced on the idempotency key")

// Issued returns the certificate the taxpayer in ctx issued with key, as
// a replay (Replayed), or nil: a retried request gets its certificate even
// if the lines it covered have changed since.
func (s *Service) Issued(ctx context.Context, key string) (_ *Certificate, err error) {
	defer db.Wrap(&err, "certs.Issued")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	c, err := byKey(ctx, s.DB, a.TaxpayerID, key)
	if c != nil {
		c.Replayed = true
	}
	return c, err
}

// IssuePaid issues a tax certificate over the paid items of sel, from the
// Paid source.
func (s *Service) IssuePaid(ctx context.Context, sel Selection, key string) (*Certificate, error) {
	if old, err := s.Issued(ctx, key); err != nil || old != nil {
		return old, err
	}
	if s.Paid == nil {
		return nil, apperr.New(apperr.Invalid, "暂无已缴纳入库的税款，不能开具完税证明")
	}
	lines, err := s.Paid.PaidLines(ctx, sel)
	if err != nil {
		return nil, err
	}
	scope := ""
	if len(sel.ItemIDs) == 0 && !sel.From.IsZero() {
		scope = "缴款日期 " + sel.From.String() + " 至 " + sel.To.String()
	}
	return s.Issue(ctx, KindTaxPaid, scope, lines, key)
}

func padDivision(code string) string {
	if len(code) >= 6 {
		return code[:6]
	}
	return code + strings.Repeat("0", 6-len(code))
}

// codeAlphabet has no 0/O, 1/I/L: a code is read off paper and typed.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLength: 12 characters of 31 ≈ 59 bits.
const CodeLength = 12

func newCode() (string, error) {
	b := make([]byte, CodeLength)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		if err != nil {
			return "", err
		}
		b[i] = codeAlphabet[n.Int64()]
	}
	return string(b), nil
}

func groupCode(c string) string {
	var parts []string
	for i := 0; i < len(c); i += 4 {
		parts = append(parts, c[i:min(i+4, len(c))])
	}
	return strings.Join(parts, "-")
}

// NormalizeNo and NormalizeCode accept what people type or scan: spaces,
// dashes, lower case, full-width characters and the № sign are dropped.
func NormalizeNo(s string) string { return clean(s, false) }

func NormalizeCode(s string) string { return clean(s, true) }

func clean(s string, upper bool) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z' && upper:
			b.WriteRune(r - 'a' + 'A')
		}
		if b.Len() > 40 {
			break
		}
	}
	return b.String()
}

const certCols = `id, cert_no, verify_code, kind, taxpayer_id, taxpayer_code, taxpayer_name, taxpayer_kind, bureau_id, bureau_name,
	scope, lines, total, issued_by, issued_at`

func scanCert(sc db.Scanner) (*Certificate, error) {
	var c Certificate
	var lines, at string
	if err := sc.Scan(&c.ID, &c.No, &c.Code, &c.Kind, &c.TaxpayerID, &c.TaxpayerCode, &c.TaxpayerName, &c.TaxpayerKind, &c.BureauID,
		&c.BureauName, &c.Scope, &lines, &c.Total, &c.IssuedBy, &at); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(lines), &c.Lines); err != nil {
		return nil, fmt.Errorf("certs: lines of %s: %w", c.No, err)
	}
	c.IssuedAt = db.ParseTS(at)
	return &c, nil
}

func byKey(ctx context.Context, q db.Querier, taxpayerID int64, key string) (*Certificate, error) {
	c, err := scanCert(q.QueryRowContext(ctx, `SELECT `+certCols+` FROM certificates WHERE taxpayer_id = $1 AND idem_key = $2`, taxpayerID, key))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

// Get returns a certificate of the taxpayer in ctx; another taxpayer's is
// not found.
func (s *Service) Get(ctx context.Context, id int64) (_ *Certificate, err error) {
	defer db.Wrap(&err, "certs.Get(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	c, err := scanCert(s.DB.QueryRowContext(ctx, `SELECT `+certCols+` FROM certificates WHERE id = $1 AND taxpayer_id = $2`, id, a.TaxpayerID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	return c, err
}

// PageSize is the length of a page of certificates.
const PageSize = 20

// List returns the taxpayer's certificates of kind ("" for all), newest
// first, after the cursor (an id; 0 for the first page), and the next
// cursor (0 on the last page).
func (s *Service) List(ctx context.Context, kind string, before int64) (_ []*Certificate, next int64, err error) {
	defer db.Wrap(&err, "certs.List")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, 0, err
	}
	if before <= 0 {
		before = 1<<62 - 1
	}
	list, err := db.Query(ctx, s.DB, scanCert, `SELECT `+certCols+` FROM certificates
		WHERE taxpayer_id = $1 AND id < $2 AND ($3 = '' OR kind = $3) ORDER BY id DESC LIMIT $4`, a.TaxpayerID, before, kind, PageSize+1)
	if err != nil {
		return nil, 0, err
	}
	if len(list) > PageSize {
		list = list[:PageSize]
		next = list[PageSize-1].ID
	}
	return list, next, nil
}
