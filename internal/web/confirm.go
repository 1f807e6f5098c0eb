package web

import (
	"net/url"

	"taxhall/internal/apperr"
)

// Destructive actions that are part of a form get their confirmation on
// the form itself (docs/design.md, "Confirmation page"), where a separate
// confirmation page would have to carry what was typed through a GET:
//
//   - Disabling a taxpayer user, a staff member or a bureau is one box of
//     an edit form that saves other fields too. A save that would disable
//     comes back once with the consequence and a box to tick
//     (confirmDisable), every typed value kept; ticked, the save goes
//     through. Saves that do not disable ask nothing.
//   - Resetting someone else's password: the reset form always shows the
//     consequence and a required box (confirmReset). A page in between
//     would have to carry the new password, which is never sent back.
//
// Ending an identification, an action of its own, has a real confirmation
// page (staff_identification_end.html).

// confirmDisable returns the error that brings the form back with the
// confirmation box, when a save would disable something active and the box
// was not ticked.
func confirmDisable(f url.Values, wasActive bool, msg string) error {
	if !wasActive || f.Get("active") == "1" || f.Get("confirm_disable") == "1" {
		return nil
	}
	return apperr.InvalidField("confirm_disable", msg)
}

// confirmReset returns the error for a password reset whose box was not
// ticked.
func confirmReset(f url.Values) error {
	if f.Get("confirm_reset") == "1" {
		return nil
	}
	return apperr.InvalidField("confirm_reset", "请勾选“确认重置密码”后再提交，并重新填写新密码")
}
