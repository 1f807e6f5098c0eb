package web

import (
	"net/http"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
	"taxhall/internal/uploads"
)

// Downloads (表格和软件下载): the public list and item pages (page cache,
// under /info), the files at /info/dl/{version} (public, ETag, counted in
// the statistics as downloads), and the staff pages where content editors
// publish an item and upload its new versions.

var (
	infoDownloadsView  = newView[infoDownloadsPage]("info_downloads.html")
	infoDownloadView   = newView[infoDownloadPage]("info_download.html")
	staffDownloadsView = newView[staffDownloadsPage]("staff_cms_downloads.html")
	staffDownloadView  = newView[infoDownloadPage]("staff_cms_download.html")
)

type infoDownloadsPage struct {
	basePage
	Sections []downloadSection
}

// downloadSection is the forms or the software.
type downloadSection struct {
	ID, Title string
	Items     []cms.Download
}

type infoDownloadPage struct {
	basePage
	Download cms.Download
	Versions []cms.DownloadVersion // newest first
}

type staffDownloadsPage struct {
	basePage
	Downloads []cms.Download
	Sites     []Option
	Kinds     []Option
}

// downloadMaxAge: a version's file never changes (a new file is a new
// version), so browsers and CDNs may keep it a day.
const downloadMaxAge = 86400

func (s *Server) infoDownloads(w http.ResponseWriter, r *http.Request) error {
	all, err := s.CMS.Downloads(r.Context())
	if err != nil {
		return err
	}
	p := &infoDownloadsPage{basePage: basePage{Title: "表格和软件下载"},
		Sections: []downloadSection{{ID: cms.KindForm, Title: "表格"}, {ID: cms.KindSoftware, Title: "软件"}}}
	for _, d := range all {
		if d.Kind == cms.KindForm {
			p.Sections[0].Items = append(p.Sections[0].Items, d)
		} else {
			p.Sections[1].Items = append(p.Sections[1].Items, d)
		}
	}
	return infoDownloadsView.ok(s, w, r, p)
}

func (s *Server) infoDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, vs, err := s.CMS.DownloadWithVersions(r.Context(), id)
	if err != nil {
		return err
	}
	return infoDownloadView.ok(s, w, r, &infoDownloadPage{basePage: basePage{Title: d.Title}, Download: d, Versions: vs})
}

// infoDownloadFile sends a version's file and counts the download (a
// conditional request that the browser's copy answers is not counted).
func (s *Server) infoDownloadFile(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	u, data, err := s.CMS.OpenVersion(r.Context(), id)
	if err != nil {
		return err
	}
	if r.Header.Get("If-None-Match") == "" && r.Method == http.MethodGet {
		s.Stats.Visit("download", "file/"+strconv.FormatInt(id, 10))
	}
	uploads.WritePublic(w, r, u, data, downloadMaxAge)
	return nil
}

func (s *Server) staffDownloadsPage(r *http.Request) (*staffDownloadsPage, error) {
	a := auth.ActorFrom(r.Context())
	if !cms.CanEdit(a) {
		return nil, errForbiddenDownloads
	}
	all, err := s.CMS.Downloads(r.Context())
	if err != nil {
		return nil, err
	}
	sites, err := s.staffSites(r, a)
	if err != nil {
		return nil, err
	}
	p := &staffDownloadsPage{basePage: basePage{Title: "表格和软件下载"}, Kinds: []Option{{cms.KindForm, "表格"}, {cms.KindSoftware, "软件"}}}
	mine := map[int64]bool{}
	for _, st := range sites {
		p.Sites = append(p.Sites, Option{strconv.FormatInt(st.OrgID, 10), shortOrg(st.Name)})
		mine[st.OrgID] = true
	}
	for _, d := range all {
		if mine[d.SiteOrgID] {
			p.Downloads = append(p.Downloads, d)
		}
	}
	return p, nil
}

func (s *Server) staffDownloads(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staffDownloadsPage(r)
	if err != nil {
		return err
	}
	p.Form = map[string][]string{"site": {strconv.FormatInt(auth.ActorFrom(r.Context()).OrgID, 10)}, "kind": {cms.KindForm}, "sort": {"0"}}
	return staffDownloadsView.ok(s, w, r, p)
}

func versionInput(r *http.Request, file *uploads.Incoming) cms.VersionInput {
	v := cms.VersionInput{Version: r.PostForm.Get("version"), Notes: r.PostForm.Get("notes")}
	if file != nil {
		v.Filename, v.Data = file.Name, file.Data
	}
	return v
}

func (s *Server) staffDownloadCreate(w http.ResponseWriter, r *http.Request) error {
	file, err := formWithFile(r, "file")
	if err != nil {
		return err
	}
	site, _ := strconv.ParseInt(r.PostForm.Get("site"), 10, 64)
	sort, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("sort")))
	if err != nil {
		sort = -1
	}
	in := cms.DownloadInput{SiteOrgID: site, Kind: r.PostForm.Get("kind"), Title: r.PostForm.Get("title"), Description: r.PostForm.Get("description"), Sort: sort}
	id, err := s.CMS.CreateDownload(r.Context(), auth.ActorFrom(r.Context()), in, versionInput(r, file))
	if err != nil {
		p, perr := s.staffDownloadsPage(r)
		if perr != nil {
			return perr
		}
		return staffDownloadsView.formError(s, w, r, err, p)
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/cms/downloads/"+strconv.FormatInt(id, 10), "已发布。网站的“表格和软件下载”中提供该文件。")
}

func (s *Server) staffDownload(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	d, vs, err := s.CMS.StaffDownload(r.Context(), auth.ActorFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return staffDownloadView.ok(s, w, r, &infoDownloadPage{basePage: basePage{Title: d.Title}, Download: d, Versions: vs})
}

func (s *Server) staffDownloadVersion(w http.ResponseWriter, r *http.Request) error {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	file, err := formWithFile(r, "file")
	if err != nil {
		return err
	}
	a := auth.ActorFrom(r.Context())
	if err := s.CMS.AddVersion(r.Context(), a, id, versionInput(r, file)); err != nil {
		d, vs, derr := s.CMS.StaffDownload(r.Context(), a, id)
		if derr != nil {
			return derr
		}
		return staffDownloadView.formError(s, w, r, err, &infoDownloadPage{basePage: basePage{Title: d.Title}, Download: d, Versions: vs})
	}
	s.bumpContent()
	return s.redirect(w, r, "/staff/cms/downloads/"+strconv.FormatInt(id, 10), "已上传新版本，网站上首先提供该版本。")
}

var errForbiddenDownloads = apperr.New(apperr.Forbidden, "仅限网站内容编辑发布下载")
