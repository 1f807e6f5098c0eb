package cms

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
	"taxhall/internal/uploads"
)

// Downloads (表格和软件下载): forms and software that a site's content
// editors publish, each with its versions. A version's file is an upload
// (owner "download_version", public: anybody downloads it). The newest
// version (the last added) is offered first; the older ones stay listed
// below it.

// Download kinds.
const (
	KindForm     = "form"
	KindSoftware = "software"
)

// DownloadKindNames are the kinds as pages show them.
var DownloadKindNames = map[string]string{KindForm: "表格", KindSoftware: "软件"}

// DownloadOwner is the uploads owner kind of a version's file.
const DownloadOwner = "download_version"

// Download is one form or program.
type Download struct {
	ID, SiteOrgID int64
	SiteName      string
	Kind          string
	Title         string
	Description   string
	Sort          int
	UpdatedAt     time.Time
	Latest        DownloadVersion // the newest version
	Versions      int             // how many versions there are
}

// KindName is the kind in Chinese.
func (d Download) KindName() string { return DownloadKindNames[d.Kind] }

// DownloadVersion is one version of a download with its file.
type DownloadVersion struct {
	ID          int64
	Version     string
	Notes       string
	ReleasedOn  string // YYYY-MM-DD
	UploadID    int64
	Filename    string
	ContentType string
	Size        int64
}

// SizeText is the file's size for people.
func (v DownloadVersion) SizeText() string { return uploads.SizeText(v.Size) }

// URL is where the version's file is downloaded.
func (v DownloadVersion) URL() string { return DownloadURL(v.ID) }

// DownloadURL is the address of a version's file (outside the page cache:
// it has its own ETag, the content's hash).
func DownloadURL(versionID int64) string { return "/info/dl/" + strconv.FormatInt(versionID, 10) }

// DownloadInput is what an editor writes for a download.
type DownloadInput struct {
	SiteOrgID   int64
	Kind        string
	Title       string
	Description string
	Sort        int
}

// VersionInput is a new version: its name, notes and file.
type VersionInput struct {
	Version  string
	Notes    string
	Filename string
	Data     []byte
}

func (in *DownloadInput) check(f apperr.Fields) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if _, ok := DownloadKindNames[in.Kind]; !ok {
		f.Add("kind", "请选择表格或软件")
	}
	if in.Title == "" {
		f.Add("title", "请填写名称")
	} else {
		f.Text("title", in.Title, 100)
	}
	f.Text("description", in.Description, 500)
	if in.Sort < 0 || in.Sort > 9999 {
		f.Add("sort", "排序号为 0 至 9999 的整数")
	}
}

func (v *VersionInput) check(f apperr.Fields) {
	v.Version, v.Notes = strings.TrimSpace(v.Version), strings.TrimSpace(v.Notes)
	if v.Version == "" {
		f.Add("version", "请填写版本，如 2026年版 或 V3.1")
	} else {
		f.Text("version", v.Version, 40)
	}
	f.Text("notes", v.Notes, 500)
	if len(v.Data) == 0 {
		f.Add("file", "请选择要上传的文件")
	}
}

// CreateDownload publishes a new download with its first version on a
// site of a's subtree and returns its id.
func (s *Service) CreateDownload(ctx context.Context, a *auth.Actor, in DownloadInput, v VersionInput) (id int64, err error) {
	defer db.Wrap(&err, "cms.CreateDownload")
	if !CanEdit(a) {
		return 0, apperr.New(apperr.Forbidden, "仅限网站内容编辑发布下载")
	}
	f := apperr.Fields{}
	in.check(f)
	v.check(f)
	if _, err := s.site(ctx, s.DB, a, in.SiteOrgID); err != nil {
		f.Add("site", "请选择您所在税务机关或下级机关的网站")
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	now := s.Now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO downloads (site_org_id, kind, title, description, sort, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, in.SiteOrgID, in.Kind, in.Title, in.Description, in.Sort, db.TS(now)).Scan(&id); err != nil {
			return err
		}
		return addVersion(ctx, tx, now, uploads.UploaderOf(a), a.UserID, id, in.SiteOrgID, v)
	})
	return id, err
}

