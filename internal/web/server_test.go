package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestStaticFiles(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t), Options{})
	c := f.client()
	_, page := c.get("/login")
	for _, file := range []string{"css/app.css", "vendor/htmx.min.js"} {
		u := f.srv.static.url(file)
		if !strings.Contains(page, `"`+u+`"`) {
			t.Errorf("the layout does not link %s as %s", file, u)
		}
		st, body, h := c.do("GET", u, nil, "")
		if st != 200 || len(body) < 100 {
			t.Fatalf("%s: %d, %d bytes", u, st, len(body))
		}
		if cc := h.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", u, cc)
		}
		if h.Get("Set-Cookie") != "" {
			t.Errorf("%s sets a cookie", u)
		}
		// Revalidation and gzip.
		st, _, _ = c.do("GET", "/static/"+file, nil, "", header{"If-None-Match", h.Get("ETag")})
		if st != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", file, st)
		}
		req, _ := http.NewRequest("GET", f.ts.URL+u, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s not gzipped: %v", file, err)
		}
		plain, _ := io.ReadAll(zr)
		resp.Body.Close()
		if !bytes.Equal(plain, []byte(body)) {
			t.Errorf("%s: gzipped body differs", file)
		}
	}
	if st, _ := c.get("/static/nope.js"); st != 404 {
		t.Errorf("missing static file: %d", st)
	}
	if _, _, h := c.do("GET", "/static/css/app.css", nil, ""); h.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("css content type %q", h.Get("Content-Type"))
	}
}

func TestMountedRoutesAndRecovery(t *testing.T) {
	st := storetest.SQLite(t)
	seed(t, st)
	var logs bytes.Buffer
	srv, err := New(st, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Mount("POST /extra/v1/things", PublicNoSession, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"receipt":"r"}`)
	}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Mount("GET /extra/v1/things/{code}", PublicNoSession, func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Mount("GET /orgs", Public, nil); err == nil {
		t.Error("a route declared twice was accepted")
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	if err := srv.Mount("GET /late", Public, nil); err == nil {
		t.Error("Mount after Handler was accepted")
	}

	resp, err := http.Post(ts.URL+"/extra/v1/things", "application/json", strings.NewReader(`{"code":"SECRET-CODE-1"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Set-Cookie") != "" {
		t.Errorf("mounted API: %d, cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
	}
	resp, err = http.Get(ts.URL + "/extra/v1/things/SECRET-CODE-2")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "服务器内部错误") {
		t.Errorf("panic: %d %s", resp.StatusCode, body)
	}
	l := logs.String()
	if !strings.Contains(l, "boom") || !strings.Contains(l, `route="GET /extra/v1/things/{code}"`) || !strings.Contains(l, "status=500") {
		t.Errorf("log lacks the panic or the request:\n%s", l)
	}
	// Never log codes or passwords.
	if strings.Contains(l, "SECRET-CODE") {
		t.Errorf("a code was logged:\n%s", l)
	}
	resp, _ = http.PostForm(ts.URL+"/login", map[string][]string{"username": {"admin"}, "password": {"secret-password-1"}})
	resp.Body.Close()
	if strings.Contains(logs.String(), "secret-password-1") {
		t.Errorf("a password was logged")
	}
}
