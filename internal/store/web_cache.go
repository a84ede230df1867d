package store

// In-process caches of the web UI's request path (internal/web): the org
// tree's member counts, the logged-in accounts and the sessions
// (sessions.go). They are bounded, dropped at once by the writes of this
// process that change what they hold, and re-read after a short time so
// that writes of another process (the CLI: `pingyi import members`, `pingyi
// user password`) show too.

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// webCaches is the zero-value-ready part of Store that holds them.
type webCaches struct {
	tree     treeCache
	kids     childrenCache
	users    userCache
	sessions sessionCache
}

// Variables for the tests (export_test.go).
var (
	// treeTTL: after this the tree summary is reloaded in the background
	// (the old one is served meanwhile); imports in this process drop it
	// at once.
	treeTTL = 30 * time.Second
	// userTTL: a cached account is re-read after this (changes by another
	// process: `pingyi user password`, a role changed by a second server);
	// UpdateUser and org imports in this process drop the cache at once.
	userTTL = 2 * time.Second
	// childrenTTL: cached tree rows (TreeChildren) are re-read after this
	// (orgs moved or renamed by another process); imports in this process
	// drop them at once. The same bound as an account's scope (userTTL).
	childrenTTL = 2 * time.Second
)

// childrenCacheSize bounds the (scope, parent) lists kept.
const childrenCacheSize = 1024

const userCacheSize = 4096

// orgsGen is the generation of the org tree and its members in this
// process: invalidateOrgs (imports, the bulk loader) bumps it.
func (s *Store) orgsGen() int64 { return s.orgGen.Load() }

// ---- The org tree's member counts ----

// treeSummary is, for every org, the members and orgs of its whole
// subtree (the org included). It is shared: never modified once built.
type treeSummary struct {
	gen     int64
	at      time.Time
	members map[int64]int32 // org ID → members in its subtree
	orgs    map[int64]int32 // org ID → orgs in its subtree, itself included
	// totals of the whole tree
	allMembers, allOrgs int
}

type treeCache struct {
	mu      sync.Mutex
	cur     *treeSummary
	loading chan struct{} // closed when the load under way ends
	err     error         // of the last load
}

// treeSummary returns the summary of the org tree: from the cache while
// no import of this process changed the tree; after treeTTL the cached one
// is still returned while a fresh one loads in the background (one load at
// a time; the requests that need one wait for it).
func (s *Store) treeSummary(ctx context.Context) (*treeSummary, error) {
	t := &s.web.tree
	gen := s.orgsGen()
	t.mu.Lock()
	if cur := t.cur; cur != nil && cur.gen == gen {
		if time.Since(cur.at) >= treeTTL && t.loading == nil {
			s.startTreeLoad(gen)
		}
		t.mu.Unlock()
		return cur, nil
	}
	for {
		if t.loading == nil {
			s.startTreeLoad(gen)
		}
		ch := t.loading
		t.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		t.mu.Lock()
		if cur := t.cur; cur != nil && cur.gen >= gen {
			t.mu.Unlock()
			return cur, nil
		}
		if t.err != nil {
			err := t.err
			t.mu.Unlock()
			return nil, err
		}
		// The tree changed again while loading: load once more.
	}
}

// startTreeLoad loads the summary in a goroutine of its own (its requester
// may give up; others wait for it). Called with t.mu held.
func (s *Store) startTreeLoad(gen int64) {
	t := &s.web.tree
	ch := make(chan struct{})
	t.loading = ch
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		sum, err := s.loadTreeSummary(ctx, gen)
		t.mu.Lock()
		t.err = err
		if err == nil && (t.cur == nil || sum.gen >= t.cur.gen) {
			t.cur = sum
		}
		t.loading = nil
		t.mu.Unlock()
		close(ch)
	}()
}

// loadTreeSummary reads the tree (every org's path) and the members of
// each org, and adds each org's members and itself to each of its
// ancestors. City scale (9,475 orgs, 594,981 members): one scan of the
// members_org index.
func (s *Store) loadTreeSummary(ctx context.Context, gen int64) (*treeSummary, error) {
	direct := map[int64]int32{}
	rows, err := s.R().Query(ctx, `SELECT org_id, COUNT(*) FROM members GROUP BY org_id`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var n int32
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, err
		}
		direct[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sum := &treeSummary{gen: gen, at: time.Now(), members: map[int64]int32{}, orgs: map[int64]int32{}}
	rows, err = s.R().Query(ctx, `SELECT id, path FROM orgs`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var path string
		if err := rows.Scan(&id, &path); err != nil {
			return nil, err
		}
		n := direct[id]
		sum.allOrgs++
		sum.allMembers += int(n)
		for part := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
			a, err := strconv.ParseInt(part, 10, 64)
			if err != nil {
				continue
			}
			sum.members[a] += n
			sum.orgs[a]++
		}
	}
	return sum, rows.Err()
}

// pathID is the ID of the org at path (its last part).
func pathID(path string) (int64, bool) {
	p := strings.TrimSuffix(path, "/")
	id, err := strconv.ParseInt(p[strings.LastIndexByte(p, '/')+1:], 10, 64)
	return id, err == nil
}