// AddVersion adds a new version of a download; it becomes the one
// offered first.
func (s *Service) AddVersion(ctx context.Context, a *auth.Actor, id int64, v VersionInput) (err error) {
	defer db.Wrap(&err, "cms.AddVersion(%d)", id)
	if !CanEdit(a) {
		return apperr.New(apperr.Forbidden, "仅限网站内容编辑发布下载")
	}
	d, err := s.download(ctx, a, id)
	if err != nil {
		return err
	}
	f := apperr.Fields{}
	v.check(f)
	if err := f.Err(); err != nil {
		return err
	}
	now := s.Now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := addVersion(ctx, tx, now, uploads.UploaderOf(a), a.UserID, id, d.SiteOrgID, v); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE downloads SET updated_at = $1 WHERE id = $2`, db.TS(now), id)
		return err
	})
}

// InsertVersion adds a version with q (the demo uses it), by nobody.
func InsertVersion(ctx context.Context, tx *sql.Tx, now time.Time, id, site int64, v VersionInput) error {
	return addVersion(ctx, tx, now, uploads.Uploader{Kind: "system"}, 0, id, site, v)
}

func addVersion(ctx context.Context, tx *sql.Tx, now time.Time, by uploads.Uploader, staff, id, site int64, v VersionInput) error {
	var vid int64
	// The file belongs to the download (owner id), public; the version
	// row names it. Both in the caller's transaction.
	u, err := uploads.Store(ctx, tx, now, by, uploads.Owner{Kind: DownloadOwner, ID: id, OrgID: site, Public: true}, "file", v.Filename, v.Data)
	if err != nil {
		return err
	}
	var who any
	if staff > 0 {
		who = staff
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO download_versions (download_id, version, upload_id, notes, released_on, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, id, v.Version, u.ID, v.Notes, now.Format(db.DateLayout), who, db.TS(now)).Scan(&vid)
	if db.IsUniqueViolation(err) {
		return apperr.InvalidField("version", "已有版本“"+v.Version+"”，请填写新的版本")
	}
	return err
}

const downloadCols = `d.id, d.site_org_id, o.name, d.kind, d.title, d.description, d.sort, d.updated_at,
	v.id, v.version, v.notes, v.released_on, u.id, u.filename, u.content_type, u.size,
	(SELECT COUNT(*) FROM download_versions c WHERE c.download_id = d.id)`

// downloadFrom joins each download with its newest version.
const downloadFrom = ` FROM downloads d JOIN orgs o ON o.id = d.site_org_id
	JOIN download_versions v ON v.id = (SELECT max(x.id) FROM download_versions x WHERE x.download_id = d.id)
	JOIN uploads u ON u.id = v.upload_id`

func scanDownload(r db.Scanner) (Download, error) {
	var d Download
	var upd string
	l := &d.Latest
	err := r.Scan(&d.ID, &d.SiteOrgID, &d.SiteName, &d.Kind, &d.Title, &d.Description, &d.Sort, &upd,
		&l.ID, &l.Version, &l.Notes, &l.ReleasedOn, &l.UploadID, &l.Filename, &l.ContentType, &l.Size, &d.Versions)
	d.UpdatedAt = db.ParseTS(upd)
	return d, err
}

// Downloads returns every download with its newest version, forms first,
// by sort. The list is short (dozens): no paging.
func (s *Service) Downloads(ctx context.Context) ([]Download, error) {
	return db.Query(ctx, s.DB, scanDownload, `SELECT `+downloadCols+downloadFrom+` ORDER BY d.kind, d.sort, d.id`)
}

// download returns one download; with a staff actor, only of a site in
// its subtree (another bureau's is NotFound).
func (s *Service) download(ctx context.Context, a *auth.Actor, id int64) (Download, error) {
	d, err := scanDownload(s.DB.QueryRowContext(ctx, `SELECT `+downloadCols+downloadFrom+` WHERE d.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, apperr.New(apperr.NotFound, "没有找到该下载项")
	}
	if err != nil {
		return d, err
	}
	if a != nil {
		if _, err := s.site(ctx, s.DB, a, d.SiteOrgID); err != nil {
			return d, apperr.New(apperr.NotFound, "没有找到该下载项")
		}
	}
	return d, nil
}

// DownloadWithVersions returns a download and all its versions, newest
// first (for everyone).
func (s *Service) DownloadWithVersions(ctx context.Context, id int64) (Download, []DownloadVersion, error) {
	d, err := s.download(ctx, nil, id)
	if err != nil {
		return d, nil, err
	}
	vs, err := s.versions(ctx, id)
	return d, vs, err
}

// StaffDownload is DownloadWithVersions for a content editor of the site.
func (s *Service) StaffDownload(ctx context.Context, a *auth.Actor, id int64) (Download, []DownloadVersion, error) {
	if !CanEdit(a) {
		return Download{}, nil, apperr.New(apperr.Forbidden, "仅限网站内容编辑发布下载")
	}
	d, err := s.download(ctx, a, id)
	if err != nil {
		return d, nil, err
	}
	vs, err := s.versions(ctx, id)
	return d, vs, err
}

func (s *Service) versions(ctx context.Context, id int64) ([]DownloadVersion, error) {
	return db.Query(ctx, s.DB, func(r db.Scanner) (DownloadVersion, error) {
		var v DownloadVersion
		return v, r.Scan(&v.ID, &v.Version, &v.Notes, &v.ReleasedOn, &v.UploadID, &v.Filename, &v.ContentType, &v.Size)
	}, `SELECT v.id, v.version, v.notes, v.released_on, u.id, u.filename, u.content_type, u.size
		FROM download_versions v JOIN uploads u ON u.id = v.upload_id WHERE v.download_id = $1 ORDER BY v.id DESC`, id)
}

// OpenVersion returns a version's file with its bytes (public).
func (s *Service) OpenVersion(ctx context.Context, versionID int64) (_ *uploads.Upload, _ []byte, err error) {
	defer db.Wrap(&err, "cms.OpenVersion(%d)", versionID)
	var item, upload int64
	err = s.DB.QueryRowContext(ctx, `SELECT download_id, upload_id FROM download_versions WHERE id = $1`, versionID).Scan(&item, &upload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, apperr.New(apperr.NotFound, "文件不存在")
	}
	if err != nil {
		return nil, nil, err
	}
	return uploads.OpenOwned(ctx, s.DB, DownloadOwner, item, upload)
}
