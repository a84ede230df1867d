package web

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
	"github.com/pingyi/pingyi/internal/store/storetest"
)

// TestResultsCSVNeutralisesFormulas: a member coded =1+1 (stored before
// codes were restricted) comes out of the web's results.csv as text.
func TestResultsCSVNeutralisesFormulas(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.Store) {
		f := campaignFixture(t, db, Options{})
		if _, err := db.R().Exec(context.Background(), `UPDATE members SET code = ? WHERE code = ?`, "=1+1", "M1"); err != nil {
			t.Fatal(err)
		}
		c := mkCampaign(t, f, "R1", "T1", nil)
		closeCampaign(t, f, c)
		st, body, _ := f.as("admin").do("GET", "/campaigns/R1/results.csv", nil, "")
		if st != 200 {
			t.Fatalf("csv: %d", st)
		}
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range recs {
			for _, cell := range r {
				if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "@") {
					t.Errorf("a formula cell %q in %q", cell, r)
				}
			}
			if len(r) > 1 && r[1] == "'=1+1" {
				found = true
			}
		}
		if !found {
			t.Errorf("no neutralised '=1+1 row:\n%s", body)
		}
	})
}
