// Package metrics is Pingyi's Prometheus instrumentation (serve
// --metrics-addr): the metric definitions, the one-line calls that count
// (Request, Ballot, IntakeBatch) and the registry a scrape reads
// (NewRegistry). It is a platform package: it imports no feature; a
// feature adds its own collectors through NewRegistry's arguments (the
// shell's Server.AddCollector).
//
// Labels never hold what a request names (a ballot code, a receipt, a
// tracking token): requests are labelled by their ServeMux route pattern
// ("POST /b/{code}"), never by their path.
package metrics

import (
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Namespace prefixes every metric of Pingyi's own.
const Namespace = "pingyi"

var (
	requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "http", Name: "request_duration_seconds",
		Help:    "HTTP requests by route pattern (method and ServeMux pattern, never the path) and status, with their latency.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"route", "status"})
	ballots = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "ballots", Name: "total",
		Help: "Ballots submitted to the intake (phone page and API), by result: accepted (committed) or refused.",
	}, []string{"result"})
	batchSize = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "intake", Name: "batch_size",
		Help:    "Ballots per intake group commit.",
		Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
	})
	commitSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: Namespace, Subsystem: "intake", Name: "commit_seconds",
		Help:    "Time to write and commit one intake batch.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	})
	rateLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: Namespace, Subsystem: "http", Name: "rate_limited_total",
		Help: "Public requests refused with 429 by the per-client rate limit, by route pattern.",
	}, []string{"route"})
)

// own are the collectors defined here, in every registry.
var own = []prometheus.Collector{requests, ballots, batchSize, commitSeconds, rateLimited}

func init() {
	// The series a dashboard plots exist from the start (at zero).
	ballots.WithLabelValues("accepted")
	ballots.WithLabelValues("refused")
}

// Request counts one HTTP request: its route pattern ("-" for none
// matched), status and duration.
func Request(route string, status int, d time.Duration) {
	if route == "" {
		route = "-"
	}
	requests.WithLabelValues(route, strconv.Itoa(status)).Observe(d.Seconds())
}

// RateLimited counts one request refused by the public rate limit.
func RateLimited(route string) { rateLimited.WithLabelValues(route).Inc() }

// Ballot counts one submission to the intake: accepted when err is nil.
func Ballot(err error) {
	if err == nil {
		ballots.WithLabelValues("accepted").Inc()
		return
	}
	ballots.WithLabelValues("refused").Inc()
}

// IntakeBatch records one group commit of n ballots begun at start; use
// it deferred at the start of the write: defer metrics.IntakeBatch(len(b), time.Now()).
func IntakeBatch(n int, start time.Time) {
	batchSize.Observe(float64(n))
	commitSeconds.Observe(time.Since(start).Seconds())
}

// NewRegistry is the registry of one server: Pingyi's metrics, the Go
// runtime and the process, the database pool (sql.DBStats, when db is not
// nil) and the extra collectors (features' counts queried at scrape time).
func NewRegistry(db *sql.DB, extra ...prometheus.Collector) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	cs := append([]prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}, own...)
	if db != nil {
		cs = append(cs, collectors.NewDBStatsCollector(db, "main"))
	}
	cs = append(cs, extra...)
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}
