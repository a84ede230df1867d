package web

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

type loginView struct {
	View
	Next     string
	Username string
	Error    string
}

// loginPage is GET /login (a logged-in user goes home).
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if CurrentUser(r) != nil {
		Redirect(w, r, next)
		return
	}
	s.Render(w, r, http.StatusOK, "login", &loginView{Next: next})
}

// login is POST /login: username and password. Failures slow the next
// attempts (auth.LoginLimiter: backoff per address and username, a high
// limit per address, spacing per username from unknown addresses; 429
// with Retry-After). Unknown users, disabled accounts and wrong passwords
// get one answer.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	v := &loginView{Next: next, Username: username}
	ip := s.clientIP(r)

	if wait := s.limiter.Wait(ip, username); wait > 0 {
		if wait < time.Minute {
			v.Error = s.Tr(r).T("login.too_many_seconds", "Seconds", int(math.Ceil(wait.Seconds())))
		} else {
			v.Error = s.Tr(r).T("login.too_many", "Minutes", int(math.Ceil(wait.Minutes())))
		}
		w.Header().Set("Retry-After", itoa(int(math.Ceil(wait.Seconds()))))
		s.Render(w, r, http.StatusTooManyRequests, "login", v)
		return
	}
	if username == "" || password == "" {
		v.Error = s.Tr(r).T("login.missing")
		s.Render(w, r, http.StatusUnprocessableEntity, "login", v)
		return
	}
	u, err := s.st.User(r.Context(), username)
	ok := false
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		auth.VerifyDummy(password) // as slow as a known user
	case err != nil:
		s.ServerError(w, r, err)
		return
	default:
		ok = auth.Verify(u.PasswordHash, password) && !u.Disabled
	}
	if !ok {
		s.limiter.Fail(ip, username)
		s.log.Info("login failed", "ip", s.clientIP(r))
		v.Error = s.Tr(r).T("login.invalid")
		s.Render(w, r, http.StatusUnauthorized, "login", v)
		return
	}
	s.limiter.Succeed(ip, username)
	if auth.NeedsRehash(u.PasswordHash) {
		if h, err := auth.Hash(password); err == nil {
			old := u.PasswordHash
			u.PasswordHash = h
			if err := s.st.UpdateUser(r.Context(), u, store.Actor{UserID: u.ID, Username: u.Username}); err != nil {
				s.log.Warn("rehash password", "user", u.ID, "err", err)
				u.PasswordHash = old // the session's stamp must match what is stored
			}
		}
	}
	// A new token on login: a session fixed before cannot be taken over.
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		s.ServerError(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessUserID, u.ID)
	s.sessions.Put(r.Context(), sessPassword, passwordStamp(u.PasswordHash))
	if u.Locale != "" {
		s.sessions.Put(r.Context(), sessLang, u.Locale)
	}
	s.log.Info("login", "user", u.ID)
	Redirect(w, r, next)
}

// logout is POST /logout.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	lang := s.Lang(r)
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.ServerError(w, r, err)
		return
	}
	// Keep the language after logging out.
	http.SetCookie(w, langCookieFor(lang, s.opts.SecureCookies))
	Redirect(w, r, "/login")
}
