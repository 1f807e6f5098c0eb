// Package uploads stores the files users upload (application materials now;
// CMS images and consultation attachments later) in the database, so that
// every node of the hall serves the same bytes without a shared disk.
//
// The bytes are kept once per SHA-256 (upload_blobs: a second upload of the
// same content inserts nothing), and each upload is a row that says whose
// file it is (Owner: the capability's object, e.g. an application, and a
// slot within it, e.g. a material's code) and who may read it:
//
//   - a taxpayer's file (Owner.TaxpayerID): that taxpayer's users and the
//     staff whose bureau subtree contains the taxpayer's bureau;
//   - an org's file (Owner.OrgID, no taxpayer): the staff of that org's
//     subtree;
//   - a public file (Owner.Public): anybody (CMS images).
//
// The type is decided from the content, never from the name: a PDF, JPEG,
// PNG or Excel workbook (.xlsx) whose name ends with one of its extensions.
// A file whose extension says another type than its content is refused.
//
// Callers store inside their own transaction (Store), so that an
// application and its materials are written together or not at all, and
// serve with Service.Open and Write, which set Content-Type,
// Content-Disposition and X-Content-Type-Options: nosniff.
package uploads

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Limits.
const (
	// MaxSize is the largest file accepted, in bytes.
	MaxSize = 10 << 20
	// MaxName is the longest file name kept, in characters.
	MaxName = 120
)

// Upload is one stored reference to a file.
type Upload struct {
	ID          int64
	SHA256      string
	Owner       Owner
	Filename    string
	ContentType string
	Size        int64
	CreatedAt   time.Time
}

// SizeText is the size for people: "312 KB".
func (u *Upload) SizeText() string { return SizeText(u.Size) }

// KindName is the type in Chinese ("PDF 文档").
func (u *Upload) KindName() string {
	for _, t := range Types {
		if t.ContentType == u.ContentType {
			return t.Name
		}
	}
	return u.ContentType
}

// Owner says what a file belongs to and, through TaxpayerID, OrgID and
// Public, who may read it.
type Owner struct {
	Kind       string // the owning object's kind: "application"
	ID         int64  // the owning object's id
	Slot       string // the place within it: a material's code; "" for none
	TaxpayerID int64  // the taxpayer whose file it is; 0 for none
	OrgID      int64  // the org whose file it is, when no taxpayer
	Public     bool   // anyone may read it
}

// Uploader is who uploads: the audit of the upload row.
type Uploader struct {
	Kind string // "taxpayer" or "staff"
	ID   int64  // the user's id
}

// UploaderOf is the uploader for the actor in ctx.
func UploaderOf(a *auth.Actor) Uploader {
	if a == nil {
		return Uploader{Kind: "system"}
	}
	return Uploader{Kind: string(a.Kind), ID: a.UserID}
}

// SizeText formats a size in bytes for people.
func SizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(float64(n)/(1<<20)) + " MB"
	case n >= 1<<10:
		return trimZero(float64(n)/(1<<10)) + " KB"
	default:
		return itoa(n) + " 字节"
	}
}

func trimZero(f float64) string {
	whole := int64(f)
	tenth := int64((f-float64(whole))*10 + 0.5)
	if tenth >= 10 {
		whole, tenth = whole+1, 0
	}
	if tenth == 0 {
		return itoa(whole)
	}
	return itoa(whole) + "." + itoa(tenth)
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// CleanName returns the last element of a client's file name, without
// path separators or control characters, at most MaxName characters,
// keeping the extension.
func CleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = path.Base(name)
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || r == utf8.RuneError {
			continue
		}
		b.WriteRune(r)
	}
	name = strings.TrimSpace(b.String())
	if name == "." || name == "/" {
		name = ""
	}
	if r := []rune(name); len(r) > MaxName {
		ext := path.Ext(name)
		keep := MaxName - len([]rune(ext))
		name = string(r[:keep]) + ext
	}
	return name
}

