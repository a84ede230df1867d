package bench

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestFillAndRun fills a tiny generated tree with ballots and runs the
// cheap benchmarks on it once: the paths of `pingyi demo` and `pingyi
// bench` keep working (the numbers mean nothing here).
func TestFillAndRun(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := context.Background()
	sc := demo.City
	sc.Name, sc.Districts, sc.Towns, sc.Streets, sc.Villages, sc.Communities = "tiny", 1, 2, 1, 4, 2
	sc.Agencies, sc.StateEnterprises, sc.AgenciesPerTown, sc.EnterprisesPerTown, sc.NewEconomicPerTown, sc.NewSocialPerTown = 2, 1, 1, 0.5, 1, 0.5
	st, err := Fill(ctx, s, FillOptions{Scale: sc, Seed: 7, Ballots: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Orgs == 0 || st.Members == 0 || st.Ballots == 0 || st.Ratings < 5*st.Ballots {
		t.Fatalf("fill: %+v", st)
	}
	if _, err := Fill(ctx, s, FillOptions{Scale: sc, Seed: 7}); err != ErrNotEmpty {
		t.Fatalf("second fill: %v, want ErrNotEmpty", err)
	}
	r, err := Run(ctx, s, Options{Only: []string{"intake-c16", "results-read", "results-recount", "tree-page", "results-page"},
		IntakeBallots: 100, PageDuration: 100 * time.Millisecond, PageClients: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range r.Results {
		if x.Skipped != "" || x.Errors != 0 || x.Ops == 0 {
			t.Errorf("%s: %+v", x.Name, x)
		}
		if x.Name == "results-recount" && !strings.Contains(x.Note, " 0 tallies corrected") {
			t.Errorf("recount after fill and intake corrected tallies: %s", x.Note)
		}
	}
	var b strings.Builder
	r.WriteTable(&b)
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
}
