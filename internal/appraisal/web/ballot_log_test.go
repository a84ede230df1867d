package web

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Issue 10, point 3: the request log wrote a millisecond-timed line per
// ballot GET and POST, so the n-th line dated the n-th ballot. The lines
// of the public's ballot routes (phone ballots, receipts, the ballot API)
// have the day only, no duration and never a code or a receipt; staff
// pages keep their time.
func TestBallotRequestLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		var logs syncBuffer
		f := campaignFixture(t, db, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		c := mkCampaign(t, f, "L1", "T1", nil)
		codes := issue(t, f, c, "V1", pingyi.EvalMassRep, 2)
		anon := f.client()
		if st, _ := anon.get("/b/" + codes[0]); st != 200 {
			t.Fatalf("ballot page %d", st)
		}
		receipt := vote(t, f, codes[0], map[string]string{"org:V1": "satisfied"})
		anon.get("/r/" + receipt)
		st, body, _ := anon.do("POST", "/api/v1/ballots", strings.NewReader(`{"code":"`+codes[1]+`","ratings":[{"target_type":"org","target_code":"V1","rating":"satisfied"}]}`), "application/json")
		if st != 201 {
			t.Fatalf("api ballot: %d %s", st, body)
		}
		f.as("orgadmin").do("GET", "/campaigns/L1", nil, "")
		// The line is written once the response is sent: the client may
		// have it first.
		for deadline := time.Now().Add(2 * time.Second); time.Now().Before(deadline) && !strings.Contains(logs.String(), `route="GET /campaigns/{code}"`); {
			time.Sleep(5 * time.Millisecond)
		}
		anonymous := map[string]bool{} // the routes that say they take anonymous input
		for _, rt := range f.shell.Routes() {
			anonymous[rt.Pattern] = rt.Access.IsAnonymous()
		}
		for _, p := range []string{"GET /b/{code}", "POST /b/{code}", "GET /r/{receipt}", "POST /api/v1/ballots"} {
			if !anonymous[p] {
				t.Errorf("route %q is not declared anonymous", p)
			}
		}
		var public, staff int
		for _, line := range strings.Split(logs.String(), "\n") {
			if !strings.Contains(line, "msg=request") {
				continue
			}
			if strings.Contains(line, `route="GET /campaigns/{code}"`) {
				staff++
				if !strings.Contains(line, "time=") {
					t.Errorf("staff line without time: %s", line)
				}
				continue
			}
			if !anonymous[strings.Trim(strings.SplitN(strings.SplitN(line, "route=", 2)[1], " status", 2)[0], `"`)] {
				continue
			}
			public++
			if strings.Contains(line, "time=") || strings.Contains(line, "duration=") || !strings.Contains(line, "day="+store.Today()) {
				t.Errorf("a ballot route's line dates it: %s", line)
			}
			for _, secret := range append(codes, receipt) {
				if strings.Contains(line, secret) {
					t.Errorf("line holds a code or receipt: %s", line)
				}
			}
		}
		if public < 4 || staff == 0 {
			t.Errorf("%d ballot lines, %d staff lines:\n%s", public, staff, logs.String())
		}
	})
}
