package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// managedAccount loads the account {id} if the viewer manages it (the
// admin: any; an org admin: accounts scoped inside their subtree, never an
// admin); otherwise 404.
func (s *Server) managedAccount(w http.ResponseWriter, r *http.Request) *pingyi.User {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	u, err := s.st.UserByID(r.Context(), id)
	scope := CurrentScope(r)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !scope.All() && (u.OrgPath == "" || !scope.Contains(u.OrgPath) || !fromAbove(CurrentUser(r), u))) {
		s.Fail(w, r, http.StatusNotFound)
		return nil
	}
	if err != nil {
		s.ServerError(w, r, err)
		return nil
	}
	return u
}

// accountEdit is GET /accounts/{id}.
func (s *Server) accountEdit(w http.ResponseWriter, r *http.Request) {
	u := s.managedAccount(w, r)
	if u == nil {
		return
	}
	f, err := s.formFor(r.Context(), u)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.Render(w, r, http.StatusOK, "account", &accountView{ID: u.ID, Form: f, Roles: rolesFor(CurrentUser(r)),
		LoginFailures: s.limiter.Failures(u.Username)})
}

// accountUpdate is POST /accounts/{id}: an empty password keeps the old one.
func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	old := s.managedAccount(w, r)
	if old == nil {
		return
	}
	viewer := CurrentUser(r)
	f := readAccountForm(r)
	f.Username = old.Username
	u := &pingyi.User{ID: old.ID, Username: old.Username, Locale: old.Locale}
	errs, err := s.applyAccountForm(r.Context(), viewer, f, r.PostFormValue("password"), old, u)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(errs) > 0 {
		s.Render(w, r, http.StatusUnprocessableEntity, "account",
			&accountView{ID: old.ID, Form: f, Errors: s.translateErrors(r, errs), Roles: rolesFor(viewer)})
		return
	}
	if err := s.st.UpdateUser(r.Context(), u, ActorOf(r)); err != nil {
		s.ServerError(w, r, err)
		return
	}
	if u.ID == viewer.ID && u.PasswordHash != "" {
		// A new password ends the account's other sessions, not this one.
		s.sessions.Put(r.Context(), sessPassword, passwordStamp(u.PasswordHash))
	}
	s.Flash(r, "account.saved")
	Redirect(w, r, "/accounts/"+strconv.FormatInt(u.ID, 10))
}
