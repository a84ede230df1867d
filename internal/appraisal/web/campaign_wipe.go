package web

import (
	"net/http"
	"strings"

	shell "github.com/pingyi/pingyi/internal/web"
)

type campaignWipeView struct {
	shell.View
	Head  campaignHead
	Error string
}

// campaignWipeConfirm is GET /campaigns/{code}/wipe: the confirm step of
// wiping a rehearsal (演练) before the formal round: every ballot, code,
// tally and window aggregate goes, the campaign becomes formal.
func (s *Feature) campaignWipeConfirm(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	if !c.TestMode {
		s.FailMsg(w, r, http.StatusConflict, "campaign_wipe.not_test")
		return
	}
	s.Render(w, r, http.StatusOK, "campaign_wipe", &campaignWipeView{Head: s.head(r, c, "overview")})
}

// campaignWipe is POST /campaigns/{code}/wipe: the field confirm must
// repeat the campaign's code.
func (s *Feature) campaignWipe(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	if !c.TestMode {
		s.FailMsg(w, r, http.StatusConflict, "campaign_wipe.not_test")
		return
	}
	if strings.TrimSpace(r.PostFormValue("confirm")) != c.Code {
		s.Render(w, r, http.StatusUnprocessableEntity, "campaign_wipe", &campaignWipeView{Head: s.head(r, c, "overview"),
			Error: s.Tr(r).T("campaign_wipe.err_confirm")})
		return
	}
	if err := s.st.WipeTestCampaign(r.Context(), c, shell.ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "campaign_wipe.done")
	shell.Redirect(w, r, "/campaigns/"+c.Code)
}
