package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

// Issue 15: every public route is limited per client address (a token
// bucket); the request past the burst gets 429 with Retry-After, as a
// translated page or as JSON under /api/; another address is unaffected;
// logged-in staff pages and static files are never limited.
func TestPublicRateLimit(t *testing.T) {
	const burst = 5
	f := newFixture(t, storetest.SQLite(t), Options{ClientIPHeader: "X-Real-IP", PublicLimit: PublicLimit{Burst: burst, PerMinute: 1}})
	from := func(ip string) header { return header{"X-Real-IP", ip} }
	a, b := f.client(), f.client()

	for i := 1; i <= burst; i++ {
		if st, _, _ := a.do("GET", "/login", nil, "", from("192.0.2.1")); st != http.StatusOK {
			t.Fatalf("request %d of the burst: %d", i, st)
		}
	}
	st, body, h := a.do("GET", "/login", nil, "", from("192.0.2.1"), header{"Accept-Language", "zh-CN"})
	if st != http.StatusTooManyRequests {
		t.Fatalf("request %d: %d, want 429", burst+1, st)
	}
	if ra, err := strconv.Atoi(h.Get("Retry-After")); err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q, want 1–60 seconds", h.Get("Retry-After"))
	}
	if !strings.Contains(body, "操作过于频繁") {
		t.Errorf("429 page not translated:\n%s", excerpt(body))
	}
	// The limit is the address's, over every public route: the JSON API
	// too. (A feature's public routes, the phone ballot and its API, go
	// through the same guard: TestBallotRateLimited in appraisal/web.)
	st, body, h = a.do("GET", "/api/v1/openapi.json", nil, "", from("192.0.2.1"))
	var js struct{ Error string }
	if st != http.StatusTooManyRequests || h.Get("Retry-After") == "" || json.Unmarshal([]byte(body), &js) != nil || js.Error != "rate_limited" {
		t.Errorf("API after the burst: %d %q %s", st, h.Get("Retry-After"), body)
	}
	// Another address is unaffected.
	if st, _, _ := b.do("GET", "/login", nil, "", from("192.0.2.2")); st != http.StatusOK {
		t.Errorf("another client: %d", st)
	}
	// Static files are not counted.
	if st, _, _ := a.do("GET", "/healthz", nil, "", from("192.0.2.1")); st == http.StatusTooManyRequests {
		t.Errorf("health check limited")
	}
	// Staff (logged in from 127.0.0.1: the login is public and counted)
	// use their pages as much as they like.
	staff := f.as("orgadmin")
	for i := 0; i < 3*burst; i++ {
		if st, _ := staff.get("/orgs"); st != http.StatusOK {
			t.Fatalf("staff page %d: %d", i, st)
		}
	}
}

// The bucket refills at PerMinute: after Retry-After, one more request.
func TestPublicLimiterRefill(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	p := newPublicLimiter(PublicLimit{Burst: 3, PerMinute: 6})
	p.now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := p.take("a"); !ok {
			t.Fatalf("take %d refused", i)
		}
	}
	ok, wait := p.take("a")
	if ok || wait != 10*time.Second {
		t.Fatalf("past the burst: %v %v, want refused for 10s", ok, wait)
	}
	now = now.Add(wait)
	if ok, _ := p.take("a"); !ok {
		t.Error("refused after Retry-After")
	}
	if ok, _ := p.take("a"); ok {
		t.Error("two requests after one refill")
	}
	// Sweeping forgets only full buckets.
	now = now.Add(time.Hour)
	p.take("b")
	p.sweep(now)
	if _, ok := p.buckets["a"]; ok {
		t.Error("a refilled bucket was kept")
	}
	if _, ok := p.buckets["b"]; !ok {
		t.Error("a used bucket was forgotten")
	}
	for ip, want := range map[string]string{"192.0.2.1": "192.0.2.1", "2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64", "::ffff:192.0.2.1": "::ffff:192.0.2.1"} {
		if got := limitKey(ip); got != want {
			t.Errorf("limitKey(%s) = %s, want %s", ip, got, want)
		}
	}
	if newPublicLimiter(PublicLimit{}) != nil {
		t.Error("the zero limit limits")
	}
}

// A flood of new addresses keeps the map bounded.
func TestPublicLimiterBounded(t *testing.T) {
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	p := newPublicLimiter(PublicLimit{Burst: 3, PerMinute: 1})
	p.now = func() time.Time { return now }
	for i := 0; i < maxBuckets+10; i++ {
		p.take("k" + strconv.Itoa(i))
	}
	if n := len(p.buckets); n > maxBuckets {
		t.Errorf("%d buckets, more than %d", n, maxBuckets)
	}
}

// BenchmarkPublicLimit is the cost of the limit to a public request
// (10,000 client addresses).
func BenchmarkPublicLimit(b *testing.B) {
	p := newPublicLimiter(PublicLimit{Burst: 300, PerMinute: 60})
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = limitKey("10.0." + strconv.Itoa(i/256) + "." + strconv.Itoa(i%256))
	}
	i := 0
	for b.Loop() {
		p.take(keys[i%len(keys)])
		i++
	}
}
