package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"hash/maphash"
	"sync"
	"time"
)

// SessionStore keeps scs sessions in the database (server-side sessions):
// it implements scs.CtxStore.
//
// The database stays the record: a session is written there when it is
// created or its data change, deleted there on logout, and survives a
// restart. In front of it each Store keeps the sessions it has seen in
// memory (sessionCache, bounded), so that a request costs no database
// read, and no write either when only the idle timeout moved (scs commits
// every request when an idle timeout is set): the new expiry is kept in
// memory and written when the one in the database falls more than
// sessionTouchSlack behind — after a restart a session may end up to that
// much earlier than its idle timeout. A cached session is read again from
// the database after sessionRecheck, so that one deleted by another
// process (a second server) ends there too.
type SessionStore struct{ S *Store }

const (
	sessionCacheSize  = 10000
	sessionTouchSlack = time.Minute
)

// sessionRecheck is a variable for the tests (export_test.go).
var sessionRecheck = 10 * time.Second

type sessionCache struct {
	mu sync.RWMutex
	m  map[string]*sessionEntry
	// Operations that reach the database for a token are serialized on
	// one of these (by a hash of the token), so that the cache and the
	// database cannot disagree about which write came last.
	locks [64]sync.Mutex
	seed  maphash.Seed
	once  sync.Once
}

// sessionEntry is immutable once in the map (replaced, never changed),
// except expiry, which is written under sessionCache.mu.
type sessionEntry struct {
	data    []byte
	expiry  time.Time // what scs asked for last (idle timeout moved)
	stored  time.Time // the expiry in the database
	checked time.Time // last read from or written to the database
}

func (c *sessionCache) lock(token string) *sync.Mutex {
	c.once.Do(func() { c.seed = maphash.MakeSeed() })
	return &c.locks[maphash.String(c.seed, token)%uint64(len(c.locks))]
}

// cached returns the data of a session that is in the cache, unexpired
// and recently checked.
func (c *sessionCache) cached(token string, now time.Time) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.m[token]
	if !ok || !now.Before(e.expiry) || now.Sub(e.checked) >= sessionRecheck {
		return nil, false
	}
	return e.data, true
}

func (c *sessionCache) put(token string, e *sessionEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*sessionEntry{}
	}
	if _, ok := c.m[token]; !ok && len(c.m) >= sessionCacheSize {
		c.pruneLocked(e.checked)
		// Still full: drop arbitrary ones (their sessions stay in the
		// database; at most sessionTouchSlack of idle extension is lost).
		for k := range c.m {
			if len(c.m) < sessionCacheSize*9/10 {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[token] = e
}

func (c *sessionCache) drop(token string) {
	c.mu.Lock()
	delete(c.m, token)
	c.mu.Unlock()
}

func (c *sessionCache) pruneLocked(now time.Time) {
	for k, e := range c.m {
		if !now.Before(e.expiry) {
			delete(c.m, k)
		}
	}
}

// FindCtx returns the data of an unexpired session.
func (ss SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	c := &ss.S.web.sessions
	now := time.Now()
	if data, ok := c.cached(token, now); ok {
		return data, true, nil
	}
	l := c.lock(token)
	l.Lock()
	defer l.Unlock()
	var data []byte
	var expiry int64
	err := ss.S.P().QueryRow(ctx, `SELECT data, expiry FROM sessions WHERE token = ? AND expiry > ?`, token, now.Unix()).Scan(&data, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		c.drop(token)
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	e := &sessionEntry{data: data, expiry: time.Unix(expiry, 0), stored: time.Unix(expiry, 0), checked: now}
	c.mu.RLock()
	if old, ok := c.m[token]; ok && bytes.Equal(old.data, data) && old.expiry.After(e.expiry) {
		e.expiry = old.expiry // an idle extension not written yet
	}
	c.mu.RUnlock()
	c.put(token, e)
	return data, true, nil
}

// CommitCtx stores a session. When only its expiry moved, by less than
// sessionTouchSlack beyond what the database holds, it is kept in memory.
func (ss SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	c := &ss.S.web.sessions
	c.mu.Lock()
	if e, ok := c.m[token]; ok && bytes.Equal(e.data, b) && !e.stored.Before(expiry.Add(-sessionTouchSlack)) && time.Now().Before(e.expiry) {
		if expiry.After(e.expiry) {
			e.expiry = expiry
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	l := c.lock(token)
	l.Lock()
	defer l.Unlock()
	c.drop(token)
	_, err := ss.S.P().Exec(ctx, `INSERT INTO sessions (token, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry.Unix())
	if err != nil {
		return err
	}
	// The database keeps whole seconds.
	stored := time.Unix(expiry.Unix(), 0)
	c.put(token, &sessionEntry{data: bytes.Clone(b), expiry: stored, stored: stored, checked: time.Now()})
	return nil
}

// DeleteCtx removes a session.
func (ss SessionStore) DeleteCtx(ctx context.Context, token string) error {
	c := &ss.S.web.sessions
	l := c.lock(token)
	l.Lock()
	defer l.Unlock()
	c.drop(token)
	_, err := ss.S.P().Exec(ctx, `DELETE FROM sessions WHERE token = ?`, token)
	return err
}

// Find, Commit and Delete satisfy scs.Store.
func (ss SessionStore) Find(token string) ([]byte, bool, error) {
	return ss.FindCtx(context.Background(), token)
}
func (ss SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return ss.CommitCtx(context.Background(), token, b, expiry)
}
func (ss SessionStore) Delete(token string) error { return ss.DeleteCtx(context.Background(), token) }

// PurgeSessions deletes expired sessions (and drops them from the cache).
func (s *Store) PurgeSessions(ctx context.Context) error {
	c := &s.web.sessions
	c.mu.Lock()
	c.pruneLocked(time.Now())
	c.mu.Unlock()
	_, err := s.R().Exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, time.Now().Unix())
	return err
}
