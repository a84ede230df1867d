package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestDurabilityChild is the server process of TestDurabilityKill: it runs
// only when re-executed with PINGYI_DURABILITY_DSN set.
func TestDurabilityChild(t *testing.T) {
	dsn := os.Getenv("PINGYI_DURABILITY_DSN")
	if dsn == "" {
		t.Skip("helper process for TestDurabilityKill")
	}
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	in := appraisal.New(s).NewIntake()
	a := &API{Store: appraisal.New(s), Intake: in}
	mux := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.HandleFunc(r.Pattern, r.Handler)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addrFile := os.Getenv("PINGYI_DURABILITY_ADDR")
	os.WriteFile(addrFile+".tmp", []byte(ln.Addr().String()), 0o600)
	os.Rename(addrFile+".tmp", addrFile)
	http.Serve(ln, mux) // until SIGKILL
}

// Kill the server (SIGKILL) while ballots are being submitted; afterwards
// every ballot that got a 201 is in the database.
func TestDurabilityKill(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode")
	}
	for _, db := range []struct {
		name string
		dsn  func(testing.TB) string
	}{{"sqlite", storetest.SQLiteDSN}, {"postgres", storetest.PostgresDSN}} {
		t.Run(db.name, func(t *testing.T) {
			dsn := db.dsn(t)
			s, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			_, codes := seed(t, s, 3, 3000)
			s.Close()

			addrFile := filepath.Join(t.TempDir(), "addr")
			cmd := exec.Command(os.Args[0], "-test.run=^TestDurabilityChild$", "-test.v")
			cmd.Env = append(os.Environ(), "PINGYI_DURABILITY_DSN="+dsn, "PINGYI_DURABILITY_ADDR="+addrFile)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			var addr string
			for i := 0; i < 200 && addr == ""; i++ {
				b, _ := os.ReadFile(addrFile)
				addr = string(b)
				time.Sleep(50 * time.Millisecond)
			}
			if addr == "" {
				t.Fatal("child server did not start")
			}
			url := "http://" + addr

			var mu sync.Mutex
			var receipts []string
			var failures int
			work := make(chan string)
			var wg sync.WaitGroup
			client := &http.Client{Timeout: 10 * time.Second}
			for w := 0; w < 32; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for code := range work {
						st, body, err := postWith(client, url, fullBallot(code))
						mu.Lock()
						if err == nil && st == 201 {
							receipts = append(receipts, body["receipt"].(string))
						} else {
							failures++
						}
						mu.Unlock()
					}
				}()
			}
			killed := false
			for i, code := range codes {
				if !killed {
					mu.Lock()
					n := len(receipts)
					mu.Unlock()
					if n >= 300 || i > len(codes)/2 {
						cmd.Process.Signal(syscall.SIGKILL)
						killed = true
					}
				}
				work <- code
			}
			close(work)
			wg.Wait()
			cmd.Wait()
			if !killed || len(receipts) == 0 || failures == 0 {
				t.Fatalf("the kill did not land mid-stream: killed=%v, %d receipts, %d failures", killed, len(receipts), failures)
			}

			s, err = store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			missing := 0
			for _, r := range receipts {
				if _, _, err := appraisal.New(s).Receipt(context.Background(), r); err != nil {
					missing++
				}
			}
			var stored, used int
			s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM ballots`).Scan(&stored)
			s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM codes WHERE used = 1`).Scan(&used)
			t.Logf("%d acknowledged, %d stored, %d codes used, %d requests failed at the kill", len(receipts), stored, used, failures)
			if missing > 0 {
				t.Fatalf("%d of %d acknowledged ballots are lost", missing, len(receipts))
			}
			if stored != used {
				t.Fatalf("%d ballots stored but %d codes spent: a code and its ballot must commit together", stored, used)
			}
		})
	}
}

func postWith(c *http.Client, url string, body BallotRequest) (int, map[string]any, error) {
	b, _ := json.Marshal(body)
	resp, err := c.Post(url+"/api/v1/ballots", "application/json", bytes.NewReader(b))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, out, nil
}
