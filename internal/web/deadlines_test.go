package web

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestBodyDeadlines: a body trickled a byte at a time is cut at the body
// deadline of its kind (a form: short; an upload: long), whatever the
// server's ReadTimeout.
func TestBodyDeadlines(t *testing.T) {
	got := make(chan error, 4)
	h := BodyDeadlines(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	}), 300*time.Millisecond, 3*time.Second)
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ReadTimeout = time.Minute
	srv.Start()
	defer srv.Close()
	trickle := func(ctype string, d time.Duration) {
		c, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /api/v1/ballots HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: 1000\r\n\r\n", ctype)
		end := time.Now().Add(d)
		for time.Now().Before(end) {
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	start := time.Now()
	go trickle("application/json", 2*time.Second)
	select {
	case err := <-got:
		if err == nil || time.Since(start) > 1500*time.Millisecond {
			t.Fatalf("a trickled JSON body: err %v after %v", err, time.Since(start))
		}
	case <-time.After(3 * time.Second):
		t.Fatal("a trickled JSON body was never cut")
	}
	// An upload may take longer than the short deadline.
	start = time.Now()
	go trickle("multipart/form-data; boundary=x", 1*time.Second)
	select {
	case err := <-got:
		if time.Since(start) < 900*time.Millisecond {
			t.Fatalf("an upload cut after %v (%v)", time.Since(start), err)
		}
	case <-time.After(6 * time.Second):
		t.Fatal("an upload was never cut")
	}
}
