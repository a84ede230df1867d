// Package store keeps Pingyi's data in SQLite (modernc.org/sqlite, WAL) or
// PostgreSQL (pgx v5) through one code path: database/sql, portable SQL
// written with ? Placeholders (rebound to $n for PostgreSQL), IDs made by
// the application, no enums, arrays, advisory locks or LISTEN/NOTIFY.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // driver "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect names the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Store is the database.
type Store struct {
	DB      *sql.DB
	Dialect Dialect
	DSN     string

	orgGen atomic.Int64 // bumped by member/org writes in this process (web_cache.go)
	web    webCaches    // the web UI's caches (web_cache.go, sessions.go)

	featureMu sync.Mutex
	features  map[string]any // Feature: each feature's state over this Store

	stmtsOnce sync.Once
	stmts     *stmtCache // prepared statements of P

	reader *reader // the read replica (reader.go; nil: none)
}

// ParseDSN turns a Pingyi DSN (sqlite:PATH or postgres://…) into a driver
// name and a driver DSN.
func ParseDSN(dsn string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", fmt.Errorf("empty SQLite path in %q", dsn)
		}
		return SQLite, path, nil
	}
	return "", "", fmt.Errorf("unknown database %q: use sqlite:PATH or postgres://…", dsn)
}

func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	// synchronous(FULL): a ballot acknowledged is on disk (SPEC: nothing
	// accepted is ever lost). _txlock=immediate: writers queue on the
	// busy timeout instead of failing on lock upgrades.
	return "file:" + path + sep +
		"_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(30000)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
}