// Store keeps data as a file of owner inside tx and returns its row. The
// type is sniffed from data (Sniff); the blob is inserted once per hash.
// Errors are field errors of field, for the form that carried the file.
func Store(ctx context.Context, tx *sql.Tx, now time.Time, by Uploader, owner Owner, field, filename string, data []byte) (*Upload, error) {
	filename = CleanName(filename)
	if filename == "" {
		filename = "未命名"
	}
	if len(data) == 0 {
		return nil, apperr.InvalidField(field, "文件是空的，请重新选择")
	}
	if len(data) > MaxSize {
		return nil, apperr.InvalidField(field, "文件不能超过 "+SizeText(MaxSize))
	}
	ct, err := Sniff(data, filename)
	if err != nil {
		return nil, apperr.InvalidField(field, err.Error())
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	if _, err := tx.ExecContext(ctx, `INSERT INTO upload_blobs (sha256, content_type, size, data, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING`, hash, ct, len(data), data, db.TS(now)); err != nil {
		return nil, err
	}
	u := &Upload{SHA256: hash, Owner: owner, Filename: filename, ContentType: ct, Size: int64(len(data)), CreatedAt: now}
	err = tx.QueryRowContext(ctx, `INSERT INTO uploads (sha256, owner_kind, owner_id, slot, filename, content_type, size,
		taxpayer_id, org_id, public, uploaded_by_kind, uploaded_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
		hash, owner.Kind, owner.ID, owner.Slot, filename, ct, len(data), nullID(owner.TaxpayerID), nullID(owner.OrgID),
		boolInt(owner.Public), by.Kind, by.ID, db.TS(now)).Scan(&u.ID)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Remove marks an owner's file removed (the blob stays: other references
// may share it, and what was submitted stays on record). It reports
// whether a live file of that owner was removed.
func Remove(ctx context.Context, tx *sql.Tx, now time.Time, ownerKind string, ownerID, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE uploads SET removed_at = $1 WHERE id = $2 AND owner_kind = $3 AND owner_id = $4 AND removed_at = ''`,
		db.TS(now), id, ownerKind, ownerID)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const cols = `u.id, u.sha256, u.owner_kind, u.owner_id, u.slot, COALESCE(u.taxpayer_id, 0), COALESCE(u.org_id, 0), u.public,
	u.filename, u.content_type, u.size, u.created_at`

func scan(sc db.Scanner) (*Upload, error) {
	var u Upload
	var pub int
	var created string
	err := sc.Scan(&u.ID, &u.SHA256, &u.Owner.Kind, &u.Owner.ID, &u.Owner.Slot, &u.Owner.TaxpayerID, &u.Owner.OrgID, &pub,
		&u.Filename, &u.ContentType, &u.Size, &created)
	u.Owner.Public = pub == 1
	u.CreatedAt = db.ParseTS(created)
	return &u, err
}

// ByOwner lists an owner's live files in upload order. The caller has
// checked that the actor may see the owner.
func ByOwner(ctx context.Context, q db.Querier, ownerKind string, ownerID int64) ([]*Upload, error) {
	return db.Query(ctx, q, scan, `SELECT `+cols+` FROM uploads u
		WHERE u.owner_kind = $1 AND u.owner_id = $2 AND u.removed_at = '' ORDER BY u.id`, ownerKind, ownerID)
}

// Service reads files for the actor in ctx.
type Service struct {
	DB *db.DB
}

var errNotFound = apperr.New(apperr.NotFound, "文件不存在")

// Open returns a file and its bytes when the actor in ctx may read it
// (see the package comment); anyone else gets NotFound, as for a file that
// does not exist.
func (s *Service) Open(ctx context.Context, id int64) (_ *Upload, _ []byte, err error) {
	defer db.Wrap(&err, "uploads.Open(%d)", id)
	a := auth.ActorFrom(ctx)
	var tpPath, orgPath string
	var data []byte
	u, err := scanWith(s.DB.QueryRowContext(ctx, `SELECT `+cols+`, COALESCE(tb.path, ''), COALESCE(o.path, ''), b.data
		FROM uploads u JOIN upload_blobs b ON b.sha256 = u.sha256
		LEFT JOIN taxpayers t ON t.id = u.taxpayer_id LEFT JOIN orgs tb ON tb.id = t.bureau_id
		LEFT JOIN orgs o ON o.id = u.org_id
		WHERE u.id = $1 AND u.removed_at = ''`, id), &tpPath, &orgPath, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	if !mayRead(a, u, tpPath, orgPath) {
		return nil, nil, errNotFound
	}
	return u, data, nil
}

// Incoming is a file a form or request carried, not yet stored.
type Incoming struct {
	Name string
	Data []byte
}

// Attach stores f (if any) as the file of owner inside tx and returns its
// id for the owner's attachment_id column (nil when there is no file).
func Attach(ctx context.Context, tx *sql.Tx, now time.Time, by Uploader, owner Owner, field string, f *Incoming) (any, error) {
	if f == nil {
		return nil, nil
	}
	u, err := Store(ctx, tx, now, by, owner, field, f.Name, f.Data)
	if err != nil {
		return nil, err
	}
	return u.ID, nil
}

// OpenOwned returns file id with its bytes when it is a live file of the
// owner (ownerKind, ownerID). The caller has checked that the actor may see
// the owner: a consultation's or complaint's attachment is read by whoever
// may read the case (its asker, the agents of the bureau it went to), which
// is not the taxpayer-or-org rule of Open.
func OpenOwned(ctx context.Context, q db.Querier, ownerKind string, ownerID, id int64) (_ *Upload, _ []byte, err error) {
	defer db.Wrap(&err, "uploads.OpenOwned(%s %d, %d)", ownerKind, ownerID, id)
	var data []byte
	u, err := scan(scannerFunc(func(dest ...any) error {
		return q.QueryRowContext(ctx, `SELECT `+cols+`, b.data FROM uploads u JOIN upload_blobs b ON b.sha256 = u.sha256
			WHERE u.id = $1 AND u.owner_kind = $2 AND u.owner_id = $3 AND u.removed_at = ''`, id, ownerKind, ownerID).Scan(append(dest, &data)...)
	}))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	return u, data, nil
}

func scanWith(row *sql.Row, extra ...any) (*Upload, error) {
	return scan(scannerFunc(func(dest ...any) error { return row.Scan(append(dest, extra...)...) }))
}

type scannerFunc func(dest ...any) error

func (f scannerFunc) Scan(dest ...any) error { return f(dest...) }

// mayRead is the access rule of the package comment.
func mayRead(a *auth.Actor, u *Upload, taxpayerBureauPath, orgPath string) bool {
	switch {
	case u.Owner.Public:
		return true
	case a == nil:
		return false
	case u.Owner.TaxpayerID != 0:
		if a.Kind == auth.Taxpayer {
			return a.TaxpayerID == u.Owner.TaxpayerID
		}
		return a.Covers(taxpayerBureauPath)
	case u.Owner.OrgID != 0:
		return a.Covers(orgPath)
	}
	return false
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
