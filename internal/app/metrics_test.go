package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
	"github.com/pingyi/pingyi/internal/web"
)

// scrape reads the metrics: series (name and labels as written) → value.
func scrape(t *testing.T, url string) (map[string]float64, string) {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("scrape: %d %s", resp.StatusCode, b)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("scrape: bad line %q", line)
		}
		out[line[:i]] = v
	}
	return out, string(b)
}

// Issue 15: the metrics of serve --metrics-addr count requests by route
// pattern (never the path: no code reaches them) and status, ballots
// accepted and refused, the intake's batches, opinions by state, the
// database pool, the Go runtime and the process.
func TestMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f, _ := product(t, st, web.Options{})
		codes := campaign(t, f, "MX", 2)
		h, err := f.Srv.MetricsHandler()
		if err != nil {
			t.Fatal(err)
		}
		ms := httptest.NewServer(mux(h))
		t.Cleanup(ms.Close)
		before, _ := scrape(t, ms.URL)

		secrets := publicRound(t, f, codes)
		f.As("orgadmin").Get("/orgs")
		f.Client().Get("/no/such/page")

		after, body := scrape(t, ms.URL)
		delta := func(series string) float64 { return after[series] - before[series] }
		for series, want := range map[string]float64{
			`pingyi_ballots_total{result="accepted"}`:                                                         2,
			`pingyi_ballots_total{result="refused"}`:                                                          1,
			`pingyi_http_request_duration_seconds_count{route="POST /api/v1/ballots",status="201"}`:           1,
			`pingyi_http_request_duration_seconds_count{route="POST /api/v1/ballots",status="409"}`:           1,
			`pingyi_http_request_duration_seconds_count{route="GET /b/{code}",status="200"}`:                  1,
			`pingyi_http_request_duration_seconds_count{route="POST /b/{code}",status="303"}`:                 1,
			`pingyi_http_request_duration_seconds_count{route="GET /api/v1/receipts/{receipt}",status="200"}`: 1,
			`pingyi_http_request_duration_seconds_count{route="GET /opinion/t/{token}",status="200"}`:         1,
			`pingyi_http_request_duration_seconds_count{route="GET /orgs",status="200"}`:                      1,
			`pingyi_http_request_duration_seconds_count{route="-",status="404"}`:                              1,
		} {
			if got := delta(series); got != want {
				t.Errorf("%s rose by %v, want %v", series, got, want)
			}
		}
		if n := delta(`pingyi_intake_batch_size_sum`); n != 2 {
			t.Errorf("intake batches held %v ballots, want the 2 accepted (a used code is refused before the queue)", n)
		}
		if n := delta(`pingyi_intake_commit_seconds_count`); n < 1 || n > 3 {
			t.Errorf("%v intake commits", n)
		}
		if after[`pingyi_opinions{state="filed"}`]+after[`pingyi_opinions{state="routed"}`]+after[`pingyi_opinions{state="accepted"}`] != 1 {
			t.Errorf("opinions by state: %v", pick(after, "pingyi_opinions{"))
		}
		if v, ok := after[`pingyi_opinions_overdue`]; !ok || v != 0 {
			t.Errorf("overdue opinions: %v %v", v, ok)
		}
		for _, series := range []string{`go_sql_open_connections{db_name="main"}`, `go_sql_max_open_connections{db_name="main"}`, "go_goroutines", "process_resident_memory_bytes"} {
			if _, ok := after[series]; !ok {
				t.Errorf("no %s", series)
			}
		}
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("the metrics hold %q", s)
			}
		}
	})
}

// mux serves the metrics at /metrics, as serve --metrics-addr does.
func mux(h http.Handler) http.Handler {
	m := http.NewServeMux()
	m.Handle("GET /metrics", h)
	return m
}

func pick(m map[string]float64, prefix string) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}
