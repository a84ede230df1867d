package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// pickCampaign returns the campaign named, or the one with most targets.
func pickCampaign(ctx context.Context, s *store.Store, code string) (*pingyi.Campaign, error) {
	if code == "" {
		err := s.R().QueryRow(ctx, `SELECT c.code FROM campaigns c JOIN targets t ON t.campaign_id = c.id WHERE c.test_mode = 0
			GROUP BY c.id, c.code ORDER BY COUNT(*) DESC, c.code LIMIT 1`).Scan(&code)
		if err != nil {
			return nil, fmt.Errorf("no campaign with targets: fill the database with pingyi demo --scale … --ballots (%v)", err)
		}
	}
	return appraisal.New(s).Campaign(ctx, code)
}

// resultsReads is how many times results-read reads the results.
const resultsReads = 7

// resultsRead measures reading a counted campaign's results: every
// target's tallies and its unit's composition, with rules R1–R5 applied
// (appraisal.Summary, what pages and exports read). The tallies are kept as
// ballots arrive, so this never reads a ballot. The first read (uncached:
// the summary built from the tallies) is reported in the note; p50 and
// p99 are of the reads after it.
func resultsRead(ctx context.Context, s *store.Store, c *pingyi.Campaign) Result {
	res := Result{Name: "results-read", Unit: "reads/s"}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	mw := watchMemory()
	t0 := time.Now()
	if _, err := appraisal.New(s).Summary(ctx, c); err != nil { // warm the caches
		res.Skipped = err.Error()
		return res
	}
	first := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	held := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	var times []time.Duration
	var r *appraisal.Summary
	start := time.Now()
	for range resultsReads {
		t := time.Now()
		var err error
		if r, err = appraisal.New(s).Summary(ctx, c); err != nil {
			res.Errors++
			res.Note = err.Error()
			continue
		}
		times = append(times, time.Since(t))
	}
	el := time.Since(start)
	mw.done(&res)
	slices.Sort(times)
	res.Ops, res.Seconds = int64(len(times)), el.Seconds()
	res.Rate = float64(len(times)) / el.Seconds()
	res.P50Ms, res.P99Ms = percentile(times, 50), percentile(times, 100)
	if r != nil {
		flagged := 0
		for i := range r.Targets {
			if r.Targets[i].Flags != 0 {
				flagged++
			}
		}
		res.Note = fmt.Sprintf("campaign %s: %d targets, %d units, %d ballots, %d targets flagged; first read (uncached) %.1f ms, summary held in the cache %.1f MB; p50 = median read, p99 = slowest of %d",
			c.Code, len(r.Targets), len(r.Units), r.Ballots, flagged, float64(first)/float64(time.Millisecond), held, len(times))
	}
	return res
}

// resultsRecount measures recounting every tally of the campaign from the
// ratings (store.RecountCampaign); on a consistent database it changes
// nothing.
func resultsRecount(ctx context.Context, s *store.Store, c *pingyi.Campaign) Result {
	res := Result{Name: "results-recount", Unit: "ratings/s"}
	mw := watchMemory()
	t := time.Now()
	st, err := appraisal.New(s).RecountCampaign(ctx, c)
	el := time.Since(t)
	mw.done(&res)
	if err != nil {
		res.Errors = 1
		res.Note = err.Error()
		return res
	}
	res.Ops, res.Seconds = st.Ratings, el.Seconds()
	res.Rate = float64(st.Ratings) / el.Seconds()
	res.Note = fmt.Sprintf("campaign %s: %d targets checked, %d tallies corrected, %d ratings and %d ballots counted, %d unit tallies written",
		c.Code, st.Targets, st.Changed, st.Ratings, st.Ballots, st.Units)
	return res
}
