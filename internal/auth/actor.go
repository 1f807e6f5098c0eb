// Package auth knows who is acting: passwords, server-side sessions and API
// tokens, login throttling, and the Actor that every service call carries in
// its context and scopes its queries by.
package auth

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"taxhall/internal/apperr"
	"taxhall/internal/audit"
)

// Kind says which side of the hall an actor belongs to.
type Kind string

const (
	Taxpayer Kind = "taxpayer"
	Staff    Kind = "staff"
)

// Actor is the authenticated user behind a request.
type Actor struct {
	Kind   Kind
	UserID int64
	Name   string

	// Taxpayer users.
	TaxpayerID   int64
	TaxpayerCode string
	TaxpayerName string
	TaxpayerKind string // "enterprise" or "individual"
	Role         string // a TaxpayerRole
	Admin        bool   // may manage the enterprise's users

	// Staff.
	StaffNo string
	OrgID   int64
	OrgName string
	OrgPath string // "/1/4/9/": the staff member sees this org and below
	Roles   []string

	sessionHash string
}

type ctxKey int

const (
	actorKey ctxKey = iota
	ipKey
)

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey, a)
}

// ActorFrom returns the actor in ctx, or nil for an anonymous request.
func ActorFrom(ctx context.Context) *Actor {
	a, _ := ctx.Value(actorKey).(*Actor)
	return a
}

// WithIP records the client address for throttling and the audit log.
func WithIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey, ip)
}

// IPFrom returns the client address recorded by WithIP.
func IPFrom(ctx context.Context) string {
	s, _ := ctx.Value(ipKey).(string)
	return s
}

// HasRole reports whether a staff actor holds role.
func (a *Actor) HasRole(role string) bool {
	return a != nil && a.Kind == Staff && slices.Contains(a.Roles, role)
}

// Covers reports whether a staff actor's org subtree contains the org with
// the given path.
func (a *Actor) Covers(orgPath string) bool {
	return a != nil && a.Kind == Staff && a.OrgPath != "" && strings.HasPrefix(orgPath, a.OrgPath)
}

// RequireStaff returns the staff actor in ctx holding any of roles (any role
// at all when none are named), or an error to return to the caller.
func RequireStaff(ctx context.Context, roles ...string) (*Actor, error) {
	a := ActorFrom(ctx)
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	if a.Kind != Staff {
		return nil, apperr.New(apperr.Forbidden, "此功能仅限税务工作人员使用")
	}
	if len(roles) == 0 {
		return a, nil
	}
	for _, r := range roles {
		if a.HasRole(r) {
			return a, nil
		}
	}
	return nil, apperr.New(apperr.Forbidden, "您的岗位没有此项权限")
}

// RequireTaxpayer returns the taxpayer user in ctx, or an error.
func RequireTaxpayer(ctx context.Context) (*Actor, error) {
	a := ActorFrom(ctx)
	if a == nil {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	if a.Kind != Taxpayer {
		return nil, apperr.New(apperr.Forbidden, "此功能仅限纳税人使用")
	}
	return a, nil
}

// SubtreeSQL returns the condition that limits column (an org path, such as
// "o.path") to a staff actor's bureau subtree, with its argument to bind as
// $n. Every store that scopes rows by bureau uses it, so the rule is typed
// once. A non-staff actor matches nothing.
func (a *Actor) SubtreeSQL(column string, n int) (cond string, arg any) {
	prefix := "\x00" // matches no path
	if a != nil && a.Kind == Staff && a.OrgPath != "" {
		prefix = a.OrgPath
	}
	return column + " LIKE $" + strconv.Itoa(n), prefix + "%"
}

// Who is the actor in ctx as the audit log records it: plain values, kind
// "public" when nobody is logged in.
func Who(ctx context.Context) audit.Actor {
	w := audit.Actor{Kind: "public", IP: IPFrom(ctx)}
	if a := ActorFrom(ctx); a != nil {
		w.Kind, w.ID = string(a.Kind), a.UserID
	}
	return w
}
