// Package survey is the hall's online surveys (网上调查): a bureau's staff
// write a questionnaire of single and multiple choice, scale (1–5) and
// free-text items, public (every taxpayer user) or targeted at a group (the
// taxpayers of the bureau's subtree, optionally only enterprises or only
// natural persons); each person answers once, which the database decides
// (UNIQUE survey_id, respondent); staff see the results as counts per
// option, and close the survey.
package survey

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
)

// Item kinds.
const (
	Single   = "single"
	Multiple = "multiple"
	Scale    = "scale"
	Text     = "text"
)

// KindNames are the item kinds as staff write them in the item list.
var KindNames = []auth.Label{{Code: Single, Name: "单选"}, {Code: Multiple, Name: "多选"}, {Code: Scale, Name: "评分"}, {Code: Text, Name: "填空"}}

// Limits.
const (
	MaxItems   = 30
	MaxOptions = 10
	MaxText    = 500
)

// Survey is a questionnaire with its items.
type Survey struct {
	ID           int64
	OrgID        int64
	OrgName      string
	OrgPath      string
	Title        string
	Intro        string
	Audience     string // public, group
	TaxpayerKind string // "" (all), enterprise, individual — for a group
	State        string // open, closed
	CreatedAt    time.Time
	Responses    int
	Items        []Item
}

// AudienceName says who is asked.
func (s *Survey) AudienceName() string {
	if s.Audience == "public" {
		return "全体纳税人"
	}
	switch s.TaxpayerKind {
	case "enterprise":
		return s.OrgName + "管辖的企业"
	case "individual":
		return s.OrgName + "管辖的自然人"
	}
	return s.OrgName + "管辖的纳税人"
}

// StateName is the state in Chinese.
func (s *Survey) StateName() string {
	if s.State == "open" {
		return "进行中"
	}
	return "已结束"
}

// Item is one question of a survey.
type Item struct {
	ID       int64
	Position int
	Kind     string
	Prompt   string
	Options  []string
}

// KindName is the item kind in Chinese.
func (i Item) KindName() string { return auth.NameOf(KindNames, i.Kind) }

// Name is the form field of the item: "i<position>".
func (i Item) Name() string { return "i" + strconv.Itoa(i.Position) }

// Choices are what a respondent picks from: the options, or 1–5 for a scale.
func (i Item) Choices() []string {
	if i.Kind == Scale {
		return []string{"1 分", "2 分", "3 分", "4 分", "5 分"}
	}
	return i.Options
}

// ChoiceValue is the stored value of the n-th choice: the option index, or
// the scale value.
func (i Item) ChoiceValue(n int) int {
	if i.Kind == Scale {
		return n + 1
	}
	return n
}

// Service runs surveys.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// CanManage reports whether a staff member writes and closes surveys.
func CanManage(a *auth.Actor) bool {
	return a.HasRole(auth.RoleHallSupervisor) || a.HasRole(auth.RoleContentEditor) || a.HasRole(auth.RoleAdmin)
}

func requireManager(ctx context.Context) (*auth.Actor, error) {
	a, err := auth.RequireStaff(ctx)
	if err != nil {
		return nil, err
	}
	if !CanManage(a) {
		return nil, apperr.New(apperr.Forbidden, "只有办税服务厅主管、内容编辑和管理员可以管理网上调查")
	}
	return a, nil
}

// Input is a new survey. Items is the item list as staff type it, one item
// a line: 类型：题目｜选项1｜选项2… (类型 单选, 多选, 评分 or 填空; 评分 and
// 填空 take no options).
type Input struct {
	Title, Intro string
	Audience     string
	TaxpayerKind string
	Items        string
}

