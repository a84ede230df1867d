package web

import (
	"net/http"
	"testing"

	"github.com/pingyi/pingyi/internal/store/storetest"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The shell's per-client limit of public routes covers the appraisal's:
// past the burst the phone ballot page and the ballot API answer 429 with
// Retry-After; another address still votes (issue 15).
func TestBallotRateLimited(t *testing.T) {
	const burst = 4
	f := campaignFixture(t, storetest.SQLite(t), Options{ClientIPHeader: "X-Real-IP", PublicLimit: shell.PublicLimit{Burst: burst, PerMinute: 1}})
	from := func(ip string) header { return header{"X-Real-IP", ip} }
	a := f.client()
	for i := 1; i <= burst; i++ {
		if st, _, _ := a.do("GET", "/b/2345678923", nil, "", from("192.0.2.1")); st == http.StatusTooManyRequests {
			t.Fatalf("request %d of the burst limited", i)
		}
	}
	for _, p := range []string{"/b/2345678923", "/api/v1/ballots/2345678923", "/r"} {
		if st, _, h := a.do("GET", p, nil, "", from("192.0.2.1")); st != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
			t.Errorf("%s past the burst: %d (Retry-After %q), want 429", p, st, h.Get("Retry-After"))
		}
	}
	if st, _, _ := f.client().do("GET", "/b/2345678923", nil, "", from("192.0.2.2")); st == http.StatusTooManyRequests {
		t.Error("another address limited")
	}
}
