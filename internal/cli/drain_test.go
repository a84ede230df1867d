package cli

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestDrain: a request in progress when serve stops is answered; one that
// arrives meanwhile gets 503 with Retry-After; then the server is gone.
func TestDrain(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	d := &drainer{h: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		io.WriteString(w, "done")
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: d}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	url := "http://" + ln.Addr().String()

	type answer struct {
		status int
		body   string
		err    error
	}
	slow := make(chan answer, 1)
	go func() {
		resp, err := http.Post(url+"/slow", "text/plain", nil)
		if err != nil {
			slow <- answer{err: err}
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		slow <- answer{status: resp.StatusCode, body: string(b)}
	}()
	<-entered
	drained := make(chan struct{})
	go func() {
		drain(hs, d, time.Minute, slog.New(slog.NewTextHandler(io.Discard, nil)))
		close(drained)
	}()
	for !d.stopping.Load() {
		time.Sleep(time.Millisecond)
	}
	// The slow request holds the drain: the listener still answers, 503.
	for _, path := range []string{"/api/v1/ballots", "/login"} {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := c.Post(url+path, "application/json", nil)
		if err != nil {
			t.Fatalf("%s during the drain: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s during the drain: %d, Retry-After %q; want 503 with Retry-After", path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	}
	select {
	case <-drained:
		t.Fatal("the drain ended with a request in progress")
	default:
	}
	close(release)
	if a := <-slow; a.err != nil || a.status != 200 || a.body != "done" {
		t.Fatalf("the request in progress: %+v, want 200 done", a)
	}
	<-drained
	if err := <-served; err != http.ErrServerClosed {
		t.Fatalf("Serve returned %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("still listening after the drain")
	}
}
