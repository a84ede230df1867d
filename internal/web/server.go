// Package web is Pingyi's web UI: plain html/template pages with htmx for
// the few dynamic bits (every page also works without JavaScript), one
// handler per file, one route table (routes.go), server-side sessions in
// the database, argon2id passwords, CSRF protection by
// http.CrossOriginProtection, and translations (internal/i18n).
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/store"
)

// Options configure a Server.
type Options struct {
	// SecureCookies marks the session cookie Secure (HTTPS only). Off by
	// default: intranets often run plain HTTP.
	SecureCookies bool
	// BaseURL is the address users type, e.g. "https://pingyi.example.cn".
	// Its origin is trusted for cross-origin checks (a reverse proxy that
	// rewrites Host would otherwise fail them).
	BaseURL string
	// ClientIPHeader names a header set by a trusted reverse proxy with the
	// client address ("X-Real-IP"); empty uses the connection's address.
	ClientIPHeader string
	// TrustedProxies are the reverse proxies whose ClientIPHeader is
	// believed (clientip.go); empty: the connection's peer only.
	TrustedProxies []netip.Prefix
	// TimeZone is the deployment's, for times shown (stored in UTC);
	// default Asia/Shanghai.
	TimeZone *time.Location
	// Logger for requests and errors (default slog.Default()).
	Logger *slog.Logger
	// PublicLimit is the per-client rate limit of public routes
	// (ratelimit.go); the zero value limits nothing.
	PublicLimit PublicLimit
}

// Server is the web UI.
type Server struct {
	st       *store.Store
	opts     Options
	log      *slog.Logger
	sessions *scs.SessionManager
	limiter  *auth.LoginLimiter // failed logins (auth.LoginLimiter: backoff, no lockout)
	tmpl     *templates
	static   *staticFiles
	table    []Route
	handler  http.Handler
	// chromes caches the rendered layout around pages (chrome.go).
	chromes chromeCache
	// features are the features added (feature.go), featureNav their
	// navigation entries.
	features   []Feature
	featureNav []NavItem
	// public is the per-client limit of public routes (ratelimit.go),
	// collectors the features' metrics (metrics_web.go).
	public     *publicLimiter
	collectors []prometheus.Collector
}

// Session keys.
const (
	sessUserID = "uid"
	sessLang   = "lang"
	sessFlash  = "flash"
	// sessPassword is the account's password stamp at login
	// (passwordStamp): a session ends when the password changes.
	sessPassword = "pw"
)

// New builds the server over a store.
func New(st *store.Store, opts Options) (*Server, error) {
	s := &Server{st: st, opts: opts, log: opts.Logger}
	if s.log == nil {
		s.log = slog.Default()
	}
	s.limiter = auth.NewLoginLimiter()

	sm := scs.New()
	sm.Store = store.SessionStore{S: st}
	sm.IdleTimeout = 2 * time.Hour
	sm.Lifetime = 12 * time.Hour
	sm.HashTokenInStore = true
	sm.Codec = sessionCodec{}
	sm.Cookie.Name = "pingyi_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = opts.SecureCookies
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.Error("session", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
	}
	s.sessions = sm

	var err error
	if s.static, err = newStaticFiles(); err != nil {
		return nil, err
	}
	if s.tmpl, err = parseTemplates(s); err != nil {
		return nil, err
	}
	s.public = newPublicLimiter(opts.PublicLimit)
	s.table = s.routes()
	return s, nil
}

// Routes lists every route: the table, then the mounted ones.
func (s *Server) Routes() []Route { return slices.Clone(s.table) }

// Mount adds a route (before the first call of Handler), e.g. the JSON
// ballot API: s.Mount("POST /api/v1/ballots", web.PublicNoSession, h).
func (s *Server) Mount(pattern string, access Access, h http.HandlerFunc) error {
	if s.handler != nil {
		return fmt.Errorf("web: Mount(%q) after Handler()", pattern)
	}
	for _, rt := range s.table {
		if rt.Pattern == pattern {
			return fmt.Errorf("web: route %q declared twice", pattern)
		}
	}
	s.table = append(s.table, Route{Pattern: pattern, Access: access, Handler: h})
	return nil
}

// Handler is the whole web UI: the routes behind request logging, gzip
// compression (gzip.go), panic recovery, security headers and cross-origin
// (CSRF) protection.
func (s *Server) Handler() http.Handler {
	if s.handler != nil {
		return s.handler
	}
	mux := http.NewServeMux()
	for _, rt := range s.table {
		mux.Handle(rt.Pattern, s.guard(rt))
	}
	// Anything else: a translated 404 page.
	mux.Handle("/", s.sessions.LoadAndSave(s.loadUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, http.StatusNotFound)
	}))))

	cop := http.NewCrossOriginProtection()
	if s.opts.BaseURL != "" {
		if err := cop.AddTrustedOrigin(originOf(s.opts.BaseURL)); err != nil {
			s.log.Warn("base URL is not a trusted origin", "base_url", s.opts.BaseURL, "err", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Fail(w, r, http.StatusForbidden)
	}))
	s.handler = s.logRequests(gzipResponses(s.recoverPanics(s.securityHeaders(cop.Handler(mux)))))
	return s.handler
}

// Close closes the features (the last added first). Call it after the HTTP
// server has shut down.
func (s *Server) Close() {
	for i := len(s.features) - 1; i >= 0; i-- {
		s.features[i].Close()
	}
	s.features = nil
}

// PurgeSessions deletes expired sessions every interval until ctx ends.
func (s *Server) PurgeSessions(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.st.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("purge sessions", "err", err)
			}
		}
	}
}
