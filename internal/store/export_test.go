package store

import (
	"context"
	"time"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// MigrateDownTo rolls the schema back to version v (tests of migrations).
func MigrateDownTo(ctx context.Context, s *Store, v int64) error {
	p, err := s.migrations()
	if err != nil {
		return err
	}
	_, err = p.DownTo(ctx, v)
	return err
}

// MigrateUp applies every migration (tests of migrations).
func MigrateUp(ctx context.Context, s *Store) error { return s.migrate(ctx) }

// SetWebCacheTimesForTest shortens the web caches' times (tree summary,
// accounts and tree rows, session recheck) and returns a function
// restoring them.
func SetWebCacheTimesForTest(tree, user, session time.Duration) (restore func()) {
	t, u, c, s := treeTTL, userTTL, childrenTTL, sessionRecheck
	treeTTL, userTTL, childrenTTL, sessionRecheck = tree, user, user, session
	return func() { treeTTL, userTTL, childrenTTL, sessionRecheck = t, u, c, s }
}

// UnitDelta is one unit_tallies change for ApplyTallyDeltas.
type UnitDelta struct {
	Campaign, Unit int64
	Category       string
	N              int64
}

// ApplyTallyDeltas exposes applyTallyDeltas to the tests.
func (s *Store) ApplyTallyDeltas(campaignID int64, targets map[int64]*[5]int64, units []UnitDelta) {
	m := map[unitTallyKey]int64{}
	for _, u := range units {
		m[unitTallyKey{u.Campaign, u.Unit, u.Category}] += u.N
	}
	s.applyTallyDeltas(campaignID, targets, m)
}

// BuildSummary exposes buildSummary (no cache) to the tests.
func (s *Store) BuildSummary(ctx context.Context, c *pingyi.Campaign) (*Summary, error) {
	return s.buildSummary(ctx, c)
}

// SummaryBuilds is how many summaries the cache has built.
func (s *Store) SummaryBuilds() int64 { return s.cache.builds.Load() }
