package appraisal

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// The writers of the tallies (targets' five counts, unit_tallies' ballots
// by category): the fold, the recount, the window units and bulk loads add
// to them through these.

// unitTallyKey names one row of unit_tallies.
type unitTallyKey struct {
	Campaign, Unit int64
	Category       string
}

// tallyCols are the tally columns of targets, in rules.Slot order.
var tallyCols = [5]string{"satisfied", "fairly_satisfied", "basically_satisfied", "dissatisfied", "abstain"}

// addTallies adds counts to the tallies of targets, in ID order.
//
// On PostgreSQL it sends one UPDATE … FROM a VALUES list per few hundred
// targets (round trips dominate there), having first locked the rows in ID
// order so that concurrent writers of tallies (folds in two processes, a
// recount, the window units) touching the same targets queue instead of
// deadlocking. The lock is FOR NO KEY UPDATE, what an UPDATE takes
// anyway: it does not conflict with KEY SHARE locks taken by foreign-key
// checks on targets (FOR UPDATE would).
//
// On SQLite it runs one prepared single-row UPDATE per target: there is
// no round trip to save, and SQLite's planner turns the UPDATE … FROM
// VALUES form into a scan of the whole targets table (measured: 26 ms for
// 700 targets at district scale, growing with the table).
func addTallies(ctx context.Context, q store.Q, tallies map[int64]*rules.Tally) error {
	if len(tallies) == 0 {
		return nil
	}
	ids := make([]int64, 0, len(tallies))
	for id := range tallies {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if q.Dialect() == store.SQLite {
		return store.EachPrepared(ctx, q, `UPDATE targets SET satisfied = satisfied + ?, fairly_satisfied = fairly_satisfied + ?,
			basically_satisfied = basically_satisfied + ?, dissatisfied = dissatisfied + ?, abstain = abstain + ? WHERE id = ?`,
			len(ids), func(i int) []any {
				t := tallies[ids[i]]
				return []any{t.Satisfied, t.FairlySatisfied, t.BasicallySatisfied, t.Dissatisfied, t.Abstain, ids[i]}
			})
	}
	const per = 500
	args := make([]any, 0, min(per, len(ids))*6)
	for len(ids) > 0 {
		n := min(per, len(ids))
		args = args[:0]
		for _, id := range ids[:n] {
			t := tallies[id]
			args = append(args, id, t.Satisfied, t.FairlySatisfied, t.BasicallySatisfied, t.Dissatisfied, t.Abstain)
		}
		if _, err := q.Exec(ctx, tallySQL(n), args...); err != nil { // already rebound: nothing left to rebind
			return err
		}
		ids = ids[n:]
	}
	return nil
}

var tallySQLs sync.Map // n → PostgreSQL statement

func tallySQL(n int) string {
	if s, ok := tallySQLs.Load(n); ok {
		return s.(string)
	}
	var b strings.Builder
	b.WriteString(`WITH v (id, s0, s1, s2, s3, s4) AS (VALUES `)
	const row = `(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT))`
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	b.WriteString(`), l AS (SELECT id FROM targets WHERE id IN (SELECT id FROM v) ORDER BY id FOR NO KEY UPDATE)`)
	b.WriteString(` UPDATE targets SET `)
	for i, c := range tallyCols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = %s + v.s%d", c, c, i)
	}
	b.WriteString(` FROM v JOIN l ON l.id = v.id WHERE targets.id = v.id`)
	s := store.Rebind(b.String())
	tallySQLs.Store(n, s)
	return s
}

// addUnitTallies adds ballot counts to unit_tallies (one multi-row upsert
// per few hundred units, in key order).
func addUnitTallies(ctx context.Context, q store.Q, units map[unitTallyKey]int64) error {
	if len(units) == 0 {
		return nil
	}
	keys := make([]unitTallyKey, 0, len(units))
	for k := range units {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b unitTallyKey) int {
		if c := cmp.Compare(a.Campaign, b.Campaign); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Unit, b.Unit); c != 0 {
			return c
		}
		return strings.Compare(a.Category, b.Category)
	})
	const per = 500
	for len(keys) > 0 {
		n := min(per, len(keys))
		var b strings.Builder
		b.WriteString(`INSERT INTO unit_tallies (campaign_id, unit_org_id, category, ballots) VALUES `)
		args := make([]any, 0, n*4)
		for i, k := range keys[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(`(?, ?, ?, ?)`)
			args = append(args, k.Campaign, k.Unit, k.Category, units[k])
		}
		b.WriteString(` ON CONFLICT (campaign_id, unit_org_id, category) DO UPDATE SET ballots = unit_tallies.ballots + excluded.ballots`)
		if _, err := q.Exec(ctx, b.String(), args...); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}
