package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/pressly/goose/v3"

	"github.com/pingyi/pingyi/internal/pingyi"
)

// Migration 8 (a Go migration: it re-encodes data and its DDL differs per
// database) stores each ballot's ratings in the ballot's row and lets the
// intake leave the tallies to a later fold (fold.go):
//
//   - ballots.ratings: the ratings, encoded (ballot_ratings.go); the
//     ratings table is converted and dropped;
//   - ballots.tallied: 0 until the ballot is added to the tallies, with a
//     partial index on the untallied ones (it stays small: the fold empties
//     it), what the fold reads;
//   - ballots_campaign (campaign, unit) is dropped: it put an entry per
//     ballot at its unit's place in a large index; the recount now reads a
//     campaign's ballots in one pass through UNIQUE (campaign_id,
//     ballot_no), whose entries for code ballots (no number) are appended
//     in order;
//   - on PostgreSQL, fillfactor 70 on targets and 90 on codes so that tally
//     and code updates find room on their page (HOT updates, no new index
//     entries).
func migrateBallotRatings(dialect Dialect) *goose.Migration {
	up := func(ctx context.Context, tx *sql.Tx) error {
		blob := "BLOB"
		if dialect == Postgres {
			blob = "BYTEA"
		}
		for _, st := range []string{
			`ALTER TABLE ballots ADD COLUMN ratings ` + blob,
			`ALTER TABLE ballots ADD COLUMN tallied INTEGER NOT NULL DEFAULT 1`,
		} {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		if err := convertRatingRows(ctx, tx, dialect); err != nil {
			return err
		}
		sts := []string{
			`DROP TABLE ratings`,
			`DROP INDEX ballots_campaign`,
			`CREATE INDEX ballots_untallied ON ballots (campaign_id) WHERE tallied = 0`,
		}
		if dialect == Postgres {
			sts = append(sts, `ALTER TABLE targets SET (fillfactor = 70)`, `ALTER TABLE codes SET (fillfactor = 90)`)
		}
		for _, st := range sts {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return fmt.Errorf("%s: %w", st, err)
			}
		}
		return nil
	}
	down := func(ctx context.Context, tx *sql.Tx) error {
		for _, st := range []string{
			`CREATE TABLE ratings (
			    ballot_id BIGINT NOT NULL REFERENCES ballots(id),
			    target_id BIGINT NOT NULL REFERENCES targets(id),
			    rating    TEXT NOT NULL,
			    PRIMARY KEY (ballot_id, target_id))`,
			`CREATE INDEX ballots_campaign ON ballots (campaign_id, unit_org_id)`,
			`DROP INDEX ballots_untallied`,
		} {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, ratings FROM ballots WHERE ratings IS NOT NULL`)
		if err != nil {
			return err
		}
		var out [][]any
		for rows.Next() {
			var id int64
			var b []byte
			if err := rows.Scan(&id, &b); err != nil {
				rows.Close()
				return err
			}
			if err := EachRating(b, func(t int64, i int) { out = append(out, []any{id, t, string(ratingOf[i])}) }); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		q := Q{q: tx, s: &Store{Dialect: dialect}}
		if err := BatchInsert(ctx, q, "ratings", []string{"ballot_id", "target_id", "rating"}, out); err != nil {
			return err
		}
		for _, st := range []string{`ALTER TABLE ballots DROP COLUMN tallied`, `ALTER TABLE ballots DROP COLUMN ratings`} {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return err
			}
		}
		return nil
	}
	return goose.NewGoMigration(8, &goose.GoFunc{RunTx: up}, &goose.GoFunc{RunTx: down})
}

// convertRatingRows writes each ballot's rating rows into its ratings
// column, a ballot at a time in ballot order (memory bounded by a ballot).
func convertRatingRows(ctx context.Context, tx *sql.Tx, dialect Dialect) error {
	rows, err := tx.QueryContext(ctx, `SELECT ballot_id, target_id, rating FROM ratings ORDER BY ballot_id`)
	if err != nil {
		return err
	}
	type enc struct {
		id int64
		b  []byte
	}
	var done []enc
	cur := int64(0)
	ratings := map[int64]pingyi.Rating{}
	flush := func() {
		if len(ratings) > 0 {
			done = append(done, enc{cur, EncodeRatings(ratings)})
			clear(ratings)
		}
	}
	for rows.Next() {
		var bid, tid int64
		var r string
		if err := rows.Scan(&bid, &tid, &r); err != nil {
			rows.Close()
			return err
		}
		if bid != cur {
			flush()
			cur = bid
		}
		ratings[tid] = pingyi.Rating(r)
	}
	flush()
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	upd := `UPDATE ballots SET ratings = ? WHERE id = ?`
	if dialect == Postgres {
		upd = `UPDATE ballots SET ratings = $1 WHERE id = $2`
	}
	st, err := tx.PrepareContext(ctx, upd)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, e := range done {
		if _, err := st.ExecContext(ctx, e.b, e.id); err != nil {
			return err
		}
	}
	empty := `x''`
	if dialect == Postgres {
		empty = `'\x'::bytea`
	}
	_, err = tx.ExecContext(ctx, `UPDATE ballots SET ratings = `+empty+` WHERE ratings IS NULL`)
	return err
}
