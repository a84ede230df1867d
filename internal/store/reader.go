package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
)

// A read replica (`serve --db-read DSN`): a PostgreSQL streaming replica
// that takes the reads of requests marked ReadReplica — the heavy
// read-only pages and exports that may show data a moment old. Only plain
// SELECTs through R() go there; Exec, transactions (Tx) and the prepared
// statements of P (sessions, accounts: a login just made is found at once)
// always use the primary, so nothing is ever written to the replica.
type reader struct {
	db      *sql.DB
	dsn     string
	reads   atomic.Int64 // queries sent to the replica
	primary atomic.Int64 // marked queries kept on the primary (not plain SELECTs)
}

type replicaKey struct{}

// readerWait is how long UseReader waits for the replica to replay the
// primary's migrations.
const readerWait = 30 * time.Second

// ReadReplica marks ctx: plain reads made with it may go to the read
// replica, when the Store has one.
func ReadReplica(ctx context.Context) context.Context {
	return context.WithValue(ctx, replicaKey{}, true)
}

// UseReader opens a PostgreSQL read replica for reads marked ReadReplica.
// It must be PostgreSQL, like the primary, and at the primary's schema
// version.
func (s *Store) UseReader(ctx context.Context, dsn string) error {
	dialect, conn, err := ParseDSN(dsn)
	if err != nil {
		return fmt.Errorf("--db-read: %w", err)
	}
	if dialect != Postgres || s.Dialect != Postgres {
		return fmt.Errorf("--db-read: a read replica is a PostgreSQL streaming replica of a PostgreSQL primary")
	}
	db, err := sql.Open("pgx", conn)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return fmt.Errorf("--db-read: connect: %w", err)
	}
	// The migrations just applied reach the replica a moment later: wait
	// for them (at most readerWait).
	var mine int64
	if err := s.DB.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+gooseTable+` WHERE is_applied`).Scan(&mine); err != nil {
		db.Close()
		return err
	}
	for deadline := time.Now().Add(readerWait); ; {
		var theirs int64
		if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version_id), 0) FROM `+gooseTable+` WHERE is_applied`).Scan(&theirs); err != nil {
			db.Close()
			return fmt.Errorf("--db-read: schema version: %w", err)
		}
		if theirs == mine {
			break
		}
		if time.Now().After(deadline) {
			db.Close()
			return fmt.Errorf("--db-read: the replica is at schema version %d, the primary at %d after %s (is it a streaming replica of this database?)", theirs, mine, readerWait)
		}
		select {
		case <-ctx.Done():
			db.Close()
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.reader = &reader{db: db, dsn: dsn}
	return nil
}

// ReaderStats are the queries sent to the replica and the marked ones
// kept on the primary.
func (s *Store) ReaderStats() (replica, primary int64) {
	if s.reader == nil {
		return 0, 0
	}
	return s.reader.reads.Load(), s.reader.primary.Load()
}

// route picks where a query of Q runs: the replica for a plain SELECT on
// the whole database (not a transaction, not a prepared statement) in a
// marked context, else where it was going.
func (s *Store) route(ctx context.Context, q querier, query string) querier {
	r := s.reader
	if r == nil || ctx.Value(replicaKey{}) == nil {
		return q
	}
	if db, ok := q.(*sql.DB); !ok || db != s.DB {
		return q
	}
	if !plainSelect(query) {
		r.primary.Add(1)
		return q
	}
	r.reads.Add(1)
	return r.db
}

// plainSelect: a statement starting with SELECT that neither locks rows
// nor calls a function that could write (none of Pingyi's does; the
// replica would refuse it anyway).
func plainSelect(q string) bool {
	q = strings.TrimSpace(q)
	if len(q) < 6 || !strings.EqualFold(q[:6], "SELECT") {
		return false
	}
	u := strings.ToUpper(q)
	return !strings.Contains(u, " FOR UPDATE") && !strings.Contains(u, " FOR SHARE") && !strings.Contains(u, "NEXTVAL(")
}

func (r *reader) close() {
	if r != nil {
		r.db.Close()
	}
}
