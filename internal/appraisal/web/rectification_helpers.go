package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Rectification (整改, seed 002 §4.3): each problem found becomes an item
// of an org with its target, cause, measures, owner, deadline, status and
// evidence files. Whoever manages the org (its secretary, an org admin
// above it) keeps the item; only the superior org — an account whose scope
// strictly contains the item's org — verifies it. Overdue items stand out.
// One handler per file: rectification_campaign.go (a campaign's items),
// rectification_create.go, rectification_list.go, rectification_page.go,
// rectification_update.go, rectification_evidence.go, rectification_verify.go,
// evidence_file.go; here the views and checks they share.

type rectRow struct {
	appraisal.Rectification
	Overdue bool
}

func rectRows(items []appraisal.Rectification) []rectRow {
	now := time.Now()
	out := make([]rectRow, len(items))
	for i, it := range items {
		out[i] = rectRow{Rectification: it, Overdue: it.Overdue(now)}
	}
	// Overdue first, then by deadline (as the store sorts them).
	slices.SortStableFunc(out, func(a, b rectRow) int {
		switch {
		case a.Overdue == b.Overdue:
			return 0
		case a.Overdue:
			return -1
		}
		return 1
	})
	return out
}

type rectForm struct {
	Unit, Target, Problem, Cause, Measures, Owner, Deadline, Status string
}

type rectUnitChoice struct {
	appraisal.Unit
	Targets []pingyi.Target
}

func readRectForm(r *http.Request) rectForm {
	g := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return rectForm{Unit: g("unit"), Target: g("target"), Problem: g("problem"), Cause: g("cause"), Measures: g("measures"),
		Owner: g("owner"), Deadline: g("deadline"), Status: g("status")}
}

// checkRectForm checks the fields shared by create and update.
func (s *Feature) checkRectForm(r *http.Request, f rectForm, errs map[string]string) {
	tr := s.Tr(r)
	if f.Problem == "" {
		errs["problem"] = tr.T("campaign_new.err_required")
	}
	for k, v := range map[string]string{"problem": f.Problem, "cause": f.Cause, "measures": f.Measures} {
		if len([]rune(v)) > maxText {
			errs[k] = tr.T("campaign_new.err_too_long", "N", maxText, "Len", len([]rune(v)))
		}
	}
	if len([]rune(f.Owner)) > 200 {
		errs["owner"] = tr.T("campaign_new.err_too_long", "N", 200, "Len", len([]rune(f.Owner)))
	}
	if f.Deadline != "" {
		if _, err := time.Parse("2006-01-02", f.Deadline); err != nil {
			errs["deadline"] = tr.T("campaign_unit.err_date")
		}
	}
	if f.Status != "" && (!slices.Contains(appraisal.RectStatuses, f.Status) || f.Status == appraisal.RectVerified) {
		errs["status"] = tr.T("rectification.err_status")
	}
}

func (s *Feature) rectView(r *http.Request, it *appraisal.Rectification) *rectView {
	scope := shell.CurrentScope(r)
	u := shell.CurrentUser(r)
	return &rectView{Item: it, Overdue: it.Overdue(time.Now()), Statuses: appraisal.RectStatuses, MaxMB: appraisal.MaxEvidenceSize >> 20,
		CanEdit:   scope.Manages(it.OrgPath) && canManageUnits(u) && it.Status != appraisal.RectVerified,
		CanVerify: strictlyAbove(scope, it.OrgPath) && isCampaignAdmin(u) && it.Status == appraisal.RectDone,
		Form: rectForm{Problem: it.Problem, Cause: it.Cause, Measures: it.Measures, Owner: it.Owner, Deadline: it.Deadline,
			Status: it.Status}}
}

// loadRect loads the item {id} if the viewer's subtree contains its org
// (404 otherwise).
func (s *Feature) loadRect(w http.ResponseWriter, r *http.Request, id int64) *appraisal.Rectification {
	it, err := s.st.Rectification(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !shell.CurrentScope(r).Contains(it.OrgPath)) || id == 0 {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return it
}

// rectForChange loads the item for its keepers: 403 for a viewer who sees
// it but does not manage its org, 409 once it has been verified.
func (s *Feature) rectForChange(w http.ResponseWriter, r *http.Request) *appraisal.Rectification {
	it := s.loadRect(w, r, parseID(r.PathValue("id")))
	if it == nil {
		return nil
	}
	if !shell.CurrentScope(r).Manages(it.OrgPath) {
		s.Fail(w, r, http.StatusForbidden)
		return nil
	}
	if it.Status == appraisal.RectVerified {
		s.FailMsg(w, r, http.StatusConflict, "rectification.err_verified")
		return nil
	}
	return it
}

type campaignRectView struct {
	shell.View
	Head     campaignHead
	Items    []rectRow
	Overdue  int
	Units    []rectUnitChoice // units the viewer may add items to
	Statuses []string
	Form     rectForm
	Errors   map[string]string
}

type rectView struct {
	shell.View
	Item      *appraisal.Rectification
	Overdue   bool
	CanEdit   bool
	CanVerify bool
	Statuses  []string
	Form      rectForm
	Errors    map[string]string
	MaxMB     int
}
