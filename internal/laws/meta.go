package laws

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Kinds of document, as the library's filter offers them.
const (
	KindConstitution = "宪法"
	KindLaw          = "法律"
	KindRegulation   = "行政法规"
	KindRule         = "部门规章"
	KindJudicial     = "司法解释"
	KindLocal        = "地方性法规"
	KindCase         = "案例"
	KindOther        = "其他"
)

// Kinds lists the kinds in the order the library shows them.
var Kinds = []string{KindConstitution, KindLaw, KindRegulation, KindRule, KindJudicial, KindLocal, KindCase, KindOther}

// Issuing levels.
const (
	LevelNational   = "中央"
	LevelProvincial = "省级"
	LevelCity       = "设区的市"
)

// Levels lists the levels in order.
var Levels = []string{LevelNational, LevelProvincial, LevelCity}

// Validity of a version.
const (
	StatusCurrent  = "现行有效"
	StatusAmended  = "已修改"
	StatusRepealed = "已废止"
)

// Statuses lists the validities in order.
var Statuses = []string{StatusCurrent, StatusAmended, StatusRepealed}

// TaxTags are the tax types a tax law is tagged with, in the order the
// library shows them; each matches titles by the words given.
var TaxTags = []struct {
	Tag   string
	Words []string
}{
	{"增值税", []string{"增值税"}},
	{"消费税", []string{"消费税"}},
	{"企业所得税", []string{"企业所得税"}},
	{"个人所得税", []string{"个人所得税"}},
	{"土地增值税", []string{"土地增值税"}},
	{"资源税", []string{"资源税"}},
	{"城市维护建设税", []string{"城市维护建设税"}},
	{"房产税", []string{"房产税"}},
	{"城镇土地使用税", []string{"城镇土地使用税"}},
	{"耕地占用税", []string{"耕地占用税"}},
	{"契税", []string{"契税"}},
	{"车船税", []string{"车船税"}},
	{"车辆购置税", []string{"车辆购置税"}},
	{"印花税", []string{"印花税"}},
	{"环境保护税", []string{"环境保护税"}},
	{"烟叶税", []string{"烟叶税"}},
	{"关税", []string{"关税", "进出口税则"}},
	{"船舶吨税", []string{"船舶吨税"}},
	{"征收管理", []string{"税收征收管理", "税收征管", "税务稽查", "纳税担保"}},
	{"发票", []string{"发票"}},
}

// tagsOf returns the tax tags of a title.
func tagsOf(title string) []string {
	var out []string
	for _, t := range TaxTags {
		for _, w := range t.Words {
			// 土地增值税 is its own tax, not 增值税.
			if t.Tag == "增值税" {
				if strings.Contains(strings.ReplaceAll(title, "土地增值税", ""), w) {
					out = append(out, t.Tag)
					break
				}
				continue
			}
			if strings.Contains(title, w) {
				out = append(out, t.Tag)
				break
			}
		}
	}
	return out
}

// Meta is what the import reads of one file.
type Meta struct {
	Path      string // relative to the library folder, with forward slashes
	Title     string
	Kind      string
	Category  string // the folder: 经济法, 行政法 …; the department for a rule; the province for a local regulation
	Level     string
	Province  string
	Version   string // the version's date from the file name, "" when the file has none
	Adopted   string // the first date of the history
	Year      int
	History   []string
	Body      string
	TaxTags   []string
	Effective string // the 施行 date when the history gives one
	// Repeals are the titles the text abolishes (《…》同时废止) with the
	// date it does so: the line's 自…起施行 date, else the version's.
	Repeals []Repeal
}

// Repeal is a title a document abolishes, from a date.
type Repeal struct{ Title, From string }

var (
	repealRe    = regexp.MustCompile(`《([^》]{2,80})》(?:同时|即行|予以)?废止`)
	inForceFrom = regexp.MustCompile(`自(\d{4})年(\d{1,2})月(\d{1,2})日起施行`)
)

// repeals finds what body abolishes.
func repeals(body, version string) []Repeal {
	var out []Repeal
	for _, line := range strings.Split(body, "\n") {
		ms := repealRe.FindAllStringSubmatch(line, -1)
		if ms == nil {
			continue
		}
		from := version
		if d := inForceFrom.FindStringSubmatch(line); d != nil {
			from = isoDate(d)
		}
		for _, m := range ms {
			out = append(out, Repeal{Title: m[1], From: from})
		}
	}
	return out
}

