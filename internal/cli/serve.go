package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/pingyi/pingyi/internal/app"
	"github.com/pingyi/pingyi/internal/web"
)

func init() {
	register(command{name: "serve", args: "[--addr :8080] [--demo] [--secure-cookies] [--base-url URL]",
		short: "run the web server (--demo: seed a demo district and print logins)", run: runServe})
}

func runServe(e *env, args []string) int {
	fs := newFlags(e, "serve", "[--addr :8080] [--demo] [--secure-cookies] [--base-url URL]")
	addr := fs.String("addr", ":8080", "address to listen on")
	demoFlag := fs.Bool("demo", false, "on an empty database, seed a demo district; print demo logins (new passwords)")
	secure := fs.Bool("secure-cookies", false, "mark the session cookie Secure (when served over HTTPS)")
	baseURL := fs.String("base-url", "", "the address users open, e.g. https://pingyi.example.cn (trusted for cross-origin checks)")
	ipHeader := fs.String("client-ip-header", "", "header with the client address set by a trusted reverse proxy, e.g. X-Real-IP")
	proxyList := fs.String("trusted-proxies", "", "comma-separated addresses or CIDR prefixes of the reverse proxies whose --client-ip-header is believed (the rightmost other hop is the client)")
	maxConns := fs.Int("max-conns", DefaultMaxConns, "most connections open at once (more are answered 503)")
	metricsAddr := fs.String("metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics on a listener of their own (e.g. 127.0.0.1:9090; default off)")
	publicBurst := fs.Int("public-burst", web.DefaultPublicLimit.Burst, "requests a client address may make at once to public pages and APIs before 429 (0: no limit)")
	publicRate := fs.Float64("public-per-minute", web.DefaultPublicLimit.PerMinute, "requests a minute a client address regains after its burst")
	drainTimeout := fs.Duration("drain-timeout", DefaultDrainTimeout, "on SIGTERM, how long the requests in progress may take to finish (new ones are answered 503)")
	dbRead := fs.String("db-read", "", "a PostgreSQL streaming replica (postgres://…) for the results pages, exports and public pages (cli/serve_read.go)")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM, chain included); with --tls-key")
	tlsKey := fs.String("tls-key", "", "the certificate's private key (PEM)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		fmt.Fprintln(e.stderr, "pingyi serve: --tls-cert and --tls-key go together")
		return ExitUsage
	}
	if *tlsCert != "" {
		if _, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey); err != nil {
			fmt.Fprintf(e.stderr, "pingyi serve: --tls-cert/--tls-key: %v\n", err)
			return ExitRefused
		}
		*secure = true // cookies over HTTPS only
	}
	proxies, err := web.ParseProxies(*proxyList)
	if err != nil {
		fmt.Fprintf(e.stderr, "pingyi serve: --trusted-proxies: %v\n", err)
		return ExitUsage
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	slog.SetDefault(log)
	setMemoryLimit(log)

	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	if *dbRead != "" {
		if err := s.UseReader(e.ctx, *dbRead); err != nil {
			return fail(e, err)
		}
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(e, err)
	}
	defer ln.Close()
	ln = newLimitListener(ln, *maxConns)
	base := openURL(*baseURL, ln.Addr())
	if *tlsCert != "" && *baseURL == "" {
		base = "https://" + strings.TrimPrefix(base, "http://")
	}
	var logins []demoLogin
	if *demoFlag {
		if logins, err = seedDemo(e.ctx, s, e.stdout, base); err != nil {
			return fail(e, err)
		}
	}
	srv, err := app.NewServer(s, web.Options{SecureCookies: *secure, BaseURL: *baseURL, ClientIPHeader: *ipHeader, TrustedProxies: proxies, Logger: log,
		PublicLimit: web.PublicLimit{Burst: *publicBurst, PerMinute: *publicRate}})
	if err != nil {
		return fail(e, err)
	}
	if *metricsAddr != "" {
		stopMetrics, err := serveMetrics(srv, *metricsAddr, log)
		if err != nil {
			srv.Close()
			return fail(e, err)
		}
		defer stopMetrics()
	}
	d := &drainer{h: web.BodyDeadlines(readReplica(srv.Handler()), web.BodyTimeout, web.UploadTimeout)}
	hs := &http.Server{
		Handler:           d,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads on slow intranets
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ctx, cancel := context.WithCancel(e.ctx)
	defer cancel()
	go srv.PurgeSessions(ctx, 30*time.Minute)

	served := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			served <- hs.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		served <- hs.Serve(ln)
	}()

	if len(logins) > 0 {
		printDemoLogins(e.stdout, logins)
	}
	fmt.Fprintf(e.stdout, "\nopen %s\n", base)
	log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fail(e, err)
	case <-e.ctx.Done():
	}
	log.Info("shutting down: new requests are answered 503 while those in progress finish")
	drain(hs, d, *drainTimeout, log)
	srv.Close() // commit the ballots and opinions already queued, before the database closes
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fail(e, err)
	}
	return ExitOK
}

// openURL is the address to print: the base URL, or localhost and the port.
func openURL(base string, a net.Addr) string {
	if base != "" {
		return strings.TrimRight(base, "/")
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() || ip.IsLoopback() {
		host = "localhost"
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return "http://" + host + ":" + port
}

// serveMemoryLimit is the Go runtime's soft memory limit for the server
// unless $GOMEMLIMIT sets another. A server holding a city-scale database
// keeps ≈ 25–40 MB of live heap under load (templates, the tree summary,
// caches); with the default GOGC the heap may grow to twice that before
// a collection, and SQLite's page caches come on top (outside the Go
// heap). The limit makes the collector work harder only when the heap
// nears it, so that the process stays under 150 MB resident in normal
// operation; a request that needs more (the results page of a large
// campaign) still gets it, with more GC work while it runs.
const serveMemoryLimit = 100 << 20

func setMemoryLimit(log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(serveMemoryLimit)
	log.Debug("memory limit", "bytes", serveMemoryLimit)
}
