package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// rectificationCreate is POST /campaigns/{code}/rectifications: a new item
// of a unit the viewer manages (field unit), optionally about one of its
// targets (field target: the target's id).
func (s *Feature) rectificationCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	f := readRectForm(r)
	errs := map[string]string{}
	item := &appraisal.Rectification{CampaignID: c.ID, Problem: f.Problem, Cause: f.Cause, Measures: f.Measures, Owner: f.Owner,
		Deadline: f.Deadline, Status: f.Status}
	u, err := s.st.Unit(ctx, c.ID, f.Unit)
	if err != nil || !shell.CurrentScope(r).Manages(u.Path) {
		errs["unit"] = s.Tr(r).T("rectification.err_unit")
	} else {
		item.OrgID = u.ID
		if f.Target != "" {
			id := parseID(f.Target)
			ts, err := s.st.UnitTargets(ctx, c.ID, u.ID)
			if err != nil {
				s.ServerError(w, r, err)
				return
			}
			if !slices.ContainsFunc(ts, func(t pingyi.Target) bool { return t.ID == id }) {
				errs["target"] = s.Tr(r).T("rectification.err_target")
			}
			item.TargetID = id
		}
	}
	s.checkRectForm(r, f, errs)
	if len(errs) == 0 {
		err := s.st.SaveRectification(ctx, item, shell.ActorOf(r))
		if err == nil {
			s.Flash(r, "rectification.created")
			shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(item.ID, 10))
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
	v, err := s.campaignRectView(r, c, f, errs)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusUnprocessableEntity, "rectifications", v)
}
