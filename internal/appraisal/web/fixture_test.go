package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	shell "github.com/pingyi/pingyi/internal/web"
	"github.com/pingyi/pingyi/internal/web/testclient"
	"github.com/pingyi/pingyi/internal/web/webtest"
)

// The test tree and its accounts are storetest's (tree.go): D/T1/V1/V2/T2/V3,
// members M1–M5, accounts admin, orgadmin (T1), secretary (V1, M1),
// member (V1, M2), inspector (T1), orgadmin2 (T2), disabled (T1).
var (
	testOrgs    = storetest.TreeOrgs
	testMembers = storetest.TreeMembers
	password    = storetest.Password
)

// Options are the shell's.
type Options = shell.Options

// fixture is the shell with the appraisal pages over the test tree.
type fixture struct {
	t     *testing.T
	st    *store.Store
	srv   *Feature
	shell *shell.Server
	ts    *httptest.Server
	users map[string]*pingyi.User
}

func newFixture(t *testing.T, st *store.Store, opts Options) *fixture {
	t.Helper()
	wf := webtest.NewWith(t, st, opts, New)
	f := &fixture{t: t, st: st, shell: wf.Srv, ts: wf.TS, users: wf.Users}
	for _, ft := range wf.Srv.Features() {
		if a, ok := ft.(*Feature); ok {
			f.srv = a
		}
	}
	if f.srv == nil {
		t.Fatal("the appraisal feature was not added")
	}
	return f
}

// client is a browser without JavaScript (testclient.Client), with the
// short names these tests use.
type client struct{ *testclient.Client }

func (f *fixture) client() *client { return &client{testclient.New(f.t, f.ts.URL)} }

// as returns a client logged in as username (anonymous for "").
func (f *fixture) as(username string) *client {
	f.t.Helper()
	c := f.client()
	if username != "" {
		c.Login(username, password(username))
	}
	return c
}

type header struct{ k, v string }

func flat(hs []header) []string {
	out := make([]string, 0, 2*len(hs))
	for _, h := range hs {
		out = append(out, h.k, h.v)
	}
	return out
}

func (c *client) do(method, path string, body io.Reader, ctype string, hs ...header) (int, string, http.Header) {
	c.T.Helper()
	return c.Do(method, path, body, ctype, flat(hs)...)
}

func (c *client) get(path string, hs ...header) (int, string) { return c.Get(path, flat(hs)...) }

func (c *client) post(path string, form url.Values, hs ...header) (int, string) {
	return c.Post(path, form, flat(hs)...)
}

func (c *client) upload(path, filename, content string) (int, string) {
	return c.Upload(path, filename, content)
}

// excerpt is the part of a page worth printing in a failure.
func excerpt(body string) string { return testclient.Excerpt(body) }
