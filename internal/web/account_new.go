package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// accountNew is GET /accounts/new.
func (s *Server) accountNew(w http.ResponseWriter, r *http.Request) {
	u := CurrentUser(r)
	f := accountForm{Role: string(pingyi.RoleSecretary)}
	if u.Role != pingyi.RoleAdmin && u.OrgID != 0 {
		if o, err := s.st.OrgByID(r.Context(), u.OrgID); err == nil {
			f.OrgCode = o.Code
		}
	}
	s.Render(w, r, http.StatusOK, "account", &accountView{New: true, Form: f, Roles: rolesFor(u)})
}

// accountCreate is POST /accounts/new.
func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) {
	viewer := CurrentUser(r)
	f := readAccountForm(r)
	u := &pingyi.User{}
	errs, err := s.applyAccountForm(r.Context(), viewer, f, r.PostFormValue("password"), nil, u)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	if len(errs) == 0 {
		err = s.st.CreateUser(r.Context(), u, ActorOf(r))
		if errors.Is(err, pingyi.ErrConflict) {
			errs["username"] = "account.err_username_taken"
		} else if err != nil {
			s.ServerError(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.Render(w, r, http.StatusUnprocessableEntity, "account",
			&accountView{New: true, Form: f, Errors: s.translateErrors(r, errs), Roles: rolesFor(viewer)})
		return
	}
	s.Flash(r, "account.created")
	Redirect(w, r, "/accounts/"+strconv.FormatInt(u.ID, 10))
}
