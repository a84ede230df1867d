package cli_test

import (
	"strings"
	"testing"
	"time"
)

// `codes` for a closed campaign is refused (exit 1) with the reason, and
// issues nothing (issue 16); while it is open the same call works.
func TestCodesRefusedWhenClosed(t *testing.T) {
	eachDB(t, func(t *testing.T, dsn string) {
		loadBase(t, dsn)
		past := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
		yesterday := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
		ok(t, dsn, "campaign", "create", "--code", "OPEN", "--name", "进行中", "--scope", "C", "--kind", "mass")
		ok(t, dsn, "campaign", "create", "--code", "SHUT", "--name", "已结束", "--scope", "C", "--kind", "mass", "--opens", past, "--closes", yesterday)
		if out := ok(t, dsn, "codes", "--campaign", "OPEN", "--unit", "B1", "--category", "mass_rep", "--count", "2").stdout; strings.Count(out, "\n") != 3 {
			t.Errorf("codes of an open campaign:\n%s", out)
		}
		before := state(t, dsn)
		r := pingyi(dsn, "codes", "--campaign", "SHUT", "--unit", "B1", "--category", "mass_rep", "--count", "2")
		if r.code != 1 || !strings.Contains(r.stderr, "closed") || r.stdout != "" {
			t.Errorf("codes of a closed campaign: %v", r)
		}
		if state(t, dsn) != before {
			t.Error("a refused codes call changed the database")
		}
	})
}
