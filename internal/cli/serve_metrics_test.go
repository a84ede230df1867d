package cli

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

// serve --metrics-addr serves the metrics on a listener of its own, not
// on the public address; --public-burst sets the public limit.
func TestServeMetricsAndPublicLimit(t *testing.T) {
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main([]string{"--db", storetest.SQLiteDSN(t), "serve", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0",
			"--public-burst", "3", "--public-per-minute", "1"}, strings.NewReader(""), &stdout, &stderr)
	}()
	open := regexp.MustCompile(`open (http://localhost:\d+)`)
	metricsAt := regexp.MustCompile(`msg=metrics addr=(127\.0\.0\.1:\d+)`)
	var base, maddr string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && (base == "" || maddr == ""); time.Sleep(20 * time.Millisecond) {
		if m := open.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
		}
		if m := metricsAt.FindStringSubmatch(stderr.String()); m != nil {
			maddr = m[1]
		}
		select {
		case st := <-done:
			t.Fatalf("serve exited with %d\n%s\n%s", st, stdout.String(), stderr.String())
		default:
		}
	}
	if base == "" || maddr == "" {
		t.Fatalf("no address printed\n%s\n%s", stdout.String(), stderr.String())
	}
	get := func(u string) (int, string, http.Header) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	for i := 1; i <= 3; i++ {
		if st, _, _ := get(base + "/login"); st != 200 {
			t.Errorf("login page %d: %d", i, st)
		}
	}
	if st, _, h := get(base + "/login"); st != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Errorf("past --public-burst 3: %d, Retry-After %q", st, h.Get("Retry-After"))
	}
	if st, _, _ := get(base + "/metrics"); st != http.StatusNotFound {
		t.Errorf("metrics on the public address: %d", st)
	}
	st, body, _ := get("http://" + maddr + "/metrics")
	for _, want := range []string{`pingyi_http_request_duration_seconds_count{route="GET /login",status="429"} 1`,
		`pingyi_http_rate_limited_total{route="GET /login"} 1`, `go_sql_open_connections{db_name="main"}`, "go_goroutines", `pingyi_opinions{state="filed"} 0`} {
		if st != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics lack %s (%d)", want, st)
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-done:
		if st != ExitOK {
			t.Fatalf("serve exited with %d after SIGINT\n%s", st, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
}
