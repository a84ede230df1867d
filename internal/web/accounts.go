package web

import (
	"net/http"

	"github.com/pingyi/pingyi/internal/pingyi"
)

type accountsView struct {
	View
	Accounts []pingyi.User
}

// accounts is GET /accounts: the accounts the viewer manages (the admin:
// all; an org admin: those scoped inside their subtree).
func (s *Server) accounts(w http.ResponseWriter, r *http.Request) {
	us, err := s.st.Users(r.Context(), CurrentScope(r))
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "accounts", &accountsView{Accounts: us})
}
