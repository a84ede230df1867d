package appraisal

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// The fold (计票) adds stored ballots to the tallies. Ballots are written
// by the intake with tallied = 0 and their ratings in their own row
// (insertBallots); the fold takes a chunk of a campaign's untallied
// ballots, marks them tallied and adds their ratings to the targets'
// tallies and their count to the unit tallies, in one transaction. So the
// evening's peak writes only ballots, and each target's row is updated
// once per fold however many ballots rated it meanwhile.
//
// Tallies are never read stale: every read of them (results, coverage,
// unit progress) calls FoldBallots first, which folds whatever is pending
// — usually nothing, as the intake's folder runs in the background. After
// a crash the untallied ballots are simply still untallied: nothing is
// lost and nothing is counted twice, because marking a ballot tallied and
// counting it commit together. Two folds at once (two processes on one
// PostgreSQL database) cannot count a ballot twice either: the claim is
// UPDATE … WHERE tallied = 0, which the second one re-checks after the
// first commits.

// foldChunk is how many ballots one fold transaction takes at most: large,
// since a target rated on several ballots of a chunk is updated once (a
// district's 46,000 ballots: 16,000 ballots/s in chunks of 5,000). Memory
// is bounded by the targets a chunk touches.
const foldChunk = 20000

// FoldBallots adds a campaign's untallied ballots to its tallies.
func (s *Store) FoldBallots(ctx context.Context, campaignID int64) error {
	locked := false
	defer func() {
		if locked {
			s.foldMu.Unlock()
		}
	}()
	for {
		var one int
		err := s.R().QueryRow(ctx, `SELECT 1 FROM ballots WHERE campaign_id = ? AND tallied = 0 LIMIT 1`, campaignID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if !locked {
			// One fold at a time in this process: two would pick the same
			// ballots, and one would wait for the other's row locks (or
			// SQLite's write lock) to find them gone.
			s.foldMu.Lock()
			locked = true
			continue // look again: the fold we waited for may have done it all
		}
		n, err := s.foldChunk(ctx, campaignID, foldChunk)
		if err != nil {
			return err
		}
		if n < foldChunk {
			return nil
		}
	}
}

// foldChunk folds up to max ballots of a campaign and returns how many it
// folded.
func (s *Store) foldChunk(ctx context.Context, campaignID int64, max int) (int, error) {
	var n int
	tallies := map[int64]*rules.Tally{}
	units := map[unitTallyKey]int64{}
	err := s.Tx(ctx, func(q store.Q) error {
		n = 0
		clear(tallies)
		clear(units)
		// The claim: pick untallied ballots, then mark them by ID (two
		// statements: an UPDATE … WHERE id IN (subquery with LIMIT) is
		// planned on PostgreSQL as a nested loop re-running the subquery
		// for every untallied ballot when statistics are stale).
		if q.Dialect() == store.SQLite {
			return claimByKey(ctx, q, campaignID, max, &n, units, tallies)
		}
		ids, err := untalliedIDs(ctx, q, campaignID, max)
		if err != nil {
			return err
		}
		claim := claimSQL
		var moved [][]any
		if q.Dialect() == store.Postgres {
			claim = moveSQL
		}
		for len(ids) > 0 {
			k := min(len(ids), claimPer)
			args := make([]any, claimPer)
			for i := range args {
				args[i] = ids[min(i, k-1)] // pad with the last: one statement text
			}
			ids = ids[k:]
			rows, err := q.Query(ctx, claim, args...)
			if err != nil {
				return err
			}
			each := store.EachBallot
			if q.Dialect() == store.Postgres {
				each = func(rows *sql.Rows, ballot func(int64, string), rating func(int64, int)) error {
					return eachMoved(rows, &moved, ballot, rating)
				}
			}
			if err := each(rows, func(unit int64, cat string) {
				n++
				units[unitTallyKey{Campaign: campaignID, Unit: unit, Category: cat}]++
			}, func(t int64, i int) {
				c := tallies[t]
				if c == nil {
					c = new(rules.Tally)
					tallies[t] = c
				}
				c.AddSlot(i, 1)
			}); err != nil {
				return err
			}
		}
		if err := reinsertMoved(ctx, q, moved); err != nil {
			return err
		}
		if err := addTallies(ctx, q, tallies); err != nil {
			return err
		}
		return addUnitTallies(ctx, q, units)
	})
	if err != nil {
		if n > 0 {
			s.invalidateResults() // the commit's outcome is unknown
		}
		return 0, err
	}
	if n > 0 {
		s.applyTallyDeltas(campaignID, tallies, units) // the cached summary follows
	}
	s.folded.Add(int64(n))
	return n, nil
}

// claimPer is how many ballots one claim statement marks.
const claimPer = 250

// claimSQL marks claimPer ballots (by ID) tallied if they were not, and
// returns what the tallies need of those it marked. A ballot another fold
// marked meanwhile is not returned: on PostgreSQL the UPDATE waits for
// that fold to commit and then re-checks tallied.
//
// It says tallied <> 1, not tallied = 0: the same for a column holding 0
// or 1, but it does not match the partial index of untallied ballots, which
// PostgreSQL's generic plan otherwise chose, scanning every untallied
// ballot for each statement (measured: 100–200 ms per 250 ballots).
var claimSQL = `UPDATE ballots SET tallied = 1 WHERE tallied <> 1 AND id IN (` +
	store.Placeholders(claimPer) + `) RETURNING unit_org_id, category, ratings`

// claimByKey is the claim on SQLite, where the ballots' key is (campaign,
// tallied, slot, ID): the untallied ones are the start of their
// campaign's range; each is marked (moved to the tallied range, its slot
// now its unit) by its key with a prepared statement — SQLite has no round
// trip to save.
func claimByKey(ctx context.Context, q store.Q, campaignID int64, max int, n *int, units map[unitTallyKey]int64, tallies map[int64]*rules.Tally) error {
	rows, err := q.Query(ctx, `SELECT slot, id FROM ballots WHERE campaign_id = ? AND tallied = 0 LIMIT ?`, campaignID, max)
	if err != nil {
		return err
	}
	var keys [][2]int64
	for rows.Next() {
		var k [2]int64
		if err := rows.Scan(&k[0], &k[1]); err != nil {
			rows.Close()
			return err
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, k := range keys {
		rows, err := q.Query(ctx, `UPDATE ballots SET tallied = 1, slot = unit_org_id WHERE campaign_id = ? AND tallied = 0 AND slot = ? AND id = ?
			RETURNING unit_org_id, category, ratings`, campaignID, k[0], k[1])
		if err != nil {
			return err
		}
		if err := store.EachBallot(rows, func(unit int64, cat string) {
			*n++
			units[unitTallyKey{Campaign: campaignID, Unit: unit, Category: cat}]++
		}, func(t int64, i int) {
			c := tallies[t]
			if c == nil {
				c = new(rules.Tally)
				tallies[t] = c
			}
			c.AddSlot(i, 1)
		}); err != nil {
			return err
		}
	}
	if err := addTallies(ctx, q, tallies); err != nil {
		return err
	}
	return addUnitTallies(ctx, q, units)
}

// moveSQL is claimSQL on PostgreSQL, where the heap keeps the order in
// which rows were written: it deletes the claimed ballots and returns
// them whole, and the fold writes them again, tallied, sorted by their
// random IDs (reinsertMoved). So a ballot's place in the heap and its
// transaction ID stop telling when it arrived, or that it shared its
// intake transaction with a code or a receipt, once it is folded — in
// the background, within a second of a quiet moment (docs/ANONYMITY.md).
var moveSQL = `DELETE FROM ballots WHERE tallied <> 1 AND id IN (` + store.Placeholders(claimPer) +
	`) RETURNING unit_org_id, category, ratings, id, campaign_id, day, source, ballot_no, opinion`

// eachMoved is store.EachBallot for moveSQL's rows, keeping each row (as
// insertBallots writes it, tallied) in moved.
func eachMoved(rows *sql.Rows, moved *[][]any, ballot func(unit int64, category string), rating func(targetID int64, idx int)) error {
	defer rows.Close()
	for rows.Next() {
		var id, campaign, unit int64
		var cat, day, source, opinion string
		var no sql.NullString
		var enc []byte
		if err := rows.Scan(&unit, &cat, &enc, &id, &campaign, &day, &source, &no, &opinion); err != nil {
			return err
		}
		ballot(unit, cat)
		if err := store.EachRating(enc, rating); err != nil {
			return err
		}
		var bn any
		if no.Valid {
			bn = no.String
		}
		*moved = append(*moved, []any{id, campaign, unit, cat, day, source, bn, opinion, enc, 1, unit})
	}
	return rows.Err()
}

// reinsertMoved writes the ballots moveSQL took back, in key order.
func reinsertMoved(ctx context.Context, q store.Q, moved [][]any) error {
	if len(moved) == 0 {
		return nil
	}
	slices.SortFunc(moved, func(a, b []any) int { return cmp.Compare(a[0].(int64), b[0].(int64)) })
	return store.InsertRows(ctx, q, "ballots", ballotCols, moved)
}

// untalliedIDs lists up to max untallied ballots of a campaign.
func untalliedIDs(ctx context.Context, q store.Q, campaignID int64, max int) ([]int64, error) {
	return store.Int64s(ctx, q, `SELECT id FROM ballots WHERE campaign_id = ? AND tallied = 0 LIMIT ?`, campaignID, max)
}

// FoldedBallots is how many ballots this Store has folded so far.
func (s *Store) FoldedBallots() int64 { return s.folded.Load() }

// pendingCampaigns lists the campaigns with untallied ballots.
func (s *Store) pendingCampaigns(ctx context.Context) ([]int64, error) {
	// By campaign, each probed by the untallied index (PostgreSQL) or the
	// ballots' key (SQLite).
	return store.Int64s(ctx, s.R(), `SELECT c.id FROM campaigns c WHERE EXISTS (SELECT 1 FROM ballots b WHERE b.campaign_id = c.id AND b.tallied = 0)`)
}

// FoldAll folds every campaign with untallied ballots.
func (s *Store) FoldAll(ctx context.Context) error {
	ids, err := s.pendingCampaigns(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := s.FoldBallots(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// folder folds in the background while the intake runs. While ballots
// arrive (a peak) it folds a little each tick — one small chunk per
// campaign, a few percent of the writer's time — and leaves the rest for
// a quiet moment (no ballot for foldQuiet), when it folds everything
// pending: during an evening's peak the intake keeps the write lock for
// ballots, and every target row is then updated once for many ballots.
// Reads of the tallies fold whatever is pending themselves.
func (in *Intake) folder() {
	defer close(in.foldDone)
	t := time.NewTicker(foldTick)
	defer t.Stop()
	var lastSort time.Time
	for {
		select {
		case <-in.foldStop:
			return
		case <-t.C:
		}
		busy := time.Since(time.Unix(0, in.lastBallot.Load())) < foldQuiet
		if err := in.fold(context.Background(), busy); err != nil {
			slog.Warn("fold", "err", err)
		}
		if !busy && time.Since(lastSort) > sortEvery {
			lastSort = time.Now()
			if err := in.sortClosed(context.Background()); err != nil {
				slog.Warn("sort closed ballots", "err", err)
			}
		}
	}
}

// fold folds the pending campaigns in small chunks: one chunk each when
// busy, else all. On SQLite each chunk takes the intake's write turn
// (writeMu), so the writer and the fold alternate instead of the writer
// sleeping in SQLite's busy handler while a fold holds the write lock.
func (in *Intake) fold(ctx context.Context, busy bool) error {
	ids, err := in.s.pendingCampaigns(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		for {
			in.s.foldMu.Lock()
			if in.conn != nil {
				in.writeMu.Lock()
			}
			n, err := in.s.foldChunk(ctx, id, foldSmallChunk)
			if in.conn != nil {
				in.writeMu.Unlock()
			}
			in.s.foldMu.Unlock()
			if err != nil {
				return err
			}
			if busy || n < foldSmallChunk {
				break
			}
		}
	}
	return nil
}

// sortClosed is SortClosedBallots from the folder (on SQLite it only
// marks campaigns: a short write, no need of the writer's turn).
func (in *Intake) sortClosed(ctx context.Context) error {
	return in.s.SortClosedBallots(ctx)
}

// sortEvery is how often a quiet intake looks for closed campaigns whose
// ballots are not yet rewritten in key order (one small query).
const sortEvery = 10 * time.Second

const (
	// foldSmallChunk is the background fold's chunk: a short transaction
	// (about 10 ms) between the intake's batches.
	foldSmallChunk = 250
	foldTick       = 250 * time.Millisecond
	foldQuiet      = 500 * time.Millisecond
)
