package web

import (
	"errors"
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/tabular"
)

type memberView struct {
	View
	Member  *pingyi.Member
	Org     *pingyi.Org
	Trail   []pingyi.Org
	Manages bool
	Self    bool
}

func maskPhone(s string) string { return tabular.MaskPhone(s) }
func maskID(s string) string    { return tabular.MaskIDNumber(s) }

// memberPage is GET /members/{code}: phone and ID number masked unless the
// viewer manages the member's org. A member account sees only its own
// page; any other member, like one outside the subtree, is 404.
func (s *Server) memberPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, path, err := s.st.Member(ctx, r.PathValue("code"))
	scope := CurrentScope(r)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !scope.Contains(path)) ||
		(err == nil && scope.MemberID != 0 && scope.MemberID != m.ID) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := &memberView{Member: m, Manages: scope.Manages(path), Self: CurrentUser(r).MemberID == m.ID}
	if !v.Manages && !v.Self { // a member sees their own data
		m.Phone, m.IDNumber = maskPhone(m.Phone), maskID(m.IDNumber)
	}
	if v.Org, err = s.st.OrgByID(ctx, m.OrgID); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if v.Trail, err = s.Trail(ctx, scope, v.Org, map[int64]pingyi.Org{}); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "member", v)
}
