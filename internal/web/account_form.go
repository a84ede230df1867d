package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
)

// accountForm is the account form as typed.
type accountForm struct {
	Username, DisplayName, Role, OrgCode, MemberCode string
	Disabled                                         bool
}

type accountView struct {
	View
	New     bool
	ID      int64
	Form    accountForm
	Errors  map[string]string // field → translated message
	Roles   []pingyi.Role     // the roles the viewer may give
	Created bool
	// LoginFailures are the account's failed logins in the limiter's
	// window (the edit page offers to forget them).
	LoginFailures int
}

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9_.@-]{2,64}$`)

// rolesFor lists the roles an account may give: the admin all, an org
// admin all but admin.
func rolesFor(u *pingyi.User) []pingyi.Role {
	if u.Role == pingyi.RoleAdmin {
		return pingyi.Roles
	}
	return slices.DeleteFunc(slices.Clone(pingyi.Roles), func(r pingyi.Role) bool { return r == pingyi.RoleAdmin })
}

func readAccountForm(r *http.Request) accountForm {
	return accountForm{
		Username:    strings.TrimSpace(r.PostFormValue("username")),
		DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		Role:        r.PostFormValue("role"),
		OrgCode:     strings.TrimSpace(r.PostFormValue("org")),
		MemberCode:  strings.TrimSpace(r.PostFormValue("member")),
		Disabled:    r.PostFormValue("disabled") != "",
	}
}

// formFor shows an existing account in the form.
func (s *Server) formFor(ctx context.Context, u *pingyi.User) (accountForm, error) {
	f := accountForm{Username: u.Username, DisplayName: u.DisplayName, Role: string(u.Role), Disabled: u.Disabled}
	if u.OrgID != 0 {
		o, err := s.st.OrgByID(ctx, u.OrgID)
		if err != nil {
			return f, err
		}
		f.OrgCode = o.Code
	}
	if u.MemberID != 0 {
		m, _, err := s.st.MemberByID(ctx, u.MemberID)
		if err != nil {
			return f, err
		}
		f.MemberCode = m.Code
	}
	return f, nil
}

// applyAccountForm checks the form and sets u's fields from it (old is the
// account being edited, nil when creating). Errors are message keys per
// field. An org admin cannot give the admin role nor scope an account
// outside their subtree (an org or member outside it reads as unknown).
func (s *Server) applyAccountForm(ctx context.Context, viewer *pingyi.User, f accountForm, password string, old, u *pingyi.User) (map[string]string, error) {
	errs := map[string]string{}
	scope := ScopeOf(viewer)
	if old == nil {
		if !usernameRE.MatchString(f.Username) {
			errs["username"] = "account.err_username"
		}
		u.Username = f.Username
	}
	if utf8.RuneCountInString(f.DisplayName) > 100 {
		errs["display_name"] = "account.err_display_name"
	}
	u.DisplayName = f.DisplayName
	role := pingyi.Role(f.Role)
	if !slices.Contains(rolesFor(viewer), role) {
		errs["role"] = "account.err_role"
	}
	u.Role = role
	u.OrgID, u.OrgPath, u.MemberID = 0, "", 0

	var m *pingyi.Member
	var mpath string
	if role == pingyi.RoleMember || role == pingyi.RoleSecretary {
		if f.MemberCode == "" {
			errs["member"] = "account.err_member_required"
		} else {
			var err error
			m, mpath, err = s.st.Member(ctx, f.MemberCode)
			switch {
			case errors.Is(err, pingyi.ErrNotFound) || (err == nil && !scope.Contains(mpath)):
				errs["member"] = "account.err_member_unknown"
				m = nil
			case err != nil:
				return nil, err
			default:
				u.MemberID = m.ID
			}
		}
	}
	if role != pingyi.RoleAdmin && errs["role"] == "" {
		code := f.OrgCode
		if code == "" && m != nil {
			code = m.OrgCode // a member's or secretary's scope defaults to their branch
		}
		if code == "" {
			errs["org"] = "account.err_org_required"
		} else {
			o, err := s.st.Org(ctx, code)
			switch {
			case errors.Is(err, pingyi.ErrNotFound) || (err == nil && !scope.Contains(o.Path)):
				errs["org"] = "account.err_org_unknown"
			case err != nil:
				return nil, err
			default:
				u.OrgID, u.OrgPath = o.ID, o.Path
				if m != nil && !strings.HasPrefix(mpath, o.Path) {
					errs["member"] = "account.err_member_outside"
				}
			}
		}
	}
	if errs["role"] == "" && errs["org"] == "" && !fromAbove(viewer, u) {
		errs["org"] = "security.err_account_level"
	}
	u.Disabled = f.Disabled
	if old != nil && old.ID == viewer.ID && (u.Disabled || u.Role != old.Role || u.OrgID != old.OrgID) {
		errs["role"] = "account.err_self" // nobody locks themself out
	}
	u.PasswordHash = ""
	if password != "" || old == nil {
		if err := auth.CheckPolicy(password); err != nil {
			errs["password"] = "account.err_password"
		} else {
			h, err := auth.Hash(password)
			if err != nil {
				return nil, err
			}
			u.PasswordHash = h
		}
	}
	return errs, nil
}

// translateErrors turns message keys into messages.
func (s *Server) translateErrors(r *http.Request, errs map[string]string) map[string]string {
	tr := s.Tr(r)
	out := make(map[string]string, len(errs))
	for f, k := range errs {
		out[f] = tr.T(k)
	}
	return out
}
