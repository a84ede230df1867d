package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

// Tasks are the double report's items of the dashboard: for staff, the
// completions of their communities to confirm and the needs unclaimed 30
// days (overdue); for a member, the needs they claimed and have not
// completed.
func (f *Feature) Tasks(r *http.Request) ([]shell.Task, error) {
	u := shell.CurrentUser(r)
	var out []shell.Task
	switch u.Role {
	case pingyi.RoleAdmin, pingyi.RoleOrgAdmin, pingyi.RoleSecretary:
		confirm, old, err := f.dr.Pending(r.Context(), shell.ScopeOf(u).Path, store.Today())
		if err != nil {
			return nil, err
		}
		out = append(out, shell.Task{Key: "service_tasks.unclaimed", N: old, Href: "/service", Overdue: true},
			shell.Task{Key: "service_tasks.confirm", N: confirm, Href: "/service"})
	}
	if u.Role == pingyi.RoleMember && u.MemberID != 0 {
		n, err := f.dr.MemberClaimed(r.Context(), u.MemberID)
		if err != nil {
			return nil, err
		}
		out = append(out, shell.Task{Key: "service_tasks.claimed", N: n, Href: "/service"})
	}
	return out, nil
}
