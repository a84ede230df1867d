// Package testclient is the HTTP client of Pingyi's web tests (the shell's
// own and every feature's, through webtest): a browser without JavaScript
// — a cookie jar, no redirects followed, so that tests see the 303s — and
// the scenario tables run through it (pocketbase style). It imports
// nothing of the web shell, so the shell's own tests use it too.
package testclient

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// Client talks to one test server.
type Client struct {
	T    testing.TB
	Base string       // the server's URL
	HTTP *http.Client // with its cookie jar
	// Lang is sent as Accept-Language ("" for none: zh-CN).
	Lang string
}

// New is an anonymous client of the server at base.
func New(t testing.TB, base string) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{T: t, Base: base, HTTP: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// Login logs the client in (the test fails otherwise).
func (c *Client) Login(username, password string) *Client {
	c.T.Helper()
	st, body := c.Post("/login", url.Values{"username": {username}, "password": {password}})
	if st != http.StatusSeeOther {
		c.T.Fatalf("login as %s: status %d\n%s", username, st, Excerpt(body))
	}
	return c
}

// Do sends a request; headers are name, value pairs.
func (c *Client) Do(method, path string, body io.Reader, ctype string, headers ...string) (int, string, http.Header) {
	c.T.Helper()
	req, err := http.NewRequest(method, c.Base+path, body)
	if err != nil {
		c.T.Fatal(err)
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
	resp, err := c.HTTP.Do(req)
	if err != nil {
		c.T.Fatal(err)
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
	c.T.Helper()
	var b strings.Builder
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		c.T.Fatal(err)
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
