package web

import (
	"html/template"
	"sync"
	"time"
	"weak"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	shell "github.com/pingyi/pingyi/internal/web"
)

// The results page's body of a closed campaign (the campaign head and
// everything below it: filter, stats, charts, the tables and their pagers)
// depends only on the campaign's summary, the campaign's settings and
// names, what the viewer may see (their scope), whether they are staff
// (the head's ballots tab), the address (unit and page of each table) and
// the language. It is rendered once per such key and kept while the summary
// stays the same value: appraisal.Summary replaces the summary by a new one
// whenever tallies change, so a cached body is tied to the summary it was
// made from (its pointer) and dropped with it. The names of the rows shown
// (read from the database, not the summary) are kept at most
// resultsCacheTTL: a rename shows within that.

// resultsCacheTTL is how long a rendered body is served (a variable for
// tests).
var resultsCacheTTL = 10 * time.Second

// resultsCacheBytes bounds the bodies kept, all campaigns together (a
// variable for tests).
var resultsCacheBytes = 16 << 20

// resultsKey is everything the body may show: a field it uses must be in
// it.
type resultsKey struct {
	scope     pingyi.Scope // what the viewer may see
	lang      string
	uri       string // path and query: the unit and pages, the pagers' links
	anonymity int
	minMass   string
	scale     pingyi.Scale
	// the campaign head (campaign_head; its state is closed)
	code, name, scopeName string
	kind                  pingyi.Kind
	year                  int
	testMode, staffTabs   bool
	// test variables of the page's layout
	pageSize, maxMembers, maxUnits int
}

type resultsEntry struct {
	body template.HTML
	seg  shell.Segment // body compressed (the shell's gzip_splice.go)
	at   time.Time
}

// resultsSet is one campaign's bodies, all made from summary sm (weak: the
// cache does not keep a summary the store has let go).
type resultsSet struct {
	sm    weak.Pointer[appraisal.Summary]
	pages map[resultsKey]resultsEntry
}

type resultsCache struct {
	mu    sync.Mutex
	sets  map[int64]*resultsSet // by campaign ID
	bytes int
}

// resultsKeyOf is the key of a page: staff says whether the head shows
// the ballots tab (see Server.head).
func resultsKeyOf(scope pingyi.Scope, staff bool, lang, uri string, c *pingyi.Campaign) resultsKey {
	return resultsKey{scope: scope, lang: lang, uri: uri, anonymity: c.Anonymity, minMass: c.MinMassShare, scale: c.Scale,
		code: c.Code, name: c.Name, scopeName: c.ScopeName, kind: c.Kind, year: c.Year, testMode: c.TestMode, staffTabs: staff,
		pageSize: resultsPageSize, maxMembers: maxMemberRows, maxUnits: maxUnitOptions}
}

// get returns the body of key made from summary sm of campaign id, if
// kept and fresh.
func (rc *resultsCache) get(id int64, sm *appraisal.Summary, key resultsKey, now time.Time) (resultsEntry, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	set := rc.sets[id]
	if set == nil || set.sm != weak.Make(sm) {
		return resultsEntry{}, false
	}
	e, ok := set.pages[key]
	if !ok || now.Sub(e.at) >= resultsCacheTTL || now.Before(e.at) {
		return resultsEntry{}, false
	}
	return e, true
}

// put keeps body for key. A set made from another summary is dropped
// first; past the size bound, everything is.
func (rc *resultsCache) put(id int64, sm *appraisal.Summary, key resultsKey, e resultsEntry) {
	n := e.size(key)
	if n > resultsCacheBytes/4 {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.sets == nil {
		rc.sets = map[int64]*resultsSet{}
	}
	set := rc.sets[id]
	if set != nil && set.sm != weak.Make(sm) {
		rc.drop(id)
		set = nil
	}
	if rc.bytes+n > resultsCacheBytes {
		rc.sets, rc.bytes = map[int64]*resultsSet{}, 0
		set = nil
	}
	if set == nil {
		set = &resultsSet{sm: weak.Make(sm), pages: map[resultsKey]resultsEntry{}}
		rc.sets[id] = set
	}
	if old, ok := set.pages[key]; ok {
		rc.bytes -= old.size(key)
	}
	set.pages[key] = e
	rc.bytes += n
}

func (rc *resultsCache) drop(id int64) {
	set := rc.sets[id]
	if set == nil {
		return
	}
	for k, e := range set.pages {
		rc.bytes -= e.size(k)
	}
	delete(rc.sets, id)
}

// size is about what an entry holds.
func (e resultsEntry) size(k resultsKey) int {
	n := len(e.body) + len(k.uri) + len(k.scope.Path) + 128
	return n + e.seg.Size()
}
