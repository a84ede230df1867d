package web

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Route is one line of the route table.
type Route struct {
	Pattern string // net/http.ServeMux pattern with its method: "GET /orgs/{code}"
	Access  Access
	Handler http.HandlerFunc
}

// Access is who may use a route. Build it with Public, PublicNoSession,
// Anonymous, LoggedIn, Read or Write.
type Access struct {
	public    bool
	noSession bool
	anonymous bool
	roles     []pingyi.Role // nil: any account
	write     bool
}

var (
	// Public routes are open to anyone; the session is loaded (the
	// language, a logged-in user if any).
	Public = Access{public: true}
	// PublicNoSession routes are open to anyone and never touch the
	// session store: static files, health checks, the JSON ballot API.
	PublicNoSession = Access{public: true, noSession: true}
	// Anonymous routes are PublicNoSession routes of the public's
	// anonymous inputs (phone ballots, receipts, window ratings, star mass
	// assessments, the ballot and opinion APIs): their requests are logged
	// with the day only, no time of day and no duration, so that a line
	// cannot date a ballot (middleware.go, docs/ANONYMITY.md).
	Anonymous = Access{public: true, noSession: true, anonymous: true}
	// LoggedIn routes need any account.
	LoggedIn = Access{}
)

// Read lets the given roles in.
func Read(roles ...pingyi.Role) Access { return Access{roles: roles} }

// Write lets the given roles in to change data; inspectors (督查员, read
// only) never pass, even if listed.
func Write(roles ...pingyi.Role) Access { return Access{roles: roles, write: true} }

// IsPublic reports whether anyone may use the route.
func (a Access) IsPublic() bool { return a.public }

// IsAnonymous reports whether the route takes the public's anonymous
// input (Anonymous): its requests are logged by day only.
func (a Access) IsAnonymous() bool { return a.anonymous }

// Writes reports whether the route changes data.
func (a Access) Writes() bool { return a.write }

// Roles lists the roles let in (nil: any account, or anyone if public).
func (a Access) Roles() []pingyi.Role { return a.roles }

// Allows reports whether an account with role r passes the rule (the
// object's subtree is checked by the handler).
func (a Access) Allows(r pingyi.Role) bool {
	if a.public {
		return true
	}
	if a.write && r == pingyi.RoleInspector {
		return false
	}
	return a.roles == nil || slices.Contains(a.roles, r)
}

func (a Access) String() string {
	switch {
	case a.anonymous:
		return "public, anonymous"
	case a.noSession:
		return "public, no session"
	case a.public:
		return "public"
	case a.roles == nil:
		return "logged in"
	}
	var b strings.Builder
	if a.write {
		b.WriteString("write: ")
	} else {
		b.WriteString("read: ")
	}
	for i, r := range a.roles {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(r))
	}
	return b.String()
}

// ScopeOf is the subtree an account may see: everything for the system
// admin; the account's org subtree for the others; read only for
// inspectors; the member themself for members.
func ScopeOf(u *pingyi.User) pingyi.Scope {
	if u == nil {
		return pingyi.Scope{Path: "/nothing/"} // matches no org
	}
	switch u.Role {
	case pingyi.RoleAdmin:
		return pingyi.Scope{}
	case pingyi.RoleInspector:
		return pingyi.Scope{Path: scopePath(u), ReadOnly: true}
	case pingyi.RoleMember:
		mid := u.MemberID
		if mid == 0 {
			mid = -1 // a member account not linked to a member manages nothing
		}
		return pingyi.Scope{Path: scopePath(u), MemberID: mid}
	}
	return pingyi.Scope{Path: scopePath(u)}
}

// scopePath never returns "" for a scoped role (that would mean
// everything): an account without an org sees nothing.
func scopePath(u *pingyi.User) string {
	if u.OrgPath == "" {
		return "/nothing/"
	}
	return u.OrgPath
}

type ctxKey int

const (
	userKey ctxKey = iota
	logKey
)

// CurrentUser is the logged-in account of the request, or nil.
func CurrentUser(r *http.Request) *pingyi.User {
	u, _ := r.Context().Value(userKey).(*pingyi.User)
	return u
}

// CurrentScope is the subtree of the logged-in account (nothing when
// anonymous).
func CurrentScope(r *http.Request) pingyi.Scope { return ScopeOf(CurrentUser(r)) }

func withUser(ctx context.Context, u *pingyi.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// guard wraps a route's handler with its access rule, and with the session
// unless the route is PublicNoSession.
func (s *Server) guard(rt Route) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if li, ok := r.Context().Value(logKey).(*logInfo); ok {
			li.of(rt)
		}
		if !rt.Access.public {
			u := CurrentUser(r)
			if u == nil {
				s.toLogin(w, r)
				return
			}
			if !rt.Access.Allows(u.Role) {
				s.Fail(w, r, http.StatusForbidden)
				return
			}
		}
		if !s.inputOK(w, r, rt.Pattern) {
			return
		}
		rt.Handler(w, r)
	})
	if rt.Access.noSession {
		return s.limitPublic(rt, h)
	}
	return s.limitPublic(rt, s.sessions.LoadAndSave(s.loadUser(h)))
}

// toLogin sends an anonymous visitor to the login page, coming back here
// afterwards (htmx requests get HX-Redirect, as a redirect would be
// swapped into the page).
func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := "/"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	target := "/login?next=" + url.QueryEscape(next)
	if r.Header.Get("HX-Request") != "" {
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// loadUser puts the session's account, if any, not disabled and with the
// password it logged in with, in the request context. The account comes
// from the store's short-lived cache (store.SessionUser), dropped at once
// when this process changes an account or the org tree.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(markSession(r.Context()))
		id := s.sessions.GetInt64(r.Context(), sessUserID)
		if id != 0 {
			u, err := s.st.SessionUser(r.Context(), id)
			if err != nil || u.Disabled || s.sessions.GetString(r.Context(), sessPassword) != passwordStamp(u.PasswordHash) {
				s.sessions.Remove(r.Context(), sessUserID)
				s.sessions.Remove(r.Context(), sessPassword)
				u = nil
			}
			if u != nil {
				r = r.WithContext(withUser(r.Context(), u))
				if li, ok := r.Context().Value(logKey).(*logInfo); ok {
					li.user = u.ID
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// passwordStamp identifies a password hash in a session without holding
// it: a session whose stamp is not the account's current one (the
// password changed since it logged in) is logged out.
func passwordStamp(hash string) string {
	sum := sha256.Sum256([]byte(hash))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}
