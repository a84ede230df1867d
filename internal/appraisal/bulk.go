package appraisal

import (
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// BulkBallots adds generated ballots to a bulk load (pingyi demo --scale,
// the benchmarks' fill): their rows go with the load's orgs and members
// in its one transaction, already tallied (the loader adds to the tallies
// itself, at each flush of the load).
type BulkBallots struct {
	b       *store.BulkLoader
	tallies map[int64]*rules.Tally
	units   map[unitTallyKey]int64
	// campaigns given ballots: generated, not arrived, so there is no
	// order of arrival to rewrite away (SortClosedBallots skips them).
	campaigns map[int64]bool

	Ballots, Ratings int64
}

// BulkRating is one rating of a bulk ballot: a target ID of the campaign.
type BulkRating struct {
	TargetID int64
	Rating   pingyi.Rating
}

// bulkFlushTargets is how many targets' tallies are kept before they are
// written.
const bulkFlushTargets = 20000

// NewBulkBallots adds ballots to bulk load b.
func NewBulkBallots(b *store.BulkLoader) *BulkBallots {
	bb := &BulkBallots{b: b, tallies: map[int64]*rules.Tally{}, units: map[unitTallyKey]int64{}, campaigns: map[int64]bool{}}
	b.OnFlush(bb.flushTallies)
	b.BeforeCommit(func(q store.Q) error {
		for id := range bb.campaigns {
			if _, err := q.Exec(b.Context(), `UPDATE campaigns SET ballots_sorted = 1 WHERE id = ?`, id); err != nil {
				return err
			}
		}
		return nil
	})
	return bb
}

// Ballot adds a ballot of campaign c cast in unit and adds it to the
// tallies (ratings must be valid for the unit and the scale, at most one
// per target: the caller generated them so).
func (bb *BulkBallots) Ballot(c *pingyi.Campaign, unitID int64, category pingyi.EvaluatorCategory, day, source string, ratings []BulkRating) error {
	bb.Ballots++
	bb.b.Count("ballots", 1)
	bb.campaigns[c.ID] = true
	enc := make(map[int64]pingyi.Rating, len(ratings))
	for _, r := range ratings {
		bb.Ratings++
		enc[r.TargetID] = r.Rating
		t := bb.tallies[r.TargetID]
		if t == nil {
			t = new(rules.Tally)
			bb.tallies[r.TargetID] = t
		}
		t.AddSlot(rules.Slot(r.Rating), 1)
	}
	bb.b.Count("ratings", int64(len(ratings)))
	// Tallied as loaded (tallied = 1).
	if err := bb.b.Row("ballots", []string{"id", "campaign_id", "unit_org_id", "category", "day", "source", "ballot_no", "opinion", "ratings", "tallied"},
		store.RandomID(), c.ID, unitID, string(category), day, source, nil, "", store.EncodeRatings(enc), 1); err != nil {
		return err
	}
	bb.units[unitTallyKey{Campaign: c.ID, Unit: unitID, Category: string(category)}]++
	if len(bb.tallies) >= bulkFlushTargets {
		return bb.b.Flush()
	}
	return nil
}

func (bb *BulkBallots) flushTallies(q store.Q) error {
	if err := addTallies(bb.b.Context(), q, bb.tallies); err != nil {
		return err
	}
	if err := addUnitTallies(bb.b.Context(), q, bb.units); err != nil {
		return err
	}
	clear(bb.tallies)
	clear(bb.units)
	return nil
}
