package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
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
			errs[k] = tr.T("campaign_new.err_too_long", "N", maxText)
		}
	}
	if len([]rune(f.Owner)) > 200 {
		errs["owner"] = tr.T("campaign_new.err_too_long", "N", 200)
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

type rectListView struct {
	shell.View
	Org     *pingyi.Org
	Items   []rectRow
	Overdue int
}

// rectificationList is GET /rectifications: every item of the viewer's
// subtree across campaigns, overdue first; ?org=CODE narrows it to that
// org's subtree.
func (s *Feature) rectificationList(w http.ResponseWriter, r *http.Request) {
	v := &rectListView{}
	path := ""
	if code := r.URL.Query().Get("org"); code != "" {
		if v.Org = s.VisibleOrg(w, r, code); v.Org == nil {
			return
		}
		path = v.Org.Path
	}
	items, err := s.st.Rectifications(r.Context(), shell.CurrentScope(r), 0, path)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Items = rectRows(items)
	for _, it := range v.Items {
		if it.Overdue {
			v.Overdue++
		}
	}
	s.Render(w, r, http.StatusOK, "rectification_list", v)
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

func (s *Feature) rectView(r *http.Request, it *appraisal.Rectification) *rectView {
	scope := shell.CurrentScope(r)
	u := shell.CurrentUser(r)
	return &rectView{Item: it, Overdue: it.Overdue(time.Now()), Statuses: appraisal.RectStatuses, MaxMB: appraisal.MaxEvidenceSize >> 20,
		CanEdit:   scope.Manages(it.OrgPath) && canManageUnits(u) && it.Status != appraisal.RectVerified,
		CanVerify: strictlyAbove(scope, it.OrgPath) && isCampaignAdmin(u) && it.Status == appraisal.RectDone,
		Form: rectForm{Problem: it.Problem, Cause: it.Cause, Measures: it.Measures, Owner: it.Owner, Deadline: it.Deadline,
			Status: it.Status}}
}

// rectificationPage is GET /rectifications/{id}: one item with its
// evidence, the edit form for those who keep it, and the verification
// form for the superior org.
func (s *Feature) rectificationPage(w http.ResponseWriter, r *http.Request) {
	it := s.loadRect(w, r, parseID(r.PathValue("id")))
	if it == nil {
		return
	}
	s.Render(w, r, http.StatusOK, "rectification", s.rectView(r, it))
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

// rectificationEvidence is POST /rectifications/{id}/evidence: attach a
// file (photo, scan, document; up to appraisal.MaxEvidenceSize).
func (s *Feature) rectificationEvidence(w http.ResponseWriter, r *http.Request) {
	it := s.rectForChange(w, r)
	if it == nil {
		return
	}
	refuse := func(status int, key string, args ...any) {
		v := s.rectView(r, it)
		v.Errors = map[string]string{"file": s.Tr(r).T(key, args...)}
		s.Render(w, r, status, "rectification", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, appraisal.MaxEvidenceSize+64<<10)
	file, h, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			refuse(http.StatusRequestEntityTooLarge, "rectification.err_file_size", "MB", appraisal.MaxEvidenceSize>>20)
			return
		}
		refuse(http.StatusBadRequest, "import.no_file")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, appraisal.MaxEvidenceSize+1))
	if err != nil {
		refuse(http.StatusBadRequest, "import.no_file")
		return
	}
	if len(data) == 0 || len(data) > appraisal.MaxEvidenceSize {
		refuse(http.StatusUnprocessableEntity, "rectification.err_file_size", "MB", appraisal.MaxEvidenceSize>>20)
		return
	}
	name := shell.Clip(strings.TrimSpace(filepath.Base(strings.ReplaceAll(h.Filename, `\`, "/"))), 200)
	if name == "" || name == "." || name == "/" {
		name = "file"
	}
	ctype := h.Header.Get("Content-Type")
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" || ctype == "application/octet-stream" {
		ctype = http.DetectContentType(data)
	}
	if err := s.st.AddEvidence(r.Context(), it.ID, name, ctype, data, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "rectification.file_added")
	shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(it.ID, 10)+"#evidence")
}

// rectificationVerify is POST /rectifications/{id}/verify: the superior
// org's verification of an item marked done (passed=yes or no, note). The
// org's own secretary or admin may not verify their own item.
func (s *Feature) rectificationVerify(w http.ResponseWriter, r *http.Request) {
	it := s.loadRect(w, r, parseID(r.PathValue("id")))
	if it == nil {
		return
	}
	if !strictlyAbove(shell.CurrentScope(r), it.OrgPath) {
		s.FailMsg(w, r, http.StatusForbidden, "rectification.err_not_superior")
		return
	}
	passed := r.PostFormValue("passed")
	note := strings.TrimSpace(r.PostFormValue("note"))
	if (passed != "yes" && passed != "no") || len([]rune(note)) > maxText {
		v := s.rectView(r, it)
		v.Errors = map[string]string{"verify": s.Tr(r).T("rectification.err_verify")}
		s.Render(w, r, http.StatusUnprocessableEntity, "rectification", v)
		return
	}
	if it.Status != appraisal.RectDone {
		s.FailMsg(w, r, http.StatusConflict, "rectification.err_not_done")
		return
	}
	if err := s.st.VerifyRectification(r.Context(), it.ID, passed == "yes", note, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "rectification.verified_saved")
	shell.Redirect(w, r, "/rectifications/"+strconv.FormatInt(it.ID, 10))
}

// evidenceFile is GET /evidence/{id}: download an evidence file, if the
// viewer's subtree contains its item's org. Always an attachment: an
// uploaded HTML or SVG file must never run on this site.
func (s *Feature) evidenceFile(w http.ResponseWriter, r *http.Request) {
	id := parseID(r.PathValue("id"))
	rectID, name, ctype, data, err := s.st.Evidence(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) || id == 0 {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if s.loadRect(w, r, rectID) == nil {
		return
	}
	if _, _, err := mime.ParseMediaType(ctype); err != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	shell.Download(w, ctype, name, data)
}
