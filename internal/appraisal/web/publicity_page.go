package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// Publicity (公示): once a campaign has closed, staff who manage its scope
// org open the publicity period (the campaign's publicity days, working
// days from today). The public page /p/{code} then shows the results
// (withheld under the anonymity threshold; rule flags are for the
// organization department, not the public page), the notices, and a form
// where anyone may file an objection (异议) while the period lasts, with
// an optional contact that is never shown publicly. Answered objections
// show with their answers. The store audits every step.

type publicityView struct {
	shell.View
	Campaign   campaignInfo
	Started    bool
	From, To   string
	Active     bool
	Ended      bool
	Levels     []pingyi.Rating
	Groups     []resultGroup
	Targets    []targetGroup      // the objection form's choices: the targets on this page, or those found by name
	Query      string             // the name searched for (?q=)
	Found      int                // targets found by name (up to maxFound)
	summary    *appraisal.Summary // the campaign's, once started
	Notices    []appraisal.Notice
	Answered   []appraisal.Objection
	Form       objectionForm
	Errors     map[string]string
	Anonymity  int
	HiddenSpan int // columns of a withheld row
}

// targetGroup is the objection form's targets of one type (an optgroup:
// the type is named once, not on every option).
type targetGroup struct {
	Type    pingyi.TargetType
	Targets []appraisal.TargetResult
}

// maxFound is how many targets a search by name lists.
const maxFound = 50

// findTargets lists the campaign's targets whose name or code contains q
// (any page, any type), up to maxFound, grouped by type.
func (s *Feature) findTargets(r *http.Request, sm *appraisal.Summary, q string) ([]targetGroup, int, error) {
	idx, err := s.st.FindTargets(r.Context(), sm, q, maxFound)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.st.ResultRows(r.Context(), sm, idx)
	if err != nil {
		return nil, 0, err
	}
	var groups []targetGroup
	for _, t := range rows {
		groups = addTarget(groups, t)
	}
	return groups, len(rows), nil
}

func addTarget(groups []targetGroup, t appraisal.TargetResult) []targetGroup {
	if len(groups) == 0 || groups[len(groups)-1].Type != t.Type {
		groups = append(groups, targetGroup{Type: t.Type})
	}
	g := &groups[len(groups)-1]
	g.Targets = append(g.Targets, t)
	return groups
}

type objectionForm struct {
	Target, Text, Contact string
}

// publicityPage is GET /p/{code}: the public page of a campaign (no
// login).
func (s *Feature) publicityPage(w http.ResponseWriter, r *http.Request) {
	c := s.publicCampaign(w, r)
	if c == nil {
		return
	}
	v, err := s.publicityView(r, c)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "publicity", v)
}

