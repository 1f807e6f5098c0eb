package api

import (
	"context"
	"net/http"

	"taxhall/internal/apperr"
	"taxhall/internal/cms"
	"taxhall/internal/httpx"
)

// Downloads (表格和软件下载): public, no login. The file of a version is
// at its url (the site's /info/dl/{id}, with an ETag).

func (a *API) downloadRoutes() []route {
	return []route{
		{Pattern: "GET /downloads", Tag: tagPublic, Access: Public,
			Summary: "表格和软件下载", Doc: "各下载项及其最新版本（表格在前，按排序号）。",
			Handler: handle(a.downloadsList)},
		{Pattern: "GET /downloads/{id}", Tag: tagPublic, Access: Public, Object: "download", Errors: []apperr.Code{apperr.NotFound},
			Summary: "一个下载项的各版本", Doc: "各版本从新到旧，第一个是最新版本。",
			Handler: handle(a.downloadGet)},
	}
}

type downloadVersionView struct {
	ID          int64  `json:"id"`
	Version     string `json:"version"`
	Notes       string `json:"notes"`
	Released    string `json:"released" doc:"更新日期 YYYY-MM-DD"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size" doc:"字节"`
	URL         string `json:"url" doc:"文件下载地址"`
}

type downloadView struct {
	ID          int64               `json:"id"`
	Kind        string              `json:"kind" doc:"form 表格，software 软件"`
	Title       string              `json:"title"`
	Description string              `json:"description"`
	Site        string              `json:"site"`
	Versions    int                 `json:"versions" doc:"版本数"`
	Latest      downloadVersionView `json:"latest" doc:"最新版本"`
}

type downloadsView struct {
	Items []downloadView `json:"items"`
}

type downloadDetailView struct {
	Download downloadView          `json:"download"`
	Versions []downloadVersionView `json:"versions" doc:"各版本，新的在前"`
}

func viewVersion(v cms.DownloadVersion) downloadVersionView {
	return downloadVersionView{ID: v.ID, Version: v.Version, Notes: v.Notes, Released: v.ReleasedOn, Filename: v.Filename, ContentType: v.ContentType, Size: v.Size, URL: v.URL()}
}

func viewDownload(d cms.Download) downloadView {
	return downloadView{ID: d.ID, Kind: d.Kind, Title: d.Title, Description: d.Description, Site: d.SiteName, Versions: d.Versions, Latest: viewVersion(d.Latest)}
}

func (a *API) downloadsList(ctx context.Context, _ *http.Request, _ noBody) (downloadsView, error) {
	v := downloadsView{Items: []downloadView{}}
	all, err := a.Public.CMS.Downloads(ctx)
	if err != nil {
		return v, err
	}
	for _, d := range all {
		v.Items = append(v.Items, viewDownload(d))
	}
	return v, nil
}

func (a *API) downloadGet(ctx context.Context, r *http.Request, _ noBody) (downloadDetailView, error) {
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return downloadDetailView{}, err
	}
	d, vs, err := a.Public.CMS.DownloadWithVersions(ctx, id)
	if err != nil {
		return downloadDetailView{}, err
	}
	v := downloadDetailView{Download: viewDownload(d), Versions: []downloadVersionView{}}
	for _, x := range vs {
		v.Versions = append(v.Versions, viewVersion(x))
	}
	return v, nil
}
