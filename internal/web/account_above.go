package web

import (
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// fromAbove reports whether viewer may manage the account u (as it is, or
// as a form would make it): accounts are managed only from strictly above.
// The system admin manages every account; an org admin manages another org
// admin only when its org lies strictly below their own (a peer at the
// same org is managed by their superior), and their own
// account (whose role and org they cannot change). Inspector (read only),
// secretary and member accounts are managed by the org admins whose subtree
// holds them, their own org included.
func fromAbove(viewer, u *pingyi.User) bool {
	if viewer == nil {
		return false
	}
	if viewer.Role == pingyi.RoleAdmin || (u.ID != 0 && u.ID == viewer.ID) {
		return true
	}
	switch u.Role {
	case pingyi.RoleAdmin:
		return false
	case pingyi.RoleOrgAdmin:
		return viewer.OrgPath != "" && len(u.OrgPath) > len(viewer.OrgPath) && strings.HasPrefix(u.OrgPath, viewer.OrgPath)
	}
	return true
}
