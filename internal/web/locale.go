package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pingyi/pingyi/internal/i18n"
	"github.com/pingyi/pingyi/internal/store"
)

const langCookie = "lang"

func langCookieFor(lang string, secure bool) *http.Cookie {
	return &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
}

// setLocale is GET or POST /locale?lang=en&next=/orgs: the language
// switch of every page (links work without JavaScript). It sets the lang
// cookie, the session's language and, for a logged-in user, the account's.
func (s *Server) setLocale(w http.ResponseWriter, r *http.Request) {
	lang := r.FormValue("lang")
	next := safeNext(r.FormValue("next"))
	if !i18n.Valid(lang) {
		s.Fail(w, r, http.StatusBadRequest)
		return
	}
	http.SetCookie(w, langCookieFor(lang, s.opts.SecureCookies))
	u := CurrentUser(r)
	if u != nil { // anonymous visitors keep the cookie only: no session row
		s.sessions.Put(r.Context(), sessLang, lang)
	}
	if u != nil && u.Locale != lang {
		c := *u
		c.Locale = lang
		c.PasswordHash = "" // unchanged
		if err := s.st.UpdateUser(r.Context(), &c, store.Actor{UserID: u.ID, Username: u.Username}); err != nil {
			s.log.Warn("save locale", "user", u.ID, "err", err)
		}
	}
	Redirect(w, r, next)
}

func itoa(n int) string { return strconv.Itoa(n) }
