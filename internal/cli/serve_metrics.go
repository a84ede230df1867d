package cli

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/pingyi/pingyi/internal/web"
)

// serveMetrics serves the Prometheus metrics at /metrics on a listener of
// their own (serve --metrics-addr), never on the public address; the
// returned func stops it.
func serveMetrics(srv *web.Server, addr string, log *slog.Logger) (func(), error) {
	h, err := srv.MetricsHandler()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go hs.Serve(ln)
	log.Info("metrics", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		hs.Shutdown(ctx)
	}, nil
}
