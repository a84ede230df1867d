package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestUnsafeBallotInputRefused: a NUL in a phone ballot's form value is
// refused with 422 by the shell's form guard (on PostgreSQL it was a 500),
// and one in the appraisal's public paths answers 404.
func TestUnsafeBallotInputRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := newFixture(t, db, Options{})
		anon := f.client()
		for _, p := range []string{"/b/%00", "/b/AB%00", "/r/%00", "/w/%00", "/p/%00"} {
			if st, _ := anon.get(p); st != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 404", p, st)
			}
		}
		if st, _ := anon.post("/b/ABCDEFGHJK", url.Values{"opinion": {"好\x00"}}); st != http.StatusUnprocessableEntity {
			t.Errorf("a NUL in a phone ballot's opinion: %d, want 422", st)
		}
	})
}