// SubtreeCounts returns the orgs and members of the subtree at path ("":
// the whole tree), like Counts, from the cached tree summary (up to
// treeTTL old for changes made by another process).
func (s *Store) SubtreeCounts(ctx context.Context, path string) (orgs, members int, err error) {
	sum, err := s.treeSummary(ctx)
	if err != nil {
		return 0, 0, err
	}
	if path == "" {
		return sum.allOrgs, sum.allMembers, nil
	}
	if id, ok := pathID(path); ok {
		return int(sum.orgs[id]), int(sum.members[id]), nil
	}
	return 0, 0, nil
}

// ---- The tree's rows ----

type childrenKey struct {
	scope  string // scope.Path ("": the whole tree)
	parent int64  // 0: the roots
}

type childrenEntry struct {
	orgs    []pingyi.Org
	at      time.Time
	orgsGen int64
}

type childrenCache struct {
	mu sync.Mutex
	m  map[childrenKey]childrenEntry
}

// TreeChildren is Children for the org tree pages (GET /orgs and a node's
// children), whose rows every request reads: cached per scope and parent
// for childrenTTL, dropped at once by the imports of this process (the
// generation invalidateOrgs bumps), so that what this process changed
// shows on the next request and what another process changed within
// childrenTTL. The rows are the query's, restricted to scope as Children
// restricts them; the caller gets its own slice.
func (s *Store) TreeChildren(ctx context.Context, scope pingyi.Scope, parentID int64) ([]pingyi.Org, error) {
	c := &s.web.kids
	key := childrenKey{scope: scope.Path, parent: parentID}
	og := s.orgsGen()
	c.mu.Lock()
	if e, ok := c.m[key]; ok && e.orgsGen == og && time.Since(e.at) < childrenTTL {
		c.mu.Unlock()
		return slices.Clone(e.orgs), nil
	}
	c.mu.Unlock()
	orgs, err := s.Children(ctx, scope, parentID)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if s.orgsGen() == og { // no import in this process while reading
		if c.m == nil {
			c.m = map[childrenKey]childrenEntry{}
		}
		if len(c.m) >= childrenCacheSize {
			for k, e := range c.m {
				if time.Since(e.at) >= childrenTTL || e.orgsGen != og || len(c.m) >= childrenCacheSize {
					delete(c.m, k)
				}
			}
		}
		c.m[key] = childrenEntry{orgs: slices.Clone(orgs), at: time.Now(), orgsGen: og}
	}
	c.mu.Unlock()
	return orgs, nil
}

// ---- Logged-in accounts ----

type userCache struct {
	mu  sync.Mutex
	gen int64 // bumped by UpdateUser in this process
	m   map[int64]userEntry
}

type userEntry struct {
	u       pingyi.User
	at      time.Time
	orgsGen int64
}

// SessionUser is UserByID for the account of a session, on every request:
// cached for userTTL, dropped at once when this process changes an account
// (UpdateUser) or the org tree (an account's scope is its org's path). The
// caller gets its own copy.
func (s *Store) SessionUser(ctx context.Context, id int64) (*pingyi.User, error) {
	c := &s.web.users
	og := s.orgsGen()
	c.mu.Lock()
	if e, ok := c.m[id]; ok && e.orgsGen == og && time.Since(e.at) < userTTL {
		u := e.u
		c.mu.Unlock()
		return &u, nil
	}
	gen := c.gen
	c.mu.Unlock()
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen && s.orgsGen() == og { // not changed while reading
		if c.m == nil {
			c.m = map[int64]userEntry{}
		}
		if len(c.m) >= userCacheSize {
			for k, e := range c.m {
				if time.Since(e.at) >= userTTL || len(c.m) >= userCacheSize {
					delete(c.m, k)
				}
			}
		}
		c.m[id] = userEntry{u: *u, at: time.Now(), orgsGen: og}
	}
	c.mu.Unlock()
	return u, nil
}

// invalidateUsers drops the cached accounts (an account changed).
func (s *Store) invalidateUsers() {
	c := &s.web.users
	c.mu.Lock()
	c.gen++
	clear(c.m)
	c.mu.Unlock()
}

// ---- Prepared statements ----

// stmtCacheSize bounds the statements kept prepared (the web pages' reads
// are a few dozen texts; beyond the bound a query runs unprepared).
const stmtCacheSize = 128

// stmtCache runs queries through statements prepared once and kept
// (database/sql prepares each on a connection the first time it is used
// there). On SQLite parsing and planning a statement costs more than
// running the small indexed reads of a page; pgx caches statements per
// connection by itself, so on PostgreSQL this changes little.
type stmtCache struct {
	db *sql.DB
	mu sync.RWMutex
	m  map[string]*sql.Stmt
}

func (c *stmtCache) stmt(ctx context.Context, query string) *sql.Stmt {
	c.mu.RLock()
	st, ok := c.m[query]
	full := len(c.m) >= stmtCacheSize
	c.mu.RUnlock()
	if ok || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // let the plain query report it
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[query]; ok {
		st.Close()
		return old
	}
	if len(c.m) >= stmtCacheSize {
		st.Close()
		return nil
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.db.ExecContext(ctx, query, args...)
}

func (c *stmtCache) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *stmtCache) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

// P is R through prepared statements kept for the Store's lifetime: for
// the reads that every web request makes, whose SQL text is fixed (the
// values are arguments, never part of the text).
func (s *Store) P() Q {
	s.stmtsOnce.Do(func() { s.stmts = &stmtCache{db: s.DB} })
	return Q{q: s.stmts, s: s}
}
