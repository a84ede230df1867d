package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// caches holds the in-process read caches of a Store: evaluated campaign
// results and subtree member counts. Writers in this process call
// invalidate*; writers in other processes are caught by the results
// fingerprint (ballot counts) or the member counts' short TTL.
type caches struct {
	gen atomic.Int64 // bumped by every in-process write that affects results

	mu      sync.Mutex
	results map[int64]resultsEntry

	cmu     sync.Mutex
	counts  map[string]countsEntry
	countsG int64 // bumped by member/org writes
}

const (
	resultsCacheSize = 2
	countsCacheSize  = 64
	countsTTL        = 30 * time.Second
)

type resultsFingerprint struct {
	gen      int64
	ballots  int64
	rows     int64
	kind     pingyi.Kind
	minShare string
	testMode bool
}

type resultsEntry struct {
	fp  resultsFingerprint
	res *Results
	at  time.Time
}

type countsEntry struct {
	gen    int64
	at     time.Time
	counts map[string]int // org path → members directly in it
}

func newCaches() *caches {
	return &caches{results: map[int64]resultsEntry{}, counts: map[string]countsEntry{}}
}

// invalidateResults drops every cached campaign result (tallies, targets
// or org names changed in this process).
func (s *Store) invalidateResults() {
	if s.cache == nil {
		return
	}
	s.cache.gen.Add(1)
	s.cache.mu.Lock()
	clear(s.cache.results)
	s.cache.mu.Unlock()
}

// invalidateOrgs drops cached member counts and results (members or orgs
// changed in this process).
func (s *Store) invalidateOrgs() {
	if s.cache == nil {
		return
	}
	s.cache.cmu.Lock()
	s.cache.countsG++
	clear(s.cache.counts)
	s.cache.cmu.Unlock()
	s.invalidateResults()
}

// resultsFingerprint reads what a campaign's results depend on cheaply.
func (s *Store) resultsFingerprint(ctx context.Context, c *pingyi.Campaign) (resultsFingerprint, error) {
	fp := resultsFingerprint{gen: s.cache.gen.Load(), kind: c.Kind, minShare: c.MinMassShare, testMode: c.TestMode}
	err := s.R().QueryRow(ctx, `SELECT COALESCE(SUM(ballots), 0), COUNT(*) FROM unit_tallies WHERE campaign_id = ?`, c.ID).Scan(&fp.ballots, &fp.rows)
	return fp, err
}

// Results evaluates campaign c (see results). Results of campaigns other
// than regular ones are cached per Store and reused while the campaign's
// ballot counts and settings are unchanged. The returned value is shared:
// callers must not modify it or its slices and maps.
func (s *Store) Results(ctx context.Context, c *pingyi.Campaign) (*Results, error) {
	if err := s.FoldBallots(ctx, c.ID); err != nil {
		return nil, err
	}
	if s.cache == nil || c.Kind == pingyi.KindRegular {
		return s.results(ctx, c)
	}
	fp, err := s.resultsFingerprint(ctx, c)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	e, ok := s.cache.results[c.ID]
	s.cache.mu.Unlock()
	if ok && e.fp == fp {
		out := *e.res
		out.Campaign = c
		return &out, nil
	}
	res, err := s.results(ctx, c)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	if s.cache.gen.Load() == fp.gen { // not invalidated while evaluating
		if _, ok := s.cache.results[c.ID]; !ok && len(s.cache.results) >= resultsCacheSize {
			var oldest int64
			var at time.Time
			for id, e := range s.cache.results {
				if at.IsZero() || e.at.Before(at) {
					oldest, at = id, e.at
				}
			}
			delete(s.cache.results, oldest)
		}
		s.cache.results[c.ID] = resultsEntry{fp: fp, res: res, at: time.Now()}
	}
	s.cache.mu.Unlock()
	out := *res
	return &out, nil
}
