// Package workflow is the hall's on-application items (依申请事项) and the
// staff platform (综合办税平台) that handles them: the catalogue of items
// (categories, form fields, materials, nodes with time limits in working
// days, difficulty), a taxpayer's applications (submit, withdraw, correct
// and resubmit, watch every node, rate), the staff task pool (claim,
// assign, decide), the effects of an approval, the supervisor's board and
// staff performance.
//
// State moves only by conditional updates (UPDATE … WHERE state = …
// RETURNING) and the database holds the invariants (one submission per
// token, one live task per application), so two clerks or two nodes
// racing get exactly one winner on SQLite and PostgreSQL alike.
package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// Node codes.
const (
	NodeAccept  = "accept"  // 受理
	NodeReview  = "review"  // 审核
	NodeApprove = "approve" // 审批
)

var nodeNames = map[string]string{NodeAccept: "受理", NodeReview: "审核", NodeApprove: "审批"}

// NodeName is the Chinese name of a node code.
func NodeName(code string) string {
	if n, ok := nodeNames[code]; ok {
		return n
	}
	return code
}

// Node is one step of an item's workflow.
type Node struct {
	Code  string // accept, review, approve
	Role  string // the staff role that handles it (auth.Role…)
	Limit int    // time limit in working days; 0 = the same day (即办)
}

// Name is the node's Chinese name.
func (n Node) Name() string { return NodeName(n.Code) }

// RoleName is the Chinese name of the role handling the node.
func (n Node) RoleName() string { return auth.NameOf(auth.StaffRoles, n.Role) }

// Category is a group of items.
type Category struct {
	Code, Name string
	Items      []*Item
}

// Item is one on-application matter of the catalogue.
type Item struct {
	Code       string
	Category   string
	Name       string
	Nodes      []Node
	Difficulty int // coefficient × 100 (1.5 is 150)
	Instant    bool
	Citywide   bool
	Enabled    bool
	Def        *Def // form fields and materials
}

// DifficultyText is the coefficient as people write it: "1.5".
func (it *Item) DifficultyText() string { return pct(it.Difficulty) }

// TotalLimit is the sum of the nodes' limits in working days.
func (it *Item) TotalLimit() int {
	n := 0
	for _, x := range it.Nodes {
		n += x.Limit
	}
	return n
}

func pct(p int) string {
	s := strconv.Itoa(p/100) + "." + fmt.Sprintf("%02d", p%100)
	return strings.TrimSuffix(strings.TrimSuffix(s, "0"), ".0")
}

// ParseNodes reads the items.nodes column: "node:role:days;…".
func ParseNodes(s string) ([]Node, error) {
	var out []Node
	for _, part := range strings.Split(s, ";") {
		f := strings.Split(strings.TrimSpace(part), ":")
		if len(f) != 3 {
			return nil, fmt.Errorf("node %q: want node:role:days", part)
		}
		days, err := strconv.Atoi(f[2])
		if err != nil || days < 0 {
			return nil, fmt.Errorf("node %q: bad days", part)
		}
		if _, ok := nodeNames[f[0]]; !ok || !auth.IsStaffRole(f[1]) {
			return nil, fmt.Errorf("node %q: unknown node or role", part)
		}
		out = append(out, Node{Code: f[0], Role: f[1], Limit: days})
	}
	if len(out) == 0 {
		return nil, errors.New("no nodes")
	}
	return out, nil
}

// FormatNodes writes nodes for the items.nodes column.
func FormatNodes(nodes []Node) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = n.Code + ":" + n.Role + ":" + strconv.Itoa(n.Limit)
	}
	return strings.Join(parts, ";")
}

func scanItem(sc db.Scanner) (*Item, error) {
	var it Item
	var nodes string
	var instant, citywide, enabled int
	if err := sc.Scan(&it.Code, &it.Category, &it.Name, &nodes, &it.Difficulty, &instant, &citywide, &enabled); err != nil {
		return nil, err
	}
	it.Instant, it.Citywide, it.Enabled = instant == 1, citywide == 1, enabled == 1
	var err error
	if it.Nodes, err = ParseNodes(nodes); err != nil {
		return nil, fmt.Errorf("item %s: %w", it.Code, err)
	}
	it.Def = defs[it.Code]
	if it.Def == nil {
		it.Def = genericDef
	}
	return &it, nil
}

const itemCols = `code, category, name, nodes, difficulty_pct, instant, citywide, enabled`