// Open connects to dsn and applies the embedded migrations.
func Open(ctx context.Context, dsn string) (*Store, error) {
	dialect, conn, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	switch dialect {
	case SQLite:
		db, err = sql.Open("sqlite", sqliteDSN(conn))
		if err == nil {
			db.SetMaxOpenConns(8)
			db.SetMaxIdleConns(8)
		}
	case Postgres:
		db, err = sql.Open("pgx", conn)
		if err == nil {
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32)
			db.SetConnMaxIdleTime(5 * time.Minute)
		}
	}
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect %s: %w", dialect, err)
	}
	s := &Store{DB: db, Dialect: dialect, DSN: dsn}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	res, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range res {
		slog.Debug("migration applied", "version", r.Source.Version, "path", r.Source.Path)
	}
	if s.Dialect == Postgres {
		// Subtree prefixes are LIKE 'prefix%' on PostgreSQL (see pathPrefix):
		// a text_pattern_ops index serves them under any collation. It is
		// PostgreSQL-only DDL, so it lives here rather than in the shared
		// migrations.
		if _, err := s.DB.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS orgs_path_pattern ON orgs (path text_pattern_ops)`); err != nil {
			return fmt.Errorf("migrate: orgs_path_pattern: %w", err)
		}
	}
	return nil
}

// migrations is the goose provider of the schema: the SQL files and the
// Go migrations.
func (s *Store) migrations() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if s.Dialect == Postgres {
		gd = goose.DialectPostgres
	}
	return goose.NewProvider(gd, s.DB, sub, goose.WithGoMigrations(migrateBallotRatings(s.Dialect), migrateSeal(s.Dialect)))
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stmts != nil {
		s.stmts.mu.Lock()
		for _, st := range s.stmts.m {
			st.Close()
		}
		clear(s.stmts.m)
		s.stmts.mu.Unlock()
	}
	s.reader.close()
	return s.DB.Close()
}

// Rebind turns ? Placeholders into $1, $2, … for PostgreSQL. Question
// marks inside single-quoted literals are left alone.
func (s *Store) Rebind(q string) string {
	if s.Dialect != Postgres {
		return q
	}
	return Rebind(q)
}

// Rebind is (*Store).Rebind for PostgreSQL, for a statement built before its
// store is known.
func Rebind(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	inQuote := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'':
			inQuote = !inQuote
			b.WriteByte(c)
		case c == '?' && !inQuote:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q runs portable SQL on a database or a transaction.
type Q struct {
	q querier
	s *Store
}

// Exec runs a statement.
func (q Q) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return q.q.ExecContext(ctx, q.s.Rebind(query), args...)
}

// Query runs a query (on the read replica, for a marked context: reader.go).
func (q Q) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.s.route(ctx, q.q, query).QueryContext(ctx, q.s.Rebind(query), args...)
}

// QueryRow runs a query returning at most one row (on the read replica,
// for a marked context: reader.go).
func (q Q) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return q.s.route(ctx, q.q, query).QueryRowContext(ctx, q.s.Rebind(query), args...)
}

// Dialect reports the database kind.
func (q Q) Dialect() Dialect { return q.s.Dialect }

// R returns a querier over the whole database (reads and single statements).
func (s *Store) R() Q { return Q{q: s.DB, s: s} }

// Tx runs fn in a transaction, committing if it returns nil. A PostgreSQL
// serialization failure is retried (distributed engines report contention
// this way).
func (s *Store) Tx(ctx context.Context, fn func(Q) error) error {
	for attempt := 0; ; attempt++ {
		err := s.tx(ctx, fn)
		if err != nil && attempt < 5 && retryable(err) {
			time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
			continue
		}
		return err
	}
}

func (s *Store) tx(ctx context.Context, fn func(Q) error) (err error) {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(Q{q: tx, s: s}); err != nil {
		return err
	}
	return tx.Commit()
}

func retryable(err error) bool {
	var se interface{ SQLState() string }
	if errors.As(err, &se) {
		switch se.SQLState() {
		case "40001", "40P01":
			return true
		}
	}
	return false
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either database.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var se interface{ SQLState() string }
	if errors.As(err, &se) && se.SQLState() == "23505" {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "constraint failed: UNIQUE")
}

// Now is the time stamp stored for changes: RFC 3339 in UTC, seconds.
func Now() string { return time.Now().UTC().Format(time.RFC3339) }

// Today is the day stored on ballots (never finer than the day), in the
// server's local time zone.
func Today() string { return time.Now().Format("2006-01-02") }

// BoolInt is 1 for true, 0 for false (a boolean column).
func BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Feature is the state a feature keeps over this Store (its caches, its
// writers), made by mk on the first call with that name and returned by
// every later one, so that every part of the process shares it.
func (s *Store) Feature(name string, mk func() any) any {
	s.featureMu.Lock()
	defer s.featureMu.Unlock()
	if v, ok := s.features[name]; ok {
		return v
	}
	if s.features == nil {
		s.features = map[string]any{}
	}
	v := mk()
	s.features[name] = v
	return v
}

// OrgsGen moves whenever orgs or members change in this process (a
// feature's caches of names and trees compare it).
func (s *Store) OrgsGen() int64 { return s.orgGen.Load() }

// invalidateOrgs moves the org generation: the web caches of the tree and
// of accounts, and the features' caches that compare OrgsGen, start again
// (members or orgs changed in this process).
func (s *Store) invalidateOrgs() { s.orgGen.Add(1) }

// QueryRebound is Query for a statement already in the database's
// Placeholders (Rebind), e.g. one built once and cached.
func (q Q) QueryRebound(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return q.q.QueryContext(ctx, query, args...)
}

// InTx is the query interface over a transaction begun by the caller
// (with options of its own).
func (s *Store) InTx(tx *sql.Tx) Q { return Q{q: tx, s: s} }

// A Settler is a feature's state (Feature) with work done in the
// background that Settle finishes at once (the appraisal's fold of
// ballots into tallies), for tests that compare the database.
type Settler interface {
	Settle(ctx context.Context) error
}

// Settle finishes the background work of every feature over this Store.
func (s *Store) Settle(ctx context.Context) error {
	s.featureMu.Lock()
	var ss []Settler
	for _, v := range s.features {
		if st, ok := v.(Settler); ok {
			ss = append(ss, st)
		}
	}
	s.featureMu.Unlock()
	for _, st := range ss {
		if err := st.Settle(ctx); err != nil {
			return err
		}
	}
	return nil
}
