package web

import (
	"net/http"
	"strings"
)

type campaignWipeView struct {
	view
	Head  campaignHead
	Error string
}

// campaignWipeConfirm is GET /campaigns/{code}/wipe: the confirm step of
// wiping a rehearsal (演练) before the formal round: every ballot, code,
// tally and window aggregate goes, the campaign becomes formal.
func (s *Server) campaignWipeConfirm(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	if !c.TestMode {
		s.failMsg(w, r, http.StatusConflict, "campaign_wipe.not_test")
		return
	}
	s.render(w, r, http.StatusOK, "campaign_wipe", &campaignWipeView{Head: s.head(r, c, "overview")})
}

// campaignWipe is POST /campaigns/{code}/wipe: the field confirm must
// repeat the campaign's code.
func (s *Server) campaignWipe(w http.ResponseWriter, r *http.Request) {
	c := s.managedCampaign(w, r)
	if c == nil {
		return
	}
	if !c.TestMode {
		s.failMsg(w, r, http.StatusConflict, "campaign_wipe.not_test")
		return
	}
	if strings.TrimSpace(r.PostFormValue("confirm")) != c.Code {
		s.render(w, r, http.StatusUnprocessableEntity, "campaign_wipe", &campaignWipeView{Head: s.head(r, c, "overview"),
			Error: s.tr(r).T("campaign_wipe.err_confirm")})
		return
	}
	if err := s.st.WipeTestCampaign(r.Context(), c, actor(r)); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.flash(r, "campaign_wipe.done")
	redirect(w, r, "/campaigns/"+c.Code)
}
