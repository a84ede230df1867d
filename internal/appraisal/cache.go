package appraisal

import (
	"context"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// caches holds the in-process read caches of a Store: campaign summaries
// (evaluated results in compact form). Writers in this process call
// invalidateResults (or, for tallies folded from ballots,
// applyTallyDeltas), and changes of orgs and members move the platform's
// OrgsGen (resultsGen); writers in other processes are caught by the
// results fingerprint (ballot counts).
type caches struct {
	gen atomic.Int64 // bumped by every in-process write that affects results

	mu        sync.Mutex
	summaries map[int64]*summaryEntry
	deltas    map[int64]int64 // per campaign: applyTallyDeltas calls so far
	builds    atomic.Int64    // summaries built (tests tell a rebuild from a hit)
	building  map[int64]*buildCall
}

const (
	// resultsCacheSize: summaries kept (a city's is ≈ 30 MB).
	resultsCacheSize = 4
)

// resultsRecheck: a closed campaign's cached summary is checked against
// the database's fingerprint at most this often (its tallies change only
// by a paper ballot import or a repair, and those in this process show at
// once through the generation; reading the fingerprint costs ≈ 10 ms at
// city scale, more than the rest of a results page). An open campaign's
// is checked on every read.
var resultsRecheck = time.Second

type resultsFingerprint struct {
	gen      int64
	ballots  int64
	rows     int64
	kind     pingyi.Kind
	minShare string
	testMode bool
}

// buildCall is a summary being built.
type buildCall struct {
	fp   resultsFingerprint
	done chan struct{} // closed when sm or err is set
	sm   *Summary
	err  error
}

type summaryEntry struct {
	fp       resultsFingerprint
	sm       *Summary
	used     time.Time // last read (eviction)
	checked  time.Time // fingerprint last compared with the database
	checking bool      // a read is comparing it now
	// closed: the campaign was closed when the fingerprint was last
	// compared (a summary checked while it was open may miss its last
	// ballots: it is checked again once the campaign has closed).
	closed bool
}

func newCaches() *caches {
	return &caches{summaries: map[int64]*summaryEntry{}, deltas: map[int64]int64{}, building: map[int64]*buildCall{}}
}

// invalidateResults drops every cached campaign summary (tallies, targets
// or org names changed in this process).
func (s *Store) invalidateResults() {
	if s.cache == nil {
		return
	}
	s.cache.gen.Add(1)
	s.cache.mu.Lock()
	clear(s.cache.summaries)
	s.cache.mu.Unlock()
}

// resultsGen is the generation cached summaries are checked against: it
// moves with every in-process write that affects results
// (invalidateResults) and with every change of orgs or members (the
// platform's OrgsGen: names and units of the results).
func (s *Store) resultsGen() int64 { return s.cache.gen.Load() + s.OrgsGen() }

// resultsFingerprint reads what a campaign's results depend on cheaply.
func (s *Store) resultsFingerprint(ctx context.Context, c *pingyi.Campaign) (resultsFingerprint, error) {
	fp := resultsFingerprint{gen: s.resultsGen(), kind: c.Kind, minShare: c.MinMassShare, testMode: c.TestMode}
	if c.Kind == pingyi.KindRegular {
		// R3 reads the earlier formal regular campaigns of the year
		// (priorBelowAverage): their ballots count too.
		err := s.R().QueryRow(ctx, `SELECT COALESCE(SUM(ballots), 0), COUNT(*) FROM unit_tallies WHERE campaign_id = ? OR campaign_id IN
			(SELECT id FROM campaigns WHERE kind = ? AND year = ? AND test_mode = 0 AND id <> ? AND (created_at < ? OR (created_at = ? AND id < ?)))`,
			c.ID, string(pingyi.KindRegular), c.Year, c.ID, c.CreatedAt, c.CreatedAt, c.ID).Scan(&fp.ballots, &fp.rows)
		return fp, err
	}
	err := s.R().QueryRow(ctx, `SELECT COALESCE(SUM(ballots), 0), COUNT(*) FROM unit_tallies WHERE campaign_id = ?`, c.ID).Scan(&fp.ballots, &fp.rows)
	return fp, err
}

// Summary evaluates campaign c in compact form (see Summary), cached per
// Store and reused while the campaign's ballot counts (for a regular
// campaign, with those of the earlier regular campaigns of its year, which
// R3 reads) and settings are unchanged. The returned value is shared: callers must not
// modify it.
//
// Ballots not yet in the tallies are folded in first, when the summary is
// checked against the database (on every read of an open campaign, at
// most once a second for a closed one, at once after ballots stored by
// this process: ballotsStored).
func (s *Store) Summary(ctx context.Context, c *pingyi.Campaign) (*Summary, error) {
	if s.cache == nil {
		if err := s.FoldBallots(ctx, c.ID); err != nil {
			return nil, err
		}
		return s.buildSummary(ctx, c)
	}
	now := time.Now()
	gen := s.resultsGen()
	s.cache.mu.Lock()
	if e := s.cache.summaries[c.ID]; e != nil && e.fp.gen == gen && e.fp.kind == c.Kind && e.fp.minShare == c.MinMassShare &&
		e.fp.testMode == c.TestMode && e.closed && State(c, now) == StateClosed {
		// Fresh enough; or another read is checking it now: one check at
		// a time, the others serve what is cached meanwhile.
		if now.Sub(e.checked) < resultsRecheck || e.checking {
			e.used = now
			sm := e.sm
			s.cache.mu.Unlock()
			return sm, nil
		}
		e.checking = true
		defer func() {
			s.cache.mu.Lock()
			e.checking = false
			s.cache.mu.Unlock()
		}()
	}
	s.cache.mu.Unlock()

	if err := s.FoldBallots(ctx, c.ID); err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	seq := s.cache.deltas[c.ID]
	s.cache.mu.Unlock()
	fp, err := s.resultsFingerprint(ctx, c)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	closed := State(c, now) == StateClosed
	if e := s.cache.summaries[c.ID]; e != nil && e.fp == fp {
		e.used, e.checked, e.closed = now, now, closed
		sm := e.sm
		s.cache.mu.Unlock()
		return sm, nil
	}
	// One build per campaign and fingerprint at a time: concurrent reads
	// wait for it rather than each holding a summary of their own.
	if b := s.cache.building[c.ID]; b != nil && b.fp == fp {
		s.cache.mu.Unlock()
		select {
		case <-b.done:
			return b.sm, b.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	b := &buildCall{fp: fp, done: make(chan struct{})}
	s.cache.building[c.ID] = b
	s.cache.mu.Unlock()
	s.cache.builds.Add(1)
	// Not cancelled with the first reader: others may be waiting for it.
	sm, err := s.buildSummary(context.WithoutCancel(ctx), c)
	if err == nil && len(sm.Targets) >= releaseAfterTargets {
		// A large build leaves ≈ 3× the summary's size as garbage (rows,
		// codes, sort permutations): hand it back to the system now rather
		// than keep it in the process's resident set (city: ≈ 100 MB).
		go debug.FreeOSMemory()
	}
	b.sm, b.err = sm, err
	s.cache.mu.Lock()
	if s.cache.building[c.ID] == b {
		delete(s.cache.building, c.ID)
	}
	close(b.done)
	if err != nil {
		s.cache.mu.Unlock()
		return nil, err
	}
	// Not kept if invalidated, or changed by a fold, while building.
	if s.resultsGen() == fp.gen && s.cache.deltas[c.ID] == seq {
		if _, ok := s.cache.summaries[c.ID]; !ok && len(s.cache.summaries) >= resultsCacheSize {
			var oldest int64
			var at time.Time
			for id, e := range s.cache.summaries {
				if at.IsZero() || e.used.Before(at) {
					oldest, at = id, e.used
				}
			}
			delete(s.cache.summaries, oldest)
		}
		// Checked as of now: what the build read is no older than the
		// fingerprint (a build of a city takes a second or more).
		done := time.Now()
		s.cache.summaries[c.ID] = &summaryEntry{fp: fp, sm: sm, used: done, checked: done, closed: closed}
	}
	s.cache.mu.Unlock()
	return sm, nil
}

// ballotsStored notes that ballots of a campaign were committed by this
// process and are waiting for the fold: its cached summary is checked (and
// the ballots folded) on the next read, even if it was checked a moment ago.
func (s *Store) ballotsStored(campaignID int64) {
	if s.cache == nil {
		return
	}
	s.cache.mu.Lock()
	if e := s.cache.summaries[campaignID]; e != nil {
		e.checked = time.Time{}
	}
	s.cache.mu.Unlock()
}

// Results evaluates campaign c with every target's code and name (see
// results): for a whole campaign at once. Pages and exports read a
// Summary and the rows they show instead (ResultRows, EachResult).
func (s *Store) Results(ctx context.Context, c *pingyi.Campaign) (*Results, error) {
	sm, err := s.Summary(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.results(ctx, c, sm)
}

// applyTallyDeltas brings a campaign's cached summary up to date with
// tally changes just committed (by the fold of ballots into tallies):
// targets maps a target ID to the deltas of its satisfied,
// fairly_satisfied, basically_satisfied, dissatisfied and abstain counts;
// units maps a unit_tallies row to the ballots added to it. The summary is
// replaced by an updated copy (readers keep the one they hold); its
// fingerprint moves with it, so the next read does not rebuild it. A
// summary being built while this runs is not kept. When a change cannot be
// applied (a target or unit the summary does not know), the campaign's
// summary is dropped and rebuilt on the next read.
func (s *Store) applyTallyDeltas(campaignID int64, targets map[int64]*rules.Tally, units map[unitTallyKey]int64) {
	if s.cache == nil {
		return
	}
	s.cache.mu.Lock()
	defer s.cache.mu.Unlock()
	s.cache.deltas[campaignID]++
	e := s.cache.summaries[campaignID]
	if e == nil {
		return
	}
	sm, ballots, rows, ok := e.sm.withDeltas(campaignID, targets, units)
	if !ok {
		delete(s.cache.summaries, campaignID)
		return
	}
	e.sm = sm
	e.fp.ballots += ballots
	e.fp.rows += rows
}

// withDeltas returns a copy of sm with tally deltas applied and its flags
// evaluated again, with the ballots and unit_tallies rows added.
func (sm *Summary) withDeltas(campaignID int64, targets map[int64]*rules.Tally, units map[unitTallyKey]int64) (*Summary, int64, int64, bool) {
	n := &Summary{CampaignID: sm.CampaignID, Kind: sm.Kind, MinMassShare: sm.MinMassShare, TypeStart: sm.TypeStart,
		OrgAverage: sm.OrgAverage, Ballots: sm.Ballots, FlagCounts: sm.FlagCounts, unitsByPath: sm.unitsByPath, unitByOrg: sm.unitByOrg, byID: sm.byID,
		prior: sm.prior, catIndex: sm.catIndex}
	n.Targets = slices.Clone(sm.Targets)
	n.Units = slices.Clone(sm.Units)
	n.orgRates = make(rules.OrgRates, len(sm.orgRates))
	for k, v := range sm.orgRates {
		n.orgRates[k] = v
	}
	var ballots, rows int64
	lowChanged := false
	for k, d := range units {
		if k.Campaign != campaignID {
			continue
		}
		ui, ok := n.unitByOrg[k.Unit]
		if !ok {
			return nil, 0, 0, false
		}
		ci, ok := n.catIndex[k.Category]
		if !ok {
			return nil, 0, 0, false
		}
		if n.Units[ui].ByCategory[ci] == 0 && d != 0 {
			rows++ // a new unit_tallies row
		}
		n.addUnitBallots(ui, k.Category, d)
		ballots += d
		u := &n.Units[ui]
		if low := rules.MassShareBelow(u.Ballots, u.MassBallots, n.MinMassShare); low != u.Low {
			u.Low, lowChanged = low, true
		}
	}
	type before struct {
		i     int32
		flags rules.Flags
		valid bool
	}
	var touched []before
	for id, d := range targets {
		i, ok := n.TargetByID(id)
		if !ok || d == nil {
			continue // a target of another campaign (the fold may pass all of them)
		}
		t := &n.Targets[i]
		touched = append(touched, before{i, t.Flags, t.Valid() > 0})
		if t.Type == TypeOrg {
			n.orgRates.Add(t.RulesTally(), -1)
		}
		t.Tally.Add(*d)
		if t.Type == TypeOrg {
			n.orgRates.Add(t.RulesTally(), 1)
		}
	}
	avg, _ := n.orgRates.Average()
	if lowChanged || (avg == nil) != (sm.OrgAverage == nil) || avg != nil && avg.Cmp(sm.OrgAverage) != 0 {
		n.evaluate() // R3's average or a unit's R4 moved: every flag again
		return n, ballots, rows, true
	}
	// Only the targets changed: their flags and counts.
	below := map[[2]int64]bool{}
	for _, b := range touched {
		t := &n.Targets[b.i]
		n.flag(t, below)
		for bit := range rules.NumFlagBits {
			if b.flags&(1<<bit) != 0 {
				n.FlagCounts[bit]--
			}
			if t.Flags&(1<<bit) != 0 {
				n.FlagCounts[bit]++
			}
		}
		if valid := t.Valid() > 0; valid != b.valid {
			if valid {
				n.Units[t.Unit].Rated[t.Type]++
			} else {
				n.Units[t.Unit].Rated[t.Type]--
			}
		}
	}
	return n, ballots, rows, true
}

// releaseAfterTargets is the summary size (targets) from which a build
// returns its transient memory to the system at once.
const releaseAfterTargets = 100000
