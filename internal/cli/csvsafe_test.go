package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pingyi/pingyi/internal/store"
)

// TestResultsCSVNeutralisesFormulas: a member whose code is a formula
// (stored before codes were restricted at import) is written with a
// leading apostrophe in the results CSV, never as a formula.
func TestResultsCSVNeutralisesFormulas(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		s := openDB(t, dsn)
		if err := s.Tx(context.Background(), func(q store.Q) error {
			_, err := q.Exec(context.Background(), `UPDATE members SET code = ? WHERE code = ?`, "=1+1", "M11")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		ok(t, dsn, "campaign", "create", "--code", "K", "--name", "K", "--scope", "C", "--kind", "mass", "--year", "2026")
		out := ok(t, dsn, "results", "--campaign", "K").stdout
		if !strings.Contains(out, "\nmember,'=1+1,") {
			t.Errorf("the formula code is not neutralised:\n%s", out)
		}
		if strings.Contains(out, ",=1+1") {
			t.Errorf("a formula cell in the CSV:\n%s", out)
		}
	})
}
