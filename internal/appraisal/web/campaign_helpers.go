package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// Who sees a campaign (评议活动):
//
//   - a campaign is visible to an account whose subtree contains the
//     campaign's scope org, or lies inside it (an org admin of a township
//     sees the district's campaign that appraises their township);
//   - inside a campaign, staff see only the units and targets of their own
//     subtree (a secretary: their branch's unit);
//   - changing the campaign itself (settings, criteria, phase, notices,
//     publicity, wipe) needs an account that manages the campaign's scope
//     org; changing a unit's records (self-check, meeting, summaries,
//     codes, rectification) one that manages the unit;
//   - verifying a rectification item needs an account whose scope strictly
//     contains the item's org: the superior, never the org itself.
//
// Outside all that, a campaign, unit or item answers 404, exactly as one
// that does not exist.

// campaignVisible reports whether the viewer may open campaign c.
func campaignVisible(scope pingyi.Scope, c *pingyi.Campaign) bool {
	return scope.Contains(c.ScopePath) || strings.HasPrefix(scope.Path, c.ScopePath)
}

// strictlyAbove reports whether scope manages orgPath and is not orgPath
// itself: the superior org of the item (整改 verification).
func strictlyAbove(scope pingyi.Scope, orgPath string) bool {
	return scope.Manages(orgPath) && scope.Path != orgPath
}

// loadCampaign loads the campaign {code} of the request if the viewer may
// see it; otherwise it answers 404 and returns nil.
func (s *Feature) loadCampaign(w http.ResponseWriter, r *http.Request) *pingyi.Campaign {
	return s.campaignIf(w, r, func(c *pingyi.Campaign) bool { return campaignVisible(shell.CurrentScope(r), c) })
}

// publicCampaign is the campaign of the path's {code} for the public pages
// (no login, no scope), or nil after answering 404 or 500.
func (s *Feature) publicCampaign(w http.ResponseWriter, r *http.Request) *pingyi.Campaign {
	return s.campaignIf(w, r, func(*pingyi.Campaign) bool { return true })
}

// campaignIf loads the path's {code}: 404 if it does not exist or visible
// says the viewer may not see it.
func (s *Feature) campaignIf(w http.ResponseWriter, r *http.Request, visible func(*pingyi.Campaign) bool) *pingyi.Campaign {
	c, err := s.st.Campaign(r.Context(), r.PathValue("code"))
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !visible(c)) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return c
}

// managedCampaign is loadCampaign for changes to the campaign itself: 403
// for a viewer who sees it but does not manage its scope org.
func (s *Feature) managedCampaign(w http.ResponseWriter, r *http.Request) *pingyi.Campaign {
	c := s.loadCampaign(w, r)
	if c == nil {
		return nil
	}
	if !shell.CurrentScope(r).Manages(c.ScopePath) {
		s.Fail(w, r, http.StatusForbidden)
		return nil
	}
	return c
}

// loadUnit loads the evaluation unit {org} of campaign c if the viewer's
// subtree contains it (404 otherwise).
func (s *Feature) loadUnit(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign, code string) *appraisal.Unit {
	u, err := s.st.Unit(r.Context(), c.ID, code)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !shell.CurrentScope(r).Contains(u.Path)) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return u
}

// campaignInfo is a campaign with where it stands, for lists and heads.
type campaignInfo struct {
	*pingyi.Campaign
	State    appraisal.CampaignState
	OpensAt  string // local "2006-01-02 15:04", "" at once
	ClosesAt string // "" no end
}

func infoOf(c *pingyi.Campaign, now time.Time) campaignInfo {
	return campaignInfo{Campaign: c, State: appraisal.State(c, now), OpensAt: localTime(c.Opens), ClosesAt: localTime(c.Closes)}
}

// Closed reports whether results may be shown.
func (c campaignInfo) Closed() bool { return c.State == appraisal.StateClosed }

// Open reports whether ballots are accepted.
func (c campaignInfo) Open() bool { return c.State == appraisal.StateOpen }

// MinMassPercent shows the minimum mass share as a percentage ("80").
func (c campaignInfo) MinMassPercent() string {
	r, err := rules.ParseShare(c.MinMassShare)
	if err != nil || r.Sign() == 0 {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSuffix(rules.FormatRate(r), "00"), ".")
}

// campaignHead is the head of every page of one campaign: its name, its
// badges (state, 演练) and its tabs.
type campaignHead struct {
	campaignInfo
	Manages bool // the viewer manages the campaign's scope org
	Tabs    []campaignTab
}

type campaignTab struct {
	Key, Href string
	Active    bool
}

