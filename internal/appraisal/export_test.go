package appraisal

import (
	"context"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// UnitDelta is one unit_tallies change for ApplyTallyDeltas.
type UnitDelta struct {
	Campaign, Unit int64
	Category       string
	N              int64
}

// ApplyTallyDeltas exposes applyTallyDeltas to the tests.
func (s *Store) ApplyTallyDeltas(campaignID int64, targets map[int64]*rules.Tally, units []UnitDelta) {
	m := map[unitTallyKey]int64{}
	for _, u := range units {
		m[unitTallyKey{Campaign: u.Campaign, Unit: u.Unit, Category: u.Category}] += u.N
	}
	s.applyTallyDeltas(campaignID, targets, m)
}

// BuildSummary exposes buildSummary (no cache) to the tests.
func (s *Store) BuildSummary(ctx context.Context, c *pingyi.Campaign) (*Summary, error) {
	return s.buildSummary(ctx, c)
}

// SummaryBuilds is how many summaries the cache has built.
func (s *Store) SummaryBuilds() int64 { return s.cache.builds.Load() }
