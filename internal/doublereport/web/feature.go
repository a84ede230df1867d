// Package web is the double report's web part (双报到, SPEC §4): the
// member's phone pages (register, wish wall, claim, cancel, complete, their
// record of the year), the community's pages (publish a need, who is
// registered, confirm a completion on behalf of the person served) and the
// public wish wall of each community, without personal data.
package web

import (
	"embed"

	"github.com/pingyi/pingyi/internal/doublereport"
	"github.com/pingyi/pingyi/internal/store"
	shell "github.com/pingyi/pingyi/internal/web"
)

//go:embed templates locales
var files embed.FS

// Feature is the double report plugged into the shell.
type Feature struct {
	srv *shell.Server
	st  *store.Store
	dr  *doublereport.DR

	walls wallCache // rendered public walls (wall.go)
}

// New makes the feature over the shell and the store.
func New(srv *shell.Server, st *store.Store) (shell.Feature, error) {
	return &Feature{srv: srv, st: st, dr: doublereport.New(st)}, nil
}

// Name is the feature's name.
func (f *Feature) Name() string { return "doublereport" }

// Nav is the feature's entry in the main navigation.
func (f *Feature) Nav() []shell.NavItem {
	return []shell.NavItem{{Key: "nav.service", Href: "/service", Pattern: "GET /service"}}
}

// Assets are the feature's templates and translations.
func (f *Feature) Assets() shell.Assets {
	return shell.EmbeddedAssets(files)
}

// Close stops nothing: the feature runs nothing in the background.
func (f *Feature) Close() {}