// ParseItems reads the item list of Input.Items.
func ParseItems(text string) ([]Item, error) {
	var items []Item
	for n, line := range strings.Split(strings.ReplaceAll(text, "\r", ""), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		where := "第 " + strconv.Itoa(n+1) + " 行"
		kindName, rest, ok := strings.Cut(strings.Replace(line, "：", ":", 1), ":")
		kind := ""
		for _, k := range KindNames {
			if strings.TrimSpace(kindName) == k.Name {
				kind = k.Code
			}
		}
		if !ok || kind == "" {
			return nil, apperr.InvalidField("items", where+"应以“单选：”“多选：”“评分：”或“填空：”开头")
		}
		parts := strings.Split(strings.ReplaceAll(rest, "｜", "|"), "|")
		it := Item{Position: len(items) + 1, Kind: kind, Prompt: strings.TrimSpace(parts[0])}
		for _, o := range parts[1:] {
			if o = strings.TrimSpace(o); o != "" {
				it.Options = append(it.Options, o)
			}
		}
		switch {
		case it.Prompt == "":
			return nil, apperr.InvalidField("items", where+"缺少题目")
		case len([]rune(it.Prompt)) > 200:
			return nil, apperr.InvalidField("items", where+"的题目不能超过 200 个字")
		case (kind == Single || kind == Multiple) && len(it.Options) < 2:
			return nil, apperr.InvalidField("items", where+"的选择题至少要有 2 个选项，用“｜”分隔")
		case len(it.Options) > MaxOptions:
			return nil, apperr.InvalidField("items", where+"的选项不能超过 10 个")
		case (kind == Scale || kind == Text) && len(it.Options) > 0:
			return nil, apperr.InvalidField("items", where+"的评分题和填空题不需要选项")
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, apperr.InvalidField("items", "请至少填写一道题目")
	}
	if len(items) > MaxItems {
		return nil, apperr.InvalidField("items", "题目不能超过 30 道")
	}
	return items, nil
}

// Create writes a survey of the staff member's bureau, open at once.
func (s *Service) Create(ctx context.Context, in Input) (_ int64, err error) {
	defer db.Wrap(&err, "survey.Create")
	a, err := requireManager(ctx)
	if err != nil {
		return 0, err
	}
	f := apperr.Fields{}
	in.Title, in.Intro = strings.TrimSpace(in.Title), strings.TrimSpace(in.Intro)
	if in.Title == "" {
		f.Add("title", "请填写调查名称")
	} else {
		f.Text("title", in.Title, 100)
	}
	f.Text("intro", in.Intro, 1000)
	if in.Audience != "public" && in.Audience != "group" {
		f.Add("audience", "请选择调查对象")
	}
	if in.TaxpayerKind != "" && in.TaxpayerKind != "enterprise" && in.TaxpayerKind != "individual" {
		f.Add("taxpayer_kind", "请选择纳税人类型")
	}
	if in.Audience == "public" {
		in.TaxpayerKind = ""
	}
	var items []Item
	if f.Text("items", strings.ReplaceAll(strings.ReplaceAll(in.Items, "\r", ""), "\n", " "), 10000) {
		var ierr error
		items, ierr = ParseItems(in.Items)
		f.Check("items", ierr)
	}
	if err := f.Err(); err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO surveys (org_id, title, intro, audience, taxpayer_kind, state, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, 'open', $6, $7) RETURNING id`, a.OrgID, in.Title, in.Intro, in.Audience, in.TaxpayerKind, a.UserID, db.TS(s.Now())).Scan(&id); err != nil {
			return err
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_items (survey_id, position, kind, prompt, options) VALUES ($1, $2, $3, $4, $5)`,
				id, it.Position, it.Kind, it.Prompt, strings.Join(it.Options, "\n")); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

const cols = `s.id, s.org_id, o.name, o.path, s.title, s.intro, s.audience, s.taxpayer_kind, s.state, s.created_at`

func scanSurvey(sc db.Scanner) (*Survey, error) {
	var x Survey
	var created string
	err := sc.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.OrgPath, &x.Title, &x.Intro, &x.Audience, &x.TaxpayerKind, &x.State, &created)
	x.CreatedAt = db.ParseTS(created)
	return &x, err
}

func (s *Service) items(ctx context.Context, x *Survey) error {
	var err error
	x.Items, err = db.Query(ctx, s.DB, func(sc db.Scanner) (Item, error) {
		var it Item
		var opts string
		err := sc.Scan(&it.ID, &it.Position, &it.Kind, &it.Prompt, &opts)
		if opts != "" {
			it.Options = strings.Split(opts, "\n")
		}
		return it, err
	}, `SELECT id, position, kind, prompt, options FROM survey_items WHERE survey_id = $1 ORDER BY position`, x.ID)
	return err
}

// audienceSQL limits surveys s (joined with orgs o) to those a taxpayer
// user is asked: public ones, and groups whose bureau subtree holds the
// taxpayer's bureau (path of $n) and whose kind is theirs ($n+1).
func audienceSQL(n int) string {
	p, k := "$"+strconv.Itoa(n), "$"+strconv.Itoa(n+1)
	return `(s.audience = 'public' OR (` + p + ` LIKE o.path || '%' AND (s.taxpayer_kind = '' OR s.taxpayer_kind = ` + k + `)))`
}

// taxpayerOf is the bureau path and kind of the user's taxpayer.
func (s *Service) taxpayerOf(ctx context.Context, a *auth.Actor) (path, kind string, err error) {
	err = s.DB.QueryRowContext(ctx, `SELECT o.path, t.kind FROM taxpayers t JOIN orgs o ON o.id = t.bureau_id WHERE t.id = $1`, a.TaxpayerID).Scan(&path, &kind)
	return path, kind, err
}

// Invitation is an open survey offered to a taxpayer user.
type Invitation struct {
	*Survey
	Answered bool
}

