// Package web is the star management's pages (星级管理, SPEC §3): the
// district's overview, an org's members and their stars, a member's
// record (goal, logbook, preassessment, peer and mass assessment), the
// rules, imports, lists, bulletins, door plates with their public pages
// (/m/…) and objections. It plugs into the shell (internal/web) as a
// Feature.
package web

import (
	"embed"

	"github.com/pingyi/pingyi/internal/stars"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

//go:embed templates locales static
var files embed.FS

// Feature is the star pages over the shell.
type Feature struct {
	*shell.Server
	st *stars.Store
}

// New makes the star pages over the shell srv and the store st.
func New(srv *shell.Server, st *store.Store) (shell.Feature, error) {
	return &Feature{Server: srv, st: stars.New(st)}, nil
}

// Name is "stars".
func (s *Feature) Name() string { return "stars" }

// Nav is the stars' entry of the main navigation.
func (s *Feature) Nav() []shell.NavItem {
	return []shell.NavItem{{Key: "nav.stars", Href: "/stars", Pattern: "GET /stars"}}
}

// Assets are the star pages' templates, translations and stylesheet.
func (s *Feature) Assets() shell.Assets {
	return shell.EmbeddedAssets(files)
}

// Close has nothing to stop.
func (s *Feature) Close() {}
