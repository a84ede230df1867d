package web

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
)

// The test tree and its accounts are storetest's (tree.go): D/T1/V1/V2/T2/V3,
// members M1–M5, accounts admin, orgadmin (T1), secretary (V1, M1),
// member (V1, M2), inspector (T1), orgadmin2 (T2), disabled (T1).
var (
	testOrgs    = storetest.TreeOrgs
	testMembers = storetest.TreeMembers
	phoneM1     = storetest.PhoneM1
	phoneM4     = storetest.PhoneM4
	idM1        = storetest.IDM1
	withCheck   = storetest.WithCheck
	cheap       = storetest.CheapHash
	password    = storetest.Password
)

type fixture struct {
	t     *testing.T
	st    *store.Store
	srv   *Server
	ts    *httptest.Server
	users map[string]*pingyi.User
}

func seed(t testing.TB, st *store.Store) map[string]*pingyi.User { return storetest.SeedTree(t, st) }

func newFixture(t *testing.T, st *store.Store, opts Options) *fixture {
	t.Helper()
	users := seed(t, st)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	srv, err := New(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close) // after the HTTP server (cleanups run last first), before the store
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &fixture{t: t, st: st, srv: srv, ts: ts, users: users}
}

// client is a browser without JavaScript: a cookie jar, no redirects
// followed (tests see the 303s).
type client struct {
	f    *fixture
	http *http.Client
	lang string
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// as returns a client logged in as username (anonymous for "").
func (f *fixture) as(username string) *client {
	f.t.Helper()
	c := f.client()
	if username != "" {
		st, body := c.post("/login", url.Values{"username": {username}, "password": {password(username)}})
		if st != http.StatusSeeOther {
			f.t.Fatalf("login as %s: status %d\n%s", username, st, body)
		}
	}
	return c
}

type header struct{ k, v string }

func (c *client) do(method, path string, body io.Reader, ctype string, hs ...header) (int, string, http.Header) {
	c.f.t.Helper()
	req, err := http.NewRequest(method, c.f.ts.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	for _, h := range hs {
		req.Header.Set(h.k, h.v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) get(path string, hs ...header) (int, string) {
	st, b, _ := c.do("GET", path, nil, "", hs...)
	return st, b
}

func (c *client) post(path string, form url.Values, hs ...header) (int, string) {
	st, b, _ := c.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", hs...)
	return st, b
}

func (c *client) upload(path, filename, content string) (int, string) {
	c.f.t.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.f.t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	st, body, _ := c.do("POST", path, strings.NewReader(b.String()), mw.FormDataContentType())
	return st, body
}

// excerpt is the part of a page worth printing in a failure (as
// webtest.Excerpt, which this package's own tests cannot import).
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	return body
}