// ForMe lists the open surveys the taxpayer user is asked, newest first,
// each marked when the user has answered.
func (s *Service) ForMe(ctx context.Context) (_ []Invitation, err error) {
	defer db.Wrap(&err, "survey.ForMe")
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, err
	}
	path, kind, err := s.taxpayerOf(ctx, a)
	if err != nil {
		return nil, err
	}
	return db.Query(ctx, s.DB, func(sc db.Scanner) (Invitation, error) {
		var x Survey
		var created string
		var done int
		err := sc.Scan(&x.ID, &x.OrgID, &x.OrgName, &x.OrgPath, &x.Title, &x.Intro, &x.Audience, &x.TaxpayerKind, &x.State, &created, &done)
		x.CreatedAt = db.ParseTS(created)
		return Invitation{Survey: &x, Answered: done > 0}, err
	}, `SELECT `+cols+`, (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id AND r.respondent = $3)
		FROM surveys s JOIN orgs o ON o.id = s.org_id WHERE s.state = 'open' AND `+audienceSQL(1)+` ORDER BY s.id DESC LIMIT 50`,
		path, kind, respondent(a))
}

func respondent(a *auth.Actor) string { return "u:" + strconv.FormatInt(a.UserID, 10) }

var errNotFound = apperr.New(apperr.NotFound, "调查不存在")

// ForAnswer returns a survey (open or closed) the taxpayer user is asked and whether
// they have answered it.
func (s *Service) ForAnswer(ctx context.Context, id int64) (_ *Survey, answered bool, err error) {
	defer db.Wrap(&err, "survey.ForAnswer(%d)", id)
	a, err := auth.RequireTaxpayer(ctx)
	if err != nil {
		return nil, false, err
	}
	path, kind, err := s.taxpayerOf(ctx, a)
	if err != nil {
		return nil, false, err
	}
	x, err := scanSurvey(s.DB.QueryRowContext(ctx, `SELECT `+cols+` FROM surveys s JOIN orgs o ON o.id = s.org_id
		WHERE s.id = $3 AND `+audienceSQL(1), path, kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, errNotFound
	}
	if err != nil {
		return nil, false, err
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1 AND respondent = $2`, id, respondent(a)).Scan(&n); err != nil {
		return nil, false, err
	}
	return x, n > 0, s.items(ctx, x)
}

// Answers are a respondent's answers: the chosen values (option indexes
// or the scale value) per item position, or the text of a free-text item.
type Answers struct {
	Choices map[int][]string // position → the form's values
	Texts   map[int]string
}

// Answer records the user's answers once. A second answer — even two at
// the same moment — is refused by UNIQUE (survey_id, respondent).
func (s *Service) Answer(ctx context.Context, id int64, ans Answers) (err error) {
	defer db.Wrap(&err, "survey.Answer(%d)", id)
	x, answered, err := s.ForAnswer(ctx, id)
	if err != nil {
		return err
	}
	if answered {
		return apperr.New(apperr.Conflict, "您已参与过本次调查，每人只能回答一次")
	}
	if x.State != "open" {
		return apperr.New(apperr.Conflict, "本次调查已结束")
	}
	a := auth.ActorFrom(ctx)
	type row struct {
		item   int64
		choice any
		text   string
	}
	var rows []row
	f := apperr.Fields{}
	for _, it := range x.Items {
		name := it.Name()
		switch it.Kind {
		case Text:
			t := strings.TrimSpace(ans.Texts[it.Position])
			if f.Text(name, t, MaxText) && t != "" {
				rows = append(rows, row{it.ID, nil, t})
			}
		default:
			vals := ans.Choices[it.Position]
			if len(vals) == 0 {
				f.Add(name, "请回答：“"+it.Prompt+"”")
				continue
			}
			if it.Kind != Multiple && len(vals) > 1 {
				f.Add(name, "此题只能选一项")
				continue
			}
			seen := map[int]bool{}
			for _, v := range vals {
				n, err := strconv.Atoi(v)
				ok := err == nil && ((it.Kind == Scale && n >= 1 && n <= 5) || (it.Kind != Scale && n >= 0 && n < len(it.Options)))
				if !ok || seen[n] {
					f.Add(name, "请从所列选项中选择")
					break
				}
				seen[n] = true
				rows = append(rows, row{it.ID, n, ""})
			}
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var rid int64
		err := tx.QueryRowContext(ctx, `INSERT INTO survey_responses (survey_id, respondent, taxpayer_id, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (survey_id, respondent) DO NOTHING RETURNING id`, id, respondent(a), a.TaxpayerID, db.TS(s.Now())).Scan(&rid)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.Conflict, "您已参与过本次调查，每人只能回答一次")
		}
		if err != nil {
			return err
		}
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, `INSERT INTO survey_answers (response_id, item_id, choice, text) VALUES ($1, $2, $3, $4)`, rid, r.item, r.choice, r.text); err != nil {
				return err
			}
		}
		return nil
	})
}
