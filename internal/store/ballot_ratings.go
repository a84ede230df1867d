package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/rules"
)

// A ballot's ratings are stored in the ballot's own row (ballots.ratings),
// not as a row per rating: a ballot is then one row written where the
// ballots table grows, instead of thirteen rows and an index entry at a
// random place per rating — what lets the intake keep up with an evening's
// peak (docs/PERFORMANCE.md).
//
// The encoding: the ratings in ascending target ID order, each as the
// unsigned varint of the difference to the previous target ID (the first:
// the ID itself) followed by one byte, the rating's tally index
// (0 satisfied, 1 fairly, 2 basically, 3 dissatisfied, 4 abstain). The
// targets a ballot rates are those of one unit, made together, so the
// differences are small: about 3 bytes per rating.

// EncodeRatings encodes a ballot's ratings (target ID → rating).
func EncodeRatings(ratings map[int64]pingyi.Rating) []byte {
	ids := make([]int64, 0, len(ratings))
	for id := range ratings {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]byte, 0, 4*len(ids)+8)
	var prev int64
	for _, id := range ids {
		out = binary.AppendUvarint(out, uint64(id-prev))
		out = append(out, byte(rules.Slot(ratings[id])))
		prev = id
	}
	return out
}

// errBadRatings reports a ratings value that does not decode.
var errBadRatings = errors.New("ballot ratings: malformed encoding")

// EachRating calls fn with each rating of an encoded ballot: the target ID
// and the tally index.
func EachRating(b []byte, fn func(targetID int64, idx int)) error {
	var prev int64
	for i := 0; len(b) > 0; i++ {
		d, n := binary.Uvarint(b)
		if n <= 0 || len(b) < n+1 || b[n] > 4 || (i > 0 && d == 0) || d > math.MaxInt64-uint64(prev) {
			return errBadRatings
		}
		prev += int64(d)
		if prev <= 0 {
			return errBadRatings
		}
		fn(prev, int(b[n]))
		b = b[n+1:]
	}
	return nil
}

// ratingOf is the rating of a tally index (the inverse of rules.Slot).
var ratingOf = [5]pingyi.Rating{pingyi.Satisfied, pingyi.FairlySatisfied, pingyi.BasicallySatisfied, pingyi.Dissatisfied, pingyi.Abstain}

// DecodeRatings decodes a ballot's stored ratings (target ID → rating).
func DecodeRatings(enc []byte) (map[int64]pingyi.Rating, error) {
	out := map[int64]pingyi.Rating{}
	err := EachRating(enc, func(t int64, i int) { out[t] = ratingOf[i] })
	return out, err
}

// EachBallot reads rows of (unit_org_id, category, ratings) — stored
// ballots — calling ballot for each and rating for each of its ratings
// (target ID, tally index). It closes rows.
func EachBallot(rows *sql.Rows, ballot func(unit int64, category string), rating func(targetID int64, idx int)) error {
	defer rows.Close()
	var unit int64
	var cat string
	var enc []byte
	for rows.Next() {
		if err := rows.Scan(&unit, &cat, &enc); err != nil {
			return err
		}
		ballot(unit, cat)
		if err := EachRating(enc, rating); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Int64s runs a query of one integer column and returns its values.
func Int64s(ctx context.Context, q Q, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
