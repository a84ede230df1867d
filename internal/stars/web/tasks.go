package web

import (
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// Tasks are the stars' items of the dashboard: for staff who manage, the
// comments to review and the objections to answer in their subtree; for a
// member, the year's goal not set yet.
func (s *Feature) Tasks(r *http.Request) ([]shell.Task, error) {
	u := shell.CurrentUser(r)
	var out []shell.Task
	switch u.Role {
	case pingyi.RoleAdmin, pingyi.RoleOrgAdmin, pingyi.RoleSecretary:
		t, err := s.st.PendingTasks(r.Context(), shell.ScopeOf(u).Path)
		if err != nil {
			return nil, err
		}
		out = append(out, shell.Task{Key: "stars_tasks.comments", N: t.Comments, Href: "/stars/comments"},
			shell.Task{Key: "stars_tasks.objections", N: t.Objections, Href: "/stars"})
	}
	if u.MemberID != 0 {
		has, err := s.st.HasGoal(r.Context(), time.Now().Year(), u.MemberID)
		if err != nil {
			return nil, err
		}
		if m, _, err := s.st.MemberByID(r.Context(), u.MemberID); err == nil && !has {
			out = append(out, shell.Task{Key: "stars_tasks.goal", N: 1, Href: "/stars/members/" + m.Code})
		}
	}
	return out, nil
}
