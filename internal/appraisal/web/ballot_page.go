package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// The public's phone pages (one-time codes, receipts, window units) are
// made for an old phone on a slow network: one small HTML page with its
// CSS inline, no script, no font, no image; big touch targets (radio
// buttons drawn as buttons); a plain form POST. They all render the
// template "phone" of templates/pages/ballot.html, which switches on
// Screen.

// phoneView is what every phone screen shows.
type phoneView struct {
	shell.View
	Screen   string // form, done, receipt, used, unknown, closed, not_open, no_receipt, busy, window, window_done, window_limited, window_busy
	Status   int
	Test     bool   // the campaign is a rehearsal (演练)
	Campaign string // its name
	Unit     string
	Category pingyi.EvaluatorCategory
	Code     string
	Action   string // where the form posts
	Groups   []phoneGroup
	Count    int // targets on the form (the progress line: Rated of Count)
	Rated    int // targets with a choice when the page is written
	Levels   []pingyi.Rating
	Opinion  string
	Error    string
	Receipt  string
	Day      string
	Minutes  int
}

// phoneGroup is the targets of one type: the org, its secretary, the
// members.
type phoneGroup struct {
	Type     pingyi.TargetType
	Criteria []string // shared by every target of the group (shown once)
	Targets  []phoneTarget
}

type phoneTarget struct {
	Index    int
	Field    string // form field: r:TYPE:CODE
	Name     string
	Criteria []string
	Selected string
}

// renderPhone writes a phone screen.
func (s *Feature) renderPhone(w http.ResponseWriter, r *http.Request, status int, v *phoneView) {
	s.FillView(r, &v.View)
	v.Status = status
	var buf bytes.Buffer
	if err := s.PageSet(v.Lang, "ballot").ExecuteTemplate(&buf, "phone", v); err != nil {
		s.ServerError(w, r, fmt.Errorf("template ballot: %w", err))
		return
	}
	// A branch of a hundred members makes a 60 KB page that gzips to a
	// tenth, worth it on a slow network: gzipResponses does it.
	shell.WriteHTML(w, status, buf.Bytes())
}

func ratingField(t pingyi.Target) string { return "r:" + string(t.Type) + ":" + t.Code }

// ballotForm builds the form of a code from what it may rate.
func ballotForm(ci *appraisal.CodeInfo, selected map[string]string) *phoneView {
	v := &phoneView{Screen: "form", Test: ci.Campaign.TestMode, Campaign: ci.Campaign.Name, Unit: ci.Unit.Name,
		Category: ci.Category, Code: ci.Code, Action: "/b/" + ci.Code, Levels: ci.Campaign.Scale.Levels(), Count: len(ci.Targets)}
	for i, t := range ci.Targets {
		if len(v.Groups) == 0 || v.Groups[len(v.Groups)-1].Type != t.Type {
			v.Groups = append(v.Groups, phoneGroup{Type: t.Type})
		}
		g := &v.Groups[len(v.Groups)-1]
		f := ratingField(t)
		g.Targets = append(g.Targets, phoneTarget{Index: i, Field: f, Name: t.Name,
			Criteria: appraisal.CriteriaFor(ci.Criteria, t.Type, t.Domain), Selected: selected[f]})
		if selected[f] != "" {
			v.Rated++
		}
	}
	// Members of one branch share their criteria: show them once, above
	// the group, rather than under every name (a short page on a phone).
	for i := range v.Groups {
		g := &v.Groups[i]
		if len(g.Targets) < 2 {
			continue
		}
		same := true
		for _, t := range g.Targets[1:] {
			same = same && slices.Equal(t.Criteria, g.Targets[0].Criteria)
		}
		if same {
			g.Criteria = g.Targets[0].Criteria
			for j := range g.Targets {
				g.Targets[j].Criteria = nil
			}
		}
	}
	return v
}

// codeRefused shows why a code cannot be used: unknown (404), used (409),
// closed (410), not open yet (403), the intake stopping (503).
func (s *Feature) codeRefused(w http.ResponseWriter, r *http.Request, ci *appraisal.CodeInfo, err error) {
	v := &phoneView{Code: r.PathValue("code")}
	if ci != nil {
		v.Test, v.Campaign, v.Unit = ci.Campaign.TestMode, ci.Campaign.Name, ci.Unit.Name
	}
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		v.Screen = "unknown"
		s.renderPhone(w, r, http.StatusNotFound, v)
	case errors.Is(err, appraisal.ErrCodeUsed):
		v.Screen = "used"
		s.renderPhone(w, r, http.StatusConflict, v)
	case errors.Is(err, appraisal.ErrCampaignClosed):
		if ci != nil && appraisal.State(ci.Campaign, time.Now()) == appraisal.StateNotOpen {
			v.Screen = "not_open"
			v.Day = localTime(ci.Campaign.Opens)
			s.renderPhone(w, r, http.StatusForbidden, v)
			return
		}
		v.Screen = "closed"
		s.renderPhone(w, r, http.StatusGone, v)
	case errors.Is(err, appraisal.ErrIntakeClosed), store.Unavailable(err): // stopping, or a full disk or read-only database: come back
		v.Screen = "busy"
		w.Header().Set("Retry-After", "30")
		s.renderPhone(w, r, http.StatusServiceUnavailable, v)
	default:
		s.ServerError(w, r, err)
	}
}

