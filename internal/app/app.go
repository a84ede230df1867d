// Package app assembles Pingyi: the web shell (internal/web) with every
// feature's web part plugged in. cli's serve and the page benchmarks build
// their server here, so that both run the same product.
package app

import (
	"fmt"

	appraisalweb "github.com/pingyi/pingyi/internal/appraisal/web"
	doublereportweb "github.com/pingyi/pingyi/internal/doublereport/web"
	starsweb "github.com/pingyi/pingyi/internal/stars/web"
	"github.com/pingyi/pingyi/internal/store"
	voiceweb "github.com/pingyi/pingyi/internal/voice/web"
	"github.com/pingyi/pingyi/internal/web"
)

// A FeatureFunc makes a feature's web part over the shell and the store.
type FeatureFunc func(srv *web.Server, st *store.Store) (web.Feature, error)

// Features are the feature packages' web parts, in navigation order.
var Features = []FeatureFunc{
	appraisalweb.New,
	starsweb.New,
	voiceweb.New,
	doublereportweb.New,
}

// NewServer is the shell with every feature added.
func NewServer(st *store.Store, opts web.Options) (*web.Server, error) {
	srv, err := web.New(st, opts)
	if err != nil {
		return nil, err
	}
	for _, mk := range Features {
		f, err := mk(srv, st)
		if err != nil {
			srv.Close()
			return nil, fmt.Errorf("app: %w", err)
		}
		if err := srv.Add(f); err != nil {
			f.Close()
			srv.Close()
			return nil, err
		}
	}
	return srv, nil
}
