package web

import (
	"encoding/json"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/metrics"
)

// PublicLimit is the rate limit of every public route (access rule Public
// or PublicNoSession) per client address (clientIP, honouring the
// trusted-proxy rule): a token bucket of Burst requests, refilled at
// PerMinute a minute. A request finding the bucket empty is answered 429
// with Retry-After (a translated page, or JSON under /api/). Logged-in
// staff pages are never limited, nor the static files and health check
// (a page's stylesheet and script must not use up a classroom's budget).
// The zero value (Burst 0) limits nothing.
//
// The default (DefaultPublicLimit, serve --public-burst/--public-per-minute)
// lets a classroom or a meeting room of 60 people behind one NAT address
// open their codes, vote and check their receipts in the same few
// minutes (≈ 4 requests each: 240 of the 300 of the burst), while one
// address guessing codes gets at most 60 tries a minute after its first
// 300 (docs/RELIABILITY.md, "Public endpoints and code guessing").
type PublicLimit struct {
	Burst     int
	PerMinute float64
}

// DefaultPublicLimit is serve's default.
var DefaultPublicLimit = PublicLimit{Burst: 300, PerMinute: 60}

// unlimitedPublic are the public routes not counted.
var unlimitedPublic = []string{"GET /static/", "GET /healthz"}

// publicLimiter holds one token bucket per client address, in memory (a
// restart refills them, which is harmless).
type publicLimiter struct {
	lim PublicLimit
	now func() time.Time // tests move the clock

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the map (≈ 100 bytes a bucket): past it, buckets that
// have refilled (and so hold nothing worth keeping) are forgotten, at most
// once a second; if that is not enough (a flood of new addresses), random
// ones are, which gives their clients a fresh burst.
const maxBuckets = 100000

func newPublicLimiter(l PublicLimit) *publicLimiter {
	if l.Burst <= 0 {
		return nil
	}
	return &publicLimiter{lim: l, now: time.Now, buckets: map[string]*bucket{}}
}

// take spends one token of key, or reports how long until one is there.
func (p *publicLimiter) take(key string) (bool, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	b := p.buckets[key]
	if b == nil {
		if len(p.buckets) >= maxBuckets && now.Sub(p.lastSweep) >= time.Second {
			p.lastSweep = now
			p.sweep(now)
		}
		b = &bucket{tokens: float64(p.lim.Burst), at: now}
		p.buckets[key] = b
	} else {
		b.tokens = min(float64(p.lim.Burst), b.tokens+p.perSecond()*now.Sub(b.at).Seconds())
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	if p.perSecond() <= 0 {
		return false, time.Hour
	}
	return false, time.Duration((1 - b.tokens) / p.perSecond() * float64(time.Second))
}

func (p *publicLimiter) perSecond() float64 { return p.lim.PerMinute / 60 }

// sweep forgets the buckets that are full again by now, then random ones
// down to 90% of maxBuckets.
func (p *publicLimiter) sweep(now time.Time) {
	for k, b := range p.buckets {
		if b.tokens+p.perSecond()*now.Sub(b.at).Seconds() >= float64(p.lim.Burst) {
			delete(p.buckets, k)
		}
	}
	for k := range p.buckets {
		if len(p.buckets) < maxBuckets*9/10 {
			break
		}
		delete(p.buckets, k)
	}
}

// limitKey is the bucket of a client address: the address, or for IPv6 its
// /64 (one household's or one phone's network hands out many addresses of
// one /64).
func limitKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is6() || a.Is4In6() {
		return ip
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// limitPublic wraps a public route's handler with the per-client limit
// (other routes, and every route when the limit is off, pass unchanged).
func (s *Server) limitPublic(rt Route, h http.Handler) http.Handler {
	if s.public == nil || !rt.Access.public {
		return h
	}
	for _, p := range unlimitedPublic {
		if strings.HasPrefix(rt.Pattern, p) {
			return h
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok, wait := s.public.take(limitKey(s.clientIP(r)))
		if ok {
			h.ServeHTTP(w, r)
			return
		}
		if li, ok := r.Context().Value(logKey).(*logInfo); ok {
			li.of(rt)
		}
		metrics.RateLimited(rt.Pattern)
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		if _, path, _ := strings.Cut(rt.Pattern, " "); strings.HasPrefix(path, "/api/") {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusTooManyRequests)
			json.NewEncoder(w).Encode(map[string]string{"error": "rate_limited", "message": s.Tr(r).T("error.status_429")})
			return
		}
		s.Fail(w, r, http.StatusTooManyRequests)
	})
}
