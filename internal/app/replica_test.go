package app_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestReadReplica: with the replica's replay paused, marked reads show the
// replica's (older) state and unmarked ones the primary's; every write,
// marked or not, goes to the primary (a write on the replica would fail:
// none does); once replay resumes the marked reads catch up.
func TestReadReplica(t *testing.T) {
	c := storetest.Replica(t)
	ctx := context.Background()
	s, err := store.Open(ctx, c.Primary)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c.CatchUp(t)
	if err := s.UseReader(ctx, c.Replica); err != nil {
		t.Fatal(err)
	}
	rctx := store.ReadReplica(ctx)
	count := func(ctx context.Context) int {
		var n int
		if err := s.R().QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Only the read-only pages are marked (cli/serve_read.go): a write
	// is never made in a marked context, whose reads may be a moment
	// old. Were one made, its statements and transactions would still go
	// to the primary (the replica refuses writes).
	camp := opsSeed(t, s)
	if _, err := appraisal.New(s).ImportBallots(ctx, camp, opsPaper(0, 3, "satisfied"), store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := s.R().Exec(rctx, `INSERT INTO sessions (token, data, expiry) VALUES ('t1', '', 0)`); err != nil {
		t.Fatalf("Exec in a marked context: %v", err)
	}
	if err := s.Tx(rctx, func(q store.Q) error {
		var n int
		if err := q.QueryRow(rctx, `SELECT COUNT(*) FROM sessions WHERE token = 't1'`).Scan(&n); err != nil || n != 1 {
			return fmt.Errorf("read in a transaction: %d rows, %v", n, err)
		}
		_, err := q.Exec(rctx, `DELETE FROM sessions WHERE token = 't1'`)
		return err
	}); err != nil {
		t.Fatalf("a transaction in a marked context: %v", err)
	}
	// Paper ballots are folded into the tallies by the first read of the
	// results (on the primary, in a transaction); the replica shows them
	// once it has replayed the fold.
	if res, err := appraisal.New(s).Results(ctx, camp); err != nil || res.Ballots != 3 {
		t.Fatalf("results: %v, %v", res, err)
	}
	c.CatchUp(t)
	if n := count(rctx); n != 2 {
		t.Fatalf("replica read after catching up: %d orgs, want 2", n)
	}
	res, err := appraisal.New(s).Results(rctx, camp)
	if err != nil || res.Ballots != 3 {
		t.Fatalf("results from the replica: %v, %v", res, err)
	}

	c.PauseReplay(t, true)
	if _, err := s.ImportOrgs(ctx, []store.OrgRow{{Line: 2, Code: "B2", Name: "某村第二党支部", Type: "branch", Domain: "rural", ParentCode: "D"}}, store.CLI); err != nil {
		t.Fatal(err)
	}
	if _, err := appraisal.New(s).ImportBallots(ctx, camp, opsPaper(3, 2, "dissatisfied"), store.CLI); err != nil {
		t.Fatal(err)
	}
	before, _ := s.ReaderStats()
	if n := count(rctx); n != 2 {
		t.Errorf("marked read while the replica is paused: %d orgs, want 2 (the replica's state)", n)
	}
	if after, _ := s.ReaderStats(); after <= before {
		t.Errorf("the marked read did not go to the replica (%d → %d queries)", before, after)
	}
	if n := count(ctx); n != 3 {
		t.Errorf("unmarked read: %d orgs, want 3 (the primary's)", n)
	}
	if res, err := appraisal.New(s).Results(rctx, camp); err != nil || res.Ballots != 3 {
		t.Errorf("results from the paused replica: %v, %v; want its 3 ballots", res, err)
	}
	if res, err := appraisal.New(s).Results(ctx, camp); err != nil || res.Ballots != 5 {
		t.Errorf("results from the primary: %v, %v; want 5 ballots", res, err)
	}
	c.PauseReplay(t, false)
	c.CatchUp(t)
	if n := count(rctx); n != 3 {
		t.Errorf("marked read after replay resumed: %d orgs, want 3", n)
	}
	if res, err := appraisal.New(s).Results(rctx, camp); err != nil || res.Ballots != 5 {
		t.Errorf("results from the replica, caught up: %v, %v; want 5 ballots", res, err)
	}
	reads, _ := s.ReaderStats()
	t.Logf("%d queries read from the replica", reads)
	if err := s.UseReader(ctx, "sqlite:/nonexistent/x.db"); err == nil {
		t.Error("a SQLite read replica accepted")
	}
}
