package cms

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/uploads"
)

// An article's images and attachments are uploads (package uploads: bytes
// by SHA-256 in the database, type sniffed from the content) owned by the
// article (owner kind "cms_article", slot "image" or "attachment", org the
// site's bureau). They are never removed when the text changes, so every
// version keeps the images its body shows. Who may read one follows the
// article: anybody once it is published (FileURL, cacheable); before, only
// the content staff of its site's bureau subtree.

// File slots.
const (
	SlotImage      = "image"
	SlotAttachment = "attachment"
)

// OwnerKind is the uploads owner kind of an article's files.
const OwnerKind = "cms_article"

// MaxImage is the largest image accepted, in bytes.
const MaxImage = 5 << 20

// FileURL is the address of an article's file: the only address an <img>
// of an article body may show (Sanitize drops any other).
func FileURL(id int64) string { return "/info/files/" + strconv.FormatInt(id, 10) }

// fileSrc matches FileURL.
var fileSrc = regexp.MustCompile(`^/info/files/[1-9][0-9]{0,17}$`)

// AddFile stores an image (JPEG, PNG) or an attachment (PDF, Excel) of an
// article that is being written (draft or returned) by a content editor
// of its site, and returns it.
func (s *Service) AddFile(ctx context.Context, a *auth.Actor, articleID int64, slot, name string, data []byte) (u *uploads.Upload, err error) {
	defer db.Wrap(&err, "cms.AddFile(%d, %s)", articleID, slot)
	if !CanEdit(a) {
		return nil, apperr.New(apperr.Forbidden, "仅限网站内容编辑上传图片和附件")
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var site int64
		var state string
		err := tx.QueryRowContext(ctx, `SELECT site_org_id, state FROM cms_articles WHERE id = $1`, articleID).Scan(&site, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "没有找到该文章")
		}
		if err != nil {
			return err
		}
		if _, err := s.site(ctx, tx, a, site); err != nil {
			return apperr.New(apperr.NotFound, "没有找到该文章")
		}
		if state != Draft && state != Returned {
			return apperr.New(apperr.Conflict, "只有草稿或退回修改的文章可以上传图片和附件")
		}
		if slot != SlotImage && slot != SlotAttachment {
			return apperr.InvalidField("kind", "请选择上传的是图片还是附件")
		}
		if len(data) == 0 {
			return apperr.InvalidField("file", "请选择要上传的文件")
		}
		u, err = uploads.Store(ctx, tx, s.Now(), uploads.UploaderOf(a), uploads.Owner{Kind: OwnerKind, ID: articleID, Slot: slot, OrgID: site}, "file", name, data)
		if err != nil {
			return err
		}
		image := u.ContentType == "image/jpeg" || u.ContentType == "image/png"
		switch {
		case slot == SlotImage && !image:
			return apperr.InvalidField("file", "图片只能是 JPG 或 PNG 格式")
		case slot == SlotImage && u.Size > MaxImage:
			return apperr.InvalidField("file", "图片不能超过 "+uploads.SizeText(MaxImage))
		case slot == SlotAttachment && image:
			return apperr.InvalidField("file", "附件应为 PDF 或 Excel 文件；图片请选择“图片”上传后插入正文")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// Files returns an article's files of slot in upload order, for staff who
// may see the article.
func (s *Service) Files(ctx context.Context, a *auth.Actor, articleID int64, slot string) ([]*uploads.Upload, error) {
	if _, err := s.Get(ctx, a, articleID); err != nil {
		return nil, err
	}
	return s.files(ctx, articleID, slot)
}

func (s *Service) files(ctx context.Context, articleID int64, slot string) ([]*uploads.Upload, error) {
	all, err := uploads.ByOwner(ctx, s.DB, OwnerKind, articleID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, u := range all {
		if u.Owner.Slot == slot {
			out = append(out, u)
		}
	}
	return out, nil
}

// PublicAttachments returns the attachments of a published article.
func (s *Service) PublicAttachments(ctx context.Context, articleID int64) ([]*uploads.Upload, error) {
	if _, err := s.Public(ctx, articleID); err != nil {
		return nil, err
	}
	return s.files(ctx, articleID, SlotAttachment)
}

// OpenFile returns an article's file with its bytes, and whether it is
// public (its article is published: anybody may read it and caches may keep
// it). Before publication only the content staff of the site's bureau
// subtree read it; anyone else gets NotFound, as for a missing file.
func (s *Service) OpenFile(ctx context.Context, a *auth.Actor, id int64) (_ *uploads.Upload, _ []byte, public bool, err error) {
	defer db.Wrap(&err, "cms.OpenFile(%d)", id)
	notFound := apperr.New(apperr.NotFound, "文件不存在")
	var article int64
	var state, path string
	err = s.DB.QueryRowContext(ctx, `SELECT a.id, a.state, o.path FROM uploads u JOIN cms_articles a ON a.id = u.owner_id JOIN orgs o ON o.id = a.site_org_id
		WHERE u.id = $1 AND u.owner_kind = $2 AND u.removed_at = ''`, id, OwnerKind).Scan(&article, &state, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, false, notFound
	}
	if err != nil {
		return nil, nil, false, err
	}
	public = state == Published
	if !public && !(CanManage(a) && inSubtree(a, path)) {
		return nil, nil, false, notFound
	}
	u, data, err := uploads.OpenOwned(ctx, s.DB, OwnerKind, article, id)
	return u, data, public, err
}

// ImageTag is the markup an editor inserts into the body for an image.
func ImageTag(u *uploads.Upload) string {
	alt := strings.TrimSuffix(u.Filename, pathExt(u.Filename))
	alt = strings.NewReplacer(`"`, "", "<", "", ">", "", "&", "").Replace(alt)
	return `<img src="` + FileURL(u.ID) + `" alt="` + alt + `">`
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}
