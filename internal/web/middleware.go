package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/pingyi/pingyi/internal/metrics"
)

// logInfo is filled in by inner handlers for the request log: the route
// pattern (never the path, which may hold codes), whether the route takes
// anonymous input (Anonymous) and the account.
type logInfo struct {
	route     string
	anonymous bool
	user      int64
}

// of records the route being served.
func (li *logInfo) of(rt Route) {
	li.route = rt.Pattern
	li.anonymous = rt.Access.anonymous
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs method, route pattern, status, size and duration of
// every request. Paths, queries and forms are never logged: they may hold
// one-time codes, member codes or passwords.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		li := &logInfo{route: "-"}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), logKey, li)))
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		metrics.Request(li.route, sw.status, time.Since(start))
		if li.anonymous {
			// A ballot's request: no time of day (the record's time is
			// left zero, which slog's handlers leave out) and no duration
			// finer than the second, so that the n-th line cannot date the
			// n-th ballot (docs/ANONYMITY.md); the route pattern, never the
			// code.
			rec := slog.NewRecord(time.Time{}, slog.LevelInfo, "request", 0)
			rec.AddAttrs(slog.String("day", start.Format("2006-01-02")), slog.String("method", r.Method), slog.String("route", li.route),
				slog.Int("status", sw.status), slog.Int64("bytes", sw.size))
			if h := s.log.Handler(); h.Enabled(r.Context(), slog.LevelInfo) {
				h.Handle(r.Context(), rec)
			}
			return
		}
		attrs := []any{"method", r.Method, "route", li.route, "status", sw.status, "bytes", sw.size,
			"duration", time.Since(start).Round(time.Microsecond)}
		if li.user != 0 {
			attrs = append(attrs, "user", li.user)
		}
		s.log.Info("request", attrs...)
	})
}

// recoverPanics turns a panic into a 500 and an error log with the stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if err, ok := p.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(p)
			}
			s.log.Error("panic", "err", fmt.Sprint(p), "stack", string(debug.Stack()))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprint(w, internalErrorPage)
		}()
		next.ServeHTTP(w, r)
	})
}

// internalErrorPage is shown after a panic, when templates may be the
// problem: both languages, no template.
const internalErrorPage = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>500</title><body style="font-family:sans-serif;margin:2em"><h1>服务器内部错误</h1><p>Internal server error.</p><p><a href="/">返回首页 Home</a></p></body></html>`

// originOf turns a base URL into an origin: scheme://host[:port].
func originOf(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return base
	}
	return u.Scheme + "://" + u.Host
}
