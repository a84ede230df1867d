// Package web is the web part of the voice of the masses (internal/voice):
// the public form and tracking page (phone first; anonymous allowed), and
// the staff inbox of an org and its subtree with deadlines and overdue
// items, an opinion's ledger and its actions (route, accept, extend,
// reply, call-back, close).
package web

import (
	"embed"
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/auth"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/voice"
	shell "github.com/pingyi/pingyi/internal/web"
)

//go:embed templates locales
var files embed.FS

// PublicPerHour is how many opinions one client address may file on the
// public form in an hour, and how many ratings it may send (429 beyond;
// 0: no limit).
var PublicPerHour = 30

// Feature is the voice of the masses on the shell.
type Feature struct {
	srv     *shell.Server
	v       *voice.Voice
	filings *auth.Limiter // public filings per client address
	ratings *auth.Limiter // public ratings per client address
	stop    func()        // ends the intake's writer
}

// New makes the feature over the shell and the store.
func New(srv *shell.Server, st *store.Store) (shell.Feature, error) {
	v, err := voice.New(st)
	if err != nil {
		return nil, err
	}
	// Filings from the form, the staff and the API are committed together
	// by one writer (voice.StartIntake).
	stop := v.StartIntake()
	srv.AddCollector(v.Collector()) // opinions by state and overdue (serve --metrics-addr)
	return &Feature{srv: srv, v: v, filings: auth.NewLimiter(PublicPerHour, time.Hour), ratings: auth.NewLimiter(PublicPerHour, time.Hour),
		stop: stop}, nil
}

// Name is the feature's name.
func (f *Feature) Name() string { return "voice" }

// Nav is the inbox entry of the main navigation.
func (f *Feature) Nav() []shell.NavItem {
	return []shell.NavItem{{Key: "voice.nav_inbox", Href: "/inbox", Pattern: "GET /inbox"}}
}

// Assets are the templates and translations.
func (f *Feature) Assets() shell.Assets {
	return shell.EmbeddedAssets(files)
}

// Close stops the intake's writer after the filings handed to it.
func (f *Feature) Close() {
	if f.stop != nil {
		f.stop()
		f.stop = nil
	}
}

// limited reports whether the client (its address as the shell sees it,
// through a trusted proxy's header) has used up lim this hour.
func (f *Feature) limited(lim *auth.Limiter, r *http.Request) bool {
	if PublicPerHour <= 0 {
		return false
	}
	blocked, _ := lim.Blocked(f.srv.ClientIP(r))
	return blocked
}
