package web

import (
	"net/http"
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

// tasks are the viewer's tasks: each feature's (in the features' order),
// the overdue first; tasks with nothing to do are left out.
func (s *Server) tasks(r *http.Request) ([]Task, error) {
	var all []Task
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
