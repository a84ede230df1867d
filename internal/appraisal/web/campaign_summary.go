package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type campaignSummaryView struct {
	shell.View
	Campaign campaignInfo
	Member   *pingyi.Member
	Text     string
	Error    string
}

// mySummaryTarget is the member account's member, if they are appraised
// in campaign c (their branch is one of its units); else 404.
func (s *Feature) mySummaryTarget(w http.ResponseWriter, r *http.Request, c *pingyi.Campaign) *pingyi.Member {
	u := shell.CurrentUser(r)
	if u.MemberID == 0 {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	m, _, err := s.st.MemberByID(r.Context(), u.MemberID)
	if err != nil {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if _, err := s.st.Unit(r.Context(), c.ID, m.OrgCode); err != nil {
		if errors.Is(err, pingyi.ErrNotFound) {
			s.Fail(w, r, http.StatusNotFound)
		} else {
			s.ServerError(w, r, err)
		}
		return nil
	}
	return m
}

// campaignMySummary is GET /campaigns/{code}/summary: a member writes
// their own summary (小结) of the campaign (seed 002 §4.1).
func (s *Feature) campaignMySummary(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	m := s.mySummaryTarget(w, r, c)
	if m == nil {
		return
	}
	sums, err := s.st.MemberSummaries(r.Context(), c, m.OrgID)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_summary", &campaignSummaryView{Campaign: infoOf(c, time.Now()), Member: m, Text: sums[m.ID]})
}

// campaignMySummarySave is POST /campaigns/{code}/summary.
func (s *Feature) campaignMySummarySave(w http.ResponseWriter, r *http.Request) {
	c := s.loadCampaign(w, r)
	if c == nil {
		return
	}
	m := s.mySummaryTarget(w, r, c)
	if m == nil {
		return
	}
	text := strings.TrimSpace(r.PostFormValue("text"))
	v := &campaignSummaryView{Campaign: infoOf(c, time.Now()), Member: m, Text: text}
	switch {
	case text == "":
		v.Error = s.Tr(r).T("campaign_summary.err_empty")
	case len([]rune(text)) > maxText:
		v.Error = s.Tr(r).T("campaign_new.err_too_long", "N", maxText, "Len", len([]rune(text)))
	}
	if v.Error != "" {
		s.Render(w, r, http.StatusUnprocessableEntity, "campaign_summary", v)
		return
	}
	if err := s.st.SaveMemberSummary(r.Context(), c, m.ID, text, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign_summary.saved")
	shell.Redirect(w, r, "/campaigns/"+c.Code+"/summary")
}
