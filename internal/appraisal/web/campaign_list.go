package web

import (
	"net/http"
	"time"

	shell "github.com/pingyi/pingyi/internal/web"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type campaignListView struct {
	shell.View
	Campaigns []campaignInfo
	CanCreate bool
	Member    bool // a member: links go to their own summary
}

// campaignList is GET /campaigns: the campaigns whose scope lies in or
// above the viewer's subtree, newest first.
func (s *Feature) campaignList(w http.ResponseWriter, r *http.Request) {
	u := shell.CurrentUser(r)
	cs, err := s.st.Campaigns(r.Context(), shell.CurrentScope(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	now := time.Now()
	v := &campaignListView{CanCreate: isCampaignAdmin(u), Member: u.Role == pingyi.RoleMember}
	for i := range cs {
		v.Campaigns = append(v.Campaigns, infoOf(&cs[i], now))
	}
	s.Render(w, r, http.StatusOK, "campaigns", v)
}
