package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store/storetest"
)

// A route declares that it takes anonymous input (Anonymous): its request
// lines carry the day only, no time of day and no duration, whatever its
// path; a route that does not declare it keeps its time, even under a path
// of the public's pages.
func TestAnonymousRouteLog(t *testing.T) {
	st := storetest.SQLite(t)
	seed(t, st)
	var logs bytes.Buffer
	srv, err := New(st, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ok := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }
	for _, m := range []struct {
		pattern string
		access  Access
	}{
		{"POST /x/anon/{code}", Anonymous},
		{"POST /b2/plain/{code}", PublicNoSession},
	} {
		if err := srv.Mount(m.pattern, m.access, ok); err != nil {
			t.Fatal(err)
		}
	}
	if !Anonymous.IsAnonymous() || PublicNoSession.IsAnonymous() || !Anonymous.IsPublic() {
		t.Error("Anonymous is not a public, anonymous access")
	}
	h := srv.Handler()
	for _, path := range []string{"/x/anon/SECRET-1", "/b2/plain/SECRET-2"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", path, nil))
		if w.Code != http.StatusNoContent {
			t.Fatalf("%s: %d", path, w.Code)
		}
	}
	var anon, plain int
	for _, line := range strings.Split(logs.String(), "\n") {
		switch {
		case strings.Contains(line, `route="POST /x/anon/{code}"`):
			anon++
			if strings.Contains(line, "time=") || strings.Contains(line, "duration=") || !strings.Contains(line, "day="+time.Now().Format("2006-01-02")) {
				t.Errorf("an anonymous route's line dates it finer than the day: %s", line)
			}
		case strings.Contains(line, `route="POST /b2/plain/{code}"`):
			plain++
			if !strings.Contains(line, "time=") || !strings.Contains(line, "duration=") || strings.Contains(line, "day=") {
				t.Errorf("a route not declared anonymous lost its time: %s", line)
			}
		}
		if strings.Contains(line, "SECRET") {
			t.Errorf("a path was logged: %s", line)
		}
	}
	if anon != 1 || plain != 1 {
		t.Errorf("%d anonymous, %d plain lines:\n%s", anon, plain, logs.String())
	}
}
