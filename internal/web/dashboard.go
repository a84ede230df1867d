package web

import (
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

type dashboardView struct {
	View
	ScopeName string
	Orgs      int
	Members   int
	Self      *pingyi.Member // member and secretary accounts: who they are
	Tasks     []Task         // what waits for the viewer (tasks.go)
	// NoHolidays are this year and next when the working-day calendar
	// has no holidays for them (deadlines would count Mon–Fri only).
	NoHolidays []int
	// AuditHead is the audit chain's latest entry (the system admin's
	// dashboard): the anchor an office copies out (audit_chain.go).
	AuditHead *store.AuditHead
}

// dashboard is GET /: what waits for the viewer (tasks with their counts
// and links), counts of orgs and members in the viewer's scope, quick links.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	u := CurrentUser(r)
	v := &dashboardView{ScopeName: u.OrgName}
	if u.MemberID != 0 {
		if m, _, err := s.st.MemberByID(r.Context(), u.MemberID); err == nil {
			v.Self = m
		}
	}
	if u.Role != pingyi.RoleMember {
		var err error
		if v.Orgs, v.Members, err = s.st.SubtreeCounts(r.Context(), ScopeOf(u).Path); err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	tasks, err := s.tasks(r)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v.Tasks = tasks
	if u.Role == pingyi.RoleAdmin || u.Role == pingyi.RoleOrgAdmin {
		cal, err := s.st.Calendar(r.Context())
		if err != nil {
			s.ServerError(w, r, err)
			return
		}
		for _, y := range []int{time.Now().Year(), time.Now().Year() + 1} {
			if !cal.HasHolidays(y) {
				v.NoHolidays = append(v.NoHolidays, y)
			}
		}
	}
	if u.Role == pingyi.RoleAdmin {
		if h, err := s.st.AuditHead(r.Context()); err == nil && h.Seq > 0 {
			v.AuditHead = &h
		}
	}
	s.Render(w, r, http.StatusOK, "dashboard", v)
}