// head builds the campaign head for the request; tab is the active tab's
// key ("overview", "criteria", …).
func (s *Feature) head(r *http.Request, c *pingyi.Campaign, tab string) campaignHead {
	u := shell.CurrentUser(r)
	scope := shell.CurrentScope(r)
	h := campaignHead{campaignInfo: infoOf(c, time.Now()), Manages: scope.Manages(c.ScopePath)}
	base := "/campaigns/" + c.Code
	add := func(key, href string) {
		h.Tabs = append(h.Tabs, campaignTab{Key: "campaign_tabs." + key, Href: href, Active: key == tab})
	}
	add("overview", base)
	add("criteria", base+"/criteria")
	add("codes", base+"/codes")
	if staffTabs(u) { // part of the results page's cache key (results_cache.go)
		add("ballots", base+"/ballots")
	}
	add("coverage", base+"/coverage")
	add("results", base+"/results")
	add("rectifications", base+"/rectifications")
	add("publicity", "/p/"+c.Code)
	return h
}

// staffTabs reports whether the campaign head shows u the ballots tab.
func staffTabs(u *pingyi.User) bool {
	return u != nil && (u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin)
}

// localTime shows an RFC 3339 time in the server's zone ("" stays "").
func localTime(rfc string) string {
	if rfc == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return rfc
	}
	return t.Local().Format("2006-01-02 15:04")
}

// inputTime is an RFC 3339 time for a datetime-local input.
func inputTime(rfc string) string {
	if rfc == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339, rfc)
	if err != nil {
		return ""
	}
	return t.Local().Format("2006-01-02T15:04")
}

// codeURL is the phone ballot page of a one-time code (cli.CodeURL).
func codeURL(base, code string) string { return base + "/b/" + code }

// windowURL is the one-tap rating page of a window unit's standing code.
func windowURL(base, code string) string { return base + "/w/" + code }

// inputErrors turns a refusal into column → message in tr's language (ok
// false for any other error).
func inputErrors(tr *i18n.Translator, err error) (map[string]string, bool) {
	return shell.RefusedFields(tr, err)
}

// formInt reads an integer form field (def when empty or bad, ok false
// when bad).
func formInt(r *http.Request, name string, def int) (int, bool) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def, false
	}
	return n, true
}

// parseID reads a positive int64 path value (0 when bad).
func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// campaignFail answers with the error page and a campaigns message.
func (s *Feature) campaignFail(w http.ResponseWriter, r *http.Request, status int, key string, args ...any) {
	s.FailMsg(w, r, status, key, args...)
}

// canManageUnits reports whether the account's role may change unit
// records (self-check, meeting, summaries, codes, rectification).
func canManageUnits(u *pingyi.User) bool {
	return u != nil && (u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin || u.Role == pingyi.RoleSecretary)
}

// isCampaignAdmin reports whether the account's role may change campaigns.
func isCampaignAdmin(u *pingyi.User) bool {
	return u != nil && (u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin)
}

// parseCampaignWindow parses the opening and closing times and the
// anonymity threshold of a campaign form into c, adding to errs what is
// wrong (c.Anonymity is left as it was when the value is bad).
func parseCampaignWindow(tr *i18n.Translator, opens, closes, anonymity string, c *pingyi.Campaign, errs map[string]string) {
	var err error
	if c.Opens, err = appraisal.ParseTime(opens); err != nil {
		errs["opens"] = tr.T("campaign_new.err_time")
	}
	if c.Closes, err = appraisal.ParseTime(closes); err != nil {
		errs["closes"] = tr.T("campaign_new.err_time")
	} else if c.Opens != "" && c.Closes != "" && c.Closes <= c.Opens {
		errs["closes"] = tr.T("campaign_new.err_window")
	}
	if n, err := strconv.Atoi(anonymity); err != nil || n < rules.MinAnonymity || n > rules.MaxAnonymity {
		errs["anonymity"] = tr.T("campaign_new.err_anonymity")
	} else {
		c.Anonymity = n
	}
}

// checkPastClose refuses a closing time already past unless the form
// confirms it (confirm_past: "close it now"), so that a mistyped year does
// not close a campaign (and freeze its window) by accident.
func checkPastClose(tr *i18n.Translator, r *http.Request, closes string, errs map[string]string) {
	if closes == "" || errs["closes"] != "" || r.PostFormValue("confirm_past") == "1" {
		return
	}
	if t, err := time.Parse(time.RFC3339, closes); err == nil && t.Before(time.Now()) {
		errs["closes_past"] = tr.T("campaign_new.err_past_close")
	}
}
