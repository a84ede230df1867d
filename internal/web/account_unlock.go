package web

import (
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/store"
)

// accountUnlock is POST /accounts/{id}/unlock: forget the account's failed
// logins (an administrator's answer to a colleague slowed down by them).
func (s *Server) accountUnlock(w http.ResponseWriter, r *http.Request) {
	u := s.managedAccount(w, r)
	if u == nil {
		return
	}
	n := s.limiter.Failures(u.Username)
	s.limiter.Unlock(u.Username)
	id := strconv.FormatInt(u.ID, 10)
	if err := s.st.Tx(r.Context(), func(q store.Q) error {
		return store.Audit(r.Context(), q, ActorOf(r), "unlock", "user", id, map[string]int{"failed_logins": n}, nil)
	}); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "account.unlocked")
	Redirect(w, r, "/accounts/"+id)
}
