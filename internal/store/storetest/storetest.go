// Package storetest opens fresh databases for tests: every storage test
// runs on SQLite and on PostgreSQL.
//
// PostgreSQL is found at $PINGYI_TEST_POSTGRES (default
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable); each test gets
// a schema of its own, dropped afterwards. Without a server the PostgreSQL
// half skips with a message, unless $PINGYI_REQUIRE_POSTGRES is set (CI),
// in which case it fails.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/store"
)

// DefaultPostgres is where tests look for PostgreSQL.
const DefaultPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// PostgresURL is the server tests use.
func PostgresURL() string {
	if u := os.Getenv("PINGYI_TEST_POSTGRES"); u != "" {
		return u
	}
	return DefaultPostgres
}

var (
	pgOnce sync.Once
	pgErr  error
)

func pgAvailable() error {
	pgOnce.Do(func() {
		db, err := sql.Open("pgx", PostgresURL())
		if err != nil {
			pgErr = err
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		pgErr = db.PingContext(ctx)
	})
	return pgErr
}

// Each runs fn as two subtests, "sqlite" and "postgres", each on a fresh
// database.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a fresh SQLite database in a temporary directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, SQLiteDSN(t))
}

// SQLiteDSN returns the DSN of a fresh SQLite file.
func SQLiteDSN(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "pingyi.db")
}

// Postgres opens a fresh schema on the test server, or skips.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates a fresh schema and returns a DSN that uses it, or
// skips the test when no server is reachable.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	if err := pgAvailable(); err != nil {
		if os.Getenv("PINGYI_REQUIRE_POSTGRES") != "" {
			t.Fatalf("PostgreSQL required ($PINGYI_REQUIRE_POSTGRES) but not reachable at %s: %v", PostgresURL(), err)
		}
		t.Skipf("PostgreSQL not reachable at %s (set PINGYI_TEST_POSTGRES): %v", PostgresURL(), err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	return u.String()
}

func open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
