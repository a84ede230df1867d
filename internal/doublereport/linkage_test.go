package doublereport_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

func TestLinkageLedger(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		d := seed(t, s)
		if _, err := d.ImportNeeds(ctx, "n.csv", rows(t, needsCSV), store.CLI); err != nil {
			t.Fatal(err)
		}
		// S1's projects: N1 (C1, 10 January), N4 (C2, 1 March); N2 and N3
		// are wishes; N5 is S2's. On 30 March, 30 days back is 28 February.
		for _, c := range []struct {
			day  string
			want int
		}{{"2026-02-08", 0}, {"2026-02-09", 1}, {"2026-03-30", 0}, {"2026-03-31", 1}, {"2026-12-31", 0}} {
			n, err := d.OfferUnclaimed(ctx, "S1", c.day, store.CLI)
			if err != nil || n != c.want {
				t.Errorf("offer as of %s: %d, %v; want %d", c.day, n, err, c.want)
			}
		}
		if _, err := d.OfferUnclaimed(ctx, "C1", "2026-12-31", store.CLI); !errors.Is(err, pingyi.ErrInvalid) {
			t.Errorf("a community as street: %v", err)
		}
		// An urgent problem is raised to the district at once.
		id, err := d.RaiseProblem(ctx, "S1", "U2", "停车难", true, "2026-04-01", store.CLI)
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			action, on string
			ok         bool
		}{
			{"close", "2026-04-02", false},  // not answered
			{"raise", "2026-03-31", false},  // before the last step
			{"raise", "2026-04-02", true},   // district → city
			{"raise", "2026-04-03", false},  // nothing above the city
			{"answer", "2026-04-10", true},  // the city answers
			{"raise", "2026-04-11", false},  // answered
			{"close", "2026-04-12", true},   // feedback to the unit
			{"answer", "2026-04-13", false}, // closed
		}
		for _, st := range steps {
			err := d.LinkageAct(ctx, id, st.action, st.on, "", store.CLI)
			if (err == nil) != st.ok {
				t.Errorf("%s on %s: %v", st.action, st.on, err)
			}
		}
		items, err := d.Linkage(ctx, "S1")
		if err != nil || len(items) != 3 {
			t.Fatalf("%d items, %v", len(items), err)
		}
		got := items[2]
		if got.Source != "problem" || got.RaisedBy != "U2" || got.Level != "city" || got.State != "closed" || got.StepCount != 5 || got.LastOn != "2026-04-12" || !got.Urgent {
			t.Errorf("problem item %+v", got)
		}
		if items[0].NeedCode != "N1" || items[0].Level != "street" || items[1].NeedCode != "N4" {
			t.Errorf("unclaimed items %+v", items[:2])
		}
		if err := d.LinkageAct(ctx, 42, "raise", "2026-05-01", "", store.CLI); !errors.Is(err, pingyi.ErrNotFound) {
			t.Errorf("unknown item: %v", err)
		}
	})
}
