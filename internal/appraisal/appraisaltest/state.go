// Package appraisaltest holds the appraisal's test helpers over the
// platform's (storetest): the database state with its campaigns' targets,
// tallies and ballots.
package appraisaltest

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// State is storetest.State with the appraisal's parts: targets with their
// tallies, unit tallies and the ballots (BallotLines).
func State(t testing.TB, s *store.Store) string {
	t.Helper()
	return storetest.State(t, s, targetsPart, unitTalliesPart, BallotLines)
}

func targetsPart(t testing.TB, s *store.Store) string {
	return strings.Join(storetest.RowLines(t, s, `SELECT c.code, t.type, t.code, t.name, o.code, t.satisfied, t.fairly_satisfied, t.basically_satisfied, t.dissatisfied, t.abstain
			FROM targets t JOIN campaigns c ON c.id = t.campaign_id JOIN orgs o ON o.id = t.unit_org_id`), "\n") + "\n"
}

func unitTalliesPart(t testing.TB, s *store.Store) string {
	return strings.Join(storetest.RowLines(t, s, `SELECT c.code, o.code, u.category, u.ballots FROM unit_tallies u JOIN campaigns c ON c.id = u.campaign_id JOIN orgs o ON o.id = u.unit_org_id`), "\n") + "\n"
}

// BallotLines describes every stored ballot's ratings, a line per rating
// ("campaign|ballot_no|category|unit|target type|target code|rating"),
// sorted: ballots keep their ratings encoded in their own row, and tests
// compare them by what they mean, not by target IDs.
func BallotLines(t testing.TB, s *store.Store) string {
	t.Helper()
	ctx := context.Background()
	targets := map[int64]string{}
	rows, err := s.R().Query(ctx, `SELECT id, type, code FROM targets`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var typ, code string
		if err := rows.Scan(&id, &typ, &code); err != nil {
			t.Fatal(err)
		}
		targets[id] = typ + "|" + code
	}
	rows.Close()
	rows, err = s.R().Query(ctx, `SELECT c.code, COALESCE(b.ballot_no, ''), b.category, o.code, b.ratings FROM ballots b
		JOIN campaigns c ON c.id = b.campaign_id JOIN orgs o ON o.id = b.unit_org_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var c, no, cat, unit string
		var enc []byte
		if err := rows.Scan(&c, &no, &cat, &unit, &enc); err != nil {
			t.Fatal(err)
		}
		rs, err := store.DecodeRatings(enc)
		if err != nil {
			t.Fatal(err)
		}
		for id, r := range rs {
			lines = append(lines, strings.Join([]string{c, no, cat, unit, targets[id], string(r)}, "|"))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n") + "\n"
}
