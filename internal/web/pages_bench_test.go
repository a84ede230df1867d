//go:build unix

package web

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

// BenchmarkPages runs the main pages through the whole handler (sessions,
// middleware, templates, gzip) as a logged-in admin, without a network:
// the server's CPU per request. `pingyi bench --only tree-page` measures
// the same under concurrent load over HTTP.
func BenchmarkPages(b *testing.B) {
	st := storetest.SQLite(b)
	seed(b, st)
	srv, err := New(st, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	h := srv.Handler()
	form := url.Values{"username": {"admin"}, "password": {password("admin")}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("login: %d", rec.Code)
	}
	cookies := rec.Result().Cookies()
	for _, path := range []string{"/orgs", "/", "/orgs/T1", "/members/M1"} {
		b.Run(strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", path, rec.Code)
				}
			}
			// CPU rather than wall time: the machine may be shared.
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
