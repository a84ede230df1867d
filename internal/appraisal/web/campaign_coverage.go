package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type coverageType struct {
	Type         pingyi.TargetType
	Total, Rated int
}

type coverageTarget struct {
	pingyi.Target
	Rated bool
}

type campaignCoverageView struct {
	shell.View
	Head     campaignHead
	Coverage *appraisal.Coverage
	ByType   []coverageType
	Units    []appraisal.UnitStatus
	Unit     *appraisal.Unit  // ?unit=: every target of that unit
	Targets  []coverageTarget // of Unit
	More     bool             // the unrated list was cut
}

// campaignCoverage is GET /campaigns/{code}/coverage: how many targets of
// the viewer's subtree have been rated, per type and per unit, and which
// have no ballots yet (seed 002: every organization and member is
// appraised). With ?unit=ORG: every target of that unit and whether it
// has been rated.
func (s *Feature) campaignCoverage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	scope := shell.CurrentScope(r)
	v := &campaignCoverageView{Head: s.head(r, c, "coverage")}
	var err error
	if code := r.URL.Query().Get("unit"); code != "" {
		if v.Unit = s.loadUnit(w, r, c, code); v.Unit == nil {
			return
		}
		scope = pingyi.Scope{Path: v.Unit.Path}
	}
	if v.Coverage, err = s.st.CampaignCoverage(ctx, c, scope); err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, t := range c.TargetTypes {
		bt := v.Coverage.ByType[t]
		v.ByType = append(v.ByType, coverageType{Type: t, Total: bt[0], Rated: bt[1]})
	}
	v.More = len(v.Coverage.Unrated) < v.Coverage.Targets-v.Coverage.Rated
	if v.Unit != nil {
		unrated := map[int64]bool{}
		for _, t := range v.Coverage.Unrated {
			unrated[t.ID] = true
		}
		ts, err := s.st.UnitTargets(ctx, c.ID, v.Unit.ID)
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, t := range ts {
			v.Targets = append(v.Targets, coverageTarget{Target: t, Rated: !unrated[t.ID]})
		}
	} else if v.Units, err = s.st.UnitStatuses(ctx, c, scope); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_coverage", v)
}
