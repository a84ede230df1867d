package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

func (s *Feature) campaignRectView(r *http.Request, c *pingyi.Campaign, f rectForm, errs map[string]string) (*campaignRectView, error) {
	ctx := r.Context()
	scope := shell.CurrentScope(r)
	v := &campaignRectView{Head: s.head(r, c, "rectifications"), Statuses: appraisal.RectStatuses, Form: f, Errors: errs}
	items, err := s.st.Rectifications(ctx, scope, c.ID, "")
	if err != nil {
		return nil, err
	}
	v.Items = rectRows(items)
	for _, it := range v.Items {
		if it.Overdue {
			v.Overdue++
		}
	}
	if canManageUnits(shell.CurrentUser(r)) {
		units, err := s.st.Units(ctx, c.ID, scope)
		if err != nil {
			return nil, err
		}
		total := 0
		for _, u := range units {
			if !scope.Manages(u.Path) {
				continue
			}
			ch := rectUnitChoice{Unit: u}
			if total < 500 {
				if ch.Targets, err = s.st.UnitTargets(ctx, c.ID, u.ID); err != nil {
					return nil, err
				}
				total += len(ch.Targets)
			}
			v.Units = append(v.Units, ch)
		}
	}
	return v, nil
}

// campaignRectifications is GET /campaigns/{code}/rectifications: the
// campaign's items in the viewer's subtree, overdue first, and the form
// to add one.
func (s *Feature) campaignRectifications(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	f := rectForm{Unit: r.URL.Query().Get("unit"), Status: appraisal.RectOpen}
	v, err := s.campaignRectView(r, c, f, nil)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "rectifications", v)
}