func (s *Feature) publicityView(r *http.Request, c *pingyi.Campaign) (*publicityView, error) {
	ctx := r.Context()
	now := time.Now()
	v := &publicityView{Campaign: infoOf(c, now), Levels: c.Scale.Levels(), Anonymity: c.Anonymity}
	v.HiddenSpan = len(v.Levels) + 4
	_, _, from, err := s.st.CampaignTexts(ctx, c)
	if err != nil {
		return nil, err
	}
	cal, err := s.st.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	v.From, v.To, v.Active = appraisal.Publicity(cal, from, c.PublicityDays, now)
	v.Started = v.From != "" && v.Campaign.Closed()
	v.Active = v.Active && v.Started
	v.Ended = v.Started && !v.Active && now.Format("2006-01-02") > v.To
	if v.Notices, err = s.st.Notices(ctx, c); err != nil {
		return nil, err
	}
	if !v.Started {
		return v, nil
	}
	// The campaign's summary; one page of each table, whose names alone
	// are read (?page_org=, page_secretary=, page_member=, as on the
	// results page).
	sm, err := s.st.Summary(ctx, c)
	if err != nil {
		return nil, err
	}
	v.summary = sm
	hide := hiddenResult(c)
	for _, tt := range []pingyi.TargetType{pingyi.TargetOrg, pingyi.TargetSecretary, pingyi.TargetMember} {
		k, _ := appraisal.TypeCode(tt)
		g := resultGroup{Type: tt, Param: "page_" + string(tt)}
		off, pg := pageOf(r, g.Param, len(sm.TypeRange(k)))
		g.Pager = pg
		rows, err := s.st.ResultRows(ctx, sm, sm.Page(appraisal.Filter{Type: k}, off, resultsPageSize))
		if err != nil {
			return nil, err
		}
		for _, t := range rows {
			v.Targets = addTarget(v.Targets, t)
			row := resultRow{TargetResult: t, Hidden: hide(t)}
			if !row.Hidden {
				row.Score, row.Rate = rules.FormatScore(t.Score), rules.FormatRate(t.Rate)
			}
			row.Flags = nil // never on the public page
			g.Rows = append(g.Rows, row)
		}
		if len(g.Rows) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	if v.Query = strings.TrimSpace(r.FormValue("q")); v.Query != "" {
		if len([]rune(v.Query)) > 50 {
			v.Query = string([]rune(v.Query)[:50])
		}
		if v.Targets, v.Found, err = s.findTargets(r, sm, v.Query); err != nil {
			return nil, err
		}
	}
	all, err := s.st.Objections(ctx, c)
	if err != nil {
		return nil, err
	}
	for _, o := range all {
		if o.Answer != "" {
			o.Contact = "" // never public
			v.Answered = append(v.Answered, o)
		}
	}
	return v, nil
}

// objectionFile is POST /p/{code}/objections: anyone files an objection
// during the publicity period; objectionsPerHour per client address.
func (s *Feature) objectionFile(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c := s.publicCampaign(w, r)
	if c == nil {
		return
	}
	v, err := s.publicityView(r, c)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if !v.Active {
		s.FailMsg(w, r, http.StatusConflict, "publicity.err_inactive")
		return
	}
	tr := s.Tr(r)
	v.Form = objectionForm{Target: r.PostFormValue("target"), Text: strings.TrimSpace(r.PostFormValue("text")),
		Contact: strings.TrimSpace(r.PostFormValue("contact"))}
	v.Errors = map[string]string{}
	var targetID int64
	if v.Form.Target != "" {
		targetID, _ = strconv.ParseInt(v.Form.Target, 10, 64)
		// Any target of the campaign (the form lists those of the page
		// it was on).
		found := false
		if v.summary != nil {
			_, found = v.summary.TargetByID(targetID)
		}
		if !found {
			v.Errors["target"] = tr.T("publicity.err_target")
		}
	}
	switch {
	case v.Form.Text == "":
		v.Errors["text"] = tr.T("publicity.err_text")
	case len([]rune(v.Form.Text)) > 2000:
		v.Errors["text"] = tr.T("campaign_new.err_too_long", "N", 2000, "Len", len([]rune(v.Form.Text)))
	}
	if len([]rune(v.Form.Contact)) > 100 {
		v.Errors["contact"] = tr.T("campaign_new.err_too_long", "N", 100, "Len", len([]rune(v.Form.Contact)))
	}
	if len(v.Errors) > 0 {
		s.Render(w, r, http.StatusUnprocessableEntity, "publicity", v)
		return
	}
	ip := s.ClientIP(r)
	if !s.limits.allowObjection(ip) {
		w.Header().Set("Retry-After", "3600")
		s.FailMsg(w, r, http.StatusTooManyRequests, "publicity.err_limited")
		return
	}
	if _, err := s.st.FileObjection(r.Context(), c, targetID, v.Form.Text, v.Form.Contact); err != nil {
		if bad, ok := inputErrors(s.Tr(r), err); ok {
			v.Errors = bad
			s.Render(w, r, http.StatusUnprocessableEntity, "publicity", v)
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.limits.countObjection(ip)
	s.Flash(r, "publicity.filed")
	shell.Redirect(w, r, "/p/"+c.Code+"#objections")
}

// publicityStart is POST /campaigns/{code}/publicity: open the publicity
// period from today (only once the campaign has closed).
func (s *Feature) publicityStart(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	if appraisal.State(c, time.Now()) != appraisal.StateClosed {
		s.FailMsg(w, r, http.StatusConflict, "publicity.err_open")
		return
	}
	if err := s.st.StartPublicity(r.Context(), c, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "publicity.started")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"#publicity")
}

// objectionAnswer is POST /campaigns/{code}/objections: staff who manage
// the campaign's scope org answer an objection (fields id, answer); the
// answer shows on the public page.
func (s *Feature) objectionAnswer(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	id := parseID(r.PostFormValue("id"))
	answer := strings.TrimSpace(r.PostFormValue("answer"))
	if id == 0 || answer == "" || len([]rune(answer)) > maxText {
		s.FailMsg(w, r, http.StatusUnprocessableEntity, "publicity.err_answer")
		return
	}
	err := s.st.AnswerObjection(r.Context(), c, id, answer, shell.ActorOf(r))
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		s.Fail(w, r, http.StatusNotFound)
		return
	case err != nil:
		if _, ok := inputErrors(s.Tr(r), err); ok {
			s.FailMsg(w, r, http.StatusUnprocessableEntity, "publicity.err_answer")
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "publicity.answered_saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"#objections")
}
