package web

import (
	"net/http"
	"strconv"

	shell "github.com/pingyi/pingyi/internal/web"
)

// rectificationUpdate is POST /rectifications/{id}: problem, cause,
// measures, owner, deadline and status (anything but verified).
func (s *Feature) rectificationUpdate(w http.ResponseWriter, r *http.Request) {
	it := s.rectForChange(w, r)
	if it == nil {
		return
	}
	f := readRectForm(r)
	errs := map[string]string{}
	if f.Status == "" {
		errs["status"] = s.Tr(r).T("rectification.err_status")
	}
	s.checkRectForm(r, f, errs)
	if len(errs) == 0 {
		upd := *it
		upd.Problem, upd.Cause, upd.Measures, upd.Owner, upd.Deadline, upd.Status = f.Problem, f.Cause, f.Measures, f.Owner, f.Deadline, f.Status
		err := s.st.SaveRectification(r.Context(), &upd, shell.ActorOf(r))
		if err == nil {
			s.Flash(r, "rectification.saved")
			shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(it.ID, 10))
			return
		}
		bad, ok := inputErrors(s.Tr(r), err)
		if !ok {
			s.ServerError(w, r, err)
			return
		}
		for k, m := range bad {
			errs[k] = m
		}
	}
	v := s.rectView(r, it)
	v.Form, v.Errors = f, errs
	s.Render(w, r, http.StatusUnprocessableEntity, "rectification", v)
}
