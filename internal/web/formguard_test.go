package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestUnsafeInputRefused: a NUL or another control character in a form
// value or a query is refused with 422 (not a PostgreSQL error turned into
// a 500), one in a path value answers 404, and a form value over its cap is
// refused with 422 naming the field, the length and the cap; nothing is
// changed.
func TestUnsafeInputRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		anon := f.client()
		if st, body := anon.post("/login", url.Values{"username": {"admin\x00"}, "password": {"x"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "控制字符") {
			t.Errorf("NUL in a login: %d\n%s", st, excerpt(body))
		}
		// The phone pages too (they keep no session): on PostgreSQL these
		// were 500s.
		for _, p := range []string{"/b/%00", "/b/AB%00", "/r/%00", "/w/%00", "/s/%00", "/p/%00", "/m/%00"} {
			if st, _ := anon.get(p); st != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, st)
			}
		}
		admin := f.as("admin")
		if st, body := admin.get("/orgs/V1%00"); st != http.StatusNotFound {
			t.Errorf("NUL in a path value: %d\n%s", st, excerpt(body))
		}
		if st, body := admin.get("/orgs?q=%01x"); st != http.StatusUnprocessableEntity {
			t.Errorf("a control character in a query: %d\n%s", st, excerpt(body))
		}
		before := storetest.Dump(t, db)
		form := url.Values{"username": {"newone"}, "display_name": {strings.Repeat("名", 201)}, "role": {"org_admin"},
			"org": {"T1"}, "password": {"a-long-enough-password"}}
		st, body := admin.post("/accounts/new", form)
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "201") || !strings.Contains(body, "200") {
			t.Errorf("a display name of 201 characters: %d\n%s", st, excerpt(body))
		}
		form.Set("display_name", "x")
		form.Set("username", "bad\x1bname")
		if st, body := admin.post("/accounts/new", form); st != http.StatusUnprocessableEntity {
			t.Errorf("ESC in a username: %d\n%s", st, excerpt(body))
		}
		if after := storetest.Dump(t, db); after != before {
			t.Error("a refused form changed the database")
		}
		// Line ends and tabs in text are fine; so is a body within bounds.
		if st, body := anon.post("/login", url.Values{"username": {"nobody"}, "password": {"a\tb\r\nc"}}); st == http.StatusUnprocessableEntity && strings.Contains(body, "控制字符") {
			t.Errorf("a tab or a line end refused: %d", st)
		}
		// In English too.
		en := f.client()
		en.Lang = "en"
		if st, body := en.post("/login", url.Values{"username": {"a\x00"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "control character") {
			t.Errorf("English: %d\n%s", st, excerpt(body))
		}
		// A body over the form limit.
		big := strings.NewReader("username=" + strings.Repeat("a", MaxFormBody+10))
		if st, _, _ := anon.do("POST", "/login", big, "application/x-www-form-urlencoded"); st != http.StatusRequestEntityTooLarge {
			t.Errorf("a form body over %d bytes: %d", MaxFormBody, st)
		}
	})
}
