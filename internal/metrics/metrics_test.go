package metrics

import (
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// value is the value of the series name{labels} in reg (counter, gauge,
// or a histogram's count), and whether it exists.
func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metric:
		for _, m := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range m.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue metric
				}
			}
			switch {
			case m.Counter != nil:
				return m.GetCounter().GetValue(), true
			case m.Gauge != nil:
				return m.GetGauge().GetValue(), true
			case m.Histogram != nil:
				return float64(m.GetHistogram().GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func TestCounts(t *testing.T) {
	reg, err := NewRegistry(nil)
	if err != nil {
		t.Fatal(err)
	}
	// Two registries (two servers in one test binary) share the counts.
	if _, err := NewRegistry(nil); err != nil {
		t.Fatal(err)
	}
	acc, _ := value(t, reg, "pingyi_ballots_total", map[string]string{"result": "accepted"})
	ref, _ := value(t, reg, "pingyi_ballots_total", map[string]string{"result": "refused"})
	Ballot(nil)
	Ballot(errors.New("code used"))
	Ballot(errors.New("unknown code"))
	if v, _ := value(t, reg, "pingyi_ballots_total", map[string]string{"result": "accepted"}); v != acc+1 {
		t.Errorf("accepted %v, want %v", v, acc+1)
	}
	if v, _ := value(t, reg, "pingyi_ballots_total", map[string]string{"result": "refused"}); v != ref+2 {
		t.Errorf("refused %v, want %v", v, ref+2)
	}
	Request("", 404, time.Millisecond)
	Request("GET /b/{code}", 200, time.Millisecond)
	if _, ok := value(t, reg, "pingyi_http_request_duration_seconds", map[string]string{"route": "-", "status": "404"}); !ok {
		t.Error("no series for an unmatched request")
	}
	if v, _ := value(t, reg, "pingyi_http_request_duration_seconds", map[string]string{"route": "GET /b/{code}", "status": "200"}); v < 1 {
		t.Errorf("ballot page requests %v", v)
	}
	IntakeBatch(7, time.Now())
	if v, _ := value(t, reg, "pingyi_intake_batch_size", nil); v < 1 {
		t.Errorf("batches %v", v)
	}
	if _, ok := value(t, reg, "go_goroutines", nil); !ok {
		t.Error("no Go runtime metrics")
	}
}

// BenchmarkRequest is the cost the request log's middleware adds to each
// request.
func BenchmarkRequest(b *testing.B) {
	for b.Loop() {
		Request("POST /b/{code}", 303, 3*time.Millisecond)
	}
}
