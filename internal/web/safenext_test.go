package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/orgs/V1", "/orgs/V1"},
		{"/orgs?q=a&b=c#top", "/orgs?q=a&b=c#top"},
		{"/orgs/%E4%B8%AD", "/orgs/%E4%B8%AD"},
		{"//evil.example/", "/"},
		{`/\evil.example`, "/"},
		{"/\t/evil.example", "/"},      // browsers drop the tab: //evil.example
		{"/\n/evil.example", "/"},      // and newlines
		{"/\x00x", "/"},                // NUL
		{"/x\x7f", "/"},                // DEL
		{"/\u2028x", "/"},              // a Unicode line separator
		{"https://evil.example/", "/"}, // a scheme
		{"evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/%09/evil.example", "/"},   // an encoded tab decodes to //evil.example
		{"/%5cevil.example", "/"},    // an encoded backslash
		{"/%2f%2fevil.example", "/"}, // an encoded second slash
		{"/a/%2F%2Fb", "/a/%2F%2Fb"}, // double slashes not at the start are harmless
		{"/ok\\path", "/"},           // a backslash anywhere is refused
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSafeNextThroughHandlers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		c := f.client()
		// The probe of issue 15: %2F%09%2Fevil.example.
		st, _, h := c.do("GET", "/locale?lang=en&next=%2F%09%2Fevil.example", nil, "")
		if st != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("locale switch: %d to %q, want /", st, h.Get("Location"))
		}
		st, _, h = c.do("POST", "/login", strings.NewReader("username=secretary&password=password-secretary&next=%2F%09%2Fevil.example"), "application/x-www-form-urlencoded")
		if st != http.StatusSeeOther || h.Get("Location") != "/" {
			t.Fatalf("login: %d to %q, want /", st, h.Get("Location"))
		}
	})
}
