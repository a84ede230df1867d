package web

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pingyi/pingyi/internal/metrics"
)

// AddCollector adds a feature's collector (counts it queries at scrape
// time) to the metrics of MetricsHandler; call it before MetricsHandler.
func (s *Server) AddCollector(c prometheus.Collector) { s.collectors = append(s.collectors, c) }

// MetricsHandler serves the Prometheus metrics (internal/metrics): every
// request by route pattern and status (counted by the request log's
// middleware), ballots, the intake, the database pool, the Go runtime,
// the process and the features' collectors. serve puts it on its own
// listener (--metrics-addr), never on the public address.
func (s *Server) MetricsHandler() (http.Handler, error) {
	reg, err := metrics.NewRegistry(s.st.DB, s.collectors...)
	if err != nil {
		return nil, err
	}
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}), nil
}
