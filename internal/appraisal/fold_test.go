package appraisal_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// untallied counts a campaign's ballots not yet in its tallies.
func untallied(t testing.TB, s *store.Store, id int64) int {
	t.Helper()
	var n int
	if err := s.R().QueryRow(context.Background(), `SELECT COUNT(*) FROM ballots WHERE campaign_id = ? AND tallied = 0`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestFold: the intake stores ballots untallied; a read of the tallies
// folds them, exactly once, also when several folds run at once; the
// folded tallies are what a recount from scratch computes.
func TestFold(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "mass_rep", 40, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		r := rand.New(rand.NewPCG(5, 5))
		for _, k := range codes {
			if _, err := in.Submit(ctx, k, ballot12(r, targets["B01"]), ""); err != nil {
				t.Fatal(err)
			}
		}
		in.Close()
		var raw int64
		if err := s.R().QueryRow(ctx, `SELECT COALESCE(SUM(satisfied + fairly_satisfied + basically_satisfied + dissatisfied + abstain), 0) FROM targets WHERE campaign_id = ?`, c.ID).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		// The background folder may have folded some; what it folded is in
		// the tallies, the rest is untallied.
		if n := untallied(t, s, c.ID); n+int(raw)/12 != 40 || int(raw)%12 != 0 {
			t.Fatalf("%d untallied ballots and %d ratings tallied after the intake; want 40 ballots in all", n, raw)
		}
		// Untally them all again: the folds below have all 40 to do.
		if _, err := s.R().Exec(ctx, `UPDATE ballots SET tallied = 0 WHERE campaign_id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.R().Exec(ctx, `UPDATE targets SET satisfied = 0, fairly_satisfied = 0, basically_satisfied = 0, dissatisfied = 0, abstain = 0 WHERE campaign_id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.R().Exec(ctx, `DELETE FROM unit_tallies WHERE campaign_id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		// Four folds at once: each ballot is counted once.
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() { defer wg.Done(); errs <- appraisal.New(s).FoldBallots(ctx, c.ID) }()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := untallied(t, s, c.ID); n != 0 {
			t.Fatalf("%d ballots untallied after the fold", n)
		}
		folded := tallies(t, s, c)
		st, err := appraisal.New(s).RecountCampaign(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Changed != 0 || st.Ballots != 40 || st.Ratings != 40*12 {
			t.Errorf("recount after the fold: %+v; want nothing changed, 40 ballots, 480 ratings", st)
		}
		if got := tallies(t, s, c); fmt.Sprint(got) != fmt.Sprint(folded) {
			t.Errorf("recount disagrees with the fold:\n got %v\nwant %v", got, folded)
		}
	})
}

// TestMigrationBallotRatings: ballots stored as rating rows (schema 7)
// keep every rating when migration 8 moves them into the ballot's row,
// and going back down restores the rows.
func TestMigrationBallotRatings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		codes, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "mass_rep", 10, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		r := rand.New(rand.NewPCG(7, 7))
		for _, k := range codes {
			if _, err := in.Submit(ctx, k, ballot12(r, targets["B01"]), ""); err != nil {
				t.Fatal(err)
			}
		}
		in.Close()
		want := tallies(t, s, c) // folds
		if err := store.MigrateDownTo(ctx, s, 7); err != nil {
			t.Fatal(err)
		}
		var rows int
		if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM ratings`).Scan(&rows); err != nil {
			t.Fatal(err)
		}
		if rows != 10*12 {
			t.Fatalf("%d rating rows at schema 7, want 120", rows)
		}
		// Spoil the tallies so that only the ratings can restore them.
		if _, err := s.R().Exec(ctx, `UPDATE targets SET satisfied = 0, fairly_satisfied = 0, basically_satisfied = 0, dissatisfied = 0, abstain = 0 WHERE campaign_id = ?`, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := store.MigrateUp(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := s.R().Exec(ctx, `SELECT 1 FROM ratings`); err == nil {
			t.Error("ratings table still there after migration 8")
		}
		st, err := appraisal.New(s).RecountCampaign(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if st.Ratings != 120 || st.Ballots != 10 {
			t.Errorf("recount after migrating: %+v; want 10 ballots, 120 ratings", st)
		}
		if got := tallies(t, s, c); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("tallies from migrated ballots:\n got %v\nwant %v", got, want)
		}
	})
}

// TestIntakeCodeCache: the intake keeps a unit's codes after the first one
// is used; a code issued later is still found, a spent one is refused as
// used, an unknown one as not found.
func TestIntakeCodeCache(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, targets := recountSeed(t, s)
		first, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "mass_rep", 3, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		in := appraisal.New(s).NewIntake()
		defer in.Close()
		r := rand.New(rand.NewPCG(9, 9))
		if _, err := in.Submit(ctx, first[0], ballot12(r, targets["B01"]), ""); err != nil {
			t.Fatal(err)
		}
		later, err := appraisal.New(s).IssueCodes(ctx, c, "B01", "party_member", 2, store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := in.Submit(ctx, later[0], ballot12(r, targets["B01"]), ""); err != nil {
			t.Fatalf("code issued after its unit's codes were cached: %v", err)
		}
		if _, err := in.Submit(ctx, first[0], ballot12(r, targets["B01"]), ""); !errors.Is(err, appraisal.ErrCodeUsed) {
			t.Errorf("spent code again: %v, want ErrCodeUsed", err)
		}
		if _, err := in.Submit(ctx, "NOSUCHCODE", ballot12(r, targets["B01"]), ""); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("unknown code: %v, want ErrNotFound", err)
		}
		// The category comes from the code, cached or not.
		var cats []string
		rows, err := s.R().Query(ctx, `SELECT category FROM ballots WHERE campaign_id = ? ORDER BY category`, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var cat string
			rows.Scan(&cat)
			cats = append(cats, cat)
		}
		rows.Close()
		if fmt.Sprint(cats) != "[mass_rep party_member]" {
			t.Errorf("ballot categories %v, want [mass_rep party_member]", cats)
		}
	})
}
