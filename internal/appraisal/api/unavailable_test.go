package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/pingyi/pingyi/internal/store"
)

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func captureLog(t *testing.T) *lockedBuffer {
	var buf lockedBuffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, nil)))
	unavailableLog.mu.Lock()
	unavailableLog.last, unavailableLog.refused = unavailableLog.last.AddDate(-1, 0, 0), 0
	unavailableLog.mu.Unlock()
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

func counts(t *testing.T, s *store.Store) (ballots, used int) {
	t.Helper()
	ctx := context.Background()
	if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ballots`).Scan(&ballots); err != nil {
		t.Fatal(err)
	}
	if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM codes WHERE used = 1`).Scan(&used); err != nil {
		t.Fatal(err)
	}
	return ballots, used
}

// postRetry posts a ballot and returns the status and Retry-After.
func postRetry(t *testing.T, url, code string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(fullBallot(code))
	resp, err := http.Post(url+"/api/v1/ballots", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// TestDiskFull: the SQLite file cannot grow (a full disk) while ballots
// arrive: those that fit are answered 201 and stored, the others 503 with
// Retry-After and neither stored nor spent; the condition is logged once;
// when space returns the refused codes are accepted.
func TestDiskFull(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, codes := seed(t, s, 3, 400)
	var pages int
	s.DB.QueryRow(`PRAGMA page_count`).Scan(&pages)
	s.Close()

	// max_page_count stands for the disk: the file may not grow past it.
	s, err = store.Open(ctx, fmt.Sprintf("sqlite:%s?_pragma=max_page_count(%d)", path, pages+32))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{3000, 300, 10} {
		for {
			if _, err := s.DB.Exec(`INSERT INTO filler VALUES (randomblob(?))`, size); err != nil {
				if !store.Unavailable(err) {
					t.Fatalf("filling the disk: %v (not seen as unavailable)", err)
				}
				break
			}
		}
	}
	log := captureLog(t)
	srv := newServer(t, s)
	acked, refused := 0, 0
	var left []string
	for _, code := range codes {
		st, retry := postRetry(t, srv.URL, code)
		switch {
		case st == http.StatusCreated:
			acked++
		case st == http.StatusServiceUnavailable && retry != "":
			refused++
			left = append(left, code)
		default:
			t.Fatalf("disk full: %d, Retry-After %q; want 201, or 503 with Retry-After", st, retry)
		}
	}
	if refused == 0 {
		t.Fatalf("the disk never filled: %d ballots accepted", acked)
	}
	if b, u := counts(t, s); b != acked || u != acked {
		t.Fatalf("disk full: %d acknowledged, %d ballots stored, %d codes spent; want as many", acked, b, u)
	}
	if n := strings.Count(log.String(), "level=ERROR"); n != 1 {
		t.Errorf("%d ERROR lines for %d refused ballots, want 1:\n%s", n, refused, log.String())
	}
	t.Logf("disk full: %d accepted, then %d refused with 503", acked, refused)

	// Space returns: the refused codes are accepted, and stored.
	if _, err := s.DB.Exec(`DROP TABLE filler`); err != nil {
		t.Fatal(err)
	}
	for _, code := range left {
		if st, out := post(t, srv.URL, fullBallot(code)); st != http.StatusCreated {
			t.Fatalf("after space returned: %d %v", st, out)
		}
	}
	if b, u := counts(t, s); b != len(codes) || u != len(codes) {
		t.Fatalf("after space returned: %d ballots, %d codes spent; want %d", b, u, len(codes))
	}
}

// TestReadOnlyDatabase: a database opened read-only answers 503 and
// stores nothing; read-write again, it stores.
func TestReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	_, codes := seed(t, s, 3, 5)
	s.Close()
	ro, err := store.Open(ctx, "sqlite:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	captureLog(t)
	srv := newServer(t, ro)
	if st, retry := postRetry(t, srv.URL, codes[0]); st != http.StatusServiceUnavailable || retry == "" {
		t.Fatalf("read-only: %d, Retry-After %q; want 503 with Retry-After", st, retry)
	}
	if b, u := counts(t, ro); b != 0 || u != 0 {
		t.Fatalf("read-only: %d ballots, %d codes spent", b, u)
	}
	srv.Close()
	ro.Close()
	s, err = store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	srv = newServer(t, s)
	if st, out := post(t, srv.URL, fullBallot(codes[0])); st != http.StatusCreated {
		t.Fatalf("read-write again: %d %v", st, out)
	}
}

func TestUnavailableErrors(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "53100"}, true}, // disk_full
		{&pgconn.PgError{Code: "25006"}, true}, // read_only_sql_transaction
		{&pgconn.PgError{Code: "57P03"}, true}, // cannot_connect_now
		{&pgconn.PgError{Code: "08006"}, true}, // connection_failure
		{fmt.Errorf("batch: %w", &pgconn.PgError{Code: "53100"}), true},
		{&pgconn.PgError{Code: "23505"}, false}, // unique_violation
		{&pgconn.PgError{Code: "22021"}, false}, // bad encoding: the request's fault
		{errors.New("boom"), false},
		{store.ErrCodeUsed, false},
		{nil, false},
	} {
		if got := store.Unavailable(c.err); got != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
		if c.want {
			if st, _ := ErrorStatus(c.err); st != http.StatusServiceUnavailable {
				t.Errorf("ErrorStatus(%v) = %d, want 503", c.err, st)
			}
		}
	}
}
