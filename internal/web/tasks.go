package web

import (
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// A Task is something waiting for the person looking at the dashboard
// (工作台): a count, its message (with the count as N) and where to do it.
type Task struct {
	Key     string
	N       int
	Href    string
	Overdue bool // past its time: shown first, marked
}

// Tasker is a feature with tasks for the dashboard (optional: the shell
// asks each feature that has the method).
type Tasker interface {
	Tasks(r *http.Request) ([]Task, error)
}

// tasks are the viewer's tasks: the appraisal's (still in the shell), then
// each feature's, the overdue first; tasks with nothing to do are left out.
func (s *Server) tasks(r *http.Request) ([]Task, error) {
	u := CurrentUser(r)
	var all []Task
	if u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin || u.Role == pingyi.RoleSecretary {
		t, err := s.st.AppraisalTasks(r.Context(), ScopeOf(u).Path, time.Now().Format("2006-01-02"))
		if err != nil {
			return nil, err
		}
		all = append(all,
			Task{Key: "tasks.objections", N: t.Objections, Href: "/campaigns"},
			Task{Key: "tasks.rect_overdue", N: t.RectOverdue, Href: "/campaigns", Overdue: true},
			Task{Key: "tasks.rect_due", N: t.RectDue, Href: "/campaigns"},
			Task{Key: "tasks.open_no_close", N: t.OpenNoClose, Href: "/campaigns"})
	}
	for _, f := range s.features {
		if tk, ok := f.(Tasker); ok {
			ts, err := tk.Tasks(r)
			if err != nil {
				return nil, err
			}
			all = append(all, ts...)
		}
	}
	var overdue, rest []Task
	for _, t := range all {
		switch {
		case t.N <= 0:
		case t.Overdue:
			overdue = append(overdue, t)
		default:
			rest = append(rest, t)
		}
	}
	return append(overdue, rest...), nil
}
