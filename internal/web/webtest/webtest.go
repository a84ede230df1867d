// Package webtest runs the web shell, with features, over the test tree
// (storetest.SeedTree) for HTTP tests of the shell and of every feature:
//
//	f := webtest.New(t, st, doublereportweb.New)
//	st, body := f.As("orgadmin").Get("/service")
//
// and the route × role authorization matrix (Authz) that every route of the
// product must have a line in.
package webtest

import (
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web"
	"github.com/pingyi/pingyi/internal/web/testclient"
)

// A FeatureFunc makes a feature over the shell and the store (the
// signature of every feature's web New, and of app.Features).
type FeatureFunc = func(srv *web.Server, st *store.Store) (web.Feature, error)

// Fixture is a running server over the seeded test tree.
type Fixture struct {
	T     *testing.T
	St    *store.Store
	Srv   *web.Server
	TS    *httptest.Server
	Users map[string]*pingyi.User // the tree's accounts by username
}

// New seeds st with the test tree, builds the shell with the features and
// serves it until the test ends.
func New(t *testing.T, st *store.Store, features ...FeatureFunc) *Fixture {
	t.Helper()
	return NewWith(t, st, web.Options{}, features...)
}

// NewWith is New with server options.
func NewWith(t *testing.T, st *store.Store, opts web.Options, features ...FeatureFunc) *Fixture {
	t.Helper()
	users := storetest.SeedTree(t, st)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := web.New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the HTTP server (cleanups run last first), before the store
	for _, mk := range features {
		f, err := mk(srv, st)
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &Fixture{T: t, St: st, Srv: srv, TS: ts, Users: users}
}

// Client is a browser without JavaScript (testclient.Client).
type Client = testclient.Client

// Client is an anonymous client.
func (f *Fixture) Client() *Client { return testclient.New(f.T, f.TS.URL) }

// As is a client logged in as username (anonymous for "").
func (f *Fixture) As(username string) *Client {
	f.T.Helper()
	c := f.Client()
	if username != "" {
		c.Login(username, storetest.Password(username))
	}
	return c
}

// Excerpt is the part of a page worth printing in a failure.
func Excerpt(body string) string { return testclient.Excerpt(body) }
