package org

import "taxhall/internal/auth"

// CanAdminister reports whether a may add and change bureaus and staff in
// their bureau subtree. The services enforce it; menus and pages ask it.
func CanAdminister(a *auth.Actor) bool { return a.HasRole(auth.RoleAdmin) }
