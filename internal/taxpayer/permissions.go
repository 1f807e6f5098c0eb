package taxpayer

import (
	"slices"

	"taxhall/internal/auth"
)

// Permissions of this capability, as predicates of the actor. The services
// enforce them; handlers and templates ask the same functions to decide what
// to offer, so a page never shows a button the service would refuse.

// staffViewRoles may look at the taxpayer register of their bureau.
var staffViewRoles = []string{auth.RoleWindowClerk, auth.RoleReviewer, auth.RoleHallSupervisor, auth.Role12366Agent, auth.RoleRiskAnalyst, auth.RoleAdmin}

// identifyRoles may record tax-type identification.
var identifyRoles = []string{auth.RoleWindowClerk, auth.RoleReviewer}

// CanViewRegister reports whether a may search and open the taxpayer
// register of their bureau subtree.
func CanViewRegister(a *auth.Actor) bool { return hasAnyRole(a, staffViewRoles) }

// CanIdentify reports whether a may record and end tax-type identifications
// (for taxpayers in their bureau subtree).
func CanIdentify(a *auth.Actor) bool { return hasAnyRole(a, identifyRoles) }

// CanManageUsers reports whether a administers their enterprise's users.
// Natural persons have no users to manage.
func CanManageUsers(a *auth.Actor) bool {
	return a != nil && a.Kind == auth.Taxpayer && a.TaxpayerKind == Enterprise && a.Admin
}

func hasAnyRole(a *auth.Actor, roles []string) bool {
	return a != nil && a.Kind == auth.Staff && slices.ContainsFunc(roles, a.HasRole)
}