// lookupCode resolves the code of the request for the ballot page: nil
// (after answering) when it cannot be used.
func (s *Feature) lookupCode(w http.ResponseWriter, r *http.Request) *appraisal.CodeInfo {
	ci, err := s.intake.Lookup(r.Context(), r.PathValue("code"))
	if err != nil {
		s.codeRefused(w, r, nil, err)
		return nil
	}
	if ci.Used {
		s.codeRefused(w, r, ci, appraisal.ErrCodeUsed)
		return nil
	}
	if appraisal.State(ci.Campaign, time.Now()) != appraisal.StateOpen {
		s.codeRefused(w, r, ci, appraisal.ErrCampaignClosed)
		return nil
	}
	return ci
}

// ballotPage is GET /b/{code}: the phone ballot of a one-time code (测评码):
// each target of the code's unit (the org, its secretary, then its
// members) with its criteria and the scale, and an optional opinion.
func (s *Feature) ballotPage(w http.ResponseWriter, r *http.Request) {
	ci := s.lookupCode(w, r)
	if ci == nil {
		return
	}
	s.renderPhone(w, r, http.StatusOK, ballotForm(ci, nil))
}

// maxBallotForm bounds the body of a phone ballot.
const maxBallotForm = 256 << 10

// ballotSubmit is POST /b/{code}: the plain form of the phone ballot, sent
// through the same group-commit intake as the JSON API, so that the
// receipt shown means the ballot is committed. A target left blank is not
// rated (弃权 is a choice of its own); at least one target must be rated.
func (s *Feature) ballotSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBallotForm)
	if err := r.ParseForm(); err != nil {
		s.Fail(w, r, http.StatusRequestEntityTooLarge)
		return
	}
	ci := s.lookupCode(w, r)
	if ci == nil {
		return
	}
	selected := map[string]string{}
	var ratings []appraisal.RatingInput
	for _, t := range ci.Targets {
		f := ratingField(t)
		if v := r.PostForm.Get(f); v != "" {
			selected[f] = v
			ratings = append(ratings, appraisal.RatingInput{TargetType: string(t.Type), TargetCode: t.Code, Rating: v})
		}
	}
	opinion := r.PostForm.Get("opinion")
	tr := s.Tr(r)
	if len(ratings) == 0 {
		v := ballotForm(ci, selected)
		v.Opinion, v.Error = opinion, tr.T("ballot.err_none")
		s.renderPhone(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	receipt, err := s.intake.Submit(r.Context(), ci.Code, ratings, opinion)
	var re *appraisal.RatingError
	switch {
	case err == nil:
		// Post, redirect, get: reloading the receipt's page shows the
		// receipt again instead of posting the spent code once more.
		shell.Redirect(w, r, "/r/"+receipt+"?new=1")
	case errors.As(err, &re):
		v := ballotForm(ci, selected)
		v.Opinion, v.Error = opinion, tr.T("ballot.err_rating")
		if len([]rune(opinion)) > 2000 {
			v.Error = tr.T("ballot.err_opinion", "N", 2000)
		}
		s.renderPhone(w, r, http.StatusUnprocessableEntity, v)
	default:
		s.codeRefused(w, r, ci, err)
	}
}

// receiptPage is GET /r/{receipt}: whether the ballot with this receipt
// was counted, and in which campaign (never what it said).
func (s *Feature) receiptPage(w http.ResponseWriter, r *http.Request) {
	receipt := shell.Clip(r.PathValue("receipt"), 64)
	c, day, err := s.st.Receipt(r.Context(), receipt)
	if err == nil && r.URL.Query().Get("new") == "1" { // just submitted (ballotSubmit)
		s.renderPhone(w, r, http.StatusOK, &phoneView{Screen: "done", Test: c.TestMode, Campaign: c.Name, Receipt: receipt})
		return
	}
	if errors.Is(err, pingyi.ErrNotFound) {
		s.renderPhone(w, r, http.StatusNotFound, &phoneView{Screen: "no_receipt", Receipt: receipt})
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.renderPhone(w, r, http.StatusOK, &phoneView{Screen: "receipt", Test: c.TestMode, Campaign: c.Name, Receipt: receipt, Day: day})
}

// receiptLookup is GET /r[?receipt=]: a page where anyone types a
// receipt in (read aloud, copied by hand); with one, it goes to that
// receipt's page, written the way receipts are (appraisal.NormalReceipt).
func (s *Feature) receiptLookup(w http.ResponseWriter, r *http.Request) {
	if typed := shell.Clip(r.URL.Query().Get("receipt"), 64); strings.TrimSpace(typed) != "" {
		shell.Redirect(w, r, "/r/"+url.PathEscape(appraisal.NormalReceipt(typed)))
		return
	}
	s.renderPhone(w, r, http.StatusOK, &phoneView{Screen: "lookup"})
}
