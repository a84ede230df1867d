package web

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestSecurityHeaders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		for _, secure := range []bool{false, true} {
			fdb := db
			if !secure {
				fdb = storetest.SQLite(t)
			}
			f := newFixture(t, fdb, Options{SecureCookies: secure})
			for _, path := range []string{"/login", "/nope", "/static/css/app.css"} {
				_, _, h := f.client().do("GET", path, nil, "")
				for k, want := range map[string]string{
					"Content-Security-Policy": ContentSecurityPolicy,
					"Permissions-Policy":      PermissionsPolicy,
					"X-Content-Type-Options":  "nosniff",
					"Referrer-Policy":         "same-origin",
					"X-Frame-Options":         "DENY",
				} {
					if got := h.Get(k); got != want {
						t.Errorf("%s: %s %q, want %q", path, k, got, want)
					}
				}
				if hsts := h.Get("Strict-Transport-Security"); (hsts != "") != secure {
					t.Errorf("%s with secure cookies %v: HSTS %q", path, secure, hsts)
				}
			}
		}
	})
	for _, want := range []string{"script-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(ContentSecurityPolicy, want) {
			t.Errorf("the CSP lacks %q", want)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe-eval") || strings.Contains(strings.SplitN(ContentSecurityPolicy, "style-src", 2)[0], "unsafe-inline") {
		t.Error("the CSP allows inline script or eval")
	}
}

// TestNoInlineScript: the templates (the shell's and every feature's in
// the tree) hold no inline script nor event handler attribute, so the CSP
// without 'unsafe-inline' breaks nothing.
func TestNoInlineScript(t *testing.T) {
	script := regexp.MustCompile(`(?is)<script\b([^>]*)>`)
	handler := regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	jsURL := regexp.MustCompile(`(?i)(href|src|action)\s*=\s*"\s*javascript:`)
	n := 0
	err := filepath.WalkDir("..", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || !strings.Contains(filepath.ToSlash(p), "/templates/") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		s := string(b)
		for _, m := range script.FindAllStringSubmatch(s, -1) {
			attrs := m[1]
			if !strings.Contains(attrs, "src=") && !strings.Contains(attrs, `type="application/json"`) {
				t.Errorf("%s: inline script %q", p, m[0])
			}
		}
		for _, m := range handler.FindAllString(s, -1) {
			t.Errorf("%s: event handler attribute in %q", p, m)
		}
		for _, m := range jsURL.FindAllString(s, -1) {
			t.Errorf("%s: javascript: URL %q", p, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 10 {
		t.Fatalf("only %d templates found", n)
	}
}

func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad prefix parsed")
	}
	for _, tc := range []struct {
		name    string
		header  string
		proxies []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{"no header configured", "", nil, "203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"leftmost is forged", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"6.6.6.6, 198.51.100.9, 10.2.2.2"}, "198.51.100.9"},
		{"several header lines", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"6.6.6.6", "198.51.100.9, 192.0.2.7"}, "198.51.100.9"},
		{"peer not a proxy", "X-Forwarded-For", proxies, "203.0.113.5:1234", []string{"1.2.3.4"}, "203.0.113.5"},
		{"all hops proxies", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"10.3.3.3, 10.2.2.2"}, "10.3.3.3"},
		{"no list: the peer is the proxy", "X-Forwarded-For", nil, "127.0.0.1:80", []string{"6.6.6.6, 198.51.100.9"}, "198.51.100.9"},
		{"garbled hop", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"6.6.6.6, not-an-ip"}, "10.1.1.1"},
		{"with a port", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"198.51.100.9:5555"}, "198.51.100.9"},
		{"IPv6", "X-Forwarded-For", proxies, "10.1.1.1:80", []string{"[2001:db8::1]:443, 10.2.2.2"}, "2001:db8::1"},
		{"X-Real-IP", "X-Real-IP", nil, "127.0.0.1:80", []string{"198.51.100.9"}, "198.51.100.9"},
		{"header missing", "X-Forwarded-For", proxies, "10.1.1.1:80", nil, "10.1.1.1"},
	} {
		s := &Server{opts: Options{ClientIPHeader: tc.header, TrustedProxies: tc.proxies}}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = tc.remote
		for _, v := range tc.xff {
			r.Header.Add(tc.header, v)
		}
		if got := s.clientIP(r); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