func getItem(ctx context.Context, q db.Querier, code string) (*Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemCols+` FROM items WHERE code = $1`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "办税事项不存在")
	}
	return it, err
}

// Catalogue lists the categories with their items (disabled ones too when
// all is set: the administrator's page), in display order.
func (s *Service) Catalogue(ctx context.Context, all bool) (_ []*Category, err error) {
	defer db.Wrap(&err, "workflow.Catalogue")
	cats, err := db.Query(ctx, s.DB, func(sc db.Scanner) (*Category, error) {
		var c Category
		return &c, sc.Scan(&c.Code, &c.Name)
	}, `SELECT code, name FROM item_categories ORDER BY sort`)
	if err != nil {
		return nil, err
	}
	items, err := db.Query(ctx, s.DB, scanItem, `SELECT `+itemCols+` FROM items ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	byCode := map[string]*Category{}
	for _, c := range cats {
		byCode[c.Code] = c
	}
	for _, it := range items {
		if c := byCode[it.Category]; c != nil && (all || it.Enabled) {
			c.Items = append(c.Items, it)
		}
	}
	return cats, nil
}

// Item returns one item of the catalogue.
func (s *Service) Item(ctx context.Context, code string) (*Item, error) {
	return getItem(ctx, s.DB, code)
}

// CanEditCatalogue reports whether a may change the catalogue's
// parameters: a system administrator.
func CanEditCatalogue(a *auth.Actor) bool { return a.HasRole(auth.RoleAdmin) }

// ItemInput is what an administrator changes of an item.
type ItemInput struct {
	Limits     []string // per node, working days
	Difficulty string   // "1.5"
	Instant    bool
	Citywide   bool
	Enabled    bool
}

// UpdateItem changes an item's time limits, difficulty and flags. Tasks
// already started keep the limit they started with.
func (s *Service) UpdateItem(ctx context.Context, code string, in ItemInput) (_ *Item, err error) {
	now := s.Now()
	defer db.Wrap(&err, "workflow.UpdateItem(%s)", code)
	if !CanEditCatalogue(auth.ActorFrom(ctx)) {
		return nil, apperr.New(apperr.Forbidden, "只有系统管理员可以维护办税事项")
	}
	it, err := getItem(ctx, s.DB, code)
	if err != nil {
		return nil, err
	}
	f := apperr.Fields{}
	for i := range it.Nodes {
		field := "limit_" + strconv.Itoa(i)
		v := ""
		if i < len(in.Limits) {
			v = strings.TrimSpace(in.Limits[i])
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 60 {
			f.Add(field, it.Nodes[i].Name()+"时限应为 0 至 60 个工作日")
			continue
		}
		it.Nodes[i].Limit = n
	}
	d, ok := parseCoefficient(in.Difficulty)
	if !ok {
		f.Add("difficulty", "难度系数应为 0.1 至 5 之间的数，最多两位小数")
	}
	if in.Instant && len(it.Nodes) != 1 {
		f.Add("instant", "即办事项只能有一个办理环节")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	it.Difficulty, it.Instant, it.Citywide, it.Enabled = d, in.Instant, in.Citywide, in.Enabled
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE items SET nodes = $1, difficulty_pct = $2, instant = $3, citywide = $4, enabled = $5, updated_at = $6 WHERE code = $7`,
			FormatNodes(it.Nodes), d, boolInt(in.Instant), boolInt(in.Citywide), boolInt(in.Enabled), db.TS(now), code); err != nil {
			return err
		}
		return audit.Record(ctx, tx, auth.Who(ctx), now, "item.update", "item", 0,
			fmt.Sprintf("%s %s 难度 %s 即办 %v 同城通办 %v 启用 %v", it.Name, FormatNodes(it.Nodes), it.DifficultyText(), in.Instant, in.Citywide, in.Enabled))
	})
	return it, err
}

// parseCoefficient reads "1.5" as 150.
func parseCoefficient(s string) (int, bool) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	w, err := strconv.Atoi(whole)
	if err != nil || w < 0 {
		return 0, false
	}
	f := 0
	if frac != "" {
		for len(frac) < 2 {
			frac += "0"
		}
		if f, err = strconv.Atoi(frac); err != nil || f < 0 {
			return 0, false
		}
	}
	p := w*100 + f
	return p, p >= 10 && p <= 500
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// china is the time zone of the working-day calendar.
var china = time.FixedZone("CST", 8*3600)