var (
	fileDate = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)\.md$`)
	cnDate   = regexp.MustCompile(`(\d{4})年(\d{1,2})月(\d{1,2})日`)
)

// provinceNames are the provinces of the local regulations in the library,
// as their folders name them and as their titles begin.
var provinceNames = map[string]string{"北京": "北京市", "上海": "上海市", "重庆": "重庆市", "天津": "天津市", "山东": "山东省", "广东": "广东省", "河南": "河南省", "浙江": "浙江省"}

// ParseFile reads the metadata and text of one library file; rel is its
// path below the library folder.
func ParseFile(rel string, content []byte) (Meta, error) {
	rel = filepath.ToSlash(rel)
	m := Meta{Path: rel}
	text := strings.ReplaceAll(string(content), "\r\n", "\n")
	head, body, found := strings.Cut(text, "<!-- INFO END -->")
	if !found {
		return m, fmt.Errorf("%s: no <!-- INFO END --> line", rel)
	}
	m.Body = strings.TrimSpace(body)
	for _, line := range strings.Split(head, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "# ") && m.Title == "":
			m.Title = strings.TrimSpace(strings.TrimPrefix(line, "# "))
		default:
			m.History = append(m.History, line)
		}
	}
	if m.Title == "" {
		return m, fmt.Errorf("%s: no # title line", rel)
	}
	if d := fileDate.FindStringSubmatch(rel); d != nil {
		m.Version = d[1]
	}
	for _, h := range m.History {
		if d := cnDate.FindStringSubmatch(h); d != nil {
			date := isoDate(d)
			if m.Adopted == "" {
				m.Adopted = date
			}
			if strings.Contains(h, "施行") && !strings.Contains(h, "通过") {
				m.Effective = date
			}
		}
	}
	if m.Version == "" {
		// A file without a date in its name is the only version: its last
		// adoption or amendment is its date.
		m.Version = lastDate(m.History)
	}
	date := m.Version
	if date == "" {
		date = m.Adopted
	}
	if len(date) >= 4 {
		m.Year, _ = strconv.Atoi(date[:4])
	}
	parts := strings.Split(rel, "/")
	top := parts[0]
	m.Level = LevelNational
	switch {
	case top == "宪法":
		m.Kind, m.Category = KindConstitution, top
	case top == "行政法规":
		m.Kind, m.Category = KindRegulation, top
	case top == "司法解释":
		m.Kind, m.Category = KindJudicial, top
	case top == "部门规章":
		m.Kind, m.Category = KindRule, top
		if len(parts) > 2 {
			m.Category = parts[1]
		}
	case top == "案例":
		m.Kind, m.Category = KindCase, top
		if len(parts) > 2 {
			m.Category = parts[1]
		}
	case top == "其他":
		m.Kind, m.Category = KindOther, top
	case strings.HasSuffix(top, "地方法规"):
		short := strings.TrimSuffix(top, "地方法规")
		m.Kind, m.Province = KindLocal, provinceNames[short]
		if m.Province == "" {
			m.Province = short
		}
		m.Category = m.Province
		// A regulation of the province (or of a municipality directly under
		// the central government) names it first; a city's names the city.
		m.Level = LevelCity
		if strings.HasPrefix(m.Title, m.Province) || strings.HasPrefix(m.Title, short+"市") {
			m.Level = LevelProvincial
		}
	default:
		m.Kind, m.Category = KindLaw, top
	}
	if m.Kind != KindCase {
		m.TaxTags = tagsOf(m.Title)
		m.Repeals = repeals(m.Body, m.Version)
	}
	return m, nil
}

// lastDate is the last date written in the history (the latest amendment),
// ignoring dates of entry into force.
func lastDate(history []string) string {
	last := ""
	for _, h := range history {
		if strings.Contains(h, "施行") && !strings.Contains(h, "通过") && !strings.Contains(h, "修正") && !strings.Contains(h, "修订") {
			continue
		}
		if d := cnDate.FindStringSubmatch(h); d != nil {
			last = isoDate(d)
		}
	}
	return last
}

// isoDate writes a matched 2019年3月2日 as 2019-03-02.
func isoDate(d []string) string {
	y, _ := strconv.Atoi(d[1])
	mo, _ := strconv.Atoi(d[2])
	da, _ := strconv.Atoi(d[3])
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, da)
}
