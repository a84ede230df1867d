package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// WriterConn is a SQLite writer's own connection (the appraisal's ballot
// intake). It keeps its
// statements prepared across batches (database/sql re-prepares a
// statement in every transaction) and a page cache big enough for a
// batch's dirty pages: with SQLite's default 2 MB a large batch spills
// pages into the WAL before its commit and writes them twice.
//
// It also leaves checkpoints (copying the WAL back into the database
// file) to a goroutine on another connection, off the writer's path: the
// writer only appends to the WAL and waits for its fsync.
type WriterConn struct {
	s     *Store
	conn  *sql.Conn
	stmts map[string]*sql.Stmt
	stop  chan struct{}
	done  chan struct{}
}

// checkpointEvery is how often the background checkpoint runs.
const checkpointEvery = 250 * time.Millisecond

// writerConnCache is the writer connection's page cache, in KiB.
const writerConnCache = 65536

// NewWriterConn opens a writer connection of its own (SQLite only).
func NewWriterConn(s *Store) (*WriterConn, error) {
	ctx := context.Background()
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	// temp_store: multi-row inserts keep a statement journal, on disk by
	// default (a write system call per page changed).
	for _, p := range []string{`PRAGMA cache_size = -` + strconv.Itoa(writerConnCache), `PRAGMA wal_autocheckpoint = 0`, `PRAGMA temp_store = MEMORY`} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 1000`)
			conn.Close()
			return nil, err
		}
	}
	c := &WriterConn{s: s, conn: conn, stmts: map[string]*sql.Stmt{}, stop: make(chan struct{}), done: make(chan struct{})}
	go c.checkpoints(s)
	return c, nil
}

// checkpoints runs passive checkpoints (they never block the writer) until
// the connection closes.
func (c *WriterConn) checkpoints(s *Store) {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			s.DB.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// stmtCacheMax bounds the statements kept prepared (the statements of the
// intake are few; anything else runs unprepared).
const stmtCacheMax = 64

func (c *WriterConn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st := c.stmts[query]; st != nil {
		return st, nil
	}
	if len(c.stmts) >= stmtCacheMax {
		return nil, nil
	}
	st, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *WriterConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.conn.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (c *WriterConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return c.conn.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (c *WriterConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return c.conn.QueryRowContext(ctx, query, args...)
}

// tx runs fn between BEGIN IMMEDIATE and COMMIT on the connection.
func (c *WriterConn) Tx(ctx context.Context, fn func(Q) error) (err error) {
	if _, err := c.conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			c.conn.ExecContext(context.Background(), `ROLLBACK`)
			panic(p)
		}
		if err != nil {
			c.conn.ExecContext(context.Background(), `ROLLBACK`)
		}
	}()
	if err = fn(Q{q: c, s: c.s}); err != nil {
		return err
	}
	_, err = c.conn.ExecContext(ctx, `COMMIT`)
	return err
}

func (c *WriterConn) Close() {
	close(c.stop)
	<-c.done
	for _, st := range c.stmts {
		st.Close()
	}
	c.conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	c.conn.ExecContext(context.Background(), `PRAGMA wal_autocheckpoint = 1000`)
	c.conn.ExecContext(context.Background(), `PRAGMA temp_store = DEFAULT`)
	c.conn.Close()
}
