package store

import (
	"context"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// RecountStats says what RecountCampaign found.
type RecountStats struct {
	Targets int64 // targets checked
	Changed int64 // targets whose tallies were wrong and are now right
	Ratings int64 // ratings counted (window units' instant ratings included)
	Ballots int64 // ballots counted (instant ratings count as ballots)
	Units   int64 // unit_tallies rows written
}

// recountChunk is about how many targets RecountCampaign checks per step:
// memory stays bounded whatever the campaign's size.
const recountChunk = 5000

// RecountCampaign recomputes every tally of a campaign from scratch — the
// targets' tallies from the ratings of its ballots and the window units'
// daily aggregates, the unit tallies from the ballots — and writes the
// ones that differ. The tallies are kept up to date as ballots arrive;
// this is the check (and the repair) that they are right. It runs in one
// write transaction, so ballots arriving meanwhile wait for it.
//
// A target is rated only on ballots of its own unit, so the campaign is
// walked a few units at a time: the units' targets, then the ratings of
// the units' ballots (ballots by campaign and unit, their ratings by
// ballot: both through primary-key and existing indexes, no index on
// ratings by target needed). Memory stays bounded by the chunk.
func (s *Store) RecountCampaign(ctx context.Context, c *pingyi.Campaign) (RecountStats, error) {
	defer s.invalidateResults()
	var st RecountStats
	err := s.bigTx(ctx, func(q Q) error {
		st = RecountStats{}
		if q.Dialect() == Postgres {
			// Hold off new ballots (and instant ratings) for the recount;
			// count a chunk's ratings through the ratings primary key, ballot
			// by ballot: the planner's own choice, a hash join, reads the
			// whole ratings table for every chunk (measured 40 s instead of
			// ~10 s for a city campaign).
			for _, st := range []string{`LOCK TABLE ballots, window_daily IN SHARE MODE`,
				`SET LOCAL enable_hashjoin = off`, `SET LOCAL enable_mergejoin = off`} {
				if _, err := q.Exec(ctx, st); err != nil {
					return err
				}
			}
		}
		// Window units: their instant ratings count in their org target.
		window := map[int64][5]int64{} // org target id → counts
		rows, err := q.Query(ctx, `SELECT t.id, SUM(w.satisfied), SUM(w.fairly_satisfied), SUM(w.basically_satisfied), SUM(w.dissatisfied), SUM(w.abstain)
			FROM window_daily w JOIN targets t ON t.campaign_id = w.campaign_id AND t.type = 'org' AND t.unit_org_id = w.org_id
			WHERE w.campaign_id = ? GROUP BY t.id`, c.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			var t [5]int64
			if err := rows.Scan(&id, &t[0], &t[1], &t[2], &t[3], &t[4]); err != nil {
				rows.Close()
				return err
			}
			window[id] = t
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		// The units, with their number of targets, in unit order.
		type unitN struct{ id, n int64 }
		var units []unitN
		rows, err = q.Query(ctx, `SELECT unit_org_id, COUNT(*) FROM targets WHERE campaign_id = ? GROUP BY unit_org_id ORDER BY unit_org_id`, c.ID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var u unitN
			if err := rows.Scan(&u.id, &u.n); err != nil {
				rows.Close()
				return err
			}
			units = append(units, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}

		type tgt struct {
			id  int64
			cur [5]int64
		}
		var chunk []tgt
		counted := map[int64]*[5]int64{}
		fix := map[int64]*[5]int64{}
		for len(units) > 0 {
			// A few units, about recountChunk targets.
			k, n := 0, int64(0)
			for k < len(units) && (k == 0 || n+units[k].n <= recountChunk) {
				n += units[k].n
				k++
			}
			lo, hi := units[0].id, units[k-1].id
			units = units[k:]

			chunk = chunk[:0]
			rows, err := q.Query(ctx, `SELECT id, satisfied, fairly_satisfied, basically_satisfied, dissatisfied, abstain FROM targets
				WHERE campaign_id = ? AND unit_org_id >= ? AND unit_org_id <= ?`, c.ID, lo, hi)
			if err != nil {
				return err
			}
			for rows.Next() {
				var t tgt
				if err := rows.Scan(&t.id, &t.cur[0], &t.cur[1], &t.cur[2], &t.cur[3], &t.cur[4]); err != nil {
					rows.Close()
					return err
				}
				chunk = append(chunk, t)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			st.Targets += int64(len(chunk))

			clear(counted)
			for _, t := range chunk {
				counted[t.id] = new([5]int64)
			}
			rows, err = q.Query(ctx, `SELECT r.target_id, r.rating, COUNT(*) FROM ballots b JOIN ratings r ON r.ballot_id = b.id
				WHERE b.campaign_id = ? AND b.unit_org_id >= ? AND b.unit_org_id <= ? GROUP BY r.target_id, r.rating`, c.ID, lo, hi)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id, n int64
				var r string
				if err := rows.Scan(&id, &r, &n); err != nil {
					rows.Close()
					return err
				}
				st.Ratings += n
				if t := counted[id]; t != nil {
					t[tallyIndex(pingyi.Rating(r))] += n
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, t := range chunk {
				want := counted[t.id]
				if w, ok := window[t.id]; ok {
					for i := range w {
						want[i] += w[i]
						st.Ratings += w[i]
					}
				}
				if *want != t.cur {
					var d [5]int64 // addTallies adds: write the difference
					for i := range d {
						d[i] = want[i] - t.cur[i]
					}
					fix[t.id] = &d
				}
			}
			if len(fix) >= recountChunk {
				st.Changed += int64(len(fix))
				if err := addTallies(ctx, q, fix); err != nil {
					return err
				}
				clear(fix)
			}
		}
		st.Changed += int64(len(fix))
		if err := addTallies(ctx, q, fix); err != nil {
			return err
		}

		// Unit tallies: ballots per unit and category, plus each window
		// unit's instant ratings as service objects' ballots.
		if _, err := q.Exec(ctx, `DELETE FROM unit_tallies WHERE campaign_id = ?`, c.ID); err != nil {
			return err
		}
		res, err := q.Exec(ctx, `INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots)
			SELECT campaign_id, unit_org_id, category, SUM(n) FROM (
				SELECT campaign_id, unit_org_id, category, COUNT(*) AS n FROM ballots WHERE campaign_id = ? GROUP BY campaign_id, unit_org_id, category
				UNION ALL
				SELECT campaign_id, org_id, ?, SUM(satisfied + fairly_satisfied + basically_satisfied + dissatisfied + abstain) FROM window_daily
				WHERE campaign_id = ? GROUP BY campaign_id, org_id
			) u GROUP BY campaign_id, unit_org_id, category`, c.ID, string(pingyi.EvalServiceObject), c.ID)
		if err != nil {
			return err
		}
		st.Units, _ = res.RowsAffected()
		return q.QueryRow(ctx, `SELECT COALESCE(SUM(ballots), 0) FROM unit_tallies WHERE campaign_id = ?`, c.ID).Scan(&st.Ballots)
	})
	return st, err
}

// bigTx runs fn in a write transaction that reads much: on SQLite on a
// connection given a 64 MB page cache for it (the default 2 MB makes
// SQLite read the same index and table pages again and again: measured
// 14.5 s instead of 11 s for a city campaign's recount).
func (s *Store) bigTx(ctx context.Context, fn func(Q) error) (err error) {
	if s.Dialect != SQLite {
		return s.Tx(ctx, fn)
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -65536`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	tx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE (the DSN's _txlock)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = fn(Q{q: tx, s: s}); err != nil {
		return err
	}
	return tx.Commit()
}
