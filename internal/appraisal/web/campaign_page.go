package web

import (
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type unitRow struct {
	appraisal.UnitStatus
	Window bool // a window unit (窗口单位): standing QR code
}

type campaignPageView struct {
	shell.View
	Head          campaignHead
	Participants  string
	ResultsUse    string
	Phases        []int
	Units         []unitRow
	Coverage      *appraisal.Coverage
	Notices       []appraisal.Notice
	PublicityFrom string
	PublicityEnd  string
	PublicityOn   bool
	Objections    []appraisal.Objection
	ShowContacts  bool
	SelfSummary   bool // the viewer is a member of a unit: link to their summary
}

// campaignPage is GET /campaigns/{code}: the campaign's settings and
// program (方案), its phase, where each unit of the viewer's subtree
// stands, coverage, notices, publicity and objections.
func (s *Feature) campaignPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	scope := shell.CurrentScope(r)
	v := &campaignPageView{Head: s.head(r, c, "overview"), Phases: []int{1, 2, 3, 4, 5}}
	var err error
	if v.Participants, v.ResultsUse, v.PublicityFrom, err = s.st.CampaignTexts(ctx, c); err != nil {
		s.ServerError(w, r, err)
		return
	}
	cal, err := s.st.Calendar(ctx)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.PublicityFrom, v.PublicityEnd, v.PublicityOn = appraisal.Publicity(cal, v.PublicityFrom, c.PublicityDays, time.Now())
	statuses, err := s.st.UnitStatuses(ctx, c, scope)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	ids := make([]int64, len(statuses))
	for i, u := range statuses {
		ids[i] = u.ID
	}
	orgs, err := s.st.OrgsByIDs(ctx, ids)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	for _, u := range statuses {
		v.Units = append(v.Units, unitRow{UnitStatus: u, Window: orgs[u.ID].WindowUnit})
	}
	if v.Coverage, err = s.st.CampaignCoverage(ctx, c, scope); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Notices, err = s.st.Notices(ctx, c); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Objections, err = s.visibleObjections(r, c); err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.ShowContacts = scope.Manages(c.ScopePath)
	if u := shell.CurrentUser(r); u.MemberID != 0 {
		v.SelfSummary = true
	}
	s.Render(w, r, http.StatusOK, "campaign", v)
}

// visibleObjections are the objections the viewer may read: all of them
// for those who manage the campaign's scope org; otherwise those about a
// target of the viewer's subtree (contacts are cleared for anyone who does
// not manage the campaign's scope).
func (s *Feature) visibleObjections(r *http.Request, c *pingyi.Campaign) ([]appraisal.Objection, error) {
	all, err := s.st.Objections(r.Context(), c)
	if err != nil || len(all) == 0 {
		return all, err
	}
	scope := shell.CurrentScope(r)
	if scope.Manages(c.ScopePath) {
		return all, nil
	}
	sm, err := s.st.Summary(r.Context(), c)
	if err != nil {
		return nil, err
	}
	var out []appraisal.Objection
	for _, o := range all {
		if i, ok := sm.TargetByID(o.TargetID); ok && scope.Contains(sm.Units[sm.Targets[i].Unit].Path) {
			o.Contact = ""
			out = append(out, o)
		}
	}
	return out, nil
}
