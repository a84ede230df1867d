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
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web"
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

// Client is a browser without JavaScript: a cookie jar, no redirects
// followed (tests see the 303s).
type Client struct {
	f    *Fixture
	http *http.Client
	// Lang is sent as Accept-Language ("" for none: zh-CN).
	Lang string
}

// Client is an anonymous client.
func (f *Fixture) Client() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// As is a client logged in as username (anonymous for "").
func (f *Fixture) As(username string) *Client {
	f.T.Helper()
	c := f.Client()
	if username != "" {
		st, body := c.Post("/login", url.Values{"username": {username}, "password": {storetest.Password(username)}})
		if st != http.StatusSeeOther {
			f.T.Fatalf("login as %s: status %d\n%s", username, st, Excerpt(body))
		}
	}
	return c
}

// Do sends a request; headers are name, value pairs.
func (c *Client) Do(method, path string, body io.Reader, ctype string, headers ...string) (int, string, http.Header) {
	c.f.T.Helper()
	req, err := http.NewRequest(method, c.f.TS.URL+path, body)
	if err != nil {
		c.f.T.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.Lang != "" {
		req.Header.Set("Accept-Language", c.Lang)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.f.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// Get fetches path.
func (c *Client) Get(path string, headers ...string) (int, string) {
	st, b, _ := c.Do("GET", path, nil, "", headers...)
	return st, b
}

// Post posts a form.
func (c *Client) Post(path string, form url.Values, headers ...string) (int, string) {
	st, b, _ := c.Do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", headers...)
	return st, b
}

// Upload posts one file as the form field "file".
func (c *Client) Upload(path, filename, content string) (int, string) {
	c.f.T.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.f.T.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	st, body, _ := c.Do("POST", path, strings.NewReader(b.String()), mw.FormDataContentType())
	return st, body
}

// Excerpt is the part of a page worth printing in a failure: from <main>,
// at most 600 bytes.
func Excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return body
}
